//! Nearest-centre assignment, the hot loop of k-means (issue 3).
//!
//! One pass over a row-major chunk finds each row's nearest centre and, as asked, writes the
//! labels and the squared distances and accumulates the Lloyd partial (Σ w·x and Σ w per
//! centre, Σ w·d). Distances are exact differences Σⱼ (xⱼ − cⱼ)², summed in column order with
//! fused multiply-adds (no ‖x‖² − 2x·c + ‖c‖² cancellation, so always ≥ 0 and exactly 0 at a
//! centre); ties go to the lowest centre index.
//!
//! The implementations, picked at run time on x86-64, give the same labels and distances
//! bit for bit (the portable one where it is compiled with FMA; the sums differ only in the
//! order of their additions):
//! - ≤ 4 columns (`Avx512`, `Avx2`): rows in SIMD lanes (8 or 4 rows a vector, columns
//!   de-interleaved), a running minimum and index over the centres, no horizontal work. The
//!   sums are then added row by row from L1, each lane into its own copy of the accumulators,
//!   so that consecutive rows on the same centre do not wait on each other's stores.
//! - ≥ 5 columns (AVX2, and AVX-512 on CPUs that split 512-bit operations in two, as Zen 4):
//!   centres in lanes (8 a pair of AVX2 vectors), 5 rows at a time so that each centre load
//!   serves 5 rows, then a horizontal argmin per row.
//! - `Avx512Full` (full-width 512-bit units, as Zen 5): ≥ 5 columns in tiles of 8 rows with the
//!   argmin after a transpose (`full.rs`); 1 or 2 columns and up to 8 centres with the sums in
//!   registers; the rest as `Avx512`. A Lloyd pass over 2 columns and 5–8 centres that asks for
//!   no labels or distances goes through an f32 screen instead (`screen.rs`): the same labels
//!   and counts (rows it cannot decide exactly go to the exact kernel), the sums to rounding,
//!   and the inertia from the sums (to rounding, not each row's exact distance).
//! - `Portable`: the same arithmetic in plain loops (other CPUs, and a reference in tests).

use super::LloydPartial;
use crate::linalg::{as_f64, widen_into, Element};

/// Bytes of f32 input converted to an f64 scratch block at a time (a multiple of 8 rows, at
/// least 8), the next block prefetched meanwhile. Small, so that the next block arrives while
/// the kernel runs on this one: 1M x 20 f32 took 14.1 ns a row in 256-row blocks (the kernel
/// and the reads from memory took turns), 9.0 in 2 KiB ones (24 rows), against 7.2 for f64,
/// whose kernels prefetch their own rows; smaller blocks cost more per call than they save.
const BLOCK_BYTES: usize = 2048;

/// Which implementation runs; [`Path::detect`] picks the fastest the CPU has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Path {
    Portable,
    #[cfg(target_arch = "x86_64")]
    Avx2,
    /// AVX-512 on CPUs that run each 512-bit operation as two 256-bit halves (AMD Zen 4) or
    /// that we have not measured (Intel): the AVX2 kernel for many columns.
    #[cfg(target_arch = "x86_64")]
    Avx512,
    /// AVX-512 on full-width 512-bit units (AMD Zen 5): the 8-row tile kernel for many columns
    /// (`full.rs`) and the sums in registers for 1 or 2 columns and up to 8 centres.
    #[cfg(target_arch = "x86_64")]
    Avx512Full,
}

impl Path {
    /// The CPU's best path, found once; `SHOAL_KMEANS_KERNEL` (`portable`, `avx2`, `avx512`,
    /// `avx512full`) picks another the CPU can run, for comparisons.
    pub(crate) fn detect() -> Path {
        static PATH: std::sync::OnceLock<Path> = std::sync::OnceLock::new();
        *PATH.get_or_init(|| {
            let best = Path::best();
            let asked = std::env::var("SHOAL_KMEANS_KERNEL").ok();
            asked.and_then(|name| Path::available().into_iter().find(|p| format!("{p:?}").eq_ignore_ascii_case(&name))).unwrap_or(best)
        })
    }

    fn best() -> Path {
        #[cfg(target_arch = "x86_64")]
        {
            if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
                if std::is_x86_feature_detected!("avx512f") && std::is_x86_feature_detected!("avx512vl") {
                    return if crate::cpu::avx512_full_width() { Path::Avx512Full } else { Path::Avx512 };
                }
                return Path::Avx2;
            }
        }
        Path::Portable
    }

    /// Every path this CPU can run (tests compare them all).
    pub(crate) fn available() -> Vec<Path> {
        let mut v = vec![Path::Portable];
        #[cfg(target_arch = "x86_64")]
        {
            let best = Path::best();
            if matches!(best, Path::Avx2 | Path::Avx512 | Path::Avx512Full) {
                v.push(Path::Avx2);
            }
            if matches!(best, Path::Avx512 | Path::Avx512Full) {
                v.extend([Path::Avx512, Path::Avx512Full]);
            }
        }
        v
    }
}

/// The outputs of one pass; each is optional. Lengths are checked by the callers.
pub(crate) struct Outputs<'a> {
    pub weights: Option<&'a [f64]>,
    pub labels: Option<&'a mut [i32]>,
    pub dist: Option<&'a mut [f64]>,
    /// Accumulates sums, counts and inertia (a Lloyd pass) when given.
    pub acc: Option<&'a mut LloydPartial>,
}

/// The per-row outputs, indexed by absolute row.
struct Io<'a> {
    weights: Option<&'a [f64]>,
    labels: Option<&'a mut [i32]>,
    dist: Option<&'a mut [f64]>,
}

/// One implementation's state over a pass: prepared centres and its own accumulators.
trait Pass {
    /// Rows `r0..r0 + x.len() / cols` of the chunk, as f64.
    fn rows(&mut self, x: &[f64], r0: usize, io: &mut Io);
    /// Adds the accumulated sums, counts and inertia into `acc`.
    fn finish(self, acc: &mut LloydPartial);
}

/// Assigns every row of `x` (`rows x cols`, `cols ≥ 1`) to its nearest of the `k ≥ 1`
/// `centers` (`k x cols`) with `path`, writing `out`.
pub(crate) fn assign<T: Element>(path: Path, x: &[T], rows: usize, cols: usize, centers: &[f64], k: usize, out: Outputs) {
    debug_assert!(cols >= 1 && k >= 1 && x.len() == rows * cols && centers.len() == k * cols);
    let accumulate = out.acc.is_some();
    match path {
        Path::Portable => run(portable::State::new(centers, k, cols, accumulate), x, rows, cols, out),
        #[cfg(target_arch = "x86_64")]
        Path::Avx512Full if cols > 4 => run(full::State::new(centers, k, cols, accumulate), x, rows, cols, out),
        #[cfg(target_arch = "x86_64")]
        Path::Avx2 | Path::Avx512 | Path::Avx512Full => {
            let weighted = out.weights.is_some();
            let per_row = out.labels.is_some() || out.dist.is_some();
            let width = match path {
                Path::Avx2 => x86::Width::Avx2,
                Path::Avx512 => x86::Width::Avx512,
                _ => x86::Width::Avx512Full,
            };
            run(x86::State::new(width, centers, k, cols, accumulate, weighted, per_row), x, rows, cols, out)
        }
    }
}

/// Feeds `x` to `pass` as f64: the whole slice when `T` is f64, else blocks of about
/// [`BLOCK_BYTES`] widened into a scratch buffer.
fn run<T: Element, P: Pass>(mut pass: P, x: &[T], rows: usize, cols: usize, out: Outputs) {
    let Outputs { weights, labels, dist, acc } = out;
    let mut io = Io { weights, labels, dist };
    if let Some(x64) = as_f64(x) {
        pass.rows(x64, 0, &mut io);
    } else {
        let block = (BLOCK_BYTES / (cols * std::mem::size_of::<T>())).max(8) & !7;
        let mut scratch = vec![0.0; block * cols];
        let mut r0 = 0;
        while r0 < rows {
            let n = (rows - r0).min(block);
            prefetch(&x[((r0 + n) * cols).min(x.len())..((r0 + n + block) * cols).min(x.len())]);
            widen_into(&x[r0 * cols..(r0 + n) * cols], &mut scratch[..n * cols]);
            pass.rows(&scratch[..n * cols], r0, &mut io);
            r0 += n;
        }
    }
    if let Some(acc) = acc {
        pass.finish(acc);
    }
}

/// Asks for `x` in the L2 cache, a cache line at a time: the next block of f32 input, fetched
/// while the kernel runs on the current one.
fn prefetch<T>(x: &[T]) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T1};
        let bytes = std::mem::size_of_val(x);
        let p = x.as_ptr().cast::<i8>();
        let mut o = 0;
        while o < bytes {
            // SAFETY: prefetching is a hint (it never faults), and `o` stays inside `x` anyway.
            unsafe { _mm_prefetch::<_MM_HINT_T1>(p.add(o)) };
            o += 64;
        }
    }
}

/// Plain loops: centres transposed (`cols x k`) so that the loop over centres vectorises.
mod portable {
    use super::{Io, LloydPartial, Pass};

    /// Fused multiply-adds where the hardware has them (`mul_add` is a libm call otherwise).
    pub(super) const FMA: bool = cfg!(any(target_feature = "fma", target_arch = "aarch64"));

    pub(super) struct State {
        k: usize,
        cols: usize,
        ct: Vec<f64>,
        d: Vec<f64>,
        accumulate: bool,
        sums: Vec<f64>,
        counts: Vec<f64>,
        inertia: f64,
    }

    impl State {
        pub(super) fn new(centers: &[f64], k: usize, cols: usize, accumulate: bool) -> State {
            let mut ct = vec![0.0; cols * k];
            for c in 0..k {
                for j in 0..cols {
                    ct[j * k + c] = centers[c * cols + j];
                }
            }
            let n = if accumulate { k } else { 0 };
            State { k, cols, ct, d: vec![0.0; k], accumulate, sums: vec![0.0; n * cols], counts: vec![0.0; n], inertia: 0.0 }
        }
    }

    impl Pass for State {
        fn rows(&mut self, x: &[f64], r0: usize, io: &mut Io) {
            let (k, cols) = (self.k, self.cols);
            for (i, row) in x.chunks_exact(cols).enumerate() {
                let r = r0 + i;
                self.d.fill(0.0);
                for (j, &xj) in row.iter().enumerate() {
                    for (dc, cc) in self.d.iter_mut().zip(&self.ct[j * k..(j + 1) * k]) {
                        let t = xj - cc;
                        *dc = if FMA { t.mul_add(t, *dc) } else { *dc + t * t };
                    }
                }
                let (mut best, mut bd) = (0, self.d[0]);
                for (c, &dc) in self.d.iter().enumerate().skip(1) {
                    if dc < bd {
                        (best, bd) = (c, dc);
                    }
                }
                if let Some(l) = io.labels.as_deref_mut() {
                    l[r] = best as i32;
                }
                if let Some(d) = io.dist.as_deref_mut() {
                    d[r] = bd;
                }
                if self.accumulate {
                    let w = io.weights.map_or(1.0, |w| w[r]);
                    self.counts[best] += w;
                    self.inertia += w * bd;
                    for (s, v) in self.sums[best * cols..(best + 1) * cols].iter_mut().zip(row) {
                        *s += w * v;
                    }
                }
            }
        }

        fn finish(self, acc: &mut LloydPartial) {
            add_into(acc, &self.sums, &self.counts, self.inertia);
        }
    }

    pub(super) fn add_into(acc: &mut LloydPartial, sums: &[f64], counts: &[f64], inertia: f64) {
        for (a, s) in acc.sums.iter_mut().zip(sums) {
            *a += s;
        }
        for (a, c) in acc.counts.iter_mut().zip(counts) {
            *a += c;
        }
        acc.inertia += inertia;
    }
}

#[cfg(target_arch = "x86_64")]
mod full;

/// The AVX2+FMA and AVX-512 kernels.
#[cfg(target_arch = "x86_64")]
mod x86;

/// The f32-screened Lloyd pass for 2 columns and 5–8 centres (full-width AVX-512).
#[cfg(target_arch = "x86_64")]
mod screen;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::fill_normal_f64;

    pub(super) fn normal(n: usize, stream: u64) -> Vec<f64> {
        let mut v = vec![0.0; n];
        fill_normal_f64(&mut v, 11, stream, 0.0, 1.0).unwrap();
        v
    }

    /// Brute force: all distances by plain differences, the first minimum.
    pub(super) fn brute(x: &[f64], cols: usize, c: &[f64], k: usize) -> Vec<(usize, f64)> {
        x.chunks_exact(cols)
            .map(|row| {
                let d: Vec<f64> = (0..k)
                    .map(|j| row.iter().zip(&c[j * cols..(j + 1) * cols]).map(|(a, b)| (a - b) * (a - b)).sum())
                    .collect();
                let mut best = 0;
                for j in 1..k {
                    if d[j] < d[best] {
                        best = j;
                    }
                }
                (best, d[best])
            })
            .collect()
    }

    struct Run {
        part: LloydPartial,
        labels: Vec<i32>,
        dist: Vec<f64>,
    }

    fn run<T: Element>(path: Path, x: &[T], rows: usize, cols: usize, c: &[f64], k: usize, w: Option<&[f64]>) -> Run {
        let mut part = LloydPartial { sums: vec![0.0; k * cols], counts: vec![0.0; k], inertia: 0.0 };
        let mut labels = vec![-1; rows];
        let out = Outputs { weights: w, labels: Some(&mut labels), dist: None, acc: Some(&mut part) };
        assign(path, x, rows, cols, c, k, out);
        let mut dist = vec![-1.0; rows];
        let mut labels2 = vec![-1; rows];
        let out = Outputs { weights: None, labels: Some(&mut labels2), dist: Some(&mut dist), acc: None };
        assign(path, x, rows, cols, c, k, out);
        assert_eq!(labels, labels2, "{path:?}: labels with and without accumulation");
        Run { part, labels, dist }
    }

    pub(super) fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * (1.0 + a.abs().max(b.abs()))
    }

    #[test]
    fn every_path_matches_brute_force_over_shapes() {
        let mut case = 0u64;
        for cols in [1, 2, 3, 4, 5, 6, 9, 20] {
            for k in [1, 2, 3, 5, 8, 9, 16, 17, 20] {
                for rows in [1, 3, 7, 8, 9, 33, 300] {
                    case += 1;
                    let x = normal(rows * cols, case);
                    let c = normal(k * cols, 1000 + case);
                    let w: Vec<f64> = normal(rows, 2000 + case).iter().map(|v| v.abs()).collect();
                    let expect = brute(&x, cols, &c, k);
                    for path in Path::available() {
                        for weighted in [false, true] {
                            let wopt = if weighted { Some(&w[..]) } else { None };
                            let r = run(path, &x, rows, cols, &c, k, wopt);
                            let what = format!("{path:?} rows={rows} cols={cols} k={k} weighted={weighted}");
                            let mut sums = vec![0.0; k * cols];
                            let mut counts = vec![0.0; k];
                            let mut inertia = 0.0;
                            for (i, &(l, d)) in expect.iter().enumerate() {
                                assert_eq!(r.labels[i], l as i32, "{what}: label of row {i}");
                                assert!(close(r.dist[i], d), "{what}: dist of row {i}: {} vs {d}", r.dist[i]);
                                let wi = if weighted { w[i] } else { 1.0 };
                                counts[l] += wi;
                                inertia += wi * d;
                                for j in 0..cols {
                                    sums[l * cols + j] += wi * x[i * cols + j];
                                }
                            }
                            if !weighted {
                                assert_eq!(r.part.counts, counts, "{what}");
                            }
                            assert!(r.part.counts.iter().zip(&counts).all(|(a, b)| close(*a, *b)), "{what}");
                            assert!(r.part.sums.iter().zip(&sums).all(|(a, b)| close(*a, *b)), "{what}");
                            assert!(close(r.part.inertia, inertia), "{what}: {} vs {inertia}", r.part.inertia);
                        }
                    }
                }
            }
        }
    }

    /// Without labels or distances asked for, 2 columns and 5–8 centres go through the
    /// f32-screened pass on `Avx512Full` (`screen.rs`; the other tests ask for labels).
    #[test]
    fn lloyd_partials_without_labels_match_brute_force_on_every_path() {
        for (s, &(rows, cols, k)) in [(5000, 2, 8), (1500, 2, 5), (1029, 2, 7), (700, 2, 3), (999, 1, 6), (600, 3, 8)].iter().enumerate() {
            let x = normal(rows * cols, 70 + s as u64);
            let c = x[..k * cols].iter().map(|v| v + 0.01).collect::<Vec<f64>>();
            let expect = brute(&x, cols, &c, k);
            let mut counts = vec![0.0; k];
            let mut sums = vec![0.0; k * cols];
            let mut inertia = 0.0;
            for (i, &(l, d)) in expect.iter().enumerate() {
                counts[l] += 1.0;
                inertia += d;
                for j in 0..cols {
                    sums[l * cols + j] += x[i * cols + j];
                }
            }
            for path in Path::available() {
                let mut part = LloydPartial { sums: vec![0.0; k * cols], counts: vec![0.0; k], inertia: 0.0 };
                let out = Outputs { weights: None, labels: None, dist: None, acc: Some(&mut part) };
                assign(path, &x, rows, cols, &c, k, out);
                let what = format!("{path:?} rows={rows} cols={cols} k={k}");
                assert_eq!(part.counts, counts, "{what}");
                assert!(part.sums.iter().zip(&sums).all(|(a, b)| close(*a, *b)), "{what}");
                assert!(close(part.inertia, inertia), "{what}: {} vs {inertia}", part.inertia);
            }
        }
    }

    #[test]
    fn every_path_gives_the_same_labels_and_distances_bit_for_bit() {
        for (s, &(rows, cols, k)) in [(1001, 2, 8), (517, 1, 3), (259, 3, 17), (300, 4, 12), (203, 7, 20), (64, 20, 8)].iter().enumerate() {
            let x = normal(rows * cols, 50 + s as u64);
            let c = normal(k * cols, 60 + s as u64);
            // The portable path rounds the same only where it is compiled with FMA.
            let paths = Path::available().into_iter().filter(|&p| p != Path::Portable || portable::FMA);
            let runs: Vec<Run> = paths.map(|p| run(p, &x, rows, cols, &c, k, None)).collect();
            for r in &runs[1..] {
                assert_eq!(r.labels, runs[0].labels, "rows={rows} cols={cols} k={k}");
                assert!(r.dist.iter().zip(&runs[0].dist).all(|(a, b)| a.to_bits() == b.to_bits()), "rows={rows} cols={cols} k={k}");
            }
        }
    }

    /// Chunks long enough for every kernel's periodic work: the byte counters of the
    /// full-width 1-2 column kernel (flushed every 255 vectors; here every row of a long run
    /// goes to one centre, so a missed flush would wrap a counter) and the prefetching of the
    /// tile kernel.
    #[test]
    fn long_chunks_with_one_crowded_centre_on_every_path() {
        for cols in [1, 2, 3, 7] {
            for k in [3, 8] {
                let rows = 5000;
                // Rows near the origin; centre 1 at the origin, the others far away, except
                // that the last 600 rows move next to centre 0.
                let mut x: Vec<f64> = normal(rows * cols, 40 + cols as u64).iter().map(|v| 0.1 * v).collect();
                for v in &mut x[(rows - 600) * cols..] {
                    *v += 50.0;
                }
                let mut c = vec![100.0; k * cols];
                c[..cols].fill(50.0);
                c[cols..2 * cols].fill(0.0);
                let expect = brute(&x, cols, &c, k);
                let mut counts = vec![0.0; k];
                let mut sums = vec![0.0; k * cols];
                for (i, &(l, _)) in expect.iter().enumerate() {
                    counts[l] += 1.0;
                    for j in 0..cols {
                        sums[l * cols + j] += x[i * cols + j];
                    }
                }
                assert_eq!(counts[1], (rows - 600) as f64);
                for path in Path::available() {
                    let r = run(path, &x, rows, cols, &c, k, None);
                    let what = format!("{path:?} cols={cols} k={k}");
                    assert!(r.labels.iter().zip(&expect).all(|(&a, &(b, _))| a == b as i32), "{what}: labels");
                    assert_eq!(r.part.counts, counts, "{what}");
                    assert!(r.part.sums.iter().zip(&sums).all(|(a, b)| close(*a, *b)), "{what}: sums");
                }
            }
        }
    }

    #[test]
    fn ties_go_to_the_lowest_centre_on_every_path() {
        for cols in 1..=6 {
            for k in [2, 3, 8, 9, 17, 20] {
                // Centres on a small integer grid (exact arithmetic), with duplicates: centre j
                // repeats centre j % 3, so every row is tied between several centres, also
                // across the groups of 8 of the many-column kernel.
                let base: Vec<f64> = (0..3 * cols).map(|t| [(t % 5) as f64 - 2.0, 1.0, -1.0][t / cols]).collect();
                let c: Vec<f64> = (0..k).flat_map(|j| base[(j % 3) * cols..(j % 3 + 1) * cols].to_vec()).collect();
                // Rows on the same grid, including the midpoints between centres 0 and 1.
                let rows = 37;
                let x: Vec<f64> = (0..rows * cols).map(|t| ((t * 7 % 9) as f64 - 4.0) * 0.5).collect();
                let expect = brute(&x, cols, &c, k);
                for path in Path::available() {
                    let r = run(path, &x, rows, cols, &c, k, None);
                    for (i, &(l, d)) in expect.iter().enumerate() {
                        assert_eq!(r.labels[i], l as i32, "{path:?} cols={cols} k={k} row {i}");
                        assert!(l < 3 && r.dist[i] == d, "{path:?} cols={cols} k={k} row {i}");
                    }
                }
                // A row exactly between two centres: x = 0 between -1 and +1 in every column.
                let c2: Vec<f64> = [vec![1.0; cols], vec![-1.0; cols]].concat();
                for path in Path::available() {
                    let r = run(path, &vec![0.0; 9 * cols], 9, cols, &c2, 2, None);
                    assert!(r.labels.iter().all(|&l| l == 0), "{path:?} cols={cols}");
                }
            }
        }
    }

    #[test]
    fn distances_at_the_centres_are_exactly_zero() {
        for cols in [1, 2, 3, 4, 5, 12] {
            let c = normal(10 * cols, 7);
            for path in Path::available() {
                let r = run(path, &c, 10, cols, &c, 10, None);
                assert_eq!(r.dist, vec![0.0; 10], "{path:?} cols={cols}");
                assert_eq!(r.labels, (0..10).collect::<Vec<i32>>(), "{path:?} cols={cols}");
            }
        }
    }

    #[test]
    fn f32_input_equals_its_f64_widening_on_every_path() {
        for (rows, cols, k) in [(600, 2, 8), (301, 3, 5), (299, 6, 9), (101, 20, 8)] {
            let x64 = normal(rows * cols, 3);
            let x32: Vec<f32> = x64.iter().map(|&v| v as f32).collect();
            let widened: Vec<f64> = x32.iter().map(|&v| v as f64).collect();
            let c = normal(k * cols, 4);
            let w: Vec<f64> = (0..rows).map(|i| (i % 5) as f64 * 0.5).collect();
            for path in Path::available() {
                let a = run(path, &x32, rows, cols, &c, k, Some(&w));
                let b = run(path, &widened, rows, cols, &c, k, Some(&w));
                assert_eq!(a.labels, b.labels, "{path:?}");
                assert_eq!(a.dist, b.dist, "{path:?}");
                assert_eq!(a.part.counts, b.part.counts, "{path:?}");
                assert!(a.part.sums.iter().zip(&b.part.sums).all(|(p, q)| close(*p, *q)), "{path:?}");
                assert!(close(a.part.inertia, b.part.inertia), "{path:?}");
            }
        }
    }

    #[test]
    fn weights_equal_repeated_rows_on_every_path() {
        for cols in [1, 2, 3, 4, 5] {
            let x = normal(13 * cols, 21);
            let c = normal(4 * cols, 22);
            let w: Vec<f64> = (0..13).map(|i| (i % 4) as f64).collect();
            let rep: Vec<f64> = (0..13).flat_map(|i| std::iter::repeat_n(&x[i * cols..(i + 1) * cols], i % 4).flatten().copied()).collect();
            for path in Path::available() {
                let a = run(path, &x, 13, cols, &c, 4, Some(&w));
                let b = run(path, &rep, rep.len() / cols, cols, &c, 4, None);
                assert_eq!(a.part.counts, b.part.counts, "{path:?} cols={cols}");
                assert!(a.part.sums.iter().zip(&b.part.sums).all(|(p, q)| close(*p, *q)), "{path:?} cols={cols}");
                assert!(close(a.part.inertia, b.part.inertia), "{path:?} cols={cols}");
            }
        }
    }
}

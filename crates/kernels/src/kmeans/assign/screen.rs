//! The Lloyd partial for 2 columns and 5 to 8 centres with an f32 screen (full-width AVX-512).
//!
//! The exact kernel computes 8 f64 distances a row, 8 rows a vector. This one finds each row's
//! nearest centre among 16 rows a vector, in f32 and in the expanded form
//! `e_c = ‖c‖² − 2x·c` (two fused multiply-adds a centre; `‖x‖²` is the same for every centre),
//! then adds the f64 rows into their centre's sums. An f32 search can pick the wrong centre
//! when two are nearly as close, so it never decides such a row:
//!
//! - Every `e_c` is within `δ = 6u(‖x‖² + 2 max‖c‖²)` of its exact value (`u = 2⁻²⁴`; the
//!   rounding of x, c, ‖c‖² and the two fused multiply-adds give at most 4u(‖x‖² + 2‖c‖²), as
//!   `2|x·c| ≤ ‖x‖² + ‖c‖²`; the rest is margin for the f64 rounding of the exact kernel).
//! - A centre is a candidate when `e_c ≤ min e + 2δ`. The exact nearest centre is always one.
//!   When a row has one candidate, that is its nearest centre, strictly nearer than any other
//!   in the exact kernel's f64 distances too, so it is also the exact kernel's label.
//! - The candidates are counted per block of [`BLOCK_ROWS`] rows. A block where they are more
//!   than its rows (some row has a near tie), or where a row is not finite or too large for
//!   f32, is thrown away and redone by the exact kernel. So labels and counts are always
//!   exactly the exact kernel's.
//!
//! The rows are shifted by the centres' mean first (in f64), which keeps `‖x‖²` and `‖c‖²`, and
//! so δ, small for data far from the origin. The inertia is taken in the expanded form too:
//! `Σ‖x‖² − Σ_c (2c·S_c − n_c‖c‖²)` over the shifted rows and centres, the rows' squared norms
//! summed in the loop. It differs from the sum of exact distances by rounding: relative to it,
//! about 1e-16 times the ratio of the rows' spread about the centres' mean to their spread
//! about their own centres.
//!
//! Why: on Zen 5, 10M x 2 and k = 8 take 0.72–0.8 ns a row here (rows in L2 or in memory)
//! against 1.0 for the exact kernel, 1.29x in `npm run bench -- kernels`, with 0.8 % of the
//! blocks redone on normal data. The masked adds of the sums are now the largest part (0.49 ns
//! a row without them). The loop is assembly because the compiler, given the same intrinsics,
//! spilled the 8 distances, the 16 sums and the masks to the stack (0.92–1.1 ns a row); with
//! the registers assigned by hand nothing leaves them.

use std::arch::x86_64::*;

/// Rows a block: the unit that is kept or redone by the exact kernel (32 vectors of 16 rows).
/// Small, so that a near tie costs little to redo (on normal data 10M rows have about 160).
pub(super) const BLOCK_ROWS: usize = 512;

/// Centres the loop searches; fewer are padded with centres that are never candidates.
const CENTRES: usize = 8;

/// Squared norms of shifted rows at or above this (or not finite) send their block to the
/// exact kernel: below it every `e_c` stays finite in f32.
const LIMIT: f32 = 1e30;

/// e of centre `$j` into `$e`: n_j + y·b_j + x·a_j, f32, 16 rows (x in zmm5, y in zmm7).
macro_rules! e {
    ($e:literal, $j:literal) => {
        concat!(
            "vbroadcastss ", $e, ", dword ptr [{c} + 256 + 4*", $j, "]\n",
            "vfmadd231ps ", $e, ", zmm7, dword ptr [{c} + 224 + 4*", $j, "]{{1to16}}\n",
            "vfmadd231ps ", $e, ", zmm5, dword ptr [{c} + 192 + 4*", $j, "]{{1to16}}\n",
        )
    };
}

/// The candidates of the centre whose e is in `$e` (e ≤ the threshold in zmm5, into `$ka`; rows
/// 8–15 shifted into `$kb`): counted into `$count`, their f64 rows added into its sums.
macro_rules! candidate {
    ($e:literal, $sx:literal, $sy:literal, $ka:literal, $kb:literal, $count:literal) => {
        concat!(
            "vcmpps ", $ka, ", ", $e, ", zmm5, 18\n", // 18: less than or equal, ordered
            "kshiftrw ", $kb, ", ", $ka, ", 8\n",
            "kmovw {t:e}, ", $ka, "\n",
            "popcnt {t:e}, {t:e}\n",
            "add ", $count, ", {t}\n",
            "vaddpd ", $sx, " {{", $ka, "}}, ", $sx, ", zmm8\n",
            "vaddpd ", $sy, " {{", $ka, "}}, ", $sy, ", zmm9\n",
            "vaddpd ", $sx, " {{", $kb, "}}, ", $sx, ", zmm10\n",
            "vaddpd ", $sy, " {{", $kb, "}}, ", $sy, ", zmm11\n",
        )
    };
}

/// The loop's constants, at fixed offsets the assembly reads (see `block`).
#[repr(C, align(64))]
struct Consts {
    /// The shift (the centres' mean), as x, y, x, y, … to subtract from 4 interleaved rows. Offset 0.
    shift: [f64; 8],
    /// Permutations that split 8 interleaved rows into x (even) and y (odd). Offsets 64, 128.
    even: [i64; 8],
    odd: [i64; 8],
    /// −2·x and −2·y of each shifted centre, and its squared norm. Offsets 192, 224, 256.
    a: [f32; CENTRES],
    b: [f32; CENTRES],
    n: [f32; CENTRES],
    /// The threshold's terms: 2δ = `twice_delta_x`·‖x‖² + `twice_delta_c`. Offsets 288, 292.
    twice_delta_c: f32,
    twice_delta_x: f32,
    /// [`LIMIT`]. Offset 296.
    limit: f32,
}

/// The screened pass's state: its constants and what the kept blocks added up.
pub(super) struct Screen {
    consts: Box<Consts>,
    /// The shifted centres, `k x 2`.
    centred: Vec<f64>,
    k: usize,
    /// Sums of the shifted rows, per centre and column, lanes = rows (the kept blocks only).
    sums: [__m512d; 2 * CENTRES],
    counts: [u64; CENTRES],
    /// Σ‖x‖² of the shifted rows of the kept blocks, lanes = rows.
    squares: __m512d,
    /// Blocks redone by the exact kernel (for tests).
    pub(super) redone: usize,
}

impl Screen {
    /// The screen for these centres (`k x 2`, 5 ≤ k ≤ 8), or None where the CPU lacks the
    /// instructions or the centres do not fit f32 (not finite, or too far from their mean).
    pub(super) fn new(centers: &[f64], k: usize) -> Option<Screen> {
        if !(5..=CENTRES).contains(&k) || centers.len() != 2 * k {
            return None;
        }
        if !(std::is_x86_feature_detected!("avx512f") && std::is_x86_feature_detected!("popcnt")) {
            return None;
        }
        let mean = |col: usize| centers.iter().skip(col).step_by(2).sum::<f64>() / k as f64;
        let shift = [mean(0), mean(1)];
        let centred: Vec<f64> = centers.iter().enumerate().map(|(i, &v)| v - shift[i % 2]).collect();
        let norms: Vec<f64> = centred.chunks_exact(2).map(|c| c[0] * c[0] + c[1] * c[1]).collect();
        let largest = norms.iter().fold(0.0f64, |m, &v| m.max(v));
        if !(largest.is_finite() && largest < LIMIT as f64 && shift.iter().all(|s| s.is_finite())) {
            return None;
        }
        let u = 2f64.powi(-24);
        let mut consts = Box::new(Consts {
            shift: [0.0; 8],
            even: [0, 2, 4, 6, 8, 10, 12, 14],
            odd: [1, 3, 5, 7, 9, 11, 13, 15],
            // Padding centres: e = 1e38 for every finite row, above any threshold.
            a: [0.0; CENTRES],
            b: [0.0; CENTRES],
            n: [1e38; CENTRES],
            // 2δ. The last term covers the absolute error of results below f32's normal
            // range (at most 2⁻¹⁴⁹ an operation, times |2c|); it is negligible otherwise.
            twice_delta_c: (24.0 * u * largest + 2f64.powi(-120) * (1.0 + largest.sqrt())) as f32,
            twice_delta_x: (12.0 * u) as f32,
            limit: LIMIT,
        });
        for (i, s) in consts.shift.iter_mut().enumerate() {
            *s = shift[i % 2];
        }
        for (j, c) in centred.chunks_exact(2).enumerate() {
            consts.a[j] = (-2.0 * c[0]) as f32;
            consts.b[j] = (-2.0 * c[1]) as f32;
            consts.n[j] = norms[j] as f32;
        }
        // SAFETY: the CPU has AVX-512F (checked above).
        let zero = unsafe { _mm512_setzero_pd() };
        Some(Screen { consts, centred, k, sums: [zero; 2 * CENTRES], counts: [0; CENTRES], squares: zero, redone: 0 })
    }

    /// Screens `x` (row-major, 2 columns) a block at a time; `exact(rows, first)` runs the exact
    /// kernel on the rows of a block thrown away and on the last rows short of a block.
    pub(super) fn pass(&mut self, x: &[f64], mut exact: impl FnMut(&[f64], usize)) {
        let rows = x.len() / 2;
        let mut r0 = 0;
        while r0 + BLOCK_ROWS <= rows {
            let block = &x[2 * r0..2 * (r0 + BLOCK_ROWS)];
            // SAFETY: `new` checked the CPU features; `block` holds BLOCK_ROWS rows.
            let kept = unsafe { self.block(block) };
            if !kept {
                self.redone += 1;
                exact(block, r0);
            }
            r0 += BLOCK_ROWS;
        }
        if r0 < rows {
            exact(&x[2 * r0..], r0);
        }
    }

    /// One block: screens it and, unless a row had a near tie or was out of range, adds its
    /// sums, counts and squared norms. Returns whether it kept the block.
    #[target_feature(enable = "avx512f,popcnt")]
    unsafe fn block(&mut self, x: &[f64]) -> bool {
        debug_assert_eq!(x.len(), 2 * BLOCK_ROWS);
        let zero = _mm512_setzero_pd();
        let [mut s0, mut s1, mut s2, mut s3, mut s4, mut s5, mut s6, mut s7] = [zero; 8];
        let [mut s8, mut s9, mut s10, mut s11, mut s12, mut s13, mut s14, mut s15] = [zero; 8];
        let mut squares = zero;
        let [mut n0, mut n1, mut n2, mut n3, mut n4, mut n5, mut n6, mut n7] = [0u64; 8];
        let out_of_range: u32;
        // Per vector of 16 rows (4 x 64 bytes of interleaved x, y), registers:
        //   zmm8/9: x/y of rows 0–7 (f64), zmm10/11: rows 8–15; zmm5/zmm7: x/y of all 16 (f32);
        //   zmm0–4, 6, 12, 13: e of centres 0–7; zmm14: ‖x‖²; zmm5 then: the threshold;
        //   zmm16–31: the sums (centre j: x in 16 + 2j, y in 17 + 2j); k1–k4: candidate masks
        //   (rows 0–15, then 8–15 shifted down); k6: rows out of range, k7 its per-vector part;
        //   `sq` (the one register left, zmm15): Σ‖x‖² of the f64 rows.
        std::arch::asm!(
            "kxorw k6, k6, k6",
            "2:",
            // The rows 2 KiB ahead, a cache line each (1–2 % faster than the hardware
            // prefetchers alone; prefetches past the end are harmless).
            "prefetcht0 [{x} + 2048]",
            "prefetcht0 [{x} + 2112]",
            "prefetcht0 [{x} + 2176]",
            "prefetcht0 [{x} + 2240]",
            // The rows 2 KiB ahead, a cache line each (1–2 % faster than the hardware
            // prefetchers alone; prefetches past the end are harmless).
            "prefetcht0 [{x} + 2048]",
            "prefetcht0 [{x} + 2112]",
            "prefetcht0 [{x} + 2176]",
            "prefetcht0 [{x} + 2240]",
            "vmovupd zmm0, zmmword ptr [{x}]",
            "vmovupd zmm1, zmmword ptr [{x} + 64]",
            "vmovupd zmm2, zmmword ptr [{x} + 128]",
            "vmovupd zmm3, zmmword ptr [{x} + 192]",
            "vsubpd zmm0, zmm0, zmmword ptr [{c}]",
            "vsubpd zmm1, zmm1, zmmword ptr [{c}]",
            "vsubpd zmm2, zmm2, zmmword ptr [{c}]",
            "vsubpd zmm3, zmm3, zmmword ptr [{c}]",
            "vmovapd zmm8, zmmword ptr [{c} + 64]",
            "vpermi2pd zmm8, zmm0, zmm1",
            "vmovapd zmm9, zmmword ptr [{c} + 128]",
            "vpermi2pd zmm9, zmm0, zmm1",
            "vmovapd zmm10, zmmword ptr [{c} + 64]",
            "vpermi2pd zmm10, zmm2, zmm3",
            "vmovapd zmm11, zmmword ptr [{c} + 128]",
            "vpermi2pd zmm11, zmm2, zmm3",
            "vcvtpd2ps ymm5, zmm8",
            "vcvtpd2ps ymm0, zmm10",
            "vinsertf64x4 zmm5, zmm5, ymm0, 1",
            "vcvtpd2ps ymm7, zmm9",
            "vcvtpd2ps ymm1, zmm11",
            "vinsertf64x4 zmm7, zmm7, ymm1, 1",
            "vfmadd231pd {sq}, zmm8, zmm8",
            "vfmadd231pd {sq}, zmm9, zmm9",
            "vfmadd231pd {sq}, zmm10, zmm10",
            "vfmadd231pd {sq}, zmm11, zmm11",
            e!("zmm0", "0"),
            e!("zmm1", "1"),
            e!("zmm2", "2"),
            e!("zmm3", "3"),
            e!("zmm4", "4"),
            e!("zmm6", "5"),
            e!("zmm12", "6"),
            e!("zmm13", "7"),
            "vmulps zmm14, zmm7, zmm7",
            "vfmadd231ps zmm14, zmm5, zmm5",
            // Not (‖x‖² < LIMIT): too large, infinite or NaN.
            "vcmpps k7, zmm14, dword ptr [{c} + 296]{{1to16}}, 21",
            "korw k6, k6, k7",
            "vminps zmm5, zmm0, zmm1",
            "vminps zmm7, zmm2, zmm3",
            "vminps zmm5, zmm5, zmm7",
            "vminps zmm7, zmm4, zmm6",
            "vminps zmm5, zmm5, zmm7",
            "vminps zmm7, zmm12, zmm13",
            "vminps zmm5, zmm5, zmm7",
            "vaddps zmm5, zmm5, dword ptr [{c} + 288]{{1to16}}",
            "vfmadd231ps zmm5, zmm14, dword ptr [{c} + 292]{{1to16}}",
            candidate!("zmm0", "zmm16", "zmm17", "k1", "k2", "{n0}"),
            candidate!("zmm1", "zmm18", "zmm19", "k3", "k4", "{n1}"),
            candidate!("zmm2", "zmm20", "zmm21", "k1", "k2", "{n2}"),
            candidate!("zmm3", "zmm22", "zmm23", "k3", "k4", "{n3}"),
            candidate!("zmm4", "zmm24", "zmm25", "k1", "k2", "{n4}"),
            candidate!("zmm6", "zmm26", "zmm27", "k3", "k4", "{n5}"),
            candidate!("zmm12", "zmm28", "zmm29", "k1", "k2", "{n6}"),
            candidate!("zmm13", "zmm30", "zmm31", "k3", "k4", "{n7}"),
            "add {x}, 256",
            "cmp {x}, {end}",
            "jb 2b",
            "kmovw {flags:e}, k6",
            x = inout(reg) x.as_ptr() => _,
            end = in(reg) x.as_ptr().add(x.len()),
            c = in(reg) &*self.consts as *const Consts,
            sq = inout(zmm_reg) squares,
            t = out(reg) _,
            flags = out(reg) out_of_range,
            n0 = inout(reg) n0, n1 = inout(reg) n1, n2 = inout(reg) n2, n3 = inout(reg) n3,
            n4 = inout(reg) n4, n5 = inout(reg) n5, n6 = inout(reg) n6, n7 = inout(reg) n7,
            out("zmm0") _, out("zmm1") _, out("zmm2") _, out("zmm3") _, out("zmm4") _,
            out("zmm5") _, out("zmm6") _, out("zmm7") _, out("zmm8") _, out("zmm9") _,
            out("zmm10") _, out("zmm11") _, out("zmm12") _, out("zmm13") _, out("zmm14") _,
            inout("zmm16") s0, inout("zmm17") s1, inout("zmm18") s2, inout("zmm19") s3,
            inout("zmm20") s4, inout("zmm21") s5, inout("zmm22") s6, inout("zmm23") s7,
            inout("zmm24") s8, inout("zmm25") s9, inout("zmm26") s10, inout("zmm27") s11,
            inout("zmm28") s12, inout("zmm29") s13, inout("zmm30") s14, inout("zmm31") s15,
            out("k1") _, out("k2") _, out("k3") _, out("k4") _, out("k6") _, out("k7") _,
            options(nostack, readonly),
        );
        let counts = [n0, n1, n2, n3, n4, n5, n6, n7];
        if out_of_range != 0 || counts.iter().sum::<u64>() != BLOCK_ROWS as u64 {
            return false;
        }
        let block = [s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, s12, s13, s14, s15];
        for (total, s) in self.sums.iter_mut().zip(block) {
            *total = _mm512_add_pd(*total, s);
        }
        for (total, n) in self.counts.iter_mut().zip(counts) {
            *total += n;
        }
        self.squares = _mm512_add_pd(self.squares, squares);
        true
    }

    /// The kept blocks' part of the Lloyd partial: sums (`k x 2`, unshifted), counts, inertia.
    pub(super) fn result(&self) -> (Vec<f64>, Vec<u64>, f64) {
        // SAFETY: `new` checked for AVX-512F.
        let reduce = |v: __m512d| unsafe { reduce_add(v) };
        let shift = &self.consts.shift;
        let mut sums = vec![0.0; 2 * self.k];
        let mut inertia = reduce(self.squares);
        for j in 0..self.k {
            let n = self.counts[j] as f64;
            let (cx, cy) = (self.centred[2 * j], self.centred[2 * j + 1]);
            let (sx, sy) = (reduce(self.sums[2 * j]), reduce(self.sums[2 * j + 1]));
            // Σ over the centre's rows of ‖x − c‖² = Σ‖x‖² − 2c·Σx + n‖c‖² (shifted).
            inertia += n * (cx * cx + cy * cy) - 2.0 * (cx * sx + cy * sy);
            sums[2 * j] = sx + n * shift[0];
            sums[2 * j + 1] = sy + n * shift[1];
        }
        // A sum of squares: rounding must not make it negative.
        (sums, self.counts[..self.k].to_vec(), inertia.max(0.0))
    }
}

#[target_feature(enable = "avx512f")]
unsafe fn reduce_add(v: __m512d) -> f64 {
    _mm512_reduce_add_pd(v)
}

#[cfg(test)]
mod tests {
    use super::super::tests;
    use super::*;
    use std::mem::offset_of;

    fn normal(n: usize, stream: u64, scale: f64, offset: f64) -> Vec<f64> {
        tests::normal(n, stream).iter().map(|a| a * scale + offset).collect()
    }

    /// The Lloyd partial, from `assign`'s brute force (plain differences, the first minimum).
    #[derive(Debug)]
    struct Partial {
        sums: Vec<f64>,
        counts: Vec<u64>,
        inertia: f64,
    }

    fn brute_into(x: &[f64], c: &[f64], p: &mut Partial) {
        for (row, (l, d)) in x.chunks_exact(2).zip(tests::brute(x, 2, c, c.len() / 2)) {
            p.sums[2 * l] += row[0];
            p.sums[2 * l + 1] += row[1];
            p.counts[l] += 1;
            p.inertia += d;
        }
    }

    fn brute(x: &[f64], c: &[f64]) -> Partial {
        let k = c.len() / 2;
        let mut p = Partial { sums: vec![0.0; 2 * k], counts: vec![0; k], inertia: 0.0 };
        brute_into(x, c, &mut p);
        p
    }

    /// The screened pass with brute force for the blocks it hands back, and how many it did.
    fn screened(x: &[f64], c: &[f64]) -> Option<(Partial, usize)> {
        let mut screen = Screen::new(c, c.len() / 2)?;
        let mut exact = Partial { sums: vec![0.0; c.len()], counts: vec![0; c.len() / 2], inertia: 0.0 };
        let mut next = 0;
        screen.pass(x, |rows, first| {
            assert!(first >= next && first % BLOCK_ROWS == 0, "blocks in order, whole");
            next = first + rows.len() / 2;
            brute_into(rows, c, &mut exact);
        });
        let (sums, counts, inertia) = screen.result();
        let p = Partial {
            sums: sums.iter().zip(&exact.sums).map(|(a, b)| a + b).collect(),
            counts: counts.iter().zip(&exact.counts).map(|(a, b)| a + b).collect(),
            inertia: inertia + exact.inertia,
        };
        Some((p, screen.redone))
    }

    fn check(x: &[f64], c: &[f64], what: &str) -> usize {
        let Some((got, redone)) = screened(x, c) else {
            panic!("{what}: the screen did not run (CPU without AVX-512F?)")
        };
        let want = brute(x, c);
        assert_eq!(got.counts, want.counts, "{what}");
        assert!(got.sums.iter().zip(&want.sums).all(|(a, b)| tests::close(*a, *b)), "{what}: {got:?} vs {want:?}");
        assert!(tests::close(got.inertia, want.inertia), "{what}: {got:?} vs {want:?}");
        redone
    }

    fn avx512() -> bool {
        let ok = std::is_x86_feature_detected!("avx512f") && std::is_x86_feature_detected!("popcnt");
        if !ok {
            eprintln!("skipped: this CPU has no AVX-512F");
        }
        ok
    }

    #[test]
    fn screened_partial_equals_brute_force_and_keeps_most_blocks() {
        if !avx512() {
            return;
        }
        for k in 5..=8 {
            for (rows, scale, offset) in [(20 * BLOCK_ROWS + 77, 1.0, 0.0), (7 * BLOCK_ROWS, 1e-3, 1e6), (3 * BLOCK_ROWS + 1, 1e5, -3.0)] {
                let x = normal(2 * rows, k as u64, scale, offset);
                let c = x[2 * 1000..2 * (1000 + k)].to_vec();
                let what = format!("k={k} rows={rows} scale={scale} offset={offset}");
                let redone = check(&x, &c, &what);
                assert!(redone <= rows / BLOCK_ROWS / 5, "{what}: {redone} blocks redone");
            }
        }
        // Fewer rows than a block: all by the exact kernel.
        let x = normal(2 * 100, 9, 1.0, 0.0);
        assert_eq!(check(&x, &x[..16], "100 rows"), 0);
    }

    #[test]
    fn near_ties_and_rows_out_of_range_send_their_block_to_the_exact_kernel() {
        if !avx512() {
            return;
        }
        // Centres 0 and 1 at (∓1, 0): rows near x = 0 are near ties between them.
        let c = [-1.0, 0.0, 1.0, 0.0, 0.0, 5.0, 0.0, -5.0, 9.0, 9.0];
        let rows = 8 * BLOCK_ROWS;
        let mut x = normal(2 * rows, 3, 0.5, 0.0);
        // One near tie in block 1 (1e-9 off the bisector: the f32 screen cannot tell; the
        // exact kernel can), an exact tie in block 3, a NaN row in block 5, a row too large
        // for f32 in block 6.
        x[2 * (BLOCK_ROWS + 10)] = 1e-9;
        x[2 * (3 * BLOCK_ROWS + 7)] = 0.0;
        x[2 * (6 * BLOCK_ROWS + 1) + 1] = 1e30;
        let redone = check(&x, &c, "near ties");
        assert!(redone >= 3, "{redone}");
        x[2 * (5 * BLOCK_ROWS + 3)] = f64::NAN;
        let (got, redone) = screened(&x, &c).unwrap();
        assert_eq!(got.counts, brute(&x, &c).counts, "a NaN row goes to centre 0, as in the exact kernel");
        assert!(redone >= 4, "{redone}");
        // Many rows 1e-3 to 1e-9 either side of the bisector, at all distances from the axis.
        let y = normal(rows, 5, 3.0, 0.0);
        let offsets = [1e-3, -1e-3, 1e-5, -1e-5, 1e-6, -1e-6, 1e-7, -1e-7, 1e-9, -1e-9, 3e-8, -3e-8];
        let x: Vec<f64> = y.iter().enumerate().flat_map(|(i, &y)| [offsets[i % offsets.len()], y]).collect();
        check(&x, &c, "rows along the bisector");
        // Every row tied: centre 4 repeats centre 0, so every block is redone.
        let c = [-1.0, 0.0, 1.0, 0.0, 0.0, 5.0, 0.0, -5.0, -1.0, 0.0];
        let x = normal(2 * rows, 4, 0.5, -1.0);
        assert_eq!(check(&x, &c, "duplicate centre"), 8);
    }

    #[test]
    fn rows_at_their_centres_give_an_inertia_of_about_zero_and_never_below() {
        if !avx512() {
            return;
        }
        let c = normal(16, 6, 10.0, 100.0);
        let x: Vec<f64> = (0..4 * BLOCK_ROWS).flat_map(|i| [c[2 * (i % 8)], c[2 * (i % 8) + 1]]).collect();
        let (got, redone) = screened(&x, &c).unwrap();
        assert_eq!(redone, 0);
        assert_eq!(got.counts, vec![BLOCK_ROWS as u64 / 2; 8]);
        assert!((0.0..1e-9).contains(&got.inertia), "{}", got.inertia);
    }

    #[test]
    fn centres_that_do_not_fit_f32_or_too_few_leave_the_exact_kernel_to_it() {
        assert!(Screen::new(&[0.0, 0.0, 1.0, 1.0, 2.0, 2.0, 3.0, 3.0, 1e20, 0.0], 5).is_none());
        assert!(Screen::new(&[0.0, 0.0, 1.0, 1.0, 2.0, 2.0, 3.0, 3.0, f64::NAN, 0.0], 5).is_none());
        assert!(Screen::new(&[0.0, 0.0, 1.0, 1.0, 2.0, 2.0, 3.0, 3.0], 4).is_none());
        assert!(Screen::new(&[0.0; 18], 9).is_none());
    }

    #[test]
    fn the_constants_sit_where_the_assembly_reads_them() {
        assert_eq!(
            [offset_of!(Consts, shift), offset_of!(Consts, even), offset_of!(Consts, odd), offset_of!(Consts, a)],
            [0, 64, 128, 192]
        );
        assert_eq!([offset_of!(Consts, b), offset_of!(Consts, n), offset_of!(Consts, twice_delta_c)], [224, 256, 288]);
        assert_eq!([offset_of!(Consts, twice_delta_x), offset_of!(Consts, limit)], [292, 296]);
    }
}

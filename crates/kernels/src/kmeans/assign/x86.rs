//! The AVX2+FMA and AVX-512 kernels (`Path::Avx2`, `Path::Avx512`, and `Path::Avx512Full` for
//! ≤ 4 columns): see the module above for what each does.

use super::portable::add_into;
use super::screen::Screen;
use super::{Io, LloydPartial, Pass};
use std::arch::x86_64::*;

/// Past this many centres the small-cols kernel keeps one copy of its accumulators (one per
/// lane would crowd L1).
const MAX_COPIES_K: usize = 64;

/// The vector width the small-cols kernel uses, and whether 512-bit units are full width.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Width {
    Avx2,
    Avx512,
    Avx512Full,
}

pub(super) struct State {
    /// AVX-512 (8 rows a vector) for the small-cols kernel; AVX2 otherwise.
    wide: bool,
    /// Full-width AVX-512: 1 or 2 columns, up to 8 centres, unweighted, accumulate in
    /// registers ([`small_in_registers`]).
    in_registers: bool,
    k: usize,
    cols: usize,
    accumulate: bool,
    /// Small cols: centres row-major, padded with +inf centres to the unrolled count.
    /// Large cols: groups of 8 centres, column-major inside a group, `(g*cols + j)*8 + lane`.
    c: Vec<f64>,
    /// Centres in `c` (a multiple of 8 for large cols).
    kp: usize,
    /// Small cols: copies of the accumulators (a power of two), entry `c·copies + copy`
    /// of `stride` values: the sums, then the count at [`count_lane`].
    copies: usize,
    acc: Vec<f64>,
    /// The counts in `acc` are integers (their bits), not f64: unweighted.
    int_counts: bool,
    /// Full-width AVX-512, 2 columns, 5–8 centres, unweighted, no labels or distances asked
    /// for: the f32-screened Lloyd pass (`screen.rs`), which then takes every row.
    screen: Option<Box<Screen>>,
    /// Large cols: sums (`k x cols`) and counts.
    sums: Vec<f64>,
    counts: Vec<f64>,
    inertia: f64,
}

/// Values per accumulator entry of the small-cols kernel, and where its count sits.
fn stride(cols: usize) -> usize {
    match cols {
        1 => 2,
        2 | 3 => 4,
        _ => 8,
    }
}
fn count_lane(cols: usize) -> usize {
    cols
}

impl State {
    /// `per_row`: the pass writes labels or distances (so it cannot take the screen).
    pub(super) fn new(width: Width, centers: &[f64], k: usize, cols: usize, accumulate: bool, weighted: bool, per_row: bool) -> State {
        let wide = width != Width::Avx2;
        let mut st = State {
            wide,
            in_registers: width == Width::Avx512Full && accumulate && !weighted && cols <= 2 && k <= 8,
            k,
            cols,
            accumulate,
            c: Vec::new(),
            kp: 0,
            copies: 1,
            acc: Vec::new(),
            int_counts: false,
            screen: None,
            sums: Vec::new(),
            counts: Vec::new(),
            inertia: 0.0,
        };
        if st.in_registers && cols == 2 && !per_row && screen_enabled() {
            st.screen = Screen::new(centers, k).map(Box::new);
        }
        if cols <= 4 {
            st.kp = small_unroll(k).max(k);
            st.c = vec![f64::INFINITY; st.kp * cols];
            st.c[..k * cols].copy_from_slice(centers);
            if accumulate {
                st.copies = if k <= MAX_COPIES_K { if wide { 8 } else { 4 } } else { 1 };
                st.acc = vec![0.0; st.copies * k * stride(cols)];
                st.int_counts = !weighted;
            }
        } else {
            st.kp = k.div_ceil(8) * 8;
            st.c = vec![f64::INFINITY; st.kp * cols];
            for c in 0..k {
                let (g, lane) = (c / 8, c % 8);
                for j in 0..cols {
                    st.c[(g * cols + j) * 8 + lane] = centers[c * cols + j];
                }
            }
            if accumulate {
                st.sums = vec![0.0; k * cols];
                st.counts = vec![0.0; k];
            }
        }
        st
    }
}

/// Whether the f32-screened pass may run: `SHOAL_KMEANS_SCREEN=0` turns it off, to compare it
/// with the exact kernel on the same machine.
fn screen_enabled() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| std::env::var("SHOAL_KMEANS_SCREEN").map_or(true, |v| v != "0"))
}

/// The centre count the small-cols kernel unrolls to (padding with +inf centres, which
/// are never nearest), or 0 for a loop over any `k`.
fn small_unroll(k: usize) -> usize {
    match k {
        1..=4 => 4,
        5..=8 => 8,
        9..=16 => 16,
        _ => 0,
    }
}

impl Pass for State {
    fn rows(&mut self, x: &[f64], r0: usize, io: &mut Io) {
        if let Some(mut screen) = self.screen.take() {
            // SAFETY: as below; `screen` exists only for `Width::Avx512Full`.
            screen.pass(x, |rows, first| unsafe { small_avx512(self, rows, r0 + first, io) });
            self.screen = Some(screen);
            return;
        }
        // SAFETY: `State::new` is only called for `Path::Avx2`/`Path::Avx512`, which
        // `Path::detect` returns only when the CPU has those features.
        unsafe {
            if self.cols > 4 {
                large_avx2(self, x, r0, io);
            } else if self.wide {
                small_avx512(self, x, r0, io);
            } else {
                small_avx2(self, x, r0, io);
            }
        }
    }

    fn finish(self, acc: &mut LloydPartial) {
        if let Some(screen) = &self.screen {
            let (sums, counts, inertia) = screen.result();
            for (a, s) in acc.sums.iter_mut().zip(sums) {
                *a += s;
            }
            for (a, n) in acc.counts.iter_mut().zip(counts) {
                *a += n as f64;
            }
            acc.inertia += inertia;
        }
        if self.cols > 4 {
            add_into(acc, &self.sums, &self.counts, self.inertia);
            return;
        }
        let (cols, e) = (self.cols, stride(self.cols));
        for (i, v) in self.acc.chunks_exact(e).enumerate() {
            let c = i / self.copies;
            for (a, s) in acc.sums[c * cols..(c + 1) * cols].iter_mut().zip(v) {
                *a += s;
            }
            let count = v[count_lane(cols)];
            acc.counts[c] += if self.int_counts { count.to_bits() as f64 } else { count };
        }
        acc.inertia += self.inertia;
    }
}

#[target_feature(enable = "avx2,fma")]
unsafe fn small_avx2(st: &mut State, x: &[f64], r0: usize, io: &mut Io) {
    small_dispatch::<Avx2>(st, x, r0, io);
}

#[target_feature(enable = "avx512f,avx512vl,avx2,fma")]
unsafe fn small_avx512(st: &mut State, x: &[f64], r0: usize, io: &mut Io) {
    small_dispatch::<Avx512>(st, x, r0, io);
}

/// Monomorphises the small-cols kernel over columns, unrolled centres, weights and
/// whether it accumulates.
#[inline(always)]
unsafe fn small_dispatch<L: Lanes>(st: &mut State, x: &[f64], r0: usize, io: &mut Io) {
    macro_rules! by_k {
        ($d:literal, $w:literal, $a:literal) => {
            match small_unroll(st.k) {
                4 => small::<L, $d, 4, $w, $a>(st, x, r0, io),
                8 => small::<L, $d, 8, $w, $a>(st, x, r0, io),
                16 => small::<L, $d, 16, $w, $a>(st, x, r0, io),
                _ => small::<L, $d, 0, $w, $a>(st, x, r0, io),
            }
        };
    }
    macro_rules! by_d {
        ($w:literal, $a:literal) => {
            match st.cols {
                1 => by_k!(1, $w, $a),
                2 => by_k!(2, $w, $a),
                3 => by_k!(3, $w, $a),
                _ => by_k!(4, $w, $a),
            }
        };
    }
    if L::N == 8 && st.in_registers {
        match (st.cols, small_unroll(st.k)) {
            (1, 4) => small_in_registers::<1, 4>(st, x, r0, io),
            (1, _) => small_in_registers::<1, 8>(st, x, r0, io),
            (_, 4) => small_in_registers::<2, 4>(st, x, r0, io),
            _ => small_in_registers::<2, 8>(st, x, r0, io),
        }
        return;
    }
    match (st.accumulate, io.weights.is_some()) {
        (false, _) => by_d!(false, false),
        (true, false) => by_d!(false, true),
        (true, true) => by_d!(true, true),
    }
}

/// Rows in lanes: `L::N` rows a vector, `D` de-interleaved column vectors; for each centre
/// the exact distance, a running minimum and the index of the first centre reaching it.
/// `KC` centres unrolled (0: a loop over `k`), `W` weights, `ACC` accumulate.
#[inline(always)]
unsafe fn small<L: Lanes, const D: usize, const KC: usize, const W: bool, const ACC: bool>(
    st: &mut State,
    x: &[f64],
    r0: usize,
    io: &mut Io,
) {
    let n = x.len() / D;
    let mut cx = Ctx::<L> {
        c: st.c.as_ptr(),
        kk: if KC > 0 { KC } else { st.k },
        off_shift: st.copies.trailing_zeros() + (stride(D) * 8).trailing_zeros(),
        lane_off: L::load_i(lane_offsets(st.copies, D).as_ptr()),
        acc: st.acc.as_mut_ptr(),
        lab_out: io.labels.as_deref_mut().map_or(std::ptr::null_mut(), |l| l.as_mut_ptr().add(r0)),
        dist_out: io.dist.as_deref_mut().map_or(std::ptr::null_mut(), |d| d.as_mut_ptr().add(r0)),
        inert: L::zero(),
        prev_off: [[0; 8]; 2],
        prev_x: [std::ptr::null(); 2],
        prev_w: [std::ptr::null(); 2],
        prev_valid: [0; 2],
        slot: 0,
    };
    let w = if W { io.weights.unwrap_or(&[]).as_ptr().add(r0) } else { std::ptr::null() };
    let mut i = 0;
    while i + L::N <= n {
        small_vector::<L, D, KC, W, ACC>(&mut cx, x.as_ptr().add(i * D), if W { w.add(i) } else { w }, i, L::N);
        i += L::N;
    }
    if i < n {
        // The last rows, zero-padded to a whole vector.
        let valid = n - i;
        let mut xt = [0.0; 32];
        xt[..valid * D].copy_from_slice(&x[i * D..]);
        let mut wt = [0.0; 8];
        if W {
            std::ptr::copy_nonoverlapping(w.add(i), wt.as_mut_ptr(), valid);
        }
        small_vector::<L, D, KC, W, ACC>(&mut cx, xt.as_ptr(), wt.as_ptr(), i, valid);
    }
    if ACC {
        let sl = cx.slot;
        small_sums::<L, D, W>(&mut cx, sl);
        small_sums::<L, D, W>(&mut cx, sl ^ 1);
        st.inertia += L::hsum(cx.inert);
    }
}

/// Full-width AVX-512, 1 or 2 columns, up to 8 centres, unweighted: the sums in registers
/// (a vector per centre and column, lanes = rows; one masked add per centre and column and 8
/// rows) and the counts in byte counters (each lane's u64 holds 8 counts of up to 255, one
/// per centre), instead of the row-by-row adds into memory. On Zen 5 the row-by-row adds cost
/// more than the search; on Zen 4 these masked adds took the add pipes the search fills (0.7x).
#[inline(always)]
unsafe fn small_in_registers<const D: usize, const KC: usize>(st: &mut State, x: &[f64], r0: usize, io: &mut Io) {
    let n = x.len() / D;
    let c = st.c.as_ptr();
    let mut acc = Registers::<D, KC> {
        sums: [[_mm512_setzero_pd(); D]; KC],
        bytes: _mm512_setzero_si512(),
        inertia: _mm512_setzero_pd(),
    };
    let mut counts = [0u64; 8];
    let labels = io.labels.as_deref_mut().map_or(std::ptr::null_mut(), |l| l.as_mut_ptr().add(r0));
    let mut i = 0;
    let mut since_flush = 0;
    // One vector behind: the rows of vector i are added while vector i + 1 is searched, so
    // that the adds do not wait for the end of the search's chain of minimums (1.03x).
    let mut prev = (_mm512_set1_epi64(-1), [_mm512_setzero_pd(); D]);
    while i + 8 <= n {
        let (idx, xs) = search_vector::<D, KC>(x.as_ptr().add(i * D), c, 0xFF, &mut acc);
        registers_add::<D, KC>(prev.0, &prev.1, &mut acc);
        prev = (idx, xs);
        if !labels.is_null() {
            Avx512::store_labels(labels.add(i), idx);
        }
        i += 8;
        since_flush += 1;
        if since_flush == 255 {
            flush_bytes(&mut acc.bytes, &mut counts);
            since_flush = 0;
        }
    }
    registers_add::<D, KC>(prev.0, &prev.1, &mut acc);
    if i < n {
        // The last rows, zero-padded; their labels are −1 past `valid`, so none is added.
        let valid = n - i;
        let mut xt = [0.0; 16];
        xt[..valid * D].copy_from_slice(&x[i * D..]);
        let (idx, xs) = search_vector::<D, KC>(xt.as_ptr(), c, ((1u32 << valid) - 1) as u8, &mut acc);
        registers_add::<D, KC>(idx, &xs, &mut acc);
        if !labels.is_null() {
            let mut t = [0i32; 8];
            Avx512::store_labels(t.as_mut_ptr(), idx);
            std::ptr::copy_nonoverlapping(t.as_ptr(), labels.add(i), valid);
        }
    }
    flush_bytes(&mut acc.bytes, &mut counts);
    // Into copy 0 of each centre's accumulator entry (the counts as integer bits). Constant
    // indices only (`KC`, `D`): any other indexing of `acc.sums` makes the compiler keep it
    // in memory instead of registers, and every masked add a load and a store (0.85x).
    let e = stride(D);
    #[allow(clippy::needless_range_loop)]
    for j in 0..KC {
        if j < st.k {
            let entry = &mut st.acc[j * st.copies * e..];
            for m in 0..D {
                entry[m] += _mm512_reduce_add_pd(acc.sums[j][m]);
            }
            entry[D] = f64::from_bits(entry[D].to_bits() + counts[j]);
        }
    }
    st.inertia += _mm512_reduce_add_pd(acc.inertia);
}

/// The accumulators of [`small_in_registers`].
struct Registers<const D: usize, const KC: usize> {
    sums: [[__m512d; D]; KC],
    bytes: __m512i,
    inertia: __m512d,
}

/// One vector of 8 rows at `xp` (lanes outside `keep` are padding): their nearest centres,
/// with their distances added into the inertia and their counts into the byte counters.
/// Returns the labels (−1 outside `keep`) and the rows' columns.
#[inline(always)]
unsafe fn search_vector<const D: usize, const KC: usize>(xp: *const f64, c: *const f64, keep: u8, acc: &mut Registers<D, KC>) -> (__m512i, [__m512d; D]) {
    let (best, idx) = nearest::<Avx512, D, KC>(xp, c, KC);
    acc.inertia = _mm512_add_pd(acc.inertia, _mm512_maskz_mov_pd(keep, best));
    // 1 << (8·label): the byte of the row's centre.
    let one_byte = _mm512_sllv_epi64(_mm512_set1_epi64(1), _mm512_slli_epi64::<3>(idx));
    acc.bytes = _mm512_mask_add_epi64(acc.bytes, keep, acc.bytes, one_byte);
    (_mm512_mask_mov_epi64(_mm512_set1_epi64(-1), keep, idx), Avx512::load_t::<D>(xp))
}

/// Adds each row of `xs` into the sums of its centre `idx` (lanes with index −1: none).
#[inline(always)]
unsafe fn registers_add<const D: usize, const KC: usize>(idx: __m512i, xs: &[__m512d; D], acc: &mut Registers<D, KC>) {
    for (j, sums) in acc.sums.iter_mut().enumerate() {
        let on_j = _mm512_cmpeq_epi64_mask(idx, _mm512_set1_epi64(j as i64));
        for (s, &xm) in sums.iter_mut().zip(xs) {
            *s = _mm512_mask_add_pd(*s, on_j, *s, xm);
        }
    }
}

/// Adds the byte counters into `counts` and clears them.
#[inline(always)]
unsafe fn flush_bytes(bytes: &mut __m512i, counts: &mut [u64; 8]) {
    for (j, c) in counts.iter_mut().enumerate() {
        let b = _mm512_and_si512(_mm512_srl_epi64(*bytes, _mm_cvtsi32_si128(8 * j as i32)), _mm512_set1_epi64(0xFF));
        *c += _mm512_reduce_add_epi64(b) as u64;
    }
    *bytes = _mm512_setzero_si512();
}

/// What [`small_vector`] reads and writes (raw pointers: the loop is hot and bounds are
/// checked by the callers).
struct Ctx<L: Lanes> {
    c: *const f64,
    kk: usize,
    /// Byte offset of a row's accumulator entry: `(label << off_shift) + lane_off[lane]`.
    off_shift: u32,
    lane_off: L::I,
    acc: *mut f64,
    lab_out: *mut i32,
    dist_out: *mut f64,
    inert: L::F,
    prev_off: [[i64; 8]; 2],
    prev_x: [*const f64; 2],
    prev_w: [*const f64; 2],
    prev_valid: [usize; 2],
    slot: usize,
}

/// One vector of rows at `xp` (weights at `wp`), rows `i..` of the block: the nearest
/// centres, then the outputs and the accumulation of its first `valid` rows.
#[inline(always)]
unsafe fn small_vector<L: Lanes, const D: usize, const KC: usize, const W: bool, const ACC: bool>(
    cx: &mut Ctx<L>,
    xp: *const f64,
    wp: *const f64,
    i: usize,
    valid: usize,
) {
    // AVX2: the unrolled count itself, as `cx.kk` is read from memory (the context is indexed
    // by slot) and keeps the centre loop rolled; unrolled measured 5-9 % faster there (2
    // columns, k = 8) and 1-3 % slower with AVX-512, which keeps the loop.
    let kk = if KC > 0 && L::N == 4 { KC } else { cx.kk };
    let (best, idx) = nearest::<L, D, KC>(xp, cx.c, kk);
    let full = valid == L::N;
    if !cx.lab_out.is_null() {
        if full {
            L::store_labels(cx.lab_out.add(i), idx);
        } else {
            let mut t = [0i32; 8];
            L::store_labels(t.as_mut_ptr(), idx);
            std::ptr::copy_nonoverlapping(t.as_ptr(), cx.lab_out.add(i), valid);
        }
    }
    if !cx.dist_out.is_null() {
        if full {
            L::store(cx.dist_out.add(i), best);
        } else {
            let mut t = [0.0; 8];
            L::store(t.as_mut_ptr(), best);
            std::ptr::copy_nonoverlapping(t.as_ptr(), cx.dist_out.add(i), valid);
        }
    }
    if ACC {
        let b = if full { best } else { L::keep_first(best, valid) };
        cx.inert = if W { L::fma(b, L::load(wp), cx.inert) } else { L::add(cx.inert, b) };
        // The sums of the previous vector's rows: its offsets were stored a vector ago, so
        // their loads do not wait on this vector's store (and the two overlap).
        let sl = cx.slot;
        small_sums::<L, D, W>(cx, sl);
        L::store_i(cx.prev_off[sl].as_mut_ptr(), L::offsets(idx, cx.off_shift, cx.lane_off));
        (cx.prev_x[sl], cx.prev_w[sl], cx.prev_valid[sl]) = (xp, wp, valid);
        cx.slot ^= 1;
        if !full {
            small_sums::<L, D, W>(cx, sl ^ 1);
            small_sums::<L, D, W>(cx, sl);
        }
    }
}

/// Adds the rows of the vector held in `cx.prev_*` into the accumulators.
#[inline(always)]
unsafe fn small_sums<L: Lanes, const D: usize, const W: bool>(cx: &mut Ctx<L>, sl: usize) {
    let one = |r: usize| {
        let dst = cx.acc.byte_add(cx.prev_off[sl][r] as usize);
        let wr = if W { *cx.prev_w[sl].add(r) } else { 1.0 };
        (dst, cx.prev_x[sl].add(r * D), wr)
    };
    if cx.prev_valid[sl] == L::N {
        for r in 0..L::N {
            let (dst, xp, wr) = one(r);
            add_row::<D, W>(dst, xp, wr);
        }
    } else {
        for r in 0..cx.prev_valid[sl] {
            let (dst, xp, wr) = one(r);
            add_row::<D, W>(dst, xp, wr);
        }
    }
    cx.prev_valid[sl] = 0;
}

/// Nearest of the centres `c` (`kk x D`, row-major) to the `L::N` rows at `xp`: the
/// squared distance and the centre index per lane.
#[inline(always)]
unsafe fn nearest<L: Lanes, const D: usize, const KC: usize>(xp: *const f64, c: *const f64, kk: usize) -> (L::F, L::I) {
    let xs = L::load_t::<D>(xp);
    let mut best = sq_dist::<L, D>(&xs, c);
    let mut idx = L::zero_i();
    for j in 1..kk {
        let d = sq_dist::<L, D>(&xs, c.add(j * D));
        let m = L::lt(d, best);
        best = L::min(d, best);
        idx = L::take(m, idx, j);
    }
    (best, idx)
}

/// The byte offset of each lane's copy inside an accumulator entry group.
fn lane_offsets(copies: usize, cols: usize) -> [i64; 8] {
    let mut o = [0i64; 8];
    for (r, v) in o.iter_mut().enumerate() {
        *v = ((r & (copies - 1)) * stride(cols) * 8) as i64;
    }
    o
}

/// Σ (xs − centre)², in column order with fused multiply-adds (no closures here: they would
/// not inherit the caller's target features, and the intrinsics would become calls).
#[inline(always)]
unsafe fn sq_dist<L: Lanes, const D: usize>(xs: &[L::F; D], centre: *const f64) -> L::F {
    let t = L::sub(xs[0], L::splat(*centre));
    let mut d = L::mul(t, t);
    for (m, &xm) in xs.iter().enumerate().skip(1) {
        let t = L::sub(xm, L::splat(*centre.add(m)));
        d = L::fma(t, t, d);
    }
    d
}

/// Adds the row at `xp` into the accumulator entry at `dst`: `w·x` into the sums and `w`
/// into the count lane; unweighted, `x` and an integer 1 (an integer add on the count's
/// bits keeps the FP pipes, which the distances fill, free).
#[inline(always)]
unsafe fn add_row<const D: usize, const W: bool>(dst: *mut f64, xp: *const f64, w: f64) {
    if W {
        let v = match D {
            1 => _mm256_setr_pd(*xp, 1.0, 0.0, 0.0),
            2 => _mm256_insertf128_pd::<1>(_mm256_castpd128_pd256(_mm_loadu_pd(xp)), _mm_setr_pd(1.0, 0.0)),
            3 => _mm256_insertf128_pd::<1>(_mm256_castpd128_pd256(_mm_loadu_pd(xp)), _mm_loadl_pd(_mm_setr_pd(0.0, 1.0), xp.add(2))),
            _ => _mm256_loadu_pd(xp),
        };
        let v = _mm256_mul_pd(v, _mm256_set1_pd(w));
        if D == 1 {
            _mm_storeu_pd(dst, _mm_add_pd(_mm_loadu_pd(dst), _mm256_castpd256_pd128(v)));
        } else {
            _mm256_storeu_pd(dst, _mm256_add_pd(_mm256_loadu_pd(dst), v));
        }
        if D == 4 {
            *dst.add(4) += w;
        }
        return;
    }
    match D {
        1 => *dst += *xp,
        2 => _mm_storeu_pd(dst, _mm_add_pd(_mm_loadu_pd(dst), _mm_loadu_pd(xp))),
        3 => {
            _mm_storeu_pd(dst, _mm_add_pd(_mm_loadu_pd(dst), _mm_loadu_pd(xp)));
            *dst.add(2) += *xp.add(2);
        }
        _ => _mm256_storeu_pd(dst, _mm256_add_pd(_mm256_loadu_pd(dst), _mm256_loadu_pd(xp))),
    }
    *dst.add(D).cast::<u64>() += 1;
}

/// The vector operations the small-cols kernel needs, at 4 (AVX2) or 8 (AVX-512) rows.
trait Lanes {
    const N: usize;
    type F: Copy;
    type I: Copy;
    type M: Copy;
    unsafe fn zero() -> Self::F;
    unsafe fn splat(v: f64) -> Self::F;
    unsafe fn load(p: *const f64) -> Self::F;
    unsafe fn store(p: *mut f64, v: Self::F);
    unsafe fn add(a: Self::F, b: Self::F) -> Self::F;
    unsafe fn sub(a: Self::F, b: Self::F) -> Self::F;
    unsafe fn mul(a: Self::F, b: Self::F) -> Self::F;
    /// a·b + c, one rounding.
    unsafe fn fma(a: Self::F, b: Self::F, c: Self::F) -> Self::F;
    /// min(a, b), `b` where either is NaN.
    unsafe fn min(a: Self::F, b: Self::F) -> Self::F;
    unsafe fn lt(a: Self::F, b: Self::F) -> Self::M;
    unsafe fn zero_i() -> Self::I;
    /// `j` where `m`, else `idx`; `j` is greater than every index already in `idx`.
    unsafe fn take(m: Self::M, idx: Self::I, j: usize) -> Self::I;
    unsafe fn store_labels(p: *mut i32, idx: Self::I);
    unsafe fn load_i(p: *const i64) -> Self::I;
    unsafe fn store_i(p: *mut i64, v: Self::I);
    /// `(idx << shift) + add`, per 64-bit lane.
    unsafe fn offsets(idx: Self::I, shift: u32, add: Self::I) -> Self::I;
    /// `v` with the lanes from `valid` on zeroed.
    unsafe fn keep_first(v: Self::F, valid: usize) -> Self::F;
    unsafe fn hsum(v: Self::F) -> f64;
    /// `N` rows of `D` columns at `p`, as `D` column vectors.
    unsafe fn load_t<const D: usize>(p: *const f64) -> [Self::F; D];
}

struct Avx2;
struct Avx512;

impl Lanes for Avx2 {
    const N: usize = 4;
    type F = __m256d;
    type I = __m256i;
    type M = __m256d;
    #[inline(always)]
    unsafe fn zero() -> __m256d {
        _mm256_setzero_pd()
    }
    #[inline(always)]
    unsafe fn splat(v: f64) -> __m256d {
        _mm256_set1_pd(v)
    }
    #[inline(always)]
    unsafe fn load(p: *const f64) -> __m256d {
        _mm256_loadu_pd(p)
    }
    #[inline(always)]
    unsafe fn store(p: *mut f64, v: __m256d) {
        _mm256_storeu_pd(p, v)
    }
    #[inline(always)]
    unsafe fn add(a: __m256d, b: __m256d) -> __m256d {
        _mm256_add_pd(a, b)
    }
    #[inline(always)]
    unsafe fn sub(a: __m256d, b: __m256d) -> __m256d {
        _mm256_sub_pd(a, b)
    }
    #[inline(always)]
    unsafe fn mul(a: __m256d, b: __m256d) -> __m256d {
        _mm256_mul_pd(a, b)
    }
    #[inline(always)]
    unsafe fn fma(a: __m256d, b: __m256d, c: __m256d) -> __m256d {
        _mm256_fmadd_pd(a, b, c)
    }
    #[inline(always)]
    unsafe fn min(a: __m256d, b: __m256d) -> __m256d {
        _mm256_min_pd(a, b)
    }
    #[inline(always)]
    unsafe fn lt(a: __m256d, b: __m256d) -> __m256d {
        _mm256_cmp_pd::<_CMP_LT_OQ>(a, b)
    }
    #[inline(always)]
    unsafe fn zero_i() -> __m256i {
        _mm256_setzero_si256()
    }
    #[inline(always)]
    unsafe fn take(m: __m256d, idx: __m256i, j: usize) -> __m256i {
        // max(idx, m & j): integer ops run on all four FP pipes, where a blendv would
        // compete with the FMAs for two.
        _mm256_max_epu32(idx, _mm256_and_si256(_mm256_castpd_si256(m), _mm256_set1_epi64x(j as i64)))
    }
    #[inline(always)]
    unsafe fn store_labels(p: *mut i32, idx: __m256i) {
        let packed = _mm256_permutevar8x32_epi32(idx, _mm256_setr_epi32(0, 2, 4, 6, 0, 2, 4, 6));
        _mm_storeu_si128(p.cast(), _mm256_castsi256_si128(packed));
    }
    #[inline(always)]
    unsafe fn load_i(p: *const i64) -> __m256i {
        _mm256_loadu_si256(p.cast())
    }
    #[inline(always)]
    unsafe fn store_i(p: *mut i64, v: __m256i) {
        _mm256_storeu_si256(p.cast(), v)
    }
    #[inline(always)]
    unsafe fn offsets(idx: __m256i, shift: u32, add: __m256i) -> __m256i {
        _mm256_add_epi64(_mm256_sll_epi64(idx, _mm_cvtsi32_si128(shift as i32)), add)
    }
    #[inline(always)]
    unsafe fn keep_first(v: __m256d, valid: usize) -> __m256d {
        let keep = _mm256_cmpgt_epi64(_mm256_set1_epi64x(valid as i64), _mm256_setr_epi64x(0, 1, 2, 3));
        _mm256_and_pd(v, _mm256_castsi256_pd(keep))
    }
    #[inline(always)]
    unsafe fn hsum(v: __m256d) -> f64 {
        let mut t = [0.0; 4];
        _mm256_storeu_pd(t.as_mut_ptr(), v);
        (t[0] + t[1]) + (t[2] + t[3])
    }
    #[inline(always)]
    unsafe fn load_t<const D: usize>(p: *const f64) -> [__m256d; D] {
        let mut out = [_mm256_setzero_pd(); D];
        match D {
            1 => out[0] = _mm256_loadu_pd(p),
            2 => {
                // [x0 y0 x1 y1], [x2 y2 x3 y3] → [x0 y0 x2 y2], [x1 y1 x3 y3] → x, y.
                let (a, b) = (_mm256_loadu_pd(p), _mm256_loadu_pd(p.add(4)));
                let (t0, t1) = (_mm256_permute2f128_pd::<0x20>(a, b), _mm256_permute2f128_pd::<0x31>(a, b));
                out[0] = _mm256_unpacklo_pd(t0, t1);
                out[1] = _mm256_unpackhi_pd(t0, t1);
            }
            3 => {
                // a = [x0 y0 z0 x1], b = [y1 z1 x2 y2], c = [z2 x3 y3 z3].
                let (a, b, c) = (_mm256_loadu_pd(p), _mm256_loadu_pd(p.add(4)), _mm256_loadu_pd(p.add(8)));
                let xs = _mm256_blend_pd::<0b0010>(_mm256_blend_pd::<0b0100>(a, b), c); // x0 x3 x2 x1
                let ys = _mm256_blend_pd::<0b0100>(_mm256_blend_pd::<0b1001>(a, b), c); // y1 y0 y3 y2
                let zs = _mm256_blend_pd::<0b1001>(_mm256_blend_pd::<0b0010>(a, b), c); // z2 z1 z0 z3
                out[0] = _mm256_permute4x64_pd::<0b01_10_11_00>(xs);
                out[1] = _mm256_permute4x64_pd::<0b10_11_00_01>(ys);
                out[2] = _mm256_permute4x64_pd::<0b11_00_01_10>(zs);
            }
            _ => {
                let (a, b) = (_mm256_loadu_pd(p), _mm256_loadu_pd(p.add(4)));
                let (c, d) = (_mm256_loadu_pd(p.add(8)), _mm256_loadu_pd(p.add(12)));
                let (t0, t1) = (_mm256_unpacklo_pd(a, b), _mm256_unpackhi_pd(a, b));
                let (t2, t3) = (_mm256_unpacklo_pd(c, d), _mm256_unpackhi_pd(c, d));
                out[0] = _mm256_permute2f128_pd::<0x20>(t0, t2);
                out[1] = _mm256_permute2f128_pd::<0x20>(t1, t3);
                out[2] = _mm256_permute2f128_pd::<0x31>(t0, t2);
                out[3] = _mm256_permute2f128_pd::<0x31>(t1, t3);
            }
        }
        out
    }
}

impl Lanes for Avx512 {
    const N: usize = 8;
    type F = __m512d;
    type I = __m512i;
    type M = __mmask8;
    #[inline(always)]
    unsafe fn zero() -> __m512d {
        _mm512_setzero_pd()
    }
    #[inline(always)]
    unsafe fn splat(v: f64) -> __m512d {
        _mm512_set1_pd(v)
    }
    #[inline(always)]
    unsafe fn load(p: *const f64) -> __m512d {
        _mm512_loadu_pd(p)
    }
    #[inline(always)]
    unsafe fn store(p: *mut f64, v: __m512d) {
        _mm512_storeu_pd(p, v)
    }
    #[inline(always)]
    unsafe fn add(a: __m512d, b: __m512d) -> __m512d {
        _mm512_add_pd(a, b)
    }
    #[inline(always)]
    unsafe fn sub(a: __m512d, b: __m512d) -> __m512d {
        _mm512_sub_pd(a, b)
    }
    #[inline(always)]
    unsafe fn mul(a: __m512d, b: __m512d) -> __m512d {
        _mm512_mul_pd(a, b)
    }
    #[inline(always)]
    unsafe fn fma(a: __m512d, b: __m512d, c: __m512d) -> __m512d {
        _mm512_fmadd_pd(a, b, c)
    }
    #[inline(always)]
    unsafe fn min(a: __m512d, b: __m512d) -> __m512d {
        _mm512_min_pd(a, b)
    }
    #[inline(always)]
    unsafe fn lt(a: __m512d, b: __m512d) -> __mmask8 {
        _mm512_cmp_pd_mask::<_CMP_LT_OQ>(a, b)
    }
    #[inline(always)]
    unsafe fn zero_i() -> __m512i {
        _mm512_setzero_si512()
    }
    #[inline(always)]
    unsafe fn take(m: __mmask8, idx: __m512i, j: usize) -> __m512i {
        _mm512_mask_blend_epi64(m, idx, _mm512_set1_epi64(j as i64))
    }
    #[inline(always)]
    unsafe fn store_labels(p: *mut i32, idx: __m512i) {
        _mm256_storeu_si256(p.cast(), _mm512_cvtepi64_epi32(idx));
    }
    #[inline(always)]
    unsafe fn load_i(p: *const i64) -> __m512i {
        _mm512_loadu_si512(p.cast())
    }
    #[inline(always)]
    unsafe fn store_i(p: *mut i64, v: __m512i) {
        _mm512_storeu_si512(p.cast(), v)
    }
    #[inline(always)]
    unsafe fn offsets(idx: __m512i, shift: u32, add: __m512i) -> __m512i {
        _mm512_add_epi64(_mm512_sll_epi64(idx, _mm_cvtsi32_si128(shift as i32)), add)
    }
    #[inline(always)]
    unsafe fn keep_first(v: __m512d, valid: usize) -> __m512d {
        _mm512_maskz_mov_pd(((1u32 << valid) - 1) as u8, v)
    }
    #[inline(always)]
    unsafe fn hsum(v: __m512d) -> f64 {
        _mm512_reduce_add_pd(v)
    }
    #[inline(always)]
    unsafe fn load_t<const D: usize>(p: *const f64) -> [__m512d; D] {
        let mut out = [_mm512_setzero_pd(); D];
        match D {
            1 => out[0] = _mm512_loadu_pd(p),
            2 => {
                let (a, b) = (_mm512_loadu_pd(p), _mm512_loadu_pd(p.add(8)));
                out[0] = _mm512_permutex2var_pd(a, _mm512_setr_epi64(0, 2, 4, 6, 8, 10, 12, 14), b);
                out[1] = _mm512_permutex2var_pd(a, _mm512_setr_epi64(1, 3, 5, 7, 9, 11, 13, 15), b);
            }
            _ => {
                // Two AVX2 halves of 4 rows each.
                let lo = Avx2::load_t::<D>(p);
                let hi = Avx2::load_t::<D>(p.add(4 * D));
                for m in 0..D {
                    out[m] = _mm512_insertf64x4::<1>(_mm512_castpd256_pd512(lo[m]), hi[m]);
                }
            }
        }
        out
    }
}

#[target_feature(enable = "avx2,fma")]
unsafe fn large_avx2(st: &mut State, x: &[f64], r0: usize, io: &mut Io) {
    match (st.accumulate, io.weights.is_some()) {
        (false, _) => large::<false, false>(st, x, r0, io),
        (true, false) => large::<false, true>(st, x, r0, io),
        (true, true) => large::<true, true>(st, x, r0, io),
    }
}

/// Centres in lanes, 5 rows at a time (then 1 for the last rows). Each row's two vectors of
/// distances take one FMA per column, 4 cycles apart: 4 rows (8 chains) only just keep the
/// two FMA pipes busy, 5 rows (10 chains; with the centre pair, the broadcast and the two
/// differences, 15 of the 16 registers) leave slack: 3–6 % faster than 4; 6 rows spill and
/// were slower at 50 columns and at 1M x 20.
#[inline(always)]
unsafe fn large<const W: bool, const ACC: bool>(st: &mut State, x: &[f64], r0: usize, io: &mut Io) {
    let n = x.len() / st.cols;
    let mut i = 0;
    while i + 5 <= n {
        large_rows::<5, W, ACC>(st, x, i, r0, io);
        i += 5;
    }
    while i < n {
        large_rows::<1, W, ACC>(st, x, i, r0, io);
        i += 1;
    }
}

/// Rows `i..i + R` of the block: exact distances to 8 centres a pair of vectors, each
/// centre pair loaded once for the `R` rows; then the argmin, outputs and sums per row.
#[inline(always)]
unsafe fn large_rows<const R: usize, const W: bool, const ACC: bool>(st: &mut State, x: &[f64], i: usize, r0: usize, io: &mut Io) {
    let cols = st.cols;
    let xp = x.as_ptr().add(i * cols);
    let mut best = [0.0f64; R];
    let mut lab = [0usize; R];
    for g in 0..st.kp / 8 {
        let cg = st.c.as_ptr().add(g * cols * 8);
        let mut a0 = [_mm256_setzero_pd(); R];
        let mut a1 = [_mm256_setzero_pd(); R];
        for j in 0..cols {
            let c0 = _mm256_loadu_pd(cg.add(j * 8));
            let c1 = _mm256_loadu_pd(cg.add(j * 8 + 4));
            for r in 0..R {
                let xb = _mm256_broadcast_sd(&*xp.add(r * cols + j));
                let (t0, t1) = (_mm256_sub_pd(xb, c0), _mm256_sub_pd(xb, c1));
                a0[r] = _mm256_fmadd_pd(t0, t0, a0[r]);
                a1[r] = _mm256_fmadd_pd(t1, t1, a1[r]);
            }
        }
        for r in 0..R {
            let (v, lane) = argmin8(a0[r], a1[r]);
            // Strictly less: an equal distance in a later group keeps the lower index.
            if g == 0 || v < best[r] {
                best[r] = v;
                lab[r] = g * 8 + lane;
            }
        }
    }
    for r in 0..R {
        let row = r0 + i + r;
        if let Some(l) = io.labels.as_deref_mut() {
            *l.get_unchecked_mut(row) = lab[r] as i32;
        }
        if let Some(d) = io.dist.as_deref_mut() {
            *d.get_unchecked_mut(row) = best[r];
        }
        if ACC {
            let w = if W { *io.weights.unwrap_or(&[]).get_unchecked(row) } else { 1.0 };
            *st.counts.get_unchecked_mut(lab[r]) += w;
            st.inertia += w * best[r];
            let s = st.sums.as_mut_ptr().add(lab[r] * cols);
            let v = xp.add(r * cols);
            let mut j = 0;
            while j + 4 <= cols {
                let xv = _mm256_loadu_pd(v.add(j));
                let xv = if W { _mm256_mul_pd(xv, _mm256_set1_pd(w)) } else { xv };
                _mm256_storeu_pd(s.add(j), _mm256_add_pd(_mm256_loadu_pd(s.add(j)), xv));
                j += 4;
            }
            while j < cols {
                *s.add(j) += w * *v.add(j);
                j += 1;
            }
        }
    }
}

/// The smallest of 8 lanes and the first lane holding it (lane 0 when all are NaN).
#[inline(always)]
unsafe fn argmin8(a: __m256d, b: __m256d) -> (f64, usize) {
    let m = _mm256_min_pd(a, b);
    let m = _mm256_min_pd(m, _mm256_permute2f128_pd::<1>(m, m));
    let m = _mm256_min_pd(m, _mm256_permute_pd::<0b0101>(m));
    let lo = _mm256_movemask_pd(_mm256_cmp_pd::<_CMP_EQ_OQ>(a, m)) as u32;
    let hi = _mm256_movemask_pd(_mm256_cmp_pd::<_CMP_EQ_OQ>(b, m)) as u32;
    let bits = lo | (hi << 4);
    (_mm256_cvtsd_f64(m), if bits == 0 { 0 } else { bits.trailing_zeros() as usize })
}

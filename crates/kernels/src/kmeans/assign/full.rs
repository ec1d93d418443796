//! The many-column (≥ 5) kernel for CPUs whose 512-bit units are full width (`Path::Avx512Full`:
//! AMD Zen 5). Zen 4 runs each 512-bit operation as two 256-bit halves, and there 512-bit
//! variants of the AVX2 kernel measured slower (session 5; this kernel has not been measured on
//! Zen 4); with full-width units one 512-bit FMA serves 8 centres at the cost of 4.
//!
//! Tiles of 8 rows. For each group of 8 centres, the tile's distances build up in 8 vectors
//! (centres in lanes; one subtraction and one FMA per row and column, in column order, so the
//! distances are the other paths' bit for bit). The 8 x 8 block is then transposed, so that the
//! nearest centre is found with rows in lanes: a running minimum over the centres, with no
//! horizontal work and no per-row chain of dependent operations. Each row is then added into its
//! centre's sums in one of 8 copies (row i of a tile into copy i), so that rows on the same centre
//! do not wait on each other's stores, and one tile late, so that the adds (whose addresses come
//! out of the argmin) do not hold up the next tile's loads.
//!
//! Measured on Zen 5 (docs/kernels.md): 1.7x the AVX2 kernel at 1M x 20 with k = 8, 2.7x with
//! k = 16, 2.8x at 50 columns; the sums one tile late 1.13x, the rows prefetched 2.7x.

use super::portable::add_into;
use super::{Io, LloydPartial, Pass};
use std::arch::x86_64::*;

/// Rows a tile: one transposed 8 x 8 block.
const TILE: usize = 8;
/// How far ahead the rows are prefetched, in bytes. Without it, tiles of 8 rows streamed from
/// memory ran at half the speed of the same tiles in L2 (the hardware prefetchers do not follow
/// the column-by-column walk through 8 rows).
const PREFETCH_BYTES: usize = 8 << 10;
/// L1 bytes the copies of the sums may take.
const COPIES_BYTES: usize = 32 << 10;

pub(super) struct State {
    k: usize,
    cols: usize,
    /// Centres in groups of 8, column-major inside a group: `(g·cols + j)·8 + lane`, padded with
    /// +inf centres (never nearest: their distance is +inf, and ties keep the lower index).
    c: Vec<f64>,
    groups: usize,
    accumulate: bool,
    /// Copies of the sums (`copies x k x cols`) and counts (`copies x k`), a power of two.
    copies: usize,
    sums: Vec<f64>,
    counts: Vec<f64>,
    inertia: f64,
    /// The zero-padded rows of a last, partial tile.
    scratch: Vec<f64>,
}

impl State {
    pub(super) fn new(centers: &[f64], k: usize, cols: usize, accumulate: bool) -> State {
        let groups = k.div_ceil(8);
        let mut c = vec![f64::INFINITY; groups * 8 * cols];
        for i in 0..k {
            let (g, lane) = (i / 8, i % 8);
            for j in 0..cols {
                c[(g * cols + j) * 8 + lane] = centers[i * cols + j];
            }
        }
        let mut copies = 8;
        while copies > 1 && copies * k * (cols + 1) * 8 > COPIES_BYTES {
            copies /= 2;
        }
        let n = if accumulate { copies * k } else { 0 };
        State {
            k,
            cols,
            c,
            groups,
            accumulate,
            copies,
            sums: vec![0.0; n * cols],
            counts: vec![0.0; n],
            inertia: 0.0,
            scratch: vec![0.0; TILE * cols],
        }
    }
}

impl Pass for State {
    fn rows(&mut self, x: &[f64], r0: usize, io: &mut Io) {
        // SAFETY: `State::new` is only called for `Path::Avx512Full`, which `Path::detect` returns
        // only when the CPU has AVX-512F and AVX-512VL.
        unsafe { tiles(self, x, r0, io) }
    }

    fn finish(self, acc: &mut LloydPartial) {
        let (k, cols) = (self.k, self.cols);
        let mut sums = vec![0.0; k * cols];
        let mut counts = vec![0.0; k];
        for copy in 0..self.copies {
            let e = copy * k;
            for (a, s) in sums.iter_mut().zip(&self.sums[e * cols..(e + k) * cols]) {
                *a += s;
            }
            for (a, s) in counts.iter_mut().zip(&self.counts[e..e + k]) {
                *a += s;
            }
        }
        add_into(acc, &sums, &counts, self.inertia);
    }
}

#[target_feature(enable = "avx512f,avx512vl,avx2,fma")]
unsafe fn tiles(st: &mut State, x: &[f64], r0: usize, io: &mut Io) {
    match (st.accumulate, io.weights.is_some()) {
        (false, _) => tiles_of::<false, false>(st, x, r0, io),
        (true, false) => tiles_of::<false, true>(st, x, r0, io),
        (true, true) => tiles_of::<true, true>(st, x, r0, io),
    }
}

/// All tiles of the block: whole ones in place, the last partial one from zero-padded scratch.
#[inline(always)]
unsafe fn tiles_of<const W: bool, const ACC: bool>(st: &mut State, x: &[f64], r0: usize, io: &mut Io) {
    let cols = st.cols;
    let n = x.len() / cols;
    let ahead = PREFETCH_BYTES / 8;
    let mut inertia = _mm512_setzero_pd();
    let mut pending = Pending { xp: std::ptr::null(), labels: [0; TILE], ws: [1.0; TILE], valid: 0 };
    let mut i = 0;
    while i + TILE <= n {
        let xp = x.as_ptr().add(i * cols);
        // One prefetch per cache line of the rows `ahead` values on (none past the block).
        if (i + TILE) * cols + ahead < x.len() {
            let mut o = 0;
            while o < TILE * cols {
                _mm_prefetch::<_MM_HINT_T0>(xp.add(ahead + o).cast());
                o += 8;
            }
        }
        let next = tile::<W, ACC>(st, xp, TILE, r0 + i, io, &mut inertia);
        if ACC {
            add_rows::<W>(st, &pending);
            pending = next;
        }
        i += TILE;
    }
    if i < n {
        let valid = n - i;
        let mut scratch = std::mem::take(&mut st.scratch);
        scratch[..valid * cols].copy_from_slice(&x[i * cols..]);
        scratch[valid * cols..].fill(0.0);
        let last = tile::<W, ACC>(st, scratch.as_ptr(), valid, r0 + i, io, &mut inertia);
        if ACC {
            add_rows::<W>(st, &last);
        }
        st.scratch = scratch;
    }
    if ACC {
        add_rows::<W>(st, &pending);
    }
    st.inertia += _mm512_reduce_add_pd(inertia);
}

/// The 8 rows at `xp` (the first `valid` of them real), block rows `row..`: nearest centres,
/// outputs, sums, and the distances into `inertia` (per lane).
#[inline(always)]
unsafe fn tile<const W: bool, const ACC: bool>(st: &mut State, xp: *const f64, valid: usize, row: usize, io: &mut Io, inertia: &mut __m512d) -> Pending {
    let cols = st.cols;
    let mut best = _mm512_setzero_pd();
    let mut idx = _mm512_setzero_si512();
    for g in 0..st.groups {
        let cg = st.c.as_ptr().add(g * cols * 8);
        let mut a = [_mm512_setzero_pd(); TILE];
        for j in 0..cols {
            let cv = _mm512_loadu_pd(cg.add(j * 8));
            for (r, ar) in a.iter_mut().enumerate() {
                let t = _mm512_sub_pd(_mm512_set1_pd(*xp.add(r * cols + j)), cv);
                *ar = _mm512_fmadd_pd(t, t, *ar);
            }
        }
        let (gb, gi) = nearest_in_group(transpose(a), g * 8);
        if g == 0 {
            (best, idx) = (gb, gi);
        } else {
            // Strictly less: an equal distance in a later group keeps the lower index.
            let m = _mm512_cmp_pd_mask::<_CMP_LT_OQ>(gb, best);
            best = _mm512_mask_mov_pd(best, m, gb);
            idx = _mm512_mask_mov_epi64(idx, m, gi);
        }
    }
    let keep = if valid == TILE { 0xFF } else { ((1u32 << valid) - 1) as u8 };
    if let Some(l) = io.labels.as_deref_mut() {
        _mm256_mask_storeu_epi32(l.as_mut_ptr().add(row).cast(), keep, _mm512_cvtepi64_epi32(idx));
    }
    if let Some(d) = io.dist.as_deref_mut() {
        _mm512_mask_storeu_pd(d.as_mut_ptr().add(row), keep, best);
    }
    let mut p = Pending { xp, labels: [0; TILE], ws: [1.0; TILE], valid };
    if !ACC {
        return p;
    }
    let w = if W { _mm512_maskz_loadu_pd(keep, io.weights.unwrap_or(&[]).as_ptr().add(row)) } else { _mm512_set1_pd(1.0) };
    let b = _mm512_maskz_mov_pd(keep, best);
    *inertia = if W { _mm512_fmadd_pd(b, w, *inertia) } else { _mm512_add_pd(*inertia, b) };
    _mm512_storeu_si512(p.labels.as_mut_ptr().cast(), idx);
    if W {
        _mm512_storeu_pd(p.ws.as_mut_ptr(), w);
    }
    p
}

/// A tile's rows waiting to be added into the sums.
struct Pending {
    xp: *const f64,
    labels: [i64; TILE],
    ws: [f64; TILE],
    valid: usize,
}

#[inline(always)]
unsafe fn add_rows<const W: bool>(st: &mut State, p: &Pending) {
    let cols = st.cols;
    for r in 0..p.valid {
        // Row r of every tile goes to copy r (mod copies).
        let e = (r & (st.copies - 1)) * st.k + p.labels[r] as usize;
        *st.counts.get_unchecked_mut(e) += p.ws[r];
        add_row::<W>(st.sums.as_mut_ptr().add(e * cols), p.xp.add(r * cols), cols, p.ws[r]);
    }
}

/// Transposes 8 vectors (row r: its distances to 8 centres) into 8 vectors (centre c: its
/// distances to the 8 rows): pairs of lanes, then pairs of pairs, then halves.
#[inline(always)]
unsafe fn transpose(a: [__m512d; 8]) -> [__m512d; 8] {
    // b[2p] holds rows 2p, 2p+1 at the even centres, b[2p+1] at the odd ones.
    let mut b = [_mm512_setzero_pd(); 8];
    for p in 0..4 {
        b[2 * p] = _mm512_unpacklo_pd(a[2 * p], a[2 * p + 1]);
        b[2 * p + 1] = _mm512_unpackhi_pd(a[2 * p], a[2 * p + 1]);
    }
    // e[q]: rows 0-3 (q < 4) or 4-7, centres {0, 4}, {2, 6}, {1, 5}, {3, 7} by q % 4.
    let lo = _mm512_setr_epi64(0, 1, 8, 9, 4, 5, 12, 13);
    let hi = _mm512_setr_epi64(2, 3, 10, 11, 6, 7, 14, 15);
    let mut e = [_mm512_setzero_pd(); 8];
    for h in 0..2 {
        let (s, t) = (4 * h, 4 * h + 2);
        e[4 * h] = _mm512_permutex2var_pd(b[s], lo, b[t]);
        e[4 * h + 1] = _mm512_permutex2var_pd(b[s], hi, b[t]);
        e[4 * h + 2] = _mm512_permutex2var_pd(b[s + 1], lo, b[t + 1]);
        e[4 * h + 3] = _mm512_permutex2var_pd(b[s + 1], hi, b[t + 1]);
    }
    // Halves: rows 0-3 from e[q], rows 4-7 from e[q + 4].
    let mut d = [_mm512_setzero_pd(); 8];
    for (q, centre) in [(0, 0), (1, 2), (2, 1), (3, 3)] {
        d[centre] = _mm512_shuffle_f64x2::<0b01_00_01_00>(e[q], e[q + 4]);
        d[centre + 4] = _mm512_shuffle_f64x2::<0b11_10_11_10>(e[q], e[q + 4]);
    }
    d
}

/// The first nearest of the 8 centres `base..base + 8` for each row (lane): strict `<` over the
/// centres in order, as the portable loop.
#[inline(always)]
unsafe fn nearest_in_group(d: [__m512d; 8], base: usize) -> (__m512d, __m512i) {
    let mut best = d[0];
    let mut idx = _mm512_set1_epi64(base as i64);
    for (c, &dc) in d.iter().enumerate().skip(1) {
        let m = _mm512_cmp_pd_mask::<_CMP_LT_OQ>(dc, best);
        best = _mm512_min_pd(dc, best);
        idx = _mm512_mask_mov_epi64(idx, m, _mm512_set1_epi64((base + c) as i64));
    }
    (best, idx)
}

/// Adds `w·x` (`cols` values at `xp`) into the sums at `s`.
#[inline(always)]
unsafe fn add_row<const W: bool>(s: *mut f64, xp: *const f64, cols: usize, w: f64) {
    let mut j = 0;
    while j + 8 <= cols {
        let v = _mm512_loadu_pd(xp.add(j));
        let v = if W { _mm512_mul_pd(v, _mm512_set1_pd(w)) } else { v };
        _mm512_storeu_pd(s.add(j), _mm512_add_pd(_mm512_loadu_pd(s.add(j)), v));
        j += 8;
    }
    if j < cols {
        let m = ((1u32 << (cols - j)) - 1) as u8;
        let v = _mm512_maskz_loadu_pd(m, xp.add(j));
        let v = if W { _mm512_mul_pd(v, _mm512_set1_pd(w)) } else { v };
        _mm512_mask_storeu_pd(s.add(j), m, _mm512_add_pd(_mm512_maskz_loadu_pd(m, s.add(j)), v));
    }
}

//! Dense linear algebra on row-major slices, written by hand.
//!
//! The matrices shoal factors are small (p x p with p up to a few hundred: Gram
//! matrices, TSQR R factors, GLM Hessians), and the one big-data product, XᵀX over a
//! tall chunk, is a single streaming loop. A general library (faer, nalgebra) would
//! cost minutes of compile on the shared 2-core build for little gain; `bench/kernels.ts`
//! measures the Gram loop against NumPy's BLAS.

use crate::error::{check_len, KernelError, Result};

/// A row-major element type the kernels read; products accumulate in `f64`.
pub trait Element: Copy + Send + Sync + 'static {
    fn to_f64(self) -> f64;
}
impl Element for f64 {
    #[inline(always)]
    fn to_f64(self) -> f64 {
        self
    }
}
impl Element for f32 {
    #[inline(always)]
    fn to_f64(self) -> f64 {
        self as f64
    }
}

/// `x` itself as `[f64]` when `T` is f64 (no copy), else `None`.
#[inline(always)]
pub(crate) fn as_f64<T: Element>(x: &[T]) -> Option<&[f64]> {
    if std::any::TypeId::of::<T>() == std::any::TypeId::of::<f64>() {
        // SAFETY: T is f64, so the slice is a [f64] of the same length and lifetime.
        Some(unsafe { std::slice::from_raw_parts(x.as_ptr().cast::<f64>(), x.len()) })
    } else {
        None
    }
}

/// `src` widened to f64 into `dst` (the same length). For f32 the loop is compiled for AVX2
/// where the CPU has it: generic code widens one value at a time (a scalar `cvtss2sd` each,
/// ~1.2 cycles a value), which made f32 k-means 1.9x slower than f64 at 20 columns.
pub(crate) fn widen_into<T: Element>(src: &[T], dst: &mut [f64]) {
    debug_assert_eq!(src.len(), dst.len());
    if std::any::TypeId::of::<T>() == std::any::TypeId::of::<f32>() {
        // SAFETY: T is f32, so the slice is a [f32] of the same length and lifetime.
        let src = unsafe { std::slice::from_raw_parts(src.as_ptr().cast::<f32>(), src.len()) };
        #[cfg(target_arch = "x86_64")]
        {
            #[target_feature(enable = "avx2")]
            unsafe fn avx2(src: &[f32], dst: &mut [f64]) {
                for (d, &s) in dst.iter_mut().zip(src) {
                    *d = s as f64;
                }
            }
            if std::is_x86_feature_detected!("avx2") {
                // SAFETY: the CPU has AVX2 (checked just above).
                return unsafe { avx2(src, dst) };
            }
        }
        for (d, &s) in dst.iter_mut().zip(src) {
            *d = s as f64;
        }
        return;
    }
    for (d, s) in dst.iter_mut().zip(src) {
        *d = s.to_f64();
    }
}

/// Per-column sums and centred second moments Σ (x − mean)² of a row-major `rows x cols`
/// matrix (the mean being sum / rows): a chunk's partial moments, combined across chunks by
/// Chan et al.'s update. Each column is summed in four interleaved partial sums (rows
/// 4i, 4i + 1, …), so that the adds do not wait on one another (one chain a column had taken
/// ~1.5 ns a value at 2 columns).
pub fn column_moments<T: Element>(x: &[T], rows: usize, cols: usize) -> Result<(Vec<f64>, Vec<f64>)> {
    check_len("x", x.len(), rows * cols, &format!("rows*cols = {rows}*{cols}"))?;
    if cols == 0 || rows == 0 {
        return Ok((vec![0.0; cols], vec![0.0; cols]));
    }
    let sum = interleaved_column_sums(x, cols, |v, _| v);
    let mean: Vec<f64> = sum.iter().map(|s| s / rows as f64).collect();
    let m2 = interleaved_column_sums(x, cols, |v, j| {
        let e = v - mean[j];
        e * e
    });
    Ok((sum, m2))
}

/// Σ over rows of `f(x[r][j], j)` per column j, in four partial sums by row modulo 4.
#[inline(always)]
fn interleaved_column_sums<T: Element>(x: &[T], cols: usize, f: impl Fn(f64, usize) -> f64) -> Vec<f64> {
    let mut acc = vec![0.0; 4 * cols];
    // Four rows a step (the last step may have fewer), row i into partial sum i.
    for q in x.chunks(4 * cols) {
        for (part, row) in acc.chunks_exact_mut(cols).zip(q.chunks_exact(cols)) {
            for (j, (a, v)) in part.iter_mut().zip(row).enumerate() {
                *a += f(v.to_f64(), j);
            }
        }
    }
    (0..cols).map(|j| (acc[j] + acc[cols + j]) + (acc[2 * cols + j] + acc[3 * cols + j])).collect()
}

/// Column sums of a row-major `rows x cols` matrix.
pub fn column_sums<T: Element>(x: &[T], rows: usize, cols: usize) -> Result<Vec<f64>> {
    check_len("x", x.len(), rows * cols, &format!("rows*cols = {rows}*{cols}"))?;
    let mut out = vec![0.0; cols];
    if cols == 0 {
        return Ok(out);
    }
    for row in x.chunks_exact(cols) {
        for (o, v) in out.iter_mut().zip(row) {
            *o += v.to_f64();
        }
    }
    Ok(out)
}

/// C = A B for row-major A (m x k) and B (k x n); C is m x n.
pub fn gemm<T: Element>(a: &[T], b: &[T], m: usize, k: usize, n: usize) -> Result<Vec<f64>> {
    check_len("a", a.len(), m * k, &format!("m*k = {m}*{k}"))?;
    check_len("b", b.len(), k * n, &format!("k*n = {k}*{n}"))?;
    let mut c = vec![0.0; m * n];
    if n == 1 {
        // a matrix-vector product (y = X·coef): one dot per row, four running sums so it
        // vectorises; the i-k-j loop below would do a length-1 inner loop per element
        #[cfg(target_arch = "x86_64")]
        {
            if let (Some(a), Some(b), true) = (as_f64(a), as_f64(b), std::is_x86_feature_detected!("avx2")) {
                // SAFETY: the CPU supports AVX2; lengths were checked on entry.
                unsafe { gemv_rows4_avx2(a, b, m, k, &mut c) };
                return Ok(c);
            }
        }
        for (i, ci) in c.iter_mut().enumerate() {
            *ci = dot4(&a[i * k..(i + 1) * k], b);
        }
        return Ok(c);
    }
    // i-k-j order: the inner loop streams one row of B into one row of C (vectorises).
    for i in 0..m {
        let ci = &mut c[i * n..(i + 1) * n];
        for l in 0..k {
            let ail = a[i * k + l].to_f64();
            if ail == 0.0 {
                continue;
            }
            for (cv, bv) in ci.iter_mut().zip(&b[l * n..(l + 1) * n]) {
                *cv += ail * bv.to_f64();
            }
        }
    }
    Ok(c)
}

/// `c[i] = dot4(row i of a, b)` bit for bit, four rows at a time: lane t of a row's vector
/// is dot4's running sum t (a multiply then an add, never fused, in the same order), so the
/// four rows' sums are four independent chains instead of one (y = X·coef of a 1M x 100
/// chunk ~40 -> ~15 ms).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn gemv_rows4_avx2(a: &[f64], b: &[f64], m: usize, k: usize, c: &mut [f64]) {
    use std::arch::x86_64::*;
    let k4 = k / 4 * 4;
    let sum_lanes = |v: __m256d| {
        let mut l = [0.0f64; 4];
        _mm256_storeu_pd(l.as_mut_ptr(), v);
        (l[0] + l[1]) + (l[2] + l[3])
    };
    let tail = |row: &[f64]| -> f64 { row[k4..].iter().zip(&b[k4..]).map(|(x, y)| x * y).sum() };
    let bp = b.as_ptr();
    let mut i = 0;
    while i + 4 <= m {
        let r = a.as_ptr().add(i * k);
        let (mut s0, mut s1, mut s2, mut s3) = (_mm256_setzero_pd(), _mm256_setzero_pd(), _mm256_setzero_pd(), _mm256_setzero_pd());
        let mut l = 0;
        while l < k4 {
            let bv = _mm256_loadu_pd(bp.add(l));
            s0 = _mm256_add_pd(s0, _mm256_mul_pd(_mm256_loadu_pd(r.add(l)), bv));
            s1 = _mm256_add_pd(s1, _mm256_mul_pd(_mm256_loadu_pd(r.add(k + l)), bv));
            s2 = _mm256_add_pd(s2, _mm256_mul_pd(_mm256_loadu_pd(r.add(2 * k + l)), bv));
            s3 = _mm256_add_pd(s3, _mm256_mul_pd(_mm256_loadu_pd(r.add(3 * k + l)), bv));
            l += 4;
        }
        for (t, s) in [s0, s1, s2, s3].into_iter().enumerate() {
            c[i + t] = sum_lanes(s) + tail(&a[(i + t) * k..(i + t + 1) * k]);
        }
        i += 4;
    }
    for (row, ci) in c.iter_mut().enumerate().skip(i) {
        *ci = dot4(&a[row * k..(row + 1) * k], b);
    }
}

/// Σ a·b in f64 with four interleaved partial sums (four independent chains of adds, which
/// the compiler keeps in a vector's lanes, instead of one).
#[inline]
pub(crate) fn dot4<T: Element>(a: &[T], b: &[T]) -> f64 {
    let mut acc = [0.0f64; 4];
    let mut ca = a.chunks_exact(4);
    let mut cb = b.chunks_exact(4);
    for (x, y) in (&mut ca).zip(&mut cb) {
        for t in 0..4 {
            acc[t] += x[t].to_f64() * y[t].to_f64();
        }
    }
    dot4_finish(acc, ca.remainder(), cb.remainder())
}

/// The end of [`dot4`]: its four partial sums added, then the products of the tails (the
/// elements past the last whole group of four). Shared with the GLM's four-rows-at-a-time η,
/// which must sum each row in this order.
#[inline(always)]
pub(crate) fn dot4_finish<T: Element>(acc: [f64; 4], a_tail: &[T], b_tail: &[T]) -> f64 {
    let tail: f64 = a_tail.iter().zip(b_tail).map(|(x, y)| x.to_f64() * y.to_f64()).sum();
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
}

/// The Gram products of one chunk, gathered in one pass over its rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Gram {
    /// XᵀX, `cols x cols`, row-major, symmetric (both triangles filled).
    pub xtx: Vec<f64>,
    /// Xᵀy, `cols` (empty when no y was given).
    pub xty: Vec<f64>,
    /// Column sums of X, `cols`.
    pub col_sums: Vec<f64>,
    /// Sum of y (0 when no y was given).
    pub y_sum: f64,
}

/// XᵀX, Xᵀy and the column sums of a row-major `rows x cols` chunk in one pass: fresh
/// zeroed sums, one [`gram_accumulate`], and the upper triangle mirrored from the lower.
pub fn gram<T: Element>(x: &[T], y: Option<&[T]>, rows: usize, cols: usize) -> Result<Gram> {
    let mut xtx = vec![0.0; cols * cols];
    let mut xty = vec![0.0; if y.is_some() { cols } else { 0 }];
    let mut col_sums = vec![0.0; cols];
    let y_sum = gram_accumulate(x, y, rows, cols, &mut xtx, &mut xty, &mut col_sums)?;
    mirror_lower(&mut xtx, cols)?;
    Ok(Gram { xtx, xty, col_sums, y_sum })
}

/// Adds the Gram products of a row-major `rows x cols` block into the caller's running
/// sums, in one pass over the block, and returns the block's Σy (0 without `y`).
///
/// This is the kernel a chunk made in row blocks calls once per block (`gram` is one call
/// of it on fresh sums): it allocates nothing (its transpose panel is kept per thread), so
/// blocks small enough to stay in L2 between being generated and being read pay no fixed
/// cost per call beyond one pass over the `cols x cols` sums.
///
/// - `xtx` (`cols x cols`, row-major): only its **lower triangle** (row ≥ column) is added
///   to; the strict upper triangle is neither read nor written. [`mirror_lower`] fills it
///   once the last block is in.
/// - `xty` (`cols`): Xᵀy is added to it when `y` is given; it is untouched (any length)
///   without `y`.
/// - `col_sums` (`cols`): the column sums of X are added to it.
///
/// On x86-64 with AVX2 and FMA (checked at run time) rows are taken in panels of [`PANEL`]
/// rows, transposed into column vectors (L1/L2-resident), and each 4x3 block of the lower
/// triangle is accumulated by a register-blocked FMA micro-kernel over those vectors; its
/// four lanes are summed at the end of each panel and added straight into `xtx` (a row of
/// the lower triangle holds four consecutive columns of a block), so no lane-wise copy of
/// XᵀX exists. Elsewhere a portable loop takes four rows at a time.
pub fn gram_accumulate<T: Element>(
    x: &[T],
    y: Option<&[T]>,
    rows: usize,
    cols: usize,
    xtx: &mut [f64],
    xty: &mut [f64],
    col_sums: &mut [f64],
) -> Result<f64> {
    check_len("x", x.len(), rows * cols, &format!("rows*cols = {rows}*{cols}"))?;
    check_len("xtx", xtx.len(), cols * cols, &format!("cols*cols = {cols}*{cols}"))?;
    check_len("colSums", col_sums.len(), cols, "cols")?;
    if let Some(y) = y {
        check_len("y", y.len(), rows, "rows")?;
        check_len("xty", xty.len(), cols, "cols")?;
    }
    #[cfg(target_arch = "x86_64")]
    {
        if cols >= 4 && std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
            // SAFETY: the CPU supports AVX2 and FMA (checked just above); lengths checked above.
            return Ok(with_scratch(cols.div_ceil(4) * 4 * PANEL, |pt| unsafe { gram_panels_avx2(x, y, rows, cols, xtx, xty, col_sums, pt) }));
        }
    }
    Ok(with_scratch(4 * cols, |buf| gram_portable(x, y, rows, cols, xtx, xty, col_sums, buf)))
}

/// Copies the lower triangle of a row-major `n x n` matrix onto its upper triangle.
pub fn mirror_lower(a: &mut [f64], n: usize) -> Result<()> {
    check_len("a", a.len(), n * n, &format!("n*n = {n}*{n}"))?;
    for i in 0..n {
        for j in i + 1..n {
            a[i * n + j] = a[j * n + i];
        }
    }
    Ok(())
}

thread_local! {
    /// The Gram kernels' transpose panel, kept from call to call on each thread.
    static SCRATCH: std::cell::RefCell<Vec<f64>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Runs `f` on this thread's scratch of at least `len` values (contents unspecified).
fn with_scratch<R>(len: usize, f: impl FnOnce(&mut [f64]) -> R) -> R {
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut v) => {
            if v.len() < len {
                v.resize(len, 0.0);
            }
            f(&mut v[..len])
        }
        // only reachable if f re-entered a Gram kernel
        Err(_) => f(&mut vec![0.0; len]),
    })
}

/// Rows per panel of the AVX2 Gram path, tuned by bench/kernels.ts on 1e6 x 100: a column of
/// 96 rows (768 B) avoids the 4 KiB aliasing of power-of-two strides, and the panel of 100
/// columns (75 KiB) stays in L2 while each 4x3 block's 7 columns (5 KiB) sit in L1.
pub const PANEL: usize = 96;

/// [Σa, Σb, Σc, Σd] of the lanes of four vectors.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
#[inline]
unsafe fn hsum4(a: std::arch::x86_64::__m256d, b: std::arch::x86_64::__m256d, c: std::arch::x86_64::__m256d, d: std::arch::x86_64::__m256d) -> std::arch::x86_64::__m256d {
    use std::arch::x86_64::*;
    let ab = _mm256_hadd_pd(a, b); // [a0+a1, b0+b1, a2+a3, b2+b3]
    let cd = _mm256_hadd_pd(c, d); // [c0+c1, d0+d1, c2+c3, d2+d3]
    let lo = _mm256_blend_pd::<0b1100>(ab, cd); // [a01, b01, c23, d23]
    let hi = _mm256_permute2f128_pd::<0x21>(ab, cd); // [a23, b23, c01, d01]
    _mm256_add_pd(lo, hi)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
#[allow(clippy::too_many_arguments)]
unsafe fn gram_panels_avx2<T: Element>(
    x: &[T],
    y: Option<&[T]>,
    rows: usize,
    cols: usize,
    xtx: &mut [f64],
    xty: &mut [f64],
    sums: &mut [f64],
    pt: &mut [f64],
) -> f64 {
    use std::arch::x86_64::*;
    let p = cols;
    let pp = p.div_ceil(4) * 4; // columns padded to the 4-wide i-block with zero columns
    // pt: column-major panel, column i at pt[i*PANEL..]; the padding columns stay zero
    pt[p * PANEL..].fill(0.0);
    let mut yp = [0.0f64; PANEL];
    let mut y_sum = 0.0;
    let mut r0 = 0;
    while r0 < rows {
        let take = (rows - r0).min(PANEL);
        if take < PANEL {
            pt[..p * PANEL].fill(0.0);
            yp.fill(0.0);
        }
        for t in 0..take {
            let row = &x[(r0 + t) * p..(r0 + t + 1) * p];
            for (i, v) in row.iter().enumerate() {
                *pt.get_unchecked_mut(i * PANEL + t) = v.to_f64();
            }
        }
        for i in 0..p {
            sums[i] += pt[i * PANEL..(i + 1) * PANEL].iter().sum::<f64>();
        }
        if let Some(y) = y {
            for t in 0..take {
                yp[t] = y[r0 + t].to_f64();
            }
            y_sum += yp.iter().sum::<f64>();
            for i in 0..p {
                xty[i] += dot_f64(&pt[i * PANEL..(i + 1) * PANEL], &yp);
            }
        }
        let base = pt.as_ptr();
        let out = xtx.as_mut_ptr();
        let mut ib = 0;
        while ib < pp {
            let mut jb = ib;
            while jb < pp {
                // 4 x 3 block: 12 accumulators + 3 b vectors + 1 a vector = the 16 ymm registers.
                let jn = (pp - jb).min(3);
                let mut acc = [[_mm256_setzero_pd(); 3]; 4];
                let bcol0 = base.add(jb * PANEL);
                let bcol1 = base.add((jb + 1.min(jn - 1)) * PANEL);
                let bcol2 = base.add((jb + 2.min(jn - 1)) * PANEL);
                let a0 = base.add(ib * PANEL);
                let a1 = base.add((ib + 1) * PANEL);
                let a2 = base.add((ib + 2) * PANEL);
                let a3 = base.add((ib + 3) * PANEL);
                let mut t = 0;
                while t < PANEL {
                    let b0 = _mm256_loadu_pd(bcol0.add(t));
                    let b1 = _mm256_loadu_pd(bcol1.add(t));
                    let b2 = _mm256_loadu_pd(bcol2.add(t));
                    let v0 = _mm256_loadu_pd(a0.add(t));
                    acc[0][0] = _mm256_fmadd_pd(v0, b0, acc[0][0]);
                    acc[0][1] = _mm256_fmadd_pd(v0, b1, acc[0][1]);
                    acc[0][2] = _mm256_fmadd_pd(v0, b2, acc[0][2]);
                    let v1 = _mm256_loadu_pd(a1.add(t));
                    acc[1][0] = _mm256_fmadd_pd(v1, b0, acc[1][0]);
                    acc[1][1] = _mm256_fmadd_pd(v1, b1, acc[1][1]);
                    acc[1][2] = _mm256_fmadd_pd(v1, b2, acc[1][2]);
                    let v2 = _mm256_loadu_pd(a2.add(t));
                    acc[2][0] = _mm256_fmadd_pd(v2, b0, acc[2][0]);
                    acc[2][1] = _mm256_fmadd_pd(v2, b1, acc[2][1]);
                    acc[2][2] = _mm256_fmadd_pd(v2, b2, acc[2][2]);
                    let v3 = _mm256_loadu_pd(a3.add(t));
                    acc[3][0] = _mm256_fmadd_pd(v3, b0, acc[3][0]);
                    acc[3][1] = _mm256_fmadd_pd(v3, b1, acc[3][1]);
                    acc[3][2] = _mm256_fmadd_pd(v3, b2, acc[3][2]);
                    t += 4;
                }
                // Column j = jb+b of the block against columns ib..ib+4: summed over the lanes,
                // they are four consecutive cells of row j of the lower triangle.
                for b in 0..jn {
                    let j = jb + b;
                    if j >= p {
                        break;
                    }
                    let s = hsum4(acc[0][b], acc[1][b], acc[2][b], acc[3][b]);
                    let cell = out.add(j * p + ib);
                    if ib + 3 <= j && ib + 4 <= p {
                        _mm256_storeu_pd(cell, _mm256_add_pd(_mm256_loadu_pd(cell), s));
                    } else {
                        // near the diagonal or the last columns: only cells with column ≤ j, < p
                        let mut lanes = [0.0f64; 4];
                        _mm256_storeu_pd(lanes.as_mut_ptr(), s);
                        for (a, v) in lanes.iter().enumerate().take((j + 1).min(p) - ib) {
                            *cell.add(a) += v;
                        }
                    }
                }
                jb += 3;
            }
            ib += 4;
        }
        r0 += take;
    }
    y_sum
}

#[inline(always)]
fn dot_f64(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[allow(clippy::too_many_arguments)]
fn gram_portable<T: Element>(
    x: &[T],
    y: Option<&[T]>,
    rows: usize,
    cols: usize,
    g: &mut [f64],
    xty: &mut [f64],
    sums: &mut [f64],
    buf: &mut [f64],
) -> f64 {
    let p = cols;
    let mut y_sum = 0.0;
    let mut r = 0;
    while r < rows {
        let take = (rows - r).min(4);
        for t in 0..4 {
            let dst = &mut buf[t * p..(t + 1) * p];
            if t < take {
                for (d, s) in dst.iter_mut().zip(&x[(r + t) * p..(r + t + 1) * p]) {
                    *d = s.to_f64();
                }
            } else {
                dst.fill(0.0);
            }
        }
        let (r0, rest) = buf.split_at(p);
        let (r1, rest) = rest.split_at(p);
        let (r2, r3) = rest.split_at(p);
        // row j of the lower triangle: columns 0..=j
        for j in 0..p {
            let (b0, b1, b2, b3) = (r0[j], r1[j], r2[j], r3[j]);
            sums[j] += b0 + b1 + b2 + b3;
            let gj = &mut g[j * p..j * p + j + 1];
            for ((((gv, &a0), &a1), &a2), &a3) in gj.iter_mut().zip(r0).zip(r1).zip(r2).zip(r3) {
                *gv += a0 * b0 + a1 * b1 + a2 * b2 + a3 * b3;
            }
        }
        if let Some(y) = y {
            for t in 0..take {
                let yv = y[r + t].to_f64();
                y_sum += yv;
                for (o, v) in xty.iter_mut().zip(&buf[t * p..(t + 1) * p]) {
                    *o += yv * v;
                }
            }
        }
        r += take;
    }
    y_sum
}

/// Lower-triangular Cholesky factor L (row-major n x n, zeros above) with A = L Lᵀ.
/// Only the lower triangle of `a` is read.
pub fn cholesky(a: &[f64], n: usize) -> Result<Vec<f64>> {
    check_len("a", a.len(), n * n, &format!("n*n = {n}*{n}"))?;
    let mut l = vec![0.0; n * n];
    for j in 0..n {
        let mut d = a[j * n + j];
        for k in 0..j {
            d -= l[j * n + k] * l[j * n + k];
        }
        if !(d > 0.0) || !d.is_finite() {
            return Err(KernelError::NotPositiveDefinite(format!(
                "a: matrix is not positive definite (pivot {j} of {n} is {d:e})"
            )));
        }
        let djj = d.sqrt();
        l[j * n + j] = djj;
        for i in j + 1..n {
            let mut s = a[i * n + j];
            for k in 0..j {
                s -= l[i * n + k] * l[j * n + k];
            }
            l[i * n + j] = s / djj;
        }
    }
    Ok(l)
}

/// Solves (L Lᵀ) X = B for B row-major n x nrhs, given the Cholesky factor L.
pub fn cholesky_solve(l: &[f64], n: usize, b: &[f64], nrhs: usize) -> Result<Vec<f64>> {
    check_len("l", l.len(), n * n, &format!("n*n = {n}*{n}"))?;
    check_len("b", b.len(), n * nrhs, &format!("n*nrhs = {n}*{nrhs}"))?;
    let mut x = b.to_vec();
    for c in 0..nrhs {
        // Forward: L z = b.
        for i in 0..n {
            let mut s = x[i * nrhs + c];
            for k in 0..i {
                s -= l[i * n + k] * x[k * nrhs + c];
            }
            x[i * nrhs + c] = s / l[i * n + i];
        }
        // Backward: Lᵀ x = z.
        for i in (0..n).rev() {
            let mut s = x[i * nrhs + c];
            for k in i + 1..n {
                s -= l[k * n + i] * x[k * nrhs + c];
            }
            x[i * nrhs + c] = s / l[i * n + i];
        }
    }
    Ok(x)
}

/// Solves A X = B for symmetric positive definite A (n x n) and B (n x nrhs).
pub fn solve_spd(a: &[f64], n: usize, b: &[f64], nrhs: usize) -> Result<Vec<f64>> {
    let l = cholesky(a, n)?;
    cholesky_solve(&l, n, b, nrhs)
}

/// Thin QR of a row-major `rows x cols` matrix with rows >= cols (Householder):
/// returns (Q `rows x cols` with orthonormal columns, R `cols x cols` upper triangular
/// with a non-negative diagonal, so the factorisation is unique for full-rank input).
///
/// This is the per-block step of TSQR; [`tsqr_combine`] is the combine step.
pub fn qr<T: Element>(a: &[T], rows: usize, cols: usize) -> Result<(Vec<f64>, Vec<f64>)> {
    check_len("a", a.len(), rows * cols, &format!("rows*cols = {rows}*{cols}"))?;
    if rows < cols {
        return Err(KernelError::Shape(format!("a: thin QR needs rows >= cols, got {rows} x {cols}")));
    }
    let (m, n) = (rows, cols);
    // Work column-major: Householder reflections act on columns.
    let mut w = vec![0.0; m * n];
    for i in 0..m {
        for j in 0..n {
            w[j * m + i] = a[i * n + j].to_f64();
        }
    }
    let mut vs: Vec<Vec<f64>> = Vec::with_capacity(n);
    for j in 0..n {
        let col = &w[j * m + j..(j + 1) * m];
        let norm = col.iter().map(|v| v * v).sum::<f64>().sqrt();
        let mut v = col.to_vec();
        let alpha = if v[0] >= 0.0 { -norm } else { norm };
        v[0] -= alpha;
        let vnorm2: f64 = v.iter().map(|x| x * x).sum();
        if vnorm2 > 0.0 {
            for c in j..n {
                let cc = &mut w[c * m + j..(c + 1) * m];
                let d: f64 = cc.iter().zip(&v).map(|(a, b)| a * b).sum::<f64>() * 2.0 / vnorm2;
                for (x, vv) in cc.iter_mut().zip(&v) {
                    *x -= d * vv;
                }
            }
        }
        vs.push(v);
    }
    let mut r = vec![0.0; n * n];
    for i in 0..n {
        for j in i..n {
            r[i * n + j] = w[j * m + i];
        }
    }
    // Q = H_0 H_1 … H_{n-1} applied to the first n columns of I, built column-major.
    let mut q = vec![0.0; m * n];
    for j in 0..n {
        q[j * m + j] = 1.0;
    }
    for j in (0..n).rev() {
        let v = &vs[j];
        let vnorm2: f64 = v.iter().map(|x| x * x).sum();
        if vnorm2 == 0.0 {
            continue;
        }
        for c in 0..n {
            let cc = &mut q[c * m + j..(c + 1) * m];
            let d: f64 = cc.iter().zip(v).map(|(a, b)| a * b).sum::<f64>() * 2.0 / vnorm2;
            for (x, vv) in cc.iter_mut().zip(v) {
                *x -= d * vv;
            }
        }
    }
    // Make diag(R) non-negative: flip row i of R and column i of Q together.
    for i in 0..n {
        if r[i * n + i] < 0.0 {
            for j in i..n {
                r[i * n + j] = -r[i * n + j];
            }
            for x in &mut q[i * m..(i + 1) * m] {
                *x = -*x;
            }
        }
    }
    let mut q_rm = vec![0.0; m * n];
    for i in 0..m {
        for j in 0..n {
            q_rm[i * n + j] = q[j * m + i];
        }
    }
    Ok((q_rm, r))
}

/// The TSQR combine step: given `blocks` R factors (each `cols x cols`) stacked
/// row-wise, returns (R of the whole, and for each block the `cols x cols` factor
/// Qᵢ' such that the block's final Q is Qᵢ · Qᵢ').
pub fn tsqr_combine(stacked_r: &[f64], blocks: usize, cols: usize) -> Result<(Vec<f64>, Vec<f64>)> {
    check_len("stackedR", stacked_r.len(), blocks * cols * cols, &format!("blocks*cols*cols = {blocks}*{cols}*{cols}"))?;
    qr(stacked_r, blocks * cols, cols).map(|(q, r)| (r, q))
}

/// Thin SVD of a small row-major `rows x cols` matrix by one-sided Jacobi:
/// returns (U `rows x k`, singular values `k` in decreasing order, Vᵀ `k x cols`), k = min(rows, cols).
pub fn svd<T: Element>(a: &[T], rows: usize, cols: usize) -> Result<(Vec<f64>, Vec<f64>, Vec<f64>)> {
    check_len("a", a.len(), rows * cols, &format!("rows*cols = {rows}*{cols}"))?;
    if rows < cols {
        // A = U S Vᵀ  ⇔  Aᵀ = V S Uᵀ.
        let mut at = vec![0.0; rows * cols];
        for i in 0..rows {
            for j in 0..cols {
                at[j * rows + i] = a[i * cols + j].to_f64();
            }
        }
        let (u2, s, vt2) = svd(&at, cols, rows)?;
        let k = rows;
        // U = (Vt2)ᵀ (rows x k); Vᵀ = (U2)ᵀ (k x cols).
        let mut u = vec![0.0; rows * k];
        for i in 0..k {
            for j in 0..rows {
                u[j * k + i] = vt2[i * rows + j];
            }
        }
        let mut vt = vec![0.0; k * cols];
        for i in 0..cols {
            for j in 0..k {
                vt[j * cols + i] = u2[i * k + j];
            }
        }
        return Ok((u, s, vt));
    }
    let (m, n) = (rows, cols);
    // Columns of W converge to U·S; V accumulates the rotations. Column-major storage.
    let mut w = vec![0.0; m * n];
    for i in 0..m {
        for j in 0..n {
            w[j * m + i] = a[i * n + j].to_f64();
        }
    }
    let mut v = vec![0.0; n * n];
    for j in 0..n {
        v[j * n + j] = 1.0;
    }
    for _sweep in 0..60 {
        let mut rotated = false;
        for p in 0..n {
            for q in p + 1..n {
                let (mut alpha, mut beta, mut gamma) = (0.0, 0.0, 0.0);
                for i in 0..m {
                    let (x, y) = (w[p * m + i], w[q * m + i]);
                    alpha += x * x;
                    beta += y * y;
                    gamma += x * y;
                }
                if gamma.abs() <= 1e-15 * (alpha * beta).sqrt() || gamma == 0.0 {
                    continue;
                }
                rotated = true;
                let zeta = (beta - alpha) / (2.0 * gamma);
                let t = zeta.signum() / (zeta.abs() + (1.0 + zeta * zeta).sqrt());
                let t = if zeta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (1.0 + t * t).sqrt();
                let s = c * t;
                for i in 0..m {
                    let (x, y) = (w[p * m + i], w[q * m + i]);
                    w[p * m + i] = c * x - s * y;
                    w[q * m + i] = s * x + c * y;
                }
                for i in 0..n {
                    let (x, y) = (v[p * n + i], v[q * n + i]);
                    v[p * n + i] = c * x - s * y;
                    v[q * n + i] = s * x + c * y;
                }
            }
        }
        if !rotated {
            break;
        }
    }
    let mut sv: Vec<(f64, usize)> = (0..n)
        .map(|j| (w[j * m..(j + 1) * m].iter().map(|x| x * x).sum::<f64>().sqrt(), j))
        .collect();
    sv.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap_or(std::cmp::Ordering::Equal));
    let k = n;
    let mut u = vec![0.0; m * k];
    let mut s = vec![0.0; k];
    let mut vt = vec![0.0; k * n];
    for (out, &(sigma, j)) in sv.iter().enumerate() {
        s[out] = sigma;
        for i in 0..m {
            u[i * k + out] = if sigma > 0.0 { w[j * m + i] / sigma } else { 0.0 };
        }
        for i in 0..n {
            vt[out * n + i] = v[j * n + i];
        }
    }
    Ok((u, s, vt))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::fill_normal_f64;

    fn randn(n: usize, stream: u64) -> Vec<f64> {
        let mut v = vec![0.0; n];
        fill_normal_f64(&mut v, 11, stream, 0.0, 1.0).unwrap();
        v
    }

    fn transpose(a: &[f64], r: usize, c: usize) -> Vec<f64> {
        let mut t = vec![0.0; r * c];
        for i in 0..r {
            for j in 0..c {
                t[j * r + i] = a[i * c + j];
            }
        }
        t
    }

    fn close(a: &[f64], b: &[f64], tol: f64) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() <= tol * (1.0 + y.abs()))
    }

    /// Brute-force triple loop, the reference for GEMM and the Gram product.
    fn naive_matmul(a: &[f64], b: &[f64], m: usize, k: usize, n: usize) -> Vec<f64> {
        let mut c = vec![0.0; m * n];
        for i in 0..m {
            for j in 0..n {
                c[i * n + j] = (0..k).map(|l| a[i * k + l] * b[l * n + j]).sum();
            }
        }
        c
    }

    #[test]
    fn gemm_with_one_column_is_dot4_bit_for_bit() {
        for &(m, k) in &[(1, 100), (4, 100), (9, 7), (13, 3), (6, 4), (5, 0), (11, 103)] {
            let a = randn(m * k, 900 + m as u64);
            let b = randn(k, 901);
            let c = gemm(&a, &b, m, k, 1).unwrap();
            for i in 0..m {
                assert_eq!(c[i].to_bits(), dot4(&a[i * k..(i + 1) * k], &b).to_bits(), "{m}x{k} row {i}");
            }
        }
    }

    /// Column moments against a plain two-pass reference, for row counts on either side of a
    /// multiple of 4 and for f32 rows; bad lengths name `x`.
    #[test]
    fn column_moments_match_the_two_pass_definition() {
        for (rows, cols) in [(1, 3), (7, 2), (8, 1), (1001, 5)] {
            let x: Vec<f64> = randn(rows * cols, 70 + rows as u64).iter().map(|v| 3.0 + 2.0 * v).collect();
            let x32: Vec<f32> = x.iter().map(|&v| v as f32).collect();
            for (name, got, vals) in [
                ("f64", column_moments(&x, rows, cols).unwrap(), x.clone()),
                ("f32", column_moments(&x32, rows, cols).unwrap(), x32.iter().map(|&v| v as f64).collect()),
            ] {
                for j in 0..cols {
                    let col: Vec<f64> = (0..rows).map(|r| vals[r * cols + j]).collect();
                    let sum: f64 = col.iter().sum();
                    let mean = sum / rows as f64;
                    let m2: f64 = col.iter().map(|v| (v - mean) * (v - mean)).sum();
                    assert!((got.0[j] - sum).abs() <= 1e-12 * sum.abs().max(1.0), "{name} {rows}x{cols} sum");
                    assert!((got.1[j] - m2).abs() <= 1e-12 * m2.abs().max(1.0), "{name} {rows}x{cols} m2");
                }
            }
        }
        assert_eq!(column_moments::<f64>(&[], 0, 3).unwrap(), (vec![0.0; 3], vec![0.0; 3]));
        let err = column_moments(&[1.0f64; 5], 2, 3).unwrap_err().to_string();
        assert!(err.starts_with("x:"), "{err}");
    }

    #[test]
    fn column_sums_of_a_small_matrix() {
        assert_eq!(column_sums(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], 3, 2).unwrap(), vec![9.0, 12.0]);
        assert!(column_sums(&[1.0; 5], 3, 2).unwrap_err().to_string().starts_with("x: expected rows*cols"));
    }

    #[test]
    fn gemm_and_gram_match_the_triple_loop_over_random_shapes() {
        for (s, &(m, k, n)) in [(1, 1, 1), (3, 5, 2), (7, 4, 9), (13, 6, 1), (2, 17, 3), (5, 103, 1)].iter().enumerate() {
            let a = randn(m * k, 2 * s as u64);
            let b = randn(k * n, 2 * s as u64 + 1);
            assert!(close(&gemm(&a, &b, m, k, n).unwrap(), &naive_matmul(&a, &b, m, k, n), 1e-12));
        }
        for (s, &(rows, cols)) in [(1, 1), (5, 3), (9, 7), (4, 4), (103, 11)].iter().enumerate() {
            let x = randn(rows * cols, 100 + s as u64);
            let y = randn(rows, 200 + s as u64);
            let g = gram(&x, Some(&y), rows, cols).unwrap();
            let xt = transpose(&x, rows, cols);
            assert!(close(&g.xtx, &naive_matmul(&xt, &x, cols, rows, cols), 1e-12));
            assert!(close(&g.xty, &naive_matmul(&xt, &y, cols, rows, 1), 1e-12));
            assert!(close(&g.col_sums, &column_sums(&x, rows, cols).unwrap(), 1e-12));
            assert!((g.y_sum - y.iter().sum::<f64>()).abs() < 1e-12);
            let xf: Vec<f32> = x.iter().map(|&v| v as f32).collect();
            let gf = gram(&xf, None, rows, cols).unwrap();
            assert!(close(&gf.xtx, &g.xtx, 1e-5));
        }
    }

    #[test]
    fn gram_paths_agree_across_panel_boundaries() {
        for &(rows, cols) in &[(PANEL + 3, 5), (2 * PANEL, 8), (7, 13), (PANEL - 1, 4)] {
            let x = randn(rows * cols, 300 + rows as u64);
            let y = randn(rows, 400);
            let a = gram(&x, Some(&y), rows, cols).unwrap();
            let b = portable(&x, Some(&y), rows, cols);
            assert!(close(&a.xtx, &b.xtx, 1e-11) && close(&a.xty, &b.xty, 1e-11), "{rows}x{cols}");
            assert!(close(&a.col_sums, &b.col_sums, 1e-11) && (a.y_sum - b.y_sum).abs() < 1e-9);
            let xt = transpose(&x, rows, cols);
            assert!(close(&a.xtx, &naive_matmul(&xt, &x, cols, rows, cols), 1e-11));
        }
    }

    /// The portable path on fresh sums, as `gram` returns them.
    fn portable(x: &[f64], y: Option<&[f64]>, rows: usize, cols: usize) -> Gram {
        let (mut xtx, mut xty, mut col_sums) = (vec![0.0; cols * cols], vec![0.0; cols], vec![0.0; cols]);
        let y_sum = gram_portable(x, y, rows, cols, &mut xtx, &mut xty, &mut col_sums, &mut vec![0.0; 4 * cols]);
        mirror_lower(&mut xtx, cols).unwrap();
        Gram { xtx, xty: if y.is_some() { xty } else { Vec::new() }, col_sums, y_sum }
    }

    /// `gram_accumulate` over `x` split at `cuts` (row indices), on sums that start at `start`.
    fn accumulate_in_blocks(x: &[f64], y: &[f64], cols: usize, cuts: &[usize], start: f64) -> Gram {
        let rows = y.len();
        let (mut xtx, mut xty, mut col_sums) = (vec![start; cols * cols], vec![start; cols], vec![start; cols]);
        let mut y_sum = start;
        let mut bounds = vec![0];
        bounds.extend(cuts.iter().filter(|&&c| c <= rows));
        bounds.push(rows);
        for w in bounds.windows(2) {
            let (a, b) = (w[0], w[1]);
            y_sum += gram_accumulate(&x[a * cols..b * cols], Some(&y[a..b]), b - a, cols, &mut xtx, &mut xty, &mut col_sums).unwrap();
        }
        Gram { xtx, xty, col_sums, y_sum }
    }

    #[test]
    fn gram_accumulate_once_on_zeros_is_gram() {
        for &(rows, cols) in &[(1, 1), (5, 3), (PANEL + 3, 5), (2 * PANEL + 17, 8), (300, 13), (PANEL - 1, 4), (250, 100)] {
            let x = randn(rows * cols, 500 + rows as u64);
            let y = randn(rows, 600 + cols as u64);
            let g = gram(&x, Some(&y), rows, cols).unwrap();
            let mut a = accumulate_in_blocks(&x, &y, cols, &[], 0.0);
            // only the lower triangle is written: the upper stays as it was (0)
            for i in 0..cols {
                for j in i + 1..cols {
                    assert_eq!(a.xtx[i * cols + j], 0.0, "{rows}x{cols}: upper cell ({i}, {j}) written");
                }
            }
            mirror_lower(&mut a.xtx, cols).unwrap();
            assert_eq!(a, g, "{rows}x{cols}");
            // without y: xty untouched whatever its length, Σy = 0
            let (mut xtx, mut col_sums) = (vec![0.0; cols * cols], vec![0.0; cols]);
            let mut untouched = vec![7.0; 2];
            assert_eq!(gram_accumulate(&x, None, rows, cols, &mut xtx, &mut untouched, &mut col_sums).unwrap(), 0.0);
            mirror_lower(&mut xtx, cols).unwrap();
            assert_eq!((xtx, col_sums, untouched), (g.xtx.clone(), g.col_sums.clone(), vec![7.0; 2]));
        }
    }

    #[test]
    fn gram_accumulate_over_blocks_equals_one_call_on_the_stacked_rows() {
        let ends = |r: usize| [vec![], vec![1], vec![PANEL], vec![PANEL, 2 * PANEL], vec![7, 8, 150, 151, r - 1], vec![r / 3, 2 * r / 3]];
        for &(rows, cols) in &[(3 * PANEL + 5, 100), (400, 7), (333, 4), (97, 3), (500, 1)] {
            let x = randn(rows * cols, 700 + cols as u64);
            let y = randn(rows, 800);
            let whole = gram(&x, Some(&y), rows, cols).unwrap();
            for cuts in ends(rows) {
                let mut g = accumulate_in_blocks(&x, &y, cols, &cuts, 0.0);
                mirror_lower(&mut g.xtx, cols).unwrap();
                assert!(close(&g.xtx, &whole.xtx, 1e-12) && close(&g.xty, &whole.xty, 1e-12), "{rows}x{cols} cut at {cuts:?}");
                assert!(close(&g.col_sums, &whole.col_sums, 1e-12) && (g.y_sum - whole.y_sum).abs() < 1e-10);
                // sums that do not start at zero are added to, not overwritten
                let mut s = accumulate_in_blocks(&x, &y, cols, &cuts, 1.5);
                mirror_lower(&mut s.xtx, cols).unwrap();
                let plus = |v: &[f64]| v.iter().map(|a| a + 1.5).collect::<Vec<_>>();
                assert!(close(&s.xtx, &plus(&whole.xtx), 1e-12) && close(&s.xty, &plus(&whole.xty), 1e-12));
                assert!(close(&s.col_sums, &plus(&whole.col_sums), 1e-12) && (s.y_sum - whole.y_sum - 1.5).abs() < 1e-10);
            }
            // blocks cut at panel boundaries sum in the same order as one call: bit-identical
            let mut g = accumulate_in_blocks(&x, &y, cols, &[PANEL, 2 * PANEL], 0.0);
            mirror_lower(&mut g.xtx, cols).unwrap();
            if cols >= 4 {
                assert_eq!(g.xtx, whole.xtx, "{rows}x{cols}");
            }
            // the portable path accumulates the same way
            let p = portable(&x, Some(&y), rows, cols);
            assert!(close(&p.xtx, &whole.xtx, 1e-11) && close(&p.xty, &whole.xty, 1e-11) && close(&p.col_sums, &whole.col_sums, 1e-11));
        }
    }

    #[test]
    fn gram_accumulate_checks_the_callers_buffers() {
        let x = randn(20, 1);
        let y = randn(5, 2);
        let (mut xtx, mut xty, mut sums) = (vec![0.0; 16], vec![0.0; 4], vec![0.0; 4]);
        let err = gram_accumulate(&x, Some(&y), 5, 4, &mut vec![0.0; 15], &mut xty, &mut sums).unwrap_err();
        assert!(err.to_string().starts_with("xtx: expected cols*cols"), "{err}");
        let err = gram_accumulate(&x, Some(&y), 5, 4, &mut xtx, &mut vec![0.0; 3], &mut sums).unwrap_err();
        assert!(err.to_string().starts_with("xty: expected cols"), "{err}");
        let err = gram_accumulate(&x, Some(&y), 5, 4, &mut xtx, &mut xty, &mut vec![0.0; 5]).unwrap_err();
        assert!(err.to_string().starts_with("colSums: expected cols"), "{err}");
        assert_eq!(xtx, vec![0.0; 16]);
    }

    #[test]
    fn cholesky_reconstructs_and_solves() {
        for n in [1, 2, 5, 12] {
            let b = randn(n * (n + 3), n as u64);
            let mut a = naive_matmul(&b, &transpose(&b, n, n + 3), n, n + 3, n);
            for i in 0..n {
                a[i * n + i] += 0.1;
            }
            let l = cholesky(&a, n).unwrap();
            assert!(close(&naive_matmul(&l, &transpose(&l, n, n), n, n, n), &a, 1e-10));
            let x_true = randn(n * 2, 50 + n as u64);
            let rhs = naive_matmul(&a, &x_true, n, n, 2);
            assert!(close(&solve_spd(&a, n, &rhs, 2).unwrap(), &x_true, 1e-8));
        }
    }

    #[test]
    fn cholesky_rejects_an_indefinite_matrix() {
        let err = cholesky(&[1.0, 2.0, 2.0, 1.0], 2).unwrap_err();
        assert!(matches!(err, KernelError::NotPositiveDefinite(_)), "{err}");
        assert!(err.to_string().contains("not positive definite"));
    }

    #[test]
    fn qr_is_orthonormal_upper_and_tsqr_agrees_with_direct_qr() {
        let (rows, cols) = (40, 5);
        let a = randn(rows * cols, 77);
        let (q, r) = qr(&a, rows, cols).unwrap();
        assert!(close(&naive_matmul(&q, &r, rows, cols, cols), &a, 1e-12));
        let qtq = naive_matmul(&transpose(&q, rows, cols), &q, cols, rows, cols);
        let eye: Vec<f64> = (0..cols * cols).map(|i| if i % (cols + 1) == 0 { 1.0 } else { 0.0 }).collect();
        assert!(close(&qtq, &eye, 1e-12));
        for i in 0..cols {
            assert!(r[i * cols + i] >= 0.0);
            for j in 0..i {
                assert_eq!(r[i * cols + j], 0.0);
            }
        }
        // TSQR over 4 blocks of 10 rows gives the same R and Q.
        let mut stacked = Vec::new();
        let mut qs = Vec::new();
        for b in 0..4 {
            let (qb, rb) = qr(&a[b * 10 * cols..(b + 1) * 10 * cols], 10, cols).unwrap();
            stacked.extend(rb);
            qs.push(qb);
        }
        let (r2, qcomb) = tsqr_combine(&stacked, 4, cols).unwrap();
        assert!(close(&r2, &r, 1e-10));
        for b in 0..4 {
            let qb = naive_matmul(&qs[b], &qcomb[b * cols * cols..(b + 1) * cols * cols], 10, cols, cols);
            assert!(close(&qb, &q[b * 10 * cols..(b + 1) * 10 * cols], 1e-10));
        }
    }

    #[test]
    fn svd_reconstructs_with_orthonormal_factors_for_tall_and_wide() {
        for &(rows, cols) in &[(6, 4), (4, 6), (5, 5), (1, 3)] {
            let a = randn(rows * cols, (rows * 10 + cols) as u64);
            let (u, s, vt) = svd(&a, rows, cols).unwrap();
            let k = rows.min(cols);
            assert!(s.windows(2).all(|w| w[0] >= w[1]));
            let mut us = u.clone();
            for i in 0..rows {
                for j in 0..k {
                    us[i * k + j] *= s[j];
                }
            }
            assert!(close(&naive_matmul(&us, &vt, rows, k, cols), &a, 1e-10), "{rows}x{cols}");
            let utu = naive_matmul(&transpose(&u, rows, k), &u, k, rows, k);
            let eye: Vec<f64> = (0..k * k).map(|i| if i % (k + 1) == 0 { 1.0 } else { 0.0 }).collect();
            assert!(close(&utu, &eye, 1e-10));
            // Σσ² = ‖A‖_F².
            let fro: f64 = a.iter().map(|v| v * v).sum();
            assert!((s.iter().map(|v| v * v).sum::<f64>() - fro).abs() < 1e-10 * fro);
        }
    }
}

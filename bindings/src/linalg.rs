//! Dense linear algebra bindings. Matrices are row-major; `x`/`a`/`b` accept Float64Array
//! or Float32Array (read in place), results are new Float64Arrays.

use crate::errors::{check, dtype_mismatch, to_js, F64OrF32};
use shoal_kernels::KernelError;
use crate::with_slice;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use shoal_kernels::linalg as k;

/// Column sums of a row-major `rows x cols` matrix.
#[napi]
pub fn column_sums(env: Env, x: F64OrF32, rows: u32, cols: u32) -> Result<Float64Array> {
    let v = check(&env, with_slice!(x, |s| k::column_sums(s, rows as usize, cols as usize)))?;
    Ok(v.into())
}

/// C = A·B for A `m x k` and B `k x n` (same dtype); C is `m x n`.
#[napi(object)]
pub struct ColumnMoments {
    /// Σ x per column.
    pub sum: Float64Array,
    /// Σ (x − sum/rows)² per column.
    pub m2: Float64Array,
}

/// Per-column sums and centred second moments of a `rows x cols` chunk, each in row order.
#[napi]
pub fn column_moments(env: Env, x: F64OrF32, rows: u32, cols: u32) -> Result<ColumnMoments> {
    let (sum, m2) = check(&env, with_slice!(x, |s| k::column_moments(s, rows as usize, cols as usize)))?;
    Ok(ColumnMoments { sum: sum.into(), m2: m2.into() })
}

#[napi]
pub fn gemm(env: Env, a: F64OrF32, b: F64OrF32, m: u32, k: u32, n: u32) -> Result<Float64Array> {
    let (m, kk, n) = (m as usize, k as usize, n as usize);
    let r = match (&a, &b) {
        (Either::A(a), Either::A(b)) => k::gemm::<f64>(a, b, m, kk, n),
        (Either::B(a), Either::B(b)) => k::gemm::<f32>(a, b, m, kk, n),
        _ => return Err(dtype_mismatch(&env, "b", "a")),
    };
    Ok(check(&env, r)?.into())
}

/// The Gram products of a chunk, from one pass over it.
#[napi(object)]
pub struct GramResult {
    /// XᵀX, `cols x cols`.
    pub xtx: Float64Array,
    /// Xᵀy, `cols` (length 0 without y).
    pub xty: Float64Array,
    /// Column sums of X, `cols`.
    pub col_sums: Float64Array,
    /// Σy (0 without y).
    pub y_sum: f64,
}

/// XᵀX, Xᵀy and the column sums of a row-major `rows x cols` chunk in one pass. `y` (`rows`)
/// is optional and must have the dtype of `x`.
#[napi]
pub fn gram(env: Env, x: F64OrF32, rows: u32, cols: u32, y: Option<F64OrF32>) -> Result<GramResult> {
    let (r, c) = (rows as usize, cols as usize);
    let g = match (&x, &y) {
        (Either::A(x), None) => k::gram::<f64>(x, None, r, c),
        (Either::B(x), None) => k::gram::<f32>(x, None, r, c),
        (Either::A(x), Some(Either::A(y))) => k::gram::<f64>(x, Some(y), r, c),
        (Either::B(x), Some(Either::B(y))) => k::gram::<f32>(x, Some(y), r, c),
        _ => return Err(dtype_mismatch(&env, "y", "x")),
    };
    let g = check(&env, g)?;
    Ok(GramResult { xtx: g.xtx.into(), xty: g.xty.into(), col_sums: g.col_sums.into(), y_sum: g.y_sum })
}

/// Adds the Gram products of a row-major `rows x cols` block into running sums the caller
/// owns, in place and allocating nothing: the lower triangle (row ≥ column) of `xtx`
/// (`cols x cols`; `mirrorLower(xtx, cols)` fills the upper once the last block is in),
/// `xty` (`cols`; untouched when `y` is null) and `colSums` (`cols`). `y` (`rows`, dtype of
/// `x`) may be null. Returns the block's Σy (0 without `y`).
#[napi]
#[allow(clippy::too_many_arguments)]
pub fn gram_accumulate(
    env: Env,
    x: F64OrF32,
    rows: u32,
    cols: u32,
    y: Option<F64OrF32>,
    mut xtx: Float64Array,
    mut xty: Float64Array,
    mut col_sums: Float64Array,
) -> Result<f64> {
    let (r, c) = (rows as usize, cols as usize);
    // three `&mut` views of one buffer would alias: refuse overlapping sums
    let spans = [("xtx", xtx.as_ptr_range()), ("xty", xty.as_ptr_range()), ("colSums", col_sums.as_ptr_range())];
    for (i, (a, ra)) in spans.iter().enumerate() {
        for (b, rb) in &spans[i + 1..] {
            if !ra.is_empty() && !rb.is_empty() && ra.start < rb.end && rb.start < ra.end {
                return Err(to_js(&env, KernelError::Value(format!("{b}: overlaps {a}; the running sums must be separate arrays"))));
            }
        }
    }
    let (g, v, s) = unsafe { (xtx.as_mut(), xty.as_mut(), col_sums.as_mut()) };
    let y_sum = match (&x, &y) {
        (Either::A(x), None) => k::gram_accumulate::<f64>(x, None, r, c, g, v, s),
        (Either::B(x), None) => k::gram_accumulate::<f32>(x, None, r, c, g, v, s),
        (Either::A(x), Some(Either::A(y))) => k::gram_accumulate::<f64>(x, Some(y), r, c, g, v, s),
        (Either::B(x), Some(Either::B(y))) => k::gram_accumulate::<f32>(x, Some(y), r, c, g, v, s),
        _ => return Err(dtype_mismatch(&env, "y", "x")),
    };
    check(&env, y_sum)
}

/// Copies the lower triangle of a row-major `n x n` matrix onto its upper triangle, in place.
#[napi]
pub fn mirror_lower(env: Env, mut a: Float64Array, n: u32) -> Result<()> {
    check(&env, k::mirror_lower(unsafe { a.as_mut() }, n as usize))
}

/// Lower Cholesky factor L (`n x n`) of a symmetric positive definite `a`; RangeError with code
/// `NotPositiveDefinite` otherwise.
#[napi]
pub fn cholesky(env: Env, a: Float64Array, n: u32) -> Result<Float64Array> {
    Ok(check(&env, k::cholesky(&a, n as usize))?.into())
}

/// Solves (L·Lᵀ)·X = B given the Cholesky factor L (`n x n`); B is `n x nrhs`.
#[napi]
pub fn cholesky_solve(env: Env, l: Float64Array, n: u32, b: Float64Array, nrhs: u32) -> Result<Float64Array> {
    Ok(check(&env, k::cholesky_solve(&l, n as usize, &b, nrhs as usize))?.into())
}

/// Solves A·X = B for symmetric positive definite A (`n x n`), B `n x nrhs`.
#[napi]
pub fn solve_spd(env: Env, a: Float64Array, n: u32, b: Float64Array, nrhs: u32) -> Result<Float64Array> {
    Ok(check(&env, k::solve_spd(&a, n as usize, &b, nrhs as usize))?.into())
}

#[napi(object)]
pub struct QrResult {
    /// `rows x cols`, orthonormal columns.
    pub q: Float64Array,
    /// `cols x cols`, upper triangular, non-negative diagonal.
    pub r: Float64Array,
}

/// Thin QR (rows >= cols): the per-block step of TSQR.
#[napi]
pub fn qr(env: Env, a: F64OrF32, rows: u32, cols: u32) -> Result<QrResult> {
    let (q, r) = check(&env, with_slice!(a, |s| k::qr(s, rows as usize, cols as usize)))?;
    Ok(QrResult { q: q.into(), r: r.into() })
}

#[napi(object)]
pub struct TsqrCombineResult {
    /// R of the whole matrix, `cols x cols`.
    pub r: Float64Array,
    /// `blocks` factors of `cols x cols` stacked: block i's final Q is Qᵢ · qFactors[i].
    pub q_factors: Float64Array,
}

/// TSQR combine step over `blocks` R factors (each `cols x cols`) stacked row-wise.
#[napi]
pub fn tsqr_combine(env: Env, stacked_r: Float64Array, blocks: u32, cols: u32) -> Result<TsqrCombineResult> {
    let (r, q) = check(&env, k::tsqr_combine(&stacked_r, blocks as usize, cols as usize))?;
    Ok(TsqrCombineResult { r: r.into(), q_factors: q.into() })
}

#[napi(object)]
pub struct SvdResult {
    /// `rows x k`, k = min(rows, cols).
    pub u: Float64Array,
    /// `k` singular values, decreasing.
    pub s: Float64Array,
    /// `k x cols`.
    pub vt: Float64Array,
}

/// Thin SVD of a small matrix (one-sided Jacobi).
#[napi]
pub fn svd(env: Env, a: F64OrF32, rows: u32, cols: u32) -> Result<SvdResult> {
    let (u, s, vt) = check(&env, with_slice!(a, |m| k::svd(m, rows as usize, cols as usize)))?;
    Ok(SvdResult { u: u.into(), s: s.into(), vt: vt.into() })
}

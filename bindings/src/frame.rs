//! DataFrame statistics bindings: columns are Float64Array with NaN for null.

use crate::errors::check;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use shoal_kernels::frame as k;

/// Moments, extrema and quantile sketch of one column (see `shoal_kernels::frame::ColumnSummary`).
#[napi(object)]
pub struct ColumnSummaryResult {
    pub count: f64,
    pub sum: f64,
    pub mean: f64,
    pub m2: f64,
    pub min: f64,
    pub max: f64,
    /// Sorted values (all of them up to `sketchSize`, else evenly spaced order statistics).
    pub sketch: Float64Array,
}

/// Summary of `values` (NaN skipped); `sketchSize` 0 skips the sort.
#[napi]
pub fn column_summary(values: Float64Array, sketch_size: u32) -> ColumnSummaryResult {
    let s = k::column_summary(&values, sketch_size as usize);
    ColumnSummaryResult {
        count: s.count as f64,
        sum: s.sum,
        mean: s.mean,
        m2: s.m2,
        min: s.min,
        max: s.max,
        sketch: s.sketch.into(),
    }
}

/// Pairwise-complete co-moments, each `k x k` (pairs i <= j at i·k + j).
#[napi(object)]
pub struct CoMomentsResult {
    pub n: Float64Array,
    pub mx: Float64Array,
    pub my: Float64Array,
    pub m2x: Float64Array,
    pub m2y: Float64Array,
    pub cxy: Float64Array,
}

/// Co-moments of the columns `cols` (each a Float64Array of `rows` values, NaN = null), read in place.
#[napi]
pub fn pairwise_comoments(env: Env, cols: Vec<Float64Array>, rows: u32) -> Result<CoMomentsResult> {
    let views: Vec<&[f64]> = cols.iter().map(|c| &c[..]).collect();
    let m = check(&env, k::pairwise_comoments(&views, rows as usize))?;
    Ok(CoMomentsResult {
        n: m.n.into(),
        mx: m.mx.into(),
        my: m.my.into(),
        m2x: m.m2x.into(),
        m2y: m.m2y.into(),
        cxy: m.cxy.into(),
    })
}

/// Per-group partials of a one-key group-by (see `shoal_kernels::frame::GroupPartials`);
/// `sum`, `count`, `min`, `max` are `values.length x keys.length`, value-major.
#[napi(object)]
pub struct GroupPartialsResult {
    pub keys: Float64Array,
    pub sum: Float64Array,
    pub count: Float64Array,
    pub min: Float64Array,
    pub max: Float64Array,
}

/// Groups rows by `keys` (Float64Array with NaN = null, Int32Array or BigInt64Array; rows whose
/// bit in the optional Arrow validity bitmap `valid` is 0 are null) and reduces each of
/// `values` (Float64Array, NaN = null) per group. Everything is read in place.
#[napi]
pub fn group_reduce(
    env: Env,
    keys: Either3<Float64Array, Int32Array, BigInt64Array>,
    valid: Option<Uint8Array>,
    values: Vec<Float64Array>,
) -> Result<GroupPartialsResult> {
    let views: Vec<&[f64]> = values.iter().map(|v| &v[..]).collect();
    let bitmap = valid.as_deref();
    let p = match &keys {
        Either3::A(k) => k::group_reduce::<f64>(k, bitmap, &views),
        Either3::B(k) => k::group_reduce::<i32>(k, bitmap, &views),
        Either3::C(k) => k::group_reduce::<i64>(k, bitmap, &views),
    };
    let p = check(&env, p)?;
    Ok(GroupPartialsResult {
        keys: p.keys.into(),
        sum: p.sum.into(),
        count: p.count.into(),
        min: p.min.into(),
        max: p.max.into(),
    })
}

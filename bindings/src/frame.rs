//! DataFrame statistics bindings: columns are Float64Array with NaN for null.

use crate::errors::check;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use shoal_kernels::frame as k;
use shoal_kernels::frame::{Column, ColumnData};

/// Columns with one validity entry each; `name` names the validity argument in the error.
fn columns<'a>(
    env: &Env,
    values: &'a [ColumnValues],
    valid: &'a [Option<Uint8Array>],
    name: &str,
) -> Result<Vec<Column<'a>>> {
    if valid.len() != values.len() {
        let msg = format!(
            "{name}: expected one entry (a bitmap or null) per column ({}), got {}",
            values.len(),
            valid.len()
        );
        return Err(crate::errors::to_js(
            env,
            shoal_kernels::KernelError::Shape(msg),
        ));
    }
    Ok(values
        .iter()
        .zip(valid)
        .map(|(c, v)| column(c, v.as_ref()))
        .collect())
}

/// An Arrow column's values as the kernels read them (in place).
pub type ColumnValues = Either3<Float64Array, Int32Array, BigInt64Array>;

fn column<'a>(values: &'a ColumnValues, valid: Option<&'a Uint8Array>) -> Column<'a> {
    let data = match values {
        Either3::A(v) => ColumnData::F64(v),
        Either3::B(v) => ColumnData::I32(v),
        Either3::C(v) => ColumnData::I64(v),
    };
    Column {
        data,
        valid: valid.map(|b| &b[..]),
    }
}

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

/// Summary of a column (`values` Float64Array, Int32Array or BigInt64Array; rows whose bit in
/// the optional Arrow validity bitmap `valid` is 0, and NaN, are skipped); `sketchSize` 0
/// skips the sort.
#[napi]
pub fn column_summary(
    env: Env,
    values: ColumnValues,
    valid: Option<Uint8Array>,
    sketch_size: u32,
) -> Result<ColumnSummaryResult> {
    let s = check(
        &env,
        k::column_summary(column(&values, valid.as_ref()), sketch_size as usize),
    )?;
    Ok(ColumnSummaryResult {
        count: s.count as f64,
        sum: s.sum,
        mean: s.mean,
        m2: s.m2,
        min: s.min,
        max: s.max,
        sketch: s.sketch.into(),
    })
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

/// Co-moments of the columns `cols` (each `rows` values as in `columnSummary`, with its
/// validity bitmap or null in `valid`), read in place.
#[napi]
pub fn pairwise_comoments(
    env: Env,
    cols: Vec<ColumnValues>,
    valid: Vec<Option<Uint8Array>>,
    rows: u32,
) -> Result<CoMomentsResult> {
    let views = columns(&env, &cols, &valid, "valid")?;
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

/// Groups rows by the column `keys` (with its validity bitmap `valid`; null and NaN keys are
/// dropped) and reduces each of the columns `values` (with `valuesValid`, one bitmap or null
/// per column; nulls skipped) per group. Columns are as in `columnSummary`, read in place.
#[napi]
pub fn group_reduce(
    env: Env,
    keys: ColumnValues,
    valid: Option<Uint8Array>,
    values: Vec<ColumnValues>,
    values_valid: Vec<Option<Uint8Array>>,
) -> Result<GroupPartialsResult> {
    let views = columns(&env, &values, &values_valid, "valuesValid")?;
    let p = check(&env, k::group_reduce(column(&keys, valid.as_ref()), &views))?;
    Ok(GroupPartialsResult {
        keys: p.keys.into(),
        sum: p.sum.into(),
        count: p.count.into(),
        min: p.min.into(),
        max: p.max.into(),
    })
}

/// A merged quantile sketch: values ascending and their weights.
#[napi(object)]
pub struct SketchResult {
    pub values: Float64Array,
    pub weights: Float64Array,
}

/// Merges sketches (`values[i]` ascending with `weights[i]`) into at most `size` points.
#[napi]
pub fn merge_sketches(
    env: Env,
    values: Vec<Float64Array>,
    weights: Vec<Float64Array>,
    size: u32,
) -> Result<SketchResult> {
    if values.len() != weights.len() {
        let msg = format!(
            "weights: expected one array per sketch ({}), got {}",
            values.len(),
            weights.len()
        );
        return Err(crate::errors::to_js(
            &env,
            shoal_kernels::KernelError::Shape(msg),
        ));
    }
    let parts: Vec<(&[f64], &[f64])> = values
        .iter()
        .zip(&weights)
        .map(|(v, w)| (&v[..], &w[..]))
        .collect();
    let (v, w) = check(&env, k::merge_sketches(&parts, size as usize))?;
    Ok(SketchResult {
        values: v.into(),
        weights: w.into(),
    })
}

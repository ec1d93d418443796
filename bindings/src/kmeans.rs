//! k-means bindings. `x` is a row-major `rows x cols` Float64Array or Float32Array;
//! centres are Float64Array `k x cols`.

use crate::errors::{check, F64OrF32};
use crate::with_slice;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use shoal_kernels::kmeans as k;
use shoal_kernels::random::integer_arg;

#[napi(object)]
pub struct LloydPartialResult {
    /// Per-centre sums of assigned rows, `k x cols`.
    pub sums: Float64Array,
    /// Per-centre (weighted) counts, `k`.
    pub counts: Float64Array,
    /// Σ w·‖x − nearest centre‖² over the chunk.
    pub inertia: f64,
}

/// The k-means assignment kernel this CPU runs (`Portable`, `Avx2`, `Avx512` or `Avx512Full`),
/// chosen once per process; `SHOAL_KMEANS_KERNEL` picks another the CPU can run.
#[napi]
pub fn kmeans_kernel() -> String {
    k::kernel_path()
}

/// One Lloyd pass over a chunk: sums, counts and inertia; optional sample `weights` (`rows`)
/// and optional `labels` (Int32Array `rows`) written in place.
#[napi]
pub fn lloyd_partial(
    env: Env,
    x: F64OrF32,
    rows: u32,
    cols: u32,
    centers: Float64Array,
    k: u32,
    weights: Option<Float64Array>,
    mut labels: Option<Int32Array>,
) -> Result<LloydPartialResult> {
    let lab = labels.as_mut().map(|l| unsafe { l.as_mut() });
    let w = weights.as_deref();
    let p = check(&env, with_slice!(x, |s| k::lloyd_partial(s, rows as usize, cols as usize, &centers, k as usize, w, lab)))?;
    Ok(LloydPartialResult { sums: p.sums.into(), counts: p.counts.into(), inertia: p.inertia })
}

/// Squared distance of each row to its nearest centre (`rows`).
#[napi]
pub fn min_sq_distances(env: Env, x: F64OrF32, rows: u32, cols: u32, centers: Float64Array, k: u32) -> Result<Float64Array> {
    Ok(check(&env, with_slice!(x, |s| k::min_sq_distances(s, rows as usize, cols as usize, &centers, k as usize)))?.into())
}

/// Σ of each row's squared distance to its nearest centre (the k-means|| cost of a chunk), in
/// row order, without the array of distances.
#[napi]
pub fn kmeans_cost(env: Env, x: F64OrF32, rows: u32, cols: u32, centers: Float64Array, k: u32) -> Result<f64> {
    check(&env, with_slice!(x, |s| k::min_sq_distance_sum(s, rows as usize, cols as usize, &centers, k as usize)))
}

/// k-means|| oversampling of a chunk's rows: `kmeansOversample(minSqDistances(x, …), …)` without
/// the array of distances (the same rows).
#[napi]
#[allow(clippy::too_many_arguments)]
pub fn kmeans_oversample_rows(
    env: Env,
    x: F64OrF32,
    rows: u32,
    cols: u32,
    centers: Float64Array,
    k: u32,
    total_cost: f64,
    oversampling: f64,
    seed: f64,
    stream: f64,
) -> Result<Uint32Array> {
    let seed = check(&env, integer_arg("seed", seed))?;
    let stream = check(&env, integer_arg("stream", stream))?;
    let picked = with_slice!(x, |s| k::oversample_rows(s, rows as usize, cols as usize, &centers, k as usize, total_cost, oversampling, seed, stream));
    Ok(check(&env, picked)?.into())
}

/// k-means|| round update: lowers `dist` (`rows`, in place) with the new `centers` and
/// returns the chunk's cost Σ dist.
#[napi]
pub fn update_min_sq_distances(
    env: Env,
    x: F64OrF32,
    rows: u32,
    cols: u32,
    centers: Float64Array,
    k: u32,
    mut dist: Float64Array,
) -> Result<f64> {
    let d = unsafe { dist.as_mut() };
    check(&env, with_slice!(x, |s| k::update_min_sq_distances(s, rows as usize, cols as usize, &centers, k as usize, d)))
}

/// k-means|| oversampling: indices of rows chosen with probability min(1, ℓ·dist/totalCost),
/// seeded by (seed, stream) — use a different stream per chunk and round.
#[napi]
pub fn kmeans_oversample(env: Env, dist: Float64Array, total_cost: f64, oversampling: f64, seed: f64, stream: f64) -> Result<Uint32Array> {
    let seed = check(&env, integer_arg("seed", seed))?;
    let stream = check(&env, integer_arg("stream", stream))?;
    Ok(check(&env, k::oversample(&dist, total_cost, oversampling, seed, stream))?.into())
}

/// Weighted k-means++ over `m` candidates (`m x cols`) then weighted Lloyd to convergence
/// (at most `maxIter`): reduces the k-means|| candidates to `k x cols` centres.
#[napi]
pub fn kmeans_reduce_candidates(
    env: Env,
    candidates: Float64Array,
    m: u32,
    cols: u32,
    weights: Float64Array,
    k: u32,
    seed: f64,
    max_iter: u32,
) -> Result<Float64Array> {
    let seed = check(&env, integer_arg("seed", seed))?;
    Ok(check(&env, k::reduce_candidates(&candidates, m as usize, cols as usize, &weights, k as usize, seed, max_iter as usize))?.into())
}

/// Nearest-centre label of each row, written into `labels` (Int32Array `rows`).
#[napi]
pub fn kmeans_predict(env: Env, x: F64OrF32, rows: u32, cols: u32, centers: Float64Array, k: u32, mut labels: Int32Array) -> Result<()> {
    let l = unsafe { labels.as_mut() };
    check(&env, with_slice!(x, |s| k::predict_labels(s, rows as usize, cols as usize, &centers, k as usize, l)))
}

/// Euclidean distance of each row to each centre, `rows x k`.
#[napi]
pub fn kmeans_transform(env: Env, x: F64OrF32, rows: u32, cols: u32, centers: Float64Array, k: u32) -> Result<Float64Array> {
    Ok(check(&env, with_slice!(x, |s| k::transform(s, rows as usize, cols as usize, &centers, k as usize)))?.into())
}

//! Seeded fills, written in place into the caller's typed array (SharedArrayBuffer-backed ones too).

use crate::errors::check;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use shoal_kernels::random as k;

/// Fills `out` in place with N(mean, std²) draws of `stream` under `seed` (ziggurat over
/// xoshiro256++, seeded per block of 1024 values by Philox4x32-10). The same (seed, stream)
/// always gives the same values; value i depends only on (seed, stream, i), and `offset`
/// (default 0) starts the fill at value `offset` of the stream.
#[napi]
pub fn fill_normal(env: Env, mut out: Float64Array, seed: f64, stream: f64, mean: f64, std: f64, offset: Option<f64>) -> Result<()> {
    let seed = check(&env, k::integer_arg("seed", seed))?;
    let stream = check(&env, k::integer_arg("stream", stream))?;
    let offset = check(&env, k::integer_arg("offset", offset.unwrap_or(0.0)))?;
    check(&env, k::fill_normal_at_f64(unsafe { out.as_mut() }, seed, stream, offset, mean, std))
}

/// Float32Array twin of `fillNormal`: the same draws rounded to f32.
#[napi]
pub fn fill_normal_f32(env: Env, mut out: Float32Array, seed: f64, stream: f64, mean: f64, std: f64, offset: Option<f64>) -> Result<()> {
    let seed = check(&env, k::integer_arg("seed", seed))?;
    let stream = check(&env, k::integer_arg("stream", stream))?;
    let offset = check(&env, k::integer_arg("offset", offset.unwrap_or(0.0)))?;
    check(&env, k::fill_normal_at_f32(unsafe { out.as_mut() }, seed, stream, offset, mean, std))
}

/// Fills `out` in place with U[low, high) draws of `stream` under `seed`.
#[napi]
pub fn fill_uniform(env: Env, mut out: Float64Array, seed: f64, stream: f64, low: f64, high: f64) -> Result<()> {
    let seed = check(&env, k::integer_arg("seed", seed))?;
    let stream = check(&env, k::integer_arg("stream", stream))?;
    check(&env, k::fill_uniform_f64(unsafe { out.as_mut() }, seed, stream, low, high))
}

/// Float32Array twin of `fillUniform`.
#[napi]
pub fn fill_uniform_f32(env: Env, mut out: Float32Array, seed: f64, stream: f64, low: f64, high: f64) -> Result<()> {
    let seed = check(&env, k::integer_arg("seed", seed))?;
    let stream = check(&env, k::integer_arg("stream", stream))?;
    check(&env, k::fill_uniform_f32(unsafe { out.as_mut() }, seed, stream, low, high))
}

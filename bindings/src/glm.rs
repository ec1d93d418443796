//! GLM bindings. `family` is "normal" | "logistic" | "poisson" | "multinomial";
//! β has `cols + fitIntercept` entries (intercept last), `classes x (cols + fitIntercept)`
//! for multinomial. `x` is Float64Array or Float32Array, `y` Float64Array (class index for multinomial).

use crate::errors::{check, F64OrF32};
use crate::with_slice;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use shoal_kernels::glm as k;

/// Problem description shared by the GLM kernels.
#[napi(object)]
pub struct GlmSpec {
    pub family: String,
    pub fit_intercept: bool,
    /// Number of classes (multinomial only).
    pub classes: Option<u32>,
    /// Sample weights, `rows`.
    pub weights: Option<Float64Array>,
}

pub(crate) fn design(env: &Env, spec: &GlmSpec, rows: u32, cols: u32) -> Result<k::Design> {
    let family = check(env, k::Family::parse(&spec.family, spec.classes.unwrap_or(0) as usize))?;
    Ok(k::Design { family, rows: rows as usize, cols: cols as usize, fit_intercept: spec.fit_intercept })
}

#[napi(object)]
pub struct GlmPartialResult {
    /// Σ w·loss over the chunk.
    pub loss: f64,
    /// `dim`
    pub grad: Float64Array,
    /// `dim x dim` (length 0 unless asked for).
    pub hessian: Float64Array,
    /// Σ w (rows when unweighted).
    pub weight_sum: f64,
}

impl From<k::GlmPartial> for GlmPartialResult {
    fn from(p: k::GlmPartial) -> Self {
        GlmPartialResult { loss: p.loss, grad: p.grad.into(), hessian: p.hessian.into(), weight_sum: p.weight_sum }
    }
}

/// Loss, gradient and optionally Hessian of one chunk at `beta` (sums over rows; add
/// chunks, then divide by Σ weightSum and add the penalty).
#[napi]
pub fn glm_partial(env: Env, spec: GlmSpec, x: F64OrF32, rows: u32, cols: u32, y: Float64Array, beta: Float64Array, hessian: bool) -> Result<GlmPartialResult> {
    let d = design(&env, &spec, rows, cols)?;
    let w = spec.weights.as_deref();
    let p = check(&env, with_slice!(x, |s| k::glm_partial(&d, s, &y[..], w, &beta, hessian)))?;
    Ok(p.into())
}

/// Hessian-vector product H·v of one chunk at `beta`, without forming H.
#[napi]
pub fn glm_hvp(env: Env, spec: GlmSpec, x: F64OrF32, rows: u32, cols: u32, y: Float64Array, beta: Float64Array, v: Float64Array) -> Result<Float64Array> {
    let d = design(&env, &spec, rows, cols)?;
    let w = spec.weights.as_deref();
    Ok(check(&env, with_slice!(x, |s| k::glm_hvp(&d, s, &y[..], w, &beta, &v)))?.into())
}

#[napi(object)]
pub struct PenaltyResult {
    /// α(ρ‖β‖₁ + ½(1−ρ)‖β‖²) over non-intercept coefficients.
    pub value: f64,
    /// Gradient of the L2 part.
    pub grad: Float64Array,
}

/// Elastic-net penalty value and smooth-part gradient at `beta`.
#[napi]
pub fn glm_penalty(env: Env, beta: Float64Array, cols: u32, fit_intercept: bool, alpha: f64, l1_ratio: f64) -> Result<PenaltyResult> {
    let pen = check(&env, k::Penalty::new(alpha, l1_ratio))?;
    let (value, g) = check(&env, k::penalty_value_grad(&beta, cols as usize, fit_intercept, &pen))?;
    Ok(PenaltyResult { value, grad: g.into() })
}

/// Proximal operator of step·(elastic-net penalty) at `beta`; intercepts untouched.
#[napi]
pub fn prox_elastic_net(env: Env, beta: Float64Array, cols: u32, fit_intercept: bool, step: f64, alpha: f64, l1_ratio: f64) -> Result<Float64Array> {
    let pen = check(&env, k::Penalty::new(alpha, l1_ratio))?;
    Ok(check(&env, k::prox_elastic_net(&beta, cols as usize, fit_intercept, step, &pen))?.into())
}

/// L-BFGS two-loop direction −H·grad from `m` pairs `s`, `y` (`m x dim`, oldest first).
#[napi]
pub fn lbfgs_direction(env: Env, grad: Float64Array, s: Float64Array, y: Float64Array, m: u32) -> Result<Float64Array> {
    Ok(check(&env, k::lbfgs_direction(&grad, &s, &y, m as usize))?.into())
}

/// Whether (s, y) has enough curvature (sᵀy > 1e-10‖s‖‖y‖) to enter the L-BFGS memory.
#[napi]
pub fn lbfgs_pair_ok(s: Float64Array, y: Float64Array) -> bool {
    k::lbfgs_pair_ok(&s, &y)
}

#[napi(object)]
pub struct ArmijoResult {
    pub accepted: bool,
    /// The accepted step, or the next one to try.
    pub next_step: f64,
}

/// Armijo test for step `t` (f(β + t·d) = fNew, slope = gᵀd); proposes the next step when it fails.
#[napi]
pub fn armijo_step(f0: f64, slope: f64, t: f64, f_new: f64, c1: f64) -> ArmijoResult {
    let (accepted, next_step) = k::armijo_step(f0, slope, t, f_new, c1);
    ArmijoResult { accepted, next_step }
}

/// Newton step −(H + λI)⁻¹·g (λ grown from 0 until H + λI is positive definite).
#[napi]
pub fn newton_step(env: Env, hessian: Float64Array, grad: Float64Array) -> Result<Float64Array> {
    Ok(check(&env, k::newton_step(&hessian, &grad))?.into())
}

#[napi(object)]
pub struct FitResult {
    pub beta: Float64Array,
    pub iterations: u32,
    pub converged: bool,
    pub objective: f64,
}

impl From<k::Fit> for FitResult {
    fn from(f: k::Fit) -> Self {
        FitResult { beta: f.beta.into(), iterations: f.iterations as u32, converged: f.converged, objective: f.objective }
    }
}

/// Options of `glmFit`.
#[napi(object)]
pub struct GlmFitOptions {
    /// "lbfgs" | "newton" | "proximal" (the last is needed for an L1 part).
    pub solver: String,
    pub alpha: f64,
    pub l1_ratio: f64,
    pub max_iter: u32,
    pub tol: f64,
    pub beta0: Option<Float64Array>,
}

/// Whole in-memory fit: minimises (1/Σw)·Σ w·loss + α(ρ‖β‖₁ + ½(1−ρ)‖β‖²).
#[napi]
pub fn glm_fit(env: Env, spec: GlmSpec, x: F64OrF32, rows: u32, cols: u32, y: Float64Array, options: GlmFitOptions) -> Result<FitResult> {
    let d = design(&env, &spec, rows, cols)?;
    let opts = k::FitOptions {
        solver: check(&env, k::Solver::parse(&options.solver))?,
        penalty: check(&env, k::Penalty::new(options.alpha, options.l1_ratio))?,
        max_iter: options.max_iter as usize,
        tol: options.tol,
    };
    let w = spec.weights.as_deref();
    let b0 = options.beta0.as_deref();
    Ok(check(&env, with_slice!(x, |s| k::fit(&d, s, &y[..], w, b0, &opts)))?.into())
}

/// ADMM local step: argmin_β Σ w·loss(β) + (ρ/2)‖β − z + u‖² on this chunk, Newton from `beta0`.
#[napi]
pub fn admm_local_solve(
    env: Env,
    spec: GlmSpec,
    x: F64OrF32,
    rows: u32,
    cols: u32,
    y: Float64Array,
    beta0: Float64Array,
    z: Float64Array,
    u: Float64Array,
    rho: f64,
    max_iter: u32,
    tol: f64,
) -> Result<FitResult> {
    let d = design(&env, &spec, rows, cols)?;
    let w = spec.weights.as_deref();
    Ok(check(&env, with_slice!(x, |s| k::admm_local_solve(&d, s, &y[..], w, &beta0, &z, &u, rho, max_iter as usize, tol)))?.into())
}

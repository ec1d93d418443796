//! GPU bindings, compiled only with `--features cuda` (`npm run build:native:cuda`).
//! The committed `index.d.cts` comes from the CPU build, so these classes are absent from
//! it; docs/kernels.md lists them.

use crate::errors::check;
use crate::glm::{design, GlmPartialResult, GlmSpec};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use shoal_kernels::cuda as k;
use shoal_kernels::kmeans::LloydPartial;

/// A row-major f64 matrix resident on the GPU (stays there across calls until collected).
#[napi]
pub struct GpuMatrix {
    inner: k::DeviceMatrix,
}

#[napi]
impl GpuMatrix {
    #[napi(getter)]
    pub fn rows(&self) -> u32 {
        self.inner.rows as u32
    }
    #[napi(getter)]
    pub fn cols(&self) -> u32 {
        self.inner.cols as u32
    }
}

#[napi(object)]
pub struct GpuLloydResult {
    pub sums: Float64Array,
    pub counts: Float64Array,
    pub inertia: f64,
    /// Each row's nearest centre: the CPU kernels' labels bit for bit.
    pub labels: Int32Array,
}

/// One CUDA device: `new GpuDevice(0)` throws a TypeError starting `cuda:` when there is no
/// driver, toolkit library or device.
#[napi]
pub struct GpuDevice {
    gpu: k::Gpu,
}

#[napi]
impl GpuDevice {
    #[napi(constructor)]
    pub fn new(env: Env, ordinal: u32) -> Result<Self> {
        Ok(GpuDevice { gpu: check(&env, k::Gpu::new(ordinal as usize))? })
    }

    #[napi(getter)]
    pub fn name(&self) -> String {
        self.gpu.name().to_string()
    }

    /// Copies a row-major `rows x cols` matrix to the device.
    #[napi]
    pub fn upload(&self, env: Env, x: Float64Array, rows: u32, cols: u32) -> Result<GpuMatrix> {
        Ok(GpuMatrix { inner: check(&env, self.gpu.upload(&x, rows as usize, cols as usize))? })
    }

    /// XᵀX, `cols x cols` (cuBLAS).
    #[napi]
    pub fn gram(&self, env: Env, x: &GpuMatrix) -> Result<Float64Array> {
        Ok(check(&env, self.gpu.gram(&x.inner))?.into())
    }

    /// Lloyd partial (unweighted) of a device matrix against `centers` (`k x cols`).
    #[napi]
    pub fn lloyd_partial(&self, env: Env, x: &GpuMatrix, centers: Float64Array, k: u32) -> Result<GpuLloydResult> {
        let (LloydPartial { sums, counts, inertia }, labels) = check(&env, self.gpu.lloyd_partial_with_labels(&x.inner, &centers, k as usize))?;
        Ok(GpuLloydResult { sums: sums.into(), counts: counts.into(), inertia, labels: labels.into() })
    }

    /// `glmPartial` on the device: the same `spec` (family, classes, fitIntercept, weights) and
    /// result as the CPU's, for a matrix uploaded once.
    #[napi]
    pub fn glm_partial(&self, env: Env, spec: GlmSpec, x: &GpuMatrix, y: Float64Array, beta: Float64Array, hessian: bool) -> Result<GlmPartialResult> {
        let d = design(&env, &spec, x.inner.rows as u32, x.inner.cols as u32)?;
        Ok(check(&env, self.gpu.glm_partial(&d, &x.inner, &y, spec.weights.as_deref(), &beta, hessian))?.into())
    }
}

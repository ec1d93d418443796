//! GPU paths (feature `cuda`): the Gram product, the Lloyd partial and the GLM
//! gradient/Hessian on an NVIDIA GPU through cudarc.
//!
//! cudarc loads libcuda, libnvrtc and libcublas at run time ("dynamic-loading"), so this
//! module builds everywhere; [`Gpu::new`] reports a clear error when no driver or device is
//! found. Kernels are CUDA C compiled by NVRTC once per [`Gpu`]; data uploaded into a
//! [`DeviceMatrix`] stays on the device across iterations (only centres / coefficients,
//! which are small, travel each call). Products use cuBLAS (dgemm / dgemv).
//!
//! Not yet run on a GPU: written against cudarc 0.19's API, compiled and its no-device
//! path tested on a machine without one.

use std::sync::Arc;

use cudarc::cublas::{sys::cublasOperation_t, CudaBlas, Gemm, GemmConfig, Gemv, GemvConfig};
use cudarc::driver::{CudaContext, CudaFunction, CudaSlice, CudaStream, LaunchConfig, PushKernelArg};
use cudarc::nvrtc::{compile_ptx_with_opts, CompileOptions};

use crate::error::{check_len, check_min, KernelError, Result};
use crate::glm::Family;
use crate::kmeans::LloydPartial;

const SOURCE: &str = r#"
extern "C" __global__ void lloyd_partial(const double* x, int rows, int cols, const double* centers, int k,
                                         double* sums, double* counts, double* inertia, int* labels) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= rows) return;
    const double* row = x + (long long)i * cols;
    int best = 0; double bestd = 1e308;
    for (int c = 0; c < k; c++) {
        double d = 0.0;
        for (int j = 0; j < cols; j++) { double t = row[j] - centers[c * cols + j]; d += t * t; }
        if (d < bestd) { bestd = d; best = c; }
    }
    labels[i] = best;
    atomicAdd(&counts[best], 1.0);
    atomicAdd(inertia, bestd);
    for (int j = 0; j < cols; j++) atomicAdd(&sums[best * cols + j], row[j]);
}

// Per-row GLM terms from the linear predictor eta = X beta: dloss/deta into g, and
// sqrt(d2loss/deta2) * x_i into z (so Z^T Z is the Hessian); loss summed into *loss.
extern "C" __global__ void glm_terms(int family, const double* x, const double* eta, const double* y,
                                     int rows, int cols, double* g, double* z, double* loss) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= rows) return;
    double e = eta[i], yi = y[i], l, d1, d2;
    if (family == 0) { l = 0.5 * (e - yi) * (e - yi); d1 = e - yi; d2 = 1.0; }
    else if (family == 1) {
        double p = e >= 0 ? 1.0 / (1.0 + exp(-e)) : exp(e) / (1.0 + exp(e));
        l = fmax(e, 0.0) + log1p(exp(-fabs(e))) - yi * e; d1 = p - yi; d2 = p * (1.0 - p);
    } else { double mu = exp(e); l = mu - yi * e; d1 = mu - yi; d2 = mu; }
    g[i] = d1;
    double s = sqrt(d2);
    for (int j = 0; j < cols; j++) z[(long long)i * cols + j] = s * x[(long long)i * cols + j];
    atomicAdd(loss, l);
}
"#;

/// A row-major `rows x cols` f64 matrix resident on the GPU.
pub struct DeviceMatrix {
    pub rows: usize,
    pub cols: usize,
    data: CudaSlice<f64>,
}

/// One GPU: context, stream, cuBLAS handle and the compiled kernels.
pub struct Gpu {
    stream: Arc<CudaStream>,
    blas: CudaBlas,
    lloyd: CudaFunction,
    glm: CudaFunction,
    name: String,
}

fn gpu_err(what: &str, e: impl std::fmt::Debug) -> KernelError {
    KernelError::Value(format!("cuda: {what} failed: {e:?}"))
}

fn launch_1d(n: usize) -> LaunchConfig {
    LaunchConfig::for_num_elems(n as u32)
}

impl Gpu {
    /// Opens device `ordinal`, or explains why not (no driver, no NVRTC/cuBLAS, no device).
    pub fn new(ordinal: usize) -> Result<Gpu> {
        // SAFETY: only probes whether the shared libraries can be opened.
        let present = unsafe {
            [
                ("libcuda (the NVIDIA driver)", cudarc::driver::sys::is_culib_present()),
                ("libnvrtc", cudarc::nvrtc::sys::is_culib_present()),
                ("libcublas", cudarc::cublas::sys::is_culib_present()),
            ]
        };
        if let Some((lib, _)) = present.iter().find(|(_, ok)| !ok) {
            return Err(KernelError::Value(format!("cuda: {lib} was not found on this machine")));
        }
        let ctx = CudaContext::new(ordinal).map_err(|e| gpu_err("opening the device", e))?;
        let name = ctx.name().unwrap_or_else(|_| "unknown GPU".into());
        let stream = ctx.default_stream();
        let blas = CudaBlas::new(stream.clone()).map_err(|e| gpu_err("creating a cuBLAS handle", e))?;
        // Double-precision atomicAdd needs compute capability 6.0.
        let opts = CompileOptions { arch: Some("compute_60"), ..Default::default() };
        let ptx = compile_ptx_with_opts(SOURCE, opts).map_err(|e| gpu_err("NVRTC compilation", e))?;
        let module = ctx.load_module(ptx).map_err(|e| gpu_err("loading the module", e))?;
        let lloyd = module.load_function("lloyd_partial").map_err(|e| gpu_err("loading lloyd_partial", e))?;
        let glm = module.load_function("glm_terms").map_err(|e| gpu_err("loading glm_terms", e))?;
        Ok(Gpu { stream, blas, lloyd, glm, name })
    }

    /// The device's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Copies a row-major matrix to the device, where it stays until dropped.
    pub fn upload(&self, x: &[f64], rows: usize, cols: usize) -> Result<DeviceMatrix> {
        check_len("x", x.len(), rows * cols, &format!("rows*cols = {rows}*{cols}"))?;
        let data = self.stream.clone_htod(x).map_err(|e| gpu_err("upload", e))?;
        Ok(DeviceMatrix { rows, cols, data })
    }

    /// XᵀX (`cols x cols`) by cuBLAS dgemm. Row-major X is column-major Xᵀ, so XᵀX = (Xᵀ)(Xᵀ)ᵀ.
    pub fn gram(&self, x: &DeviceMatrix) -> Result<Vec<f64>> {
        let (n, p) = (x.rows as i32, x.cols as i32);
        let mut c = self.stream.alloc_zeros::<f64>(x.cols * x.cols).map_err(|e| gpu_err("alloc", e))?;
        let cfg = GemmConfig {
            transa: cublasOperation_t::CUBLAS_OP_N,
            transb: cublasOperation_t::CUBLAS_OP_T,
            m: p,
            n: p,
            k: n,
            alpha: 1.0,
            lda: p,
            ldb: p,
            beta: 0.0,
            ldc: p,
        };
        // SAFETY: the dimensions match the buffers allocated above and in `upload`.
        unsafe { self.blas.gemm(cfg, &x.data, &x.data, &mut c) }.map_err(|e| gpu_err("dgemm", e))?;
        self.stream.clone_dtoh(&c).map_err(|e| gpu_err("download", e))
    }

    /// The Lloyd partial of [`crate::kmeans::lloyd_partial`] on the device (unweighted);
    /// labels are left on the device.
    pub fn lloyd_partial(&self, x: &DeviceMatrix, centers: &[f64], k: usize) -> Result<LloydPartial> {
        check_min("k", k, 1)?;
        check_len("centers", centers.len(), k * x.cols, &format!("k*cols = {k}*{}", x.cols))?;
        let s = &self.stream;
        let c = s.clone_htod(centers).map_err(|e| gpu_err("upload", e))?;
        let mut sums = s.alloc_zeros::<f64>(k * x.cols).map_err(|e| gpu_err("alloc", e))?;
        let mut counts = s.alloc_zeros::<f64>(k).map_err(|e| gpu_err("alloc", e))?;
        let mut inertia = s.alloc_zeros::<f64>(1).map_err(|e| gpu_err("alloc", e))?;
        let mut labels = s.alloc_zeros::<i32>(x.rows).map_err(|e| gpu_err("alloc", e))?;
        let (rows, cols, kk) = (x.rows as i32, x.cols as i32, k as i32);
        let mut b = s.launch_builder(&self.lloyd);
        b.arg(&x.data).arg(&rows).arg(&cols).arg(&c).arg(&kk).arg(&mut sums).arg(&mut counts).arg(&mut inertia).arg(&mut labels);
        // SAFETY: argument types and order match the kernel signature in SOURCE.
        unsafe { b.launch(launch_1d(x.rows)) }.map_err(|e| gpu_err("lloyd_partial launch", e))?;
        Ok(LloydPartial {
            sums: s.clone_dtoh(&sums).map_err(|e| gpu_err("download", e))?,
            counts: s.clone_dtoh(&counts).map_err(|e| gpu_err("download", e))?,
            inertia: s.clone_dtoh(&inertia).map_err(|e| gpu_err("download", e))?[0],
        })
    }

    /// Loss, gradient and Hessian of a binary-family GLM without intercept (append a column
    /// of ones to fit one): η = Xβ by dgemv, per-row terms by kernel, Xᵀg by dgemv, ZᵀZ by dgemm.
    pub fn glm_partial(&self, family: Family, x: &DeviceMatrix, y: &[f64], beta: &[f64]) -> Result<(f64, Vec<f64>, Vec<f64>)> {
        let code = match family {
            Family::Normal => 0,
            Family::Logistic => 1,
            Family::Poisson => 2,
            Family::Multinomial(_) => {
                return Err(KernelError::Value("family: the GPU path covers normal, logistic and poisson".into()))
            }
        };
        check_len("y", y.len(), x.rows, "rows")?;
        check_len("beta", beta.len(), x.cols, "cols")?;
        let s = &self.stream;
        let (n, p) = (x.rows as i32, x.cols as i32);
        let b_dev = s.clone_htod(beta).map_err(|e| gpu_err("upload", e))?;
        let y_dev = s.clone_htod(y).map_err(|e| gpu_err("upload", e))?;
        let mut eta = s.alloc_zeros::<f64>(x.rows).map_err(|e| gpu_err("alloc", e))?;
        // Column-major view: Xᵀ is p x n with lda = p; η = (Xᵀ)ᵀ β.
        let gemv_t = GemvConfig { trans: cublasOperation_t::CUBLAS_OP_T, m: p, n, alpha: 1.0, lda: p, incx: 1, beta: 0.0, incy: 1 };
        // SAFETY: shapes as documented above.
        unsafe { self.blas.gemv(gemv_t, &x.data, &b_dev, &mut eta) }.map_err(|e| gpu_err("dgemv", e))?;
        let mut g = s.alloc_zeros::<f64>(x.rows).map_err(|e| gpu_err("alloc", e))?;
        let mut z = s.alloc_zeros::<f64>(x.rows * x.cols).map_err(|e| gpu_err("alloc", e))?;
        let mut loss = s.alloc_zeros::<f64>(1).map_err(|e| gpu_err("alloc", e))?;
        let fam = code as i32;
        let mut b = s.launch_builder(&self.glm);
        b.arg(&fam).arg(&x.data).arg(&eta).arg(&y_dev).arg(&n).arg(&p).arg(&mut g).arg(&mut z).arg(&mut loss);
        // SAFETY: argument types and order match glm_terms in SOURCE.
        unsafe { b.launch(launch_1d(x.rows)) }.map_err(|e| gpu_err("glm_terms launch", e))?;
        let mut grad = s.alloc_zeros::<f64>(x.cols).map_err(|e| gpu_err("alloc", e))?;
        let gemv_n = GemvConfig { trans: cublasOperation_t::CUBLAS_OP_N, m: p, n, alpha: 1.0, lda: p, incx: 1, beta: 0.0, incy: 1 };
        // SAFETY: Xᵀ (p x n) times g (n).
        unsafe { self.blas.gemv(gemv_n, &x.data, &g, &mut grad) }.map_err(|e| gpu_err("dgemv", e))?;
        let zm = DeviceMatrix { rows: x.rows, cols: x.cols, data: z };
        let hessian = self.gram(&zm)?;
        Ok((
            s.clone_dtoh(&loss).map_err(|e| gpu_err("download", e))?[0],
            s.clone_dtoh(&grad).map_err(|e| gpu_err("download", e))?,
            hessian,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::glm::{glm_partial, Design};
    use crate::random::fill_normal_f64;

    /// The GPU, or None with the reason printed (machines without a GPU skip the GPU checks).
    fn gpu_or_skip(test: &str) -> Option<Gpu> {
        match Gpu::new(0) {
            Ok(g) => Some(g),
            Err(e) => {
                println!("skipping {test}: {e}");
                None
            }
        }
    }

    #[test]
    fn without_a_gpu_new_reports_a_reason_instead_of_panicking() {
        match Gpu::new(0) {
            Ok(g) => assert!(!g.name().is_empty()),
            Err(e) => assert!(e.to_string().starts_with("cuda: "), "{e}"),
        }
    }

    #[test]
    fn gpu_results_match_the_cpu_kernels() {
        let Some(gpu) = gpu_or_skip("gpu_results_match_the_cpu_kernels") else { return };
        let (rows, cols, k) = (1000, 4, 3);
        let mut x = vec![0.0; rows * cols];
        fill_normal_f64(&mut x, 1, 0, 0.0, 1.0).unwrap();
        let dx = gpu.upload(&x, rows, cols).unwrap();
        let g = crate::linalg::gram(&x, None, rows, cols).unwrap();
        let gg = gpu.gram(&dx).unwrap();
        assert!(gg.iter().zip(&g.xtx).all(|(a, b)| (a - b).abs() < 1e-9 * (1.0 + b.abs())));
        let centers = x[..k * cols].to_vec();
        let cpu = crate::kmeans::lloyd_partial(&x, rows, cols, &centers, k, None, None).unwrap();
        let gp = gpu.lloyd_partial(&dx, &centers, k).unwrap();
        assert_eq!(cpu.counts, gp.counts);
        assert!((cpu.inertia - gp.inertia).abs() < 1e-8 * cpu.inertia);
        let y: Vec<f64> = x.iter().step_by(cols).map(|&v| (v > 0.0) as u8 as f64).collect();
        let beta = vec![0.1, -0.2, 0.3, 0.0];
        let d = Design { family: Family::Logistic, rows, cols, fit_intercept: false };
        let c = glm_partial(&d, &x, &y, None, &beta, true).unwrap();
        let (loss, grad, h) = gpu.glm_partial(Family::Logistic, &dx, &y, &beta).unwrap();
        assert!((loss - c.loss).abs() < 1e-8 * c.loss);
        assert!(grad.iter().zip(&c.grad).all(|(a, b)| (a - b).abs() < 1e-8 * (1.0 + b.abs())));
        assert!(h.iter().zip(&c.hessian).all(|(a, b)| (a - b).abs() < 1e-8 * (1.0 + b.abs())));
    }
}

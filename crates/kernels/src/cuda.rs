//! GPU paths (feature `cuda`): the Gram product, the Lloyd partial and the GLM
//! gradient/Hessian on an NVIDIA GPU through cudarc.
//!
//! cudarc loads libcuda, libnvrtc and libcublas at run time ("dynamic-loading"), so this
//! module builds everywhere; [`Gpu::new`] reports a clear error when no driver or device is
//! found. Kernels are CUDA C compiled by NVRTC once per [`Gpu`]; data uploaded into a
//! [`DeviceMatrix`] stays on the device across iterations (only centres / coefficients,
//! which are small, travel each call). Products use cuBLAS dgemm.
//!
//! Not yet run on a GPU: written against cudarc 0.19's API, compiled, its kernels compiled
//! by NVRTC 12.8 (`the_kernels_compile_with_nvrtc`), and its no-device path tested on
//! machines without one.

use std::sync::Arc;

use cudarc::cublas::{sys::cublasOperation_t, CudaBlas, Gemm, GemmConfig};
use cudarc::driver::{CudaContext, CudaFunction, CudaSlice, CudaStream, LaunchConfig, PushKernelArg};
use cudarc::nvrtc::{compile_ptx_with_opts, CompileOptions};

use crate::error::{check_len, check_min, KernelError, Result};
use crate::glm::{Design, Family, GlmPartial};
use crate::kmeans::LloydPartial;

const SOURCE: &str = r#"
// The squared distance of `row` to centre `c` exactly as the CPU kernels sum it (column order,
// fused multiply-adds), and the nearest centre with ties to the lowest index (0 when all are
// NaN), so that labels and distances match the CPU's bit for bit.
__device__ int nearest(const double* row, const double* centers, int cols, int k, double* dist) {
    int best = 0; double bestd = 0.0;
    for (int c = 0; c < k; c++) {
        double d = 0.0;
        for (int j = 0; j < cols; j++) { double t = row[j] - centers[c * cols + j]; d = fma(t, t, d); }
        if (c == 0 || d < bestd) { bestd = d; best = c; }
    }
    *dist = bestd;
    return best;
}

// Warp-level sum, so that each warp adds its inertia with one atomic.
__device__ double warp_sum(double v) {
    for (int off = 16; off > 0; off >>= 1) v += __shfl_down_sync(0xffffffffu, v, off);
    return v;
}

// This thread's rows (grid-stride loop): each row's nearest centre into `labels` (unless null),
// the row added into `s` and its count into `n` (a block's shared copy, or the output itself);
// returns the warp's summed distances (to lane 0).
__device__ double assign_rows(const double* x, long long rows, int cols, const double* centers, int k,
                              double* s, double* n, int* labels) {
    double mine = 0.0;
    for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < rows; i += (long long)gridDim.x * blockDim.x) {
        const double* row = x + i * cols;
        double d;
        int best = nearest(row, centers, cols, k, &d);
        if (labels) labels[i] = best;
        mine += d;
        atomicAdd(&n[best], 1.0);
        for (int j = 0; j < cols; j++) atomicAdd(&s[best * cols + j], row[j]);
    }
    return warp_sum(mine);
}

// The Lloyd partial with the block's centres, sums, counts and inertia in shared memory
// (2*k*cols + k + 1 doubles): threads add into the block's copy, and each block adds its copy
// into the output once, instead of every row contending for k*cols global addresses.
extern "C" __global__ void lloyd_partial_shared(const double* x, long long rows, int cols, const double* centers, int k,
                                                double* sums, double* counts, double* inertia, int* labels) {
    extern __shared__ double sh[];
    double* c = sh;
    double* s = c + k * cols;
    double* n = s + k * cols;
    double* in = n + k;
    for (int t = threadIdx.x; t < k * cols; t += blockDim.x) { c[t] = centers[t]; s[t] = 0.0; }
    for (int t = threadIdx.x; t < k; t += blockDim.x) n[t] = 0.0;
    if (threadIdx.x == 0) in[0] = 0.0;
    __syncthreads();
    double mine = assign_rows(x, rows, cols, c, k, s, n, labels);
    if ((threadIdx.x & 31) == 0) atomicAdd(in, mine);
    __syncthreads();
    for (int t = threadIdx.x; t < k * cols; t += blockDim.x) atomicAdd(&sums[t], s[t]);
    for (int t = threadIdx.x; t < k; t += blockDim.x) atomicAdd(&counts[t], n[t]);
    if (threadIdx.x == 0) atomicAdd(inertia, in[0]);
}

// The same for centres too many for shared memory: sums and counts straight into the output.
extern "C" __global__ void lloyd_partial_global(const double* x, long long rows, int cols, const double* centers, int k,
                                                double* sums, double* counts, double* inertia, int* labels) {
    double mine = assign_rows(x, rows, cols, centers, k, sums, counts, labels);
    if ((threadIdx.x & 31) == 0) atomicAdd(inertia, mine);
}

// Per-row GLM terms for K outputs (K = 1 for the binary families: 0 normal, 1 logistic, 2 Poisson;
// 3 multinomial) from eta (rows x K): w*dloss/deta into g (rows x K); into p the second derivative
// (binary) or the class probabilities (multinomial); the weighted loss, summed per thread, then
// per warp, with one atomic per warp. w may be null (unweighted). As the CPU's glm_partial.
extern "C" __global__ void glm_terms(int family, int K, const double* eta, const double* y, const double* w,
                                     long long rows, double* g, double* p, double* loss) {
    double mine = 0.0;
    for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < rows; i += (long long)gridDim.x * blockDim.x) {
        double wi = w ? w[i] : 1.0, yi = y[i];
        if (family == 3) {
            const double* e = eta + i * K;
            double m = e[0];
            for (int c = 1; c < K; c++) m = fmax(m, e[c]);
            double s = 0.0;
            for (int c = 0; c < K; c++) s += exp(e[c] - m);
            int yc = (int)yi;
            mine += wi * (m + log(s) - e[yc]);
            for (int c = 0; c < K; c++) {
                double pc = exp(e[c] - m) / s;
                p[i * K + c] = pc;
                g[i * K + c] = wi * (pc - (c == yc ? 1.0 : 0.0));
            }
        } else {
            double e = eta[i], l, d1, d2;
            if (family == 0) { l = 0.5 * (e - yi) * (e - yi); d1 = e - yi; d2 = 1.0; }
            else if (family == 1) {
                double q = e >= 0 ? 1.0 / (1.0 + exp(-e)) : exp(e) / (1.0 + exp(e));
                l = fmax(e, 0.0) + log1p(exp(-fabs(e))) - yi * e; d1 = q - yi; d2 = q * (1.0 - q);
            } else { double mu = exp(e); l = mu - yi * e; d1 = mu - yi; d2 = mu; }
            mine += wi * l;
            g[i] = wi * d1;
            p[i] = d2;
        }
    }
    mine = warp_sum(mine);
    if ((threadIdx.x & 31) == 0) atomicAdd(loss, mine);
}

// x (rows x cols) with a column of ones appended: the design matrix of a model with an intercept.
extern "C" __global__ void with_ones(const double* x, long long rows, int cols, double* out) {
    long long n = rows * (cols + 1);
    for (long long t = blockIdx.x * (long long)blockDim.x + threadIdx.x; t < n; t += (long long)gridDim.x * blockDim.x) {
        long long i = t / (cols + 1);
        int j = (int)(t - i * (cols + 1));
        out[t] = j < cols ? x[i * cols + j] : 1.0;
    }
}

// Row i of xq (rows x q) times its Hessian weight s_i into out: s_i = w_i p_i (binary: p the
// second derivative) or w_i p_ia (delta_ab - p_ib) (multinomial classes a, b), so that
// xq^T out is the Hessian block (a, b). w may be null.
extern "C" __global__ void scale_rows(int multinomial, int K, int a, int b, const double* p, const double* w,
                                      const double* xq, long long rows, int q, double* out) {
    long long n = rows * q;
    for (long long t = blockIdx.x * (long long)blockDim.x + threadIdx.x; t < n; t += (long long)gridDim.x * blockDim.x) {
        long long i = t / q;
        double s = multinomial ? p[i * K + a] * ((a == b ? 1.0 : 0.0) - p[i * K + b]) : p[i];
        if (w) s *= w[i];
        out[t] = s * xq[t];
    }
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
    lloyd_shared: CudaFunction,
    lloyd_global: CudaFunction,
    glm: CudaFunction,
    with_ones: CudaFunction,
    scale_rows: CudaFunction,
    name: String,
}

fn gpu_err(what: &str, e: impl std::fmt::Debug) -> KernelError {
    KernelError::Value(format!("cuda: {what} failed: {e:?}"))
}

/// The kernels as PTX for compute capability `major.minor` (the GPU's own: NVRTC 13 no longer
/// targets the oldest ones; double-precision atomicAdd needs 6.0).
fn compile(major: i32, minor: i32) -> std::result::Result<cudarc::nvrtc::Ptx, cudarc::nvrtc::CompileError> {
    let options = vec![format!("--gpu-architecture=compute_{major}{minor}")];
    compile_ptx_with_opts(SOURCE, CompileOptions { options, ..Default::default() })
}

/// Threads per block of the row kernels, and at most this many blocks: each block (or warp)
/// adds its partial into the output once, so a grid-stride loop over a bounded grid keeps those
/// atomic adds few.
const THREADS: u32 = 256;
const MAX_BLOCKS: usize = 1024;
/// The shared memory a block may use without opting in (all GPUs since compute capability 2.0).
const SHARED_BYTES: usize = 48 * 1024;

/// The dgemm C (`m x n`) = op(A)·op(B) summed over `k`, column-major, with A (or B) transposed
/// when `ta` (`tb`), every leading dimension tight (the buffers hold exactly those matrices),
/// C overwritten.
fn product(ta: bool, tb: bool, m: i32, n: i32, k: i32) -> GemmConfig<f64> {
    let op = |t: bool| if t { cublasOperation_t::CUBLAS_OP_T } else { cublasOperation_t::CUBLAS_OP_N };
    GemmConfig {
        transa: op(ta),
        transb: op(tb),
        m,
        n,
        k,
        alpha: 1.0,
        lda: if ta { k } else { m },
        ldb: if tb { n } else { k },
        beta: 0.0,
        ldc: m,
    }
}

/// A launch of the grid-stride row kernels over `rows` rows with `shared` bytes per block.
fn grid_stride(rows: usize, shared: u32) -> LaunchConfig {
    let blocks = rows.div_ceil(THREADS as usize).clamp(1, MAX_BLOCKS) as u32;
    LaunchConfig { grid_dim: (blocks, 1, 1), block_dim: (THREADS, 1, 1), shared_mem_bytes: shared }
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
        let (major, minor) = ctx.compute_capability().map_err(|e| gpu_err("reading the compute capability", e))?;
        if major < 6 {
            return Err(KernelError::Value(format!("cuda: {name} has compute capability {major}.{minor}; shoal needs 6.0 or later")));
        }
        let ptx = compile(major, minor).map_err(|e| gpu_err("NVRTC compilation", e))?;
        let module = ctx.load_module(ptx).map_err(|e| gpu_err("loading the module", e))?;
        let load = |name: &str| module.load_function(name).map_err(|e| gpu_err(&format!("loading {name}"), e));
        let (lloyd_shared, lloyd_global, glm) = (load("lloyd_partial_shared")?, load("lloyd_partial_global")?, load("glm_terms")?);
        let (with_ones, scale_rows) = (load("with_ones")?, load("scale_rows")?);
        Ok(Gpu { stream, blas, lloyd_shared, lloyd_global, glm, with_ones, scale_rows, name })
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
        let cfg = product(false, true, p, p, n);
        // SAFETY: the dimensions match the buffers allocated above and in `upload`.
        unsafe { self.blas.gemm(cfg, &x.data, &x.data, &mut c) }.map_err(|e| gpu_err("dgemm", e))?;
        self.stream.clone_dtoh(&c).map_err(|e| gpu_err("download", e))
    }

    /// The Lloyd partial of [`crate::kmeans::lloyd_partial`] on the device (unweighted).
    pub fn lloyd_partial(&self, x: &DeviceMatrix, centers: &[f64], k: usize) -> Result<LloydPartial> {
        Ok(self.lloyd(x, centers, k, false)?.0)
    }

    /// [`Gpu::lloyd_partial`] and each row's nearest centre. Labels and distances are the CPU
    /// kernels' bit for bit (same sums, same tie rule); the sums differ only in the order of
    /// their additions.
    pub fn lloyd_partial_with_labels(&self, x: &DeviceMatrix, centers: &[f64], k: usize) -> Result<(LloydPartial, Vec<i32>)> {
        self.lloyd(x, centers, k, true)
    }

    /// The Lloyd pass, with the labels downloaded (empty otherwise) when `want_labels`.
    fn lloyd(&self, x: &DeviceMatrix, centers: &[f64], k: usize, want_labels: bool) -> Result<(LloydPartial, Vec<i32>)> {
        check_min("k", k, 1)?;
        check_len("centers", centers.len(), k * x.cols, &format!("k*cols = {k}*{}", x.cols))?;
        let s = &self.stream;
        let c = s.clone_htod(centers).map_err(|e| gpu_err("upload", e))?;
        let mut sums = s.alloc_zeros::<f64>(k * x.cols).map_err(|e| gpu_err("alloc", e))?;
        let mut counts = s.alloc_zeros::<f64>(k).map_err(|e| gpu_err("alloc", e))?;
        let mut inertia = s.alloc_zeros::<f64>(1).map_err(|e| gpu_err("alloc", e))?;
        let mut labels = if want_labels { Some(s.alloc_zeros::<i32>(x.rows.max(1)).map_err(|e| gpu_err("alloc", e))?) } else { None };
        // Without labels the kernels get a null pointer and skip them.
        let no_labels = 0u64;
        let (rows, cols, kk) = (x.rows as i64, x.cols as i32, k as i32);
        let shared = (2 * k * x.cols + k + 1) * std::mem::size_of::<f64>();
        let (kernel, shared) = if shared <= SHARED_BYTES { (&self.lloyd_shared, shared as u32) } else { (&self.lloyd_global, 0) };
        let cfg = grid_stride(x.rows, shared);
        let mut b = s.launch_builder(kernel);
        b.arg(&x.data).arg(&rows).arg(&cols).arg(&c).arg(&kk).arg(&mut sums).arg(&mut counts).arg(&mut inertia);
        match labels.as_mut() {
            Some(l) => b.arg(l),
            None => b.arg(&no_labels),
        };
        // SAFETY: argument types and order match both kernels' signatures in SOURCE; the
        // shared size is what lloyd_partial_shared indexes.
        unsafe { b.launch(cfg) }.map_err(|e| gpu_err("lloyd_partial launch", e))?;
        let mut labels = match &labels {
            Some(l) => s.clone_dtoh(l).map_err(|e| gpu_err("download", e))?,
            None => Vec::new(),
        };
        labels.truncate(x.rows);
        let part = LloydPartial {
            sums: s.clone_dtoh(&sums).map_err(|e| gpu_err("download", e))?,
            counts: s.clone_dtoh(&counts).map_err(|e| gpu_err("download", e))?,
            inertia: s.clone_dtoh(&inertia).map_err(|e| gpu_err("download", e))?[0],
        };
        Ok((part, labels))
    }

    /// [`crate::glm::glm_partial`] on the device: loss, gradient and (when `hessian`) Hessian of
    /// one chunk at `beta`, for every family, with optional sample `weights` and intercept
    /// (`d`, as on the CPU; `d.rows x d.cols` must be the shape of `x`).
    ///
    /// With K outputs (1, or the classes) and `q` coefficients each: η = Xq·Bᵀ (`rows x K`, one
    /// dgemm; Xq is X with a ones column when fitting an intercept), the per-row terms by kernel,
    /// the gradient Xqᵀ·G (one dgemm), and each Hessian block (a, b), a ≤ b, as Xqᵀ·(s ⊙ Xq) with
    /// the rows scaled by their weight for that block (one kernel and one dgemm each).
    pub fn glm_partial(&self, d: &Design, x: &DeviceMatrix, y: &[f64], weights: Option<&[f64]>, beta: &[f64], hessian: bool) -> Result<GlmPartial> {
        check_len("rows", d.rows, x.rows, "the device matrix's rows")?;
        check_len("cols", d.cols, x.cols, "the device matrix's cols")?;
        d.check_targets(y, weights, beta)?;
        let (code, k): (i32, usize) = match d.family {
            Family::Normal => (0, 1),
            Family::Logistic => (1, 1),
            Family::Poisson => (2, 1),
            Family::Multinomial(k) => (3, k),
        };
        let (rows, q, dim) = (x.rows, d.q(), d.dim());
        let s = &self.stream;
        let alloc = |n: usize| s.alloc_zeros::<f64>(n.max(1)).map_err(|e| gpu_err("alloc", e));
        let upload = |v: &[f64]| s.clone_htod(v).map_err(|e| gpu_err("upload", e));
        let rows_i = rows as i64;
        let ones;
        let xq = if d.fit_intercept {
            let mut out = alloc(rows * q)?;
            let cols = x.cols as i32;
            let mut b = s.launch_builder(&self.with_ones);
            b.arg(&x.data).arg(&rows_i).arg(&cols).arg(&mut out);
            // SAFETY: argument types and order match with_ones in SOURCE; out holds rows*(cols+1).
            unsafe { b.launch(grid_stride(rows * q, 0)) }.map_err(|e| gpu_err("with_ones launch", e))?;
            ones = out;
            &ones
        } else {
            &x.data
        };
        let (n, qi, ki) = (rows as i32, q as i32, k as i32);
        let (b_dev, y_dev) = (upload(beta)?, upload(y)?);
        let w_dev = weights.map(upload).transpose()?;
        let no_weights = 0u64;
        // η (row-major rows x K = column-major K x rows) = B (K x q) · Xqᵀ.
        let mut eta = alloc(rows * k)?;
        let cfg = product(true, false, ki, n, qi);
        // SAFETY: B is column-major q x K (lda q), Xqᵀ column-major q x rows (ldb q).
        unsafe { self.blas.gemm(cfg, &b_dev, xq, &mut eta) }.map_err(|e| gpu_err("dgemm (eta)", e))?;
        let (mut g, mut p, mut loss) = (alloc(rows * k)?, alloc(rows * k)?, alloc(1)?);
        let mut b = s.launch_builder(&self.glm);
        b.arg(&code).arg(&ki).arg(&eta).arg(&y_dev);
        match &w_dev {
            Some(w) => b.arg(w),
            None => b.arg(&no_weights),
        };
        b.arg(&rows_i).arg(&mut g).arg(&mut p).arg(&mut loss);
        // SAFETY: argument types and order match glm_terms in SOURCE; buffers hold rows*K.
        unsafe { b.launch(grid_stride(rows, 0)) }.map_err(|e| gpu_err("glm_terms launch", e))?;
        // ∇ (row-major K x q = column-major q x K) = Xqᵀ (q x rows) · G (rows x K).
        let mut grad = alloc(dim)?;
        let cfg = product(false, true, qi, ki, n);
        // SAFETY: Xqᵀ column-major q x rows (lda q); G row-major rows x K is column-major K x rows (ldb K).
        unsafe { self.blas.gemm(cfg, xq, &g, &mut grad) }.map_err(|e| gpu_err("dgemm (gradient)", e))?;
        let mut h = vec![0.0; if hessian { dim * dim } else { 0 }];
        if hessian {
            let mut scaled = alloc(rows * q)?;
            let mut block = alloc(q * q)?;
            let multinomial = (code == 3) as i32;
            for a in 0..k {
                for c in a..k {
                    let (ai, ci) = (a as i32, c as i32);
                    let mut b = s.launch_builder(&self.scale_rows);
                    b.arg(&multinomial).arg(&ki).arg(&ai).arg(&ci).arg(&p);
                    match &w_dev {
                        Some(w) => b.arg(w),
                        None => b.arg(&no_weights),
                    };
                    b.arg(xq).arg(&rows_i).arg(&qi).arg(&mut scaled);
                    // SAFETY: argument types and order match scale_rows in SOURCE; buffers hold rows*q.
                    unsafe { b.launch(grid_stride(rows * q, 0)) }.map_err(|e| gpu_err("scale_rows launch", e))?;
                    let cfg = product(false, true, qi, qi, n);
                    // SAFETY: both operands are column-major q x rows (ld q); the block is q x q.
                    unsafe { self.blas.gemm(cfg, xq, &scaled, &mut block) }.map_err(|e| gpu_err("dgemm (hessian)", e))?;
                    let blk = s.clone_dtoh(&block).map_err(|e| gpu_err("download", e))?;
                    // Block (a, c) and its mirror (c, a), from one triangle: symmetric exactly,
                    // as the CPU's (the two triangles of a dgemm may differ in the last bit).
                    for i in 0..q {
                        for j in 0..q {
                            let v = if a == c && j < i { blk[j + i * q] } else { blk[i + j * q] };
                            h[(a * q + i) * dim + c * q + j] = v;
                            h[(c * q + j) * dim + a * q + i] = v;
                        }
                    }
                }
            }
        }
        Ok(GlmPartial {
            loss: s.clone_dtoh(&loss).map_err(|e| gpu_err("download", e))?[0],
            grad: s.clone_dtoh(&grad).map_err(|e| gpu_err("download", e))?[..dim].to_vec(),
            hessian: h,
            weight_sum: weights.map_or(rows as f64, |w| w.iter().sum()),
        })
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

    /// Where libnvrtc is found (CI installs it from PyPI: scripts/nvrtc.sh), the kernel source
    /// must compile to PTX with every entry point the Rust side loads.
    #[test]
    fn the_kernels_compile_with_nvrtc() {
        // SAFETY: only probes whether the shared library can be opened.
        if !unsafe { cudarc::nvrtc::sys::is_culib_present() } {
            println!("skipping the_kernels_compile_with_nvrtc: libnvrtc was not found");
            return;
        }
        // Turing (the oldest NVRTC 12.8 does not call deprecated) and Hopper.
        for (major, minor) in [(7, 5), (9, 0)] {
            let ptx = compile(major, minor).unwrap_or_else(|e| panic!("NVRTC rejected the kernels for {major}.{minor}: {e:?}")).to_src();
            assert!(ptx.contains(&format!(".target sm_{major}{minor}")), "{major}.{minor}");
            for entry in ["lloyd_partial_shared", "lloyd_partial_global", "glm_terms", "with_ones", "scale_rows"] {
                assert!(ptx.contains(&format!(".entry {entry}(")), "no entry {entry} in the PTX for {major}.{minor}");
            }
            // Distances by explicit FMAs (the CPU's rounding), atomics on shared and global memory.
            assert!(ptx.contains("fma.rn.f64"));
            assert!(ptx.contains("atom.shared.add.f64") && ptx.contains("atom.global.add.f64"), "{major}.{minor}");
        }
    }

    /// The issue-3 benchmark shapes on the GPU beside the CPU kernels (one thread) in the same
    /// run; data uploaded once, as across iterations. Run where there is a GPU:
    /// `cargo test --release --features cuda gpu_throughput -- --ignored --nocapture`
    /// (scripts/gpu-check.sh). Prints medians of 5 runs; asserts nothing about speed.
    #[test]
    #[ignore]
    fn gpu_throughput() {
        let Some(gpu) = gpu_or_skip("gpu_throughput") else { return };
        println!("device: {}", gpu.name());
        let median = |mut v: Vec<f64>| {
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        };
        let time = |f: &mut dyn FnMut()| {
            f(); // warm-up (and NVRTC/JIT, allocation pools)
            median((0..5).map(|_| {
                let t = std::time::Instant::now();
                f();
                t.elapsed().as_secs_f64()
            }).collect())
        };
        for (rows, cols) in [(10_000_000, 2), (1_000_000, 20)] {
            let mut x = vec![0.0; rows * cols];
            fill_normal_f64(&mut x, 2026, 1, 0.0, 1.0).unwrap();
            let centers = x[..8 * cols].to_vec();
            let dx = gpu.upload(&x, rows, cols).unwrap();
            let bytes = (rows * cols * 8) as f64;
            let g = time(&mut || drop(gpu.lloyd_partial(&dx, &centers, 8).unwrap()));
            let c = time(&mut || drop(crate::kmeans::lloyd_partial(&x, rows, cols, &centers, 8, None, None).unwrap()));
            println!("lloyd {rows}x{cols} k=8: gpu {:.1} GB/s, cpu 1 thread {:.2} GB/s, ratio {:.1}x", bytes / g / 1e9, bytes / c / 1e9, c / g);
        }
        let (rows, cols) = (1_000_000, 100);
        let mut x = vec![0.0; rows * cols];
        fill_normal_f64(&mut x, 2026, 2, 0.0, 1.0).unwrap();
        let dx = gpu.upload(&x, rows, cols).unwrap();
        let flops = 2.0 * (rows * cols * cols) as f64;
        let g = time(&mut || drop(gpu.gram(&dx).unwrap()));
        let c = time(&mut || drop(crate::linalg::gram(&x, None, rows, cols).unwrap()));
        println!("gram {rows}x{cols}: gpu {:.0} GFLOP/s, cpu 1 thread {:.1} GFLOP/s, ratio {:.1}x", flops / g / 1e9, flops / c / 1e9, c / g);
        let y: Vec<f64> = x.iter().step_by(cols).map(|&v| (v > 0.0) as u8 as f64).collect();
        let beta = vec![0.01; cols];
        let d = Design { family: Family::Logistic, rows, cols, fit_intercept: false };
        let g = time(&mut || drop(gpu.glm_partial(&d, &dx, &y, None, &beta, true).unwrap()));
        let c = time(&mut || drop(glm_partial(&d, &x, &y, None, &beta, true).unwrap()));
        println!("logistic loss+grad+hessian {rows}x{cols}: gpu {:.1} ms, cpu 1 thread {:.1} ms, ratio {:.1}x", g * 1e3, c * 1e3, c / g);
    }

    #[test]
    fn gpu_results_match_the_cpu_kernels() {
        let Some(gpu) = gpu_or_skip("gpu_results_match_the_cpu_kernels") else { return };
        let (rows, cols) = (1000, 4);
        let mut x = vec![0.0; rows * cols];
        fill_normal_f64(&mut x, 1, 0, 0.0, 1.0).unwrap();
        let dx = gpu.upload(&x, rows, cols).unwrap();
        let g = crate::linalg::gram(&x, None, rows, cols).unwrap();
        let gg = gpu.gram(&dx).unwrap();
        assert!(gg.iter().zip(&g.xtx).all(|(a, b)| (a - b).abs() < 1e-9 * (1.0 + b.abs())));
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * (1.0 + a.abs().max(b.abs()));
        // Both Lloyd kernels: k*cols small (shared memory) and too large for it.
        for (k, cols) in [(3, 4), (8, 20), (300, 12)] {
            let mut x = vec![0.0; rows * cols];
            fill_normal_f64(&mut x, 2, cols as u64, 0.0, 1.0).unwrap();
            let dx = gpu.upload(&x, rows, cols).unwrap();
            let centers = x[..k * cols].to_vec();
            let mut labels = vec![0; rows];
            let cpu = crate::kmeans::lloyd_partial(&x, rows, cols, &centers, k, None, Some(&mut labels)).unwrap();
            let (gp, glabels) = gpu.lloyd_partial_with_labels(&dx, &centers, k).unwrap();
            assert_eq!(glabels, labels, "k={k} cols={cols}");
            assert_eq!(gp.counts, cpu.counts, "k={k} cols={cols}");
            assert!(close(gp.inertia, cpu.inertia), "k={k} cols={cols}: {} vs {}", gp.inertia, cpu.inertia);
            assert!(gp.sums.iter().zip(&cpu.sums).all(|(a, b)| close(*a, *b)), "k={k} cols={cols}");
        }
        // Every family, with and without weights and intercept, against the CPU's glm_partial.
        let (rows, cols) = (1000, 4);
        let mut x = vec![0.0; rows * cols];
        fill_normal_f64(&mut x, 3, 0, 0.0, 1.0).unwrap();
        let dx = gpu.upload(&x, rows, cols).unwrap();
        let w: Vec<f64> = (0..rows).map(|i| 0.5 + (i % 3) as f64).collect();
        for family in [Family::Normal, Family::Logistic, Family::Poisson, Family::Multinomial(3)] {
            let y: Vec<f64> = (0..rows)
                .map(|i| match family {
                    Family::Normal => x[i * cols] - 0.5 * x[i * cols + 1],
                    Family::Logistic => (x[i * cols] > 0.0) as u8 as f64,
                    Family::Poisson => (i % 4) as f64,
                    Family::Multinomial(_) => (i % 3) as f64,
                })
                .collect();
            for fit_intercept in [false, true] {
                let d = Design { family, rows, cols, fit_intercept };
                let beta: Vec<f64> = (0..d.dim()).map(|j| 0.1 * ((j % 5) as f64 - 2.0)).collect();
                for weights in [None, Some(&w[..])] {
                    let what = format!("{family:?} intercept={fit_intercept} weighted={}", weights.is_some());
                    let c = glm_partial(&d, &x, &y, weights, &beta, true).unwrap();
                    let g = gpu.glm_partial(&d, &dx, &y, weights, &beta, true).unwrap();
                    let near = |a: &[f64], b: &[f64]| a.len() == b.len() && a.iter().zip(b).all(|(p, q)| (p - q).abs() <= 1e-8 * (1.0 + q.abs()));
                    assert!(near(&[g.loss], &[c.loss]), "{what}: loss {} vs {}", g.loss, c.loss);
                    assert!(near(&g.grad, &c.grad), "{what}: gradient");
                    assert!(near(&g.hessian, &c.hessian), "{what}: Hessian");
                    assert_eq!(g.weight_sum, c.weight_sum, "{what}");
                }
            }
        }
        let d = Design { family: Family::Logistic, rows, cols: cols + 1, fit_intercept: false };
        assert!(gpu.glm_partial(&d, &dx, &vec![0.0; rows], None, &[0.0; 5], false).is_err(), "a design that is not the matrix's shape");
    }
}

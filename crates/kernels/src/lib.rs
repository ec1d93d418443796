//! shoal's numerical kernels: pure functions over row-major slices.
//!
//! Nothing here knows about N-API; `bindings/` converts types and calls in.
//! Kernels are synchronous and single-threaded: shoal's parallelism is one task per thread.

mod cpu;
#[cfg(feature = "cuda")]
pub mod cuda;
pub mod error;
pub mod frame;
pub mod glm;
pub mod kmeans;
pub mod linalg;
pub mod random;
mod vmath;

pub use error::{KernelError, Result};

//! shoal's numerical kernels: pure functions over row-major slices.
//!
//! Nothing here knows about N-API; `bindings/` converts types and calls in.

pub mod linalg;

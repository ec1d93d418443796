//! N-API layer over `shoal-kernels`. No maths here: convert, check shapes, call one kernel.
//! One file per kernel family, mirroring `crates/kernels/src`. Typed-array arguments are
//! borrowed (no copy), including SharedArrayBuffer-backed ones.

// Under `cargo test` napi-derive registers nothing, so every binding looks unused there.
#![cfg_attr(test, allow(dead_code))]

mod errors;
mod frame;
mod glm;
mod kmeans;
mod linalg;
mod memory;
mod random;
#[cfg(feature = "cuda")]
mod cuda;

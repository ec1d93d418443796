//! N-API layer over `shoal-kernels`. No maths here: convert, check shapes, call one kernel.
//! One file per kernel family, mirroring `crates/kernels/src`. Typed-array arguments are
//! borrowed (no copy), including SharedArrayBuffer-backed ones.

mod errors;
mod glm;
mod kmeans;
mod linalg;
mod random;

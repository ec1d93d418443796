//! N-API layer over `shoal-kernels`. No maths here: convert, check shapes, call one kernel.
//! One file per kernel family, mirroring `crates/kernels/src`.

mod errors;
mod linalg;
mod random;

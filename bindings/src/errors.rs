//! The one conversion from kernel errors to JS exceptions.
//!
//! Shape mismatches throw `RangeError`, bad values throw `TypeError`, a matrix that
//! is not positive definite throws `RangeError` with code `NotPositiveDefinite`.
//! The exception is thrown here, on the caller's env, and the returned error carries
//! `PendingException` so napi-rs does not wrap it a second time.

use napi::{Env, Error, Status};
use shoal_kernels::KernelError;

pub fn to_js(env: &Env, err: KernelError) -> Error {
    let msg = err.to_string();
    let thrown = match &err {
        KernelError::Shape(_) => env.throw_range_error(&msg, Some("ShapeMismatch")),
        KernelError::NotPositiveDefinite(_) => env.throw_range_error(&msg, Some("NotPositiveDefinite")),
        KernelError::Value(_) => env.throw_type_error(&msg, Some("InvalidValue")),
    };
    match thrown {
        Ok(()) => Error::new(Status::PendingException, msg),
        Err(e) => e,
    }
}

/// Runs a kernel and converts its error: `check(&env, kernel(...))?`.
pub fn check<T>(env: &Env, r: shoal_kernels::Result<T>) -> napi::Result<T> {
    r.map_err(|e| to_js(env, e))
}

/// Two typed-array arguments that must share a dtype do not: a TypeError naming `name`.
pub fn dtype_mismatch(env: &Env, name: &str, other: &str) -> Error {
    to_js(env, KernelError::Value(format!("{name}: expected the same dtype as {other} (both Float64Array or both Float32Array)")))
}

#[macro_export]
macro_rules! with_slice {
    ($x:expr, |$s:ident| $body:expr) => {
        match &$x {
            napi::Either::A(a) => {
                let $s: &[f64] = a;
                $body
            }
            napi::Either::B(b) => {
                let $s: &[f32] = b;
                $body
            }
        }
    };
}

/// A Float64Array or Float32Array argument.
pub type F64OrF32 = napi::Either<napi::bindgen_prelude::Float64Array, napi::bindgen_prelude::Float32Array>;

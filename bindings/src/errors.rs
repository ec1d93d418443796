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

/// A dimension given as a JS number must be a non-negative integer.
pub fn dim(env: &Env, name: &str, value: f64) -> napi::Result<usize> {
    check(env, shoal_kernels::random::integer_arg(name, value).map(|v| v as usize))
}

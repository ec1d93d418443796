//! The one error type every kernel returns.
//!
//! `Shape` errors map to a JS `RangeError` and `Value` errors to a `TypeError`
//! in `bindings/`; the message always names the argument and what was expected.

use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub enum KernelError {
    /// An argument has the wrong length or a dimension is inconsistent.
    Shape(String),
    /// An argument has a value outside its domain (negative count, NaN, non-integer seed …).
    Value(String),
    /// A matrix that must be symmetric positive definite is not (Cholesky failed).
    NotPositiveDefinite(String),
}

impl fmt::Display for KernelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KernelError::Shape(m) | KernelError::Value(m) | KernelError::NotPositiveDefinite(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for KernelError {}

pub type Result<T> = std::result::Result<T, KernelError>;

/// Checks that `name` holds exactly `expected` values; `what` describes the shape (e.g. "rows*cols = 3*4").
pub fn check_len(name: &str, actual: usize, expected: usize, what: &str) -> Result<()> {
    if actual != expected {
        return Err(KernelError::Shape(format!(
            "{name}: expected {what} = {expected} values, got {actual}"
        )));
    }
    Ok(())
}

/// Checks that `name` (a dimension) is at least `min`.
pub fn check_min(name: &str, actual: usize, min: usize) -> Result<()> {
    if actual < min {
        return Err(KernelError::Value(format!("{name}: expected at least {min}, got {actual}")));
    }
    Ok(())
}

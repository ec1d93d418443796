//! Dense linear algebra bindings.

use napi::bindgen_prelude::*;
use napi_derive::napi;

/// Column sums of a row-major `rows x cols` Float64Array.
#[napi]
pub fn column_sums(x: Float64Array, rows: u32, cols: u32) -> Result<Float64Array> {
    let (rows, cols) = (rows as usize, cols as usize);
    if x.len() != rows * cols {
        return Err(Error::new(
            Status::InvalidArg,
            format!("x: expected rows*cols = {} values, got {}", rows * cols, x.len()),
        ));
    }
    Ok(Float64Array::new(shoal_kernels::linalg::column_sums(&x, rows, cols)))
}

//! Dense linear algebra on row-major slices.

/// Column sums of a row-major `rows x cols` matrix.
pub fn column_sums(x: &[f64], rows: usize, cols: usize) -> Vec<f64> {
    assert_eq!(x.len(), rows * cols, "x has {} values, expected rows*cols = {}", x.len(), rows * cols);
    let mut out = vec![0.0; cols];
    for row in x.chunks_exact(cols.max(1)).take(rows) {
        for (o, v) in out.iter_mut().zip(row) {
            *o += v;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_sums_of_a_small_matrix() {
        let x = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        assert_eq!(column_sums(&x, 3, 2), vec![9.0, 12.0]);
    }
}

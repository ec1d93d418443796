//! k-means kernels: the Lloyd partial, the k-means|| pieces, predict.
//!
//! Everything is one pass over a row-major chunk; the centres (k x cols, small) stay in cache.
//! The nearest-centre search they share (Lloyd partial, k-means|| distances, predict) is
//! `assign` (SIMD kernels chosen at run time, a portable fallback).

mod assign;

use crate::error::{check_len, check_min, KernelError, Result};
use crate::linalg::Element;
use crate::random::Philox;
use assign::{Outputs, Path};

/// Per-chunk result of one Lloyd iteration.
#[derive(Debug, Clone, PartialEq)]
pub struct LloydPartial {
    /// Per-centre (weighted) sums of the assigned rows, `k x cols`.
    pub sums: Vec<f64>,
    /// Per-centre (weighted) counts, `k`.
    pub counts: Vec<f64>,
    /// Σ wᵢ ‖xᵢ − c(xᵢ)‖² over the chunk.
    pub inertia: f64,
}

fn check_xc<T>(x: &[T], rows: usize, cols: usize, centers: &[f64], k: usize) -> Result<()> {
    check_len("x", x.len(), rows * cols, &format!("rows*cols = {rows}*{cols}"))?;
    check_min("k", k, 1)?;
    check_len("centers", centers.len(), k * cols, &format!("k*cols = {k}*{cols}"))
}

/// The assignment kernel this CPU runs (`Portable`, `Avx2`, `Avx512`, `Avx512Full`), as chosen
/// once per process; the environment variable `SHOAL_KMEANS_KERNEL` picks another the CPU can run
/// (for comparisons: every kernel gives the same labels and distances).
pub fn kernel_path() -> String {
    format!("{:?}", Path::detect())
}

/// One Lloyd pass: assigns each row to its nearest centre and accumulates per-centre
/// sums, counts and the inertia; writes labels when `labels` is given. `weights` are
/// optional sample weights (`rows`).
///
/// Distances are exact differences Σ (x − c)² (no ‖x‖² − 2x·c + ‖c‖² cancellation); ties go to
/// the lowest centre index. The kernels this dispatches to at run time are in `kmeans/assign.rs`
/// (the choice) and `kmeans/assign/` (`x86.rs`: AVX2 and AVX-512; `full.rs`: full-width AVX-512).
pub fn lloyd_partial<T: Element>(
    x: &[T],
    rows: usize,
    cols: usize,
    centers: &[f64],
    k: usize,
    weights: Option<&[f64]>,
    labels: Option<&mut [i32]>,
) -> Result<LloydPartial> {
    check_xc(x, rows, cols, centers, k)?;
    if let Some(w) = weights {
        check_len("weights", w.len(), rows, "rows")?;
    }
    if let Some(l) = labels.as_deref() {
        check_len("labels", l.len(), rows, "rows")?;
    }
    let mut out = LloydPartial { sums: vec![0.0; k * cols], counts: vec![0.0; k], inertia: 0.0 };
    if cols == 0 {
        return Ok(out);
    }
    let io = Outputs { weights, labels, dist: None, acc: Some(&mut out) };
    assign::assign(Path::detect(), x, rows, cols, centers, k, io);
    Ok(out)
}

/// Rows a block of [`min_sq_distance_sum`] and [`oversample_rows`]: their distances go through a
/// buffer this long (64 KiB) instead of an array of every row's.
const DIST_BLOCK: usize = 8192;

/// The squared distances of `x`'s rows to their nearest centres, a block of at most
/// [`DIST_BLOCK`] rows at a time: `each(first row, distances)` in row order.
fn for_each_dist_block<T: Element>(x: &[T], rows: usize, cols: usize, centers: &[f64], k: usize, mut each: impl FnMut(usize, &[f64])) {
    let mut dist = vec![0.0; DIST_BLOCK.min(rows)];
    let mut r0 = 0;
    while r0 < rows {
        let n = (rows - r0).min(DIST_BLOCK);
        let d = &mut dist[..n];
        let io = Outputs { weights: None, labels: None, dist: Some(&mut *d), acc: None };
        assign::assign(Path::detect(), &x[r0 * cols..(r0 + n) * cols], n, cols, centers, k, io);
        each(r0, d);
        r0 += n;
    }
}

/// Σ of each row's squared distance to its nearest centre (the k-means|| cost φ of a chunk),
/// summed in row order: what summing [`min_sq_distances`] gives, without its array.
pub fn min_sq_distance_sum<T: Element>(x: &[T], rows: usize, cols: usize, centers: &[f64], k: usize) -> Result<f64> {
    check_xc(x, rows, cols, centers, k)?;
    let mut total = 0.0;
    if cols > 0 {
        for_each_dist_block(x, rows, cols, centers, k, |_, d| {
            for &v in d {
                total += v;
            }
        });
    }
    Ok(total)
}

/// [`oversample`] of the rows' squared distances to their nearest centres, computed a block at
/// a time: the same rows (the same draws, in row order, against the same distances) without the
/// array of every row's distance.
#[allow(clippy::too_many_arguments)]
pub fn oversample_rows<T: Element>(
    x: &[T],
    rows: usize,
    cols: usize,
    centers: &[f64],
    k: usize,
    total_cost: f64,
    oversampling: f64,
    seed: u64,
    stream: u64,
) -> Result<Vec<u32>> {
    check_xc(x, rows, cols, centers, k)?;
    check_oversampling(total_cost, oversampling)?;
    let mut out = Vec::new();
    if cols == 0 {
        // Every distance is 0: no row is drawn (as `oversample` of zeros).
        return Ok(out);
    }
    let mut draws = vec![0.0; DIST_BLOCK.min(rows)];
    for_each_dist_block(x, rows, cols, centers, k, |r0, d| pick_rows(r0, d, &mut draws, total_cost, oversampling, seed, stream, &mut out));
    Ok(out)
}

/// Appends to `out` the rows `r0 + i` of `dist` (the distances of rows `r0..`, `r0` even) drawn
/// with probability min(1, ℓ·dist/φ): row r takes uniform r of `(seed, stream)`.
#[allow(clippy::too_many_arguments)]
fn pick_rows(r0: usize, dist: &[f64], draws: &mut [f64], total_cost: f64, oversampling: f64, seed: u64, stream: u64, out: &mut Vec<u32>) {
    debug_assert!(r0.is_multiple_of(2));
    let u = &mut draws[..dist.len()];
    crate::random::uniforms_into(u, seed, stream, (r0 / 2) as u64);
    for (i, (&v, &ui)) in dist.iter().zip(u.iter()).enumerate() {
        if oversampled(ui, v, total_cost, oversampling) {
            out.push((r0 + i) as u32);
        }
    }
}

/// Squared distance of each row to its nearest centre (`rows`).
pub fn min_sq_distances<T: Element>(x: &[T], rows: usize, cols: usize, centers: &[f64], k: usize) -> Result<Vec<f64>> {
    check_xc(x, rows, cols, centers, k)?;
    let mut dist = vec![0.0; rows];
    if cols > 0 {
        let io = Outputs { weights: None, labels: None, dist: Some(&mut dist), acc: None };
        assign::assign(Path::detect(), x, rows, cols, centers, k, io);
    }
    Ok(dist)
}

/// k-means|| update: lowers `dist` (squared distances to the nearest current centre)
/// with the newly added `centers`, and returns the chunk's cost Σ dist.
pub fn update_min_sq_distances<T: Element>(
    x: &[T],
    rows: usize,
    cols: usize,
    centers: &[f64],
    k: usize,
    dist: &mut [f64],
) -> Result<f64> {
    check_len("x", x.len(), rows * cols, &format!("rows*cols = {rows}*{cols}"))?;
    check_len("centers", centers.len(), k * cols, &format!("k*cols = {k}*{cols}"))?;
    check_len("dist", dist.len(), rows, "rows")?;
    if k > 0 && cols > 0 {
        let nd = min_sq_distances(x, rows, cols, centers, k)?;
        for (d, n) in dist.iter_mut().zip(nd) {
            if n < *d {
                *d = n;
            }
        }
    } else if k > 0 {
        // No columns: every row is at distance 0 from any centre.
        for d in dist.iter_mut() {
            if 0.0 < *d {
                *d = 0.0;
            }
        }
    }
    Ok(dist.iter().sum())
}

/// k-means|| oversampling: row i is chosen independently with probability
/// min(1, ℓ·dist[i] / totalCost). `stream` should differ per chunk and per round.
/// Returns the chosen row indices, ascending.
pub fn oversample(dist: &[f64], total_cost: f64, oversampling: f64, seed: u64, stream: u64) -> Result<Vec<u32>> {
    check_oversampling(total_cost, oversampling)?;
    let mut out = Vec::new();
    let mut draws = vec![0.0; DIST_BLOCK.min(dist.len())];
    for (b, d) in dist.chunks(DIST_BLOCK).enumerate() {
        pick_rows(b * DIST_BLOCK, d, &mut draws, total_cost, oversampling, seed, stream, &mut out);
    }
    Ok(out)
}

fn check_oversampling(total_cost: f64, oversampling: f64) -> Result<()> {
    if !(total_cost >= 0.0 && total_cost.is_finite()) {
        return Err(KernelError::Value(format!("totalCost: expected a finite number >= 0, got {total_cost}")));
    }
    if !(oversampling > 0.0 && oversampling.is_finite()) {
        return Err(KernelError::Value(format!("oversampling: expected a finite number > 0, got {oversampling}")));
    }
    Ok(())
}

/// Whether a row at squared distance `d` is drawn (uniform draw `u`): probability min(1, ℓ·d/φ).
#[inline]
fn oversampled(u: f64, d: f64, total_cost: f64, oversampling: f64) -> bool {
    total_cost > 0.0 && u < oversampling * d / total_cost
}

/// Weighted k-means++ seeding over `m` candidates (`m x cols`) with `weights`, then
/// weighted Lloyd iterations on the candidates until no label changes or `max_iter`:
/// the step of k-means|| that reduces the candidates to k centres. Returns `k x cols`.
pub fn reduce_candidates(
    candidates: &[f64],
    m: usize,
    cols: usize,
    weights: &[f64],
    k: usize,
    seed: u64,
    max_iter: usize,
) -> Result<Vec<f64>> {
    check_len("candidates", candidates.len(), m * cols, &format!("m*cols = {m}*{cols}"))?;
    check_len("weights", weights.len(), m, "m")?;
    check_min("k", k, 1)?;
    if m < k {
        return Err(KernelError::Shape(format!("candidates: need at least k = {k} rows, got {m}")));
    }
    if weights.iter().any(|&w| !(w >= 0.0 && w.is_finite())) {
        return Err(KernelError::Value("weights: expected finite values >= 0".into()));
    }
    let mut rng = Philox::new(seed, 0);
    let row = |i: usize| &candidates[i * cols..(i + 1) * cols];
    let sample = |rng: &mut Philox, p: &[f64]| -> usize {
        let total: f64 = p.iter().sum();
        if total <= 0.0 {
            return (rng.next_f64() * p.len() as f64) as usize % p.len();
        }
        let target = rng.next_f64() * total;
        let mut acc = 0.0;
        for (i, &v) in p.iter().enumerate() {
            acc += v;
            if acc > target {
                return i;
            }
        }
        p.iter().rposition(|&v| v > 0.0).unwrap_or(0)
    };
    let mut centers = Vec::with_capacity(k * cols);
    let first = sample(&mut rng, weights);
    centers.extend_from_slice(row(first));
    let mut dist = min_sq_distances(candidates, m, cols, &centers, 1)?;
    for _ in 1..k {
        let p: Vec<f64> = dist.iter().zip(weights).map(|(d, w)| d * w).collect();
        let next = sample(&mut rng, &p);
        let new_centre = row(next).to_vec();
        update_min_sq_distances(candidates, m, cols, &new_centre, 1, &mut dist)?;
        centers.extend(new_centre);
    }
    let mut labels = vec![-1i32; m];
    let mut prev = vec![-2i32; m];
    for _ in 0..max_iter {
        let part = lloyd_partial(candidates, m, cols, &centers, k, Some(weights), Some(&mut labels))?;
        if labels == prev {
            break;
        }
        for c in 0..k {
            if part.counts[c] > 0.0 {
                for j in 0..cols {
                    centers[c * cols + j] = part.sums[c * cols + j] / part.counts[c];
                }
            }
        }
        prev.copy_from_slice(&labels);
    }
    Ok(centers)
}

/// Index of the nearest centre for each row, written into `labels` (`rows`).
pub fn predict_labels<T: Element>(x: &[T], rows: usize, cols: usize, centers: &[f64], k: usize, labels: &mut [i32]) -> Result<()> {
    check_xc(x, rows, cols, centers, k)?;
    check_len("labels", labels.len(), rows, "rows")?;
    if cols == 0 {
        labels.fill(0);
    } else {
        let io = Outputs { weights: None, labels: Some(labels), dist: None, acc: None };
        assign::assign(Path::detect(), x, rows, cols, centers, k, io);
    }
    Ok(())
}

/// Euclidean distance of each row to every centre, `rows x k` (scikit-learn's `transform`).
pub fn transform<T: Element>(x: &[T], rows: usize, cols: usize, centers: &[f64], k: usize) -> Result<Vec<f64>> {
    check_xc(x, rows, cols, centers, k)?;
    let mut out = vec![0.0; rows * k];
    for i in 0..rows {
        let r = &x[i * cols..(i + 1) * cols];
        for c in 0..k {
            let d: f64 = r.iter().zip(&centers[c * cols..(c + 1) * cols]).map(|(a, b)| (a.to_f64() - b).powi(2)).sum();
            out[i * k + c] = d.sqrt();
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::{fill_normal_f64, fill_uniform_f64};

    fn data(rows: usize, cols: usize, stream: u64) -> Vec<f64> {
        let mut v = vec![0.0; rows * cols];
        fill_normal_f64(&mut v, 5, stream, 0.0, 1.0).unwrap();
        v
    }

    #[test]
    fn lloyd_partial_matches_brute_force_over_random_shapes() {
        for (s, &(rows, cols, k)) in [(1, 1, 1), (10, 2, 3), (57, 5, 4), (200, 3, 7), (90, 2, 12), (80, 3, 21)].iter().enumerate() {
            let x = data(rows, cols, s as u64);
            let c = data(k, cols, 100 + s as u64);
            let mut labels = vec![0; rows];
            let part = lloyd_partial(&x, rows, cols, &c, k, None, Some(&mut labels)).unwrap();
            // Brute force: all distances, argmin.
            let mut sums = vec![0.0; k * cols];
            let mut counts = vec![0.0; k];
            let mut inertia = 0.0;
            for i in 0..rows {
                let d: Vec<f64> = (0..k)
                    .map(|j| (0..cols).map(|t| (x[i * cols + t] - c[j * cols + t]).powi(2)).sum())
                    .collect();
                let best = (0..k).min_by(|&a, &b| d[a].partial_cmp(&d[b]).unwrap()).unwrap();
                assert_eq!(labels[i], best as i32);
                counts[best] += 1.0;
                inertia += d[best];
                for t in 0..cols {
                    sums[best * cols + t] += x[i * cols + t];
                }
            }
            assert_eq!(part.counts, counts);
            assert!((part.inertia - inertia).abs() < 1e-9);
            assert!(part.sums.iter().zip(&sums).all(|(a, b)| (a - b).abs() < 1e-9));
            let dist = min_sq_distances(&x, rows, cols, &c, k).unwrap();
            assert!((dist.iter().sum::<f64>() - inertia).abs() < 1e-9);
            let t = transform(&x, rows, cols, &c, k).unwrap();
            assert!((0..rows).all(|i| (t[i * k + labels[i] as usize].powi(2) - dist[i]).abs() < 1e-9));
        }
    }

    #[test]
    fn weighted_partial_equals_repeating_rows() {
        let x = [0.0, 1.0, 5.0, 6.0];
        let c = [0.0, 6.0];
        let p = lloyd_partial(&x, 4, 1, &c, 2, Some(&[1.0, 2.0, 3.0, 1.0]), None).unwrap();
        let rep = [0.0, 1.0, 1.0, 5.0, 5.0, 5.0, 6.0];
        let q = lloyd_partial(&rep, 7, 1, &c, 2, None, None).unwrap();
        assert_eq!(p, q);
    }

    #[test]
    fn oversampling_keeps_about_l_points_and_is_seeded() {
        let mut dist = vec![0.0; 10_000];
        fill_uniform_f64(&mut dist, 3, 0, 0.0, 1.0).unwrap();
        let total: f64 = dist.iter().sum();
        let a = oversample(&dist, total, 20.0, 9, 1).unwrap();
        assert_eq!(a, oversample(&dist, total, 20.0, 9, 1).unwrap());
        assert_ne!(a, oversample(&dist, total, 20.0, 9, 2).unwrap());
        // Expected count is 20 (Poisson-binomial, sd ≈ 4.5).
        assert!((5..=40).contains(&a.len()), "{}", a.len());
        assert!(oversample(&dist, total, 0.0, 1, 1).unwrap_err().to_string().starts_with("oversampling:"));
    }

    /// The fused k-means|| pieces give what the distance array gives: the cost summed in row
    /// order (the same bits) and the same oversampled rows, over several blocks and a partial
    /// one, for f64 and f32 rows.
    #[test]
    fn fused_cost_and_oversampling_equal_the_distance_array_s() {
        let (rows, cols, k) = (2 * DIST_BLOCK + 123, 3, 5);
        let x = data(rows, cols, 31);
        let x32: Vec<f32> = x.iter().map(|&v| v as f32).collect();
        let c = data(k, cols, 32);
        for (name, dist, sum, picked) in [
            ("f64", min_sq_distances(&x, rows, cols, &c, k), min_sq_distance_sum(&x, rows, cols, &c, k), oversample_rows(&x, rows, cols, &c, k, 1e4, 20.0, 9, 4)),
            ("f32", min_sq_distances(&x32, rows, cols, &c, k), min_sq_distance_sum(&x32, rows, cols, &c, k), oversample_rows(&x32, rows, cols, &c, k, 1e4, 20.0, 9, 4)),
        ] {
            let dist = dist.unwrap();
            let mut total = 0.0;
            for &v in &dist {
                total += v;
            }
            assert_eq!(sum.unwrap().to_bits(), total.to_bits(), "{name}");
            let picked = picked.unwrap();
            assert_eq!(picked, oversample(&dist, 1e4, 20.0, 9, 4).unwrap(), "{name}");
            assert!(picked.len() > 10 && picked.iter().any(|&i| i as usize >= DIST_BLOCK), "{name}: {} rows picked", picked.len());
        }
        assert!(oversample_rows(&x, rows, cols, &c, k, -1.0, 2.0, 1, 1).is_err());
        assert!(min_sq_distance_sum(&x, rows + 1, cols, &c, k).is_err());
    }

    #[test]
    fn reduce_candidates_finds_well_separated_clusters() {
        // Three tight blobs around 0, 100, 200 on a line, with weights.
        let mut cand = Vec::new();
        for b in 0..3 {
            for i in 0..10 {
                cand.push(b as f64 * 100.0 + i as f64 * 0.1);
            }
        }
        let w = vec![1.0; 30];
        let mut c = reduce_candidates(&cand, 30, 1, &w, 3, 4, 50).unwrap();
        c.sort_by(|a, b| a.partial_cmp(b).unwrap());
        for (b, v) in c.iter().enumerate() {
            assert!((v - (b as f64 * 100.0 + 0.45)).abs() < 1e-9, "{c:?}");
        }
        assert!(reduce_candidates(&cand, 30, 1, &w, 31, 4, 5).is_err());
    }
}

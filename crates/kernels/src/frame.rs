//! DataFrame statistics over one partition's columns: per-column summaries with a
//! quantile sketch (`describe`) and pairwise-complete co-moments (`corr`).
//!
//! Columns arrive as `f64` with NaN for null (the TypeScript side reads Arrow columns
//! that way). Both kernels return partials that merge exactly in a tree (Chan et al.'s
//! update for moments; the sketch merge lives in TypeScript), so the partition size
//! does not change the answer beyond floating-point rounding.

use crate::error::{check_len, KernelError, Result};

/// Moments, extrema and a quantile sketch of one column, NaN skipped.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnSummary {
    pub count: usize,
    pub sum: f64,
    pub mean: f64,
    /// Σ (x − mean)²
    pub m2: f64,
    /// +∞ / −∞ when the column has no values (the merge identities).
    pub min: f64,
    pub max: f64,
    /// All values sorted when `count <= sketch_size`, else `sketch_size` evenly spaced
    /// order statistics: the value of rank `floor((i + 0.5) · count / sketch_size)`.
    /// Empty when `sketch_size` is 0 (moments only).
    pub sketch: Vec<f64>,
}

/// Summarises `values` (NaN = null). `sketch_size` 0 skips the sort.
pub fn column_summary(values: &[f64], sketch_size: usize) -> ColumnSummary {
    // Compact the present values first (branch-free), so the loops below have no NaN
    // checks and run four independent lanes (a single running sum or minimum is bound
    // by the add latency, ~4x slower).
    let mut kept = vec![0.0; values.len()];
    let mut n = 0;
    for &x in values {
        kept[n] = x;
        n += usize::from(!x.is_nan());
    }
    kept.truncate(n);
    let (mut sum, mut lo, mut hi) = ([0.0f64; 4], [f64::INFINITY; 4], [f64::NEG_INFINITY; 4]);
    let chunks = kept.chunks_exact(4);
    let tail = chunks.remainder();
    for c in chunks {
        for l in 0..4 {
            sum[l] += c[l];
            lo[l] = if c[l] < lo[l] { c[l] } else { lo[l] };
            hi[l] = if c[l] > hi[l] { c[l] } else { hi[l] };
        }
    }
    for &x in tail {
        sum[0] += x;
        lo[0] = lo[0].min(x);
        hi[0] = hi[0].max(x);
    }
    let sum = (sum[0] + sum[1]) + (sum[2] + sum[3]);
    let min = lo.iter().fold(f64::INFINITY, |a, &b| a.min(b));
    let max = hi.iter().fold(f64::NEG_INFINITY, |a, &b| a.max(b));
    let mean = if n > 0 { sum / n as f64 } else { 0.0 };
    // Second pass for Σ(x − mean)²: exact where the one-pass Σx² − n·mean² cancels.
    let mut m2 = [0.0f64; 4];
    let chunks = kept.chunks_exact(4);
    let tail = chunks.remainder();
    for c in chunks {
        for l in 0..4 {
            let d = c[l] - mean;
            m2[l] += d * d;
        }
    }
    let mut m2 = (m2[0] + m2[1]) + (m2[2] + m2[3]);
    for &x in tail {
        m2 += (x - mean) * (x - mean);
    }
    let sketch = if sketch_size == 0 {
        Vec::new()
    } else {
        sort_f64(&mut kept);
        if n <= sketch_size {
            kept
        } else {
            let w = n as f64 / sketch_size as f64;
            (0..sketch_size)
                .map(|i| kept[(((i as f64 + 0.5) * w) as usize).min(n - 1)])
                .collect()
        }
    };
    ColumnSummary {
        count: n,
        sum,
        mean,
        m2,
        min,
        max,
        sketch,
    }
}

/// Sorts NaN-free doubles ascending: an LSD radix sort on the order-preserving bit
/// pattern in 11-bit digits, with passes only for the digits where keys differ (found
/// from the AND and OR of all keys: small integers and codes need one or two passes);
/// faster than the standard library's pdqsort on 100 000 values (measured in
/// docs/collections.md). Short slices use the standard sort.
pub fn sort_f64(v: &mut [f64]) {
    const SMALL: usize = 256;
    if v.len() <= SMALL {
        v.sort_unstable_by(f64::total_cmp);
        return;
    }
    // Flip the sign bit of positives, all bits of negatives: unsigned order = numeric order.
    let key = |x: f64| {
        let b = x.to_bits();
        if b >> 63 == 1 {
            !b
        } else {
            b | (1 << 63)
        }
    };
    let unkey = |k: u64| f64::from_bits(if k >> 63 == 1 { k & !(1 << 63) } else { !k });
    let mut a: Vec<u64> = Vec::with_capacity(v.len());
    let (mut and, mut or) = (u64::MAX, 0u64);
    for &x in v.iter() {
        let k = key(x);
        and &= k;
        or |= k;
        a.push(k);
    }
    const BITS: u32 = 11;
    const BUCKETS: usize = 1 << BITS;
    let varying = and ^ or; // bits that are not the same in every key
    let digits: Vec<u32> = (0..6)
        .filter(|&p| (varying >> (p * BITS)) & (BUCKETS as u64 - 1) != 0)
        .collect();
    if digits.is_empty() {
        return; // all equal
    }
    let mut counts = vec![[0usize; BUCKETS]; digits.len()];
    for &k in &a {
        for (c, &p) in counts.iter_mut().zip(&digits) {
            c[((k >> (p * BITS)) as usize) & (BUCKETS - 1)] += 1;
        }
    }
    let mut b: Vec<u64> = vec![0; a.len()];
    for (c, &p) in counts.iter_mut().zip(&digits) {
        let mut at = 0;
        for x in c.iter_mut() {
            let n = *x;
            *x = at;
            at += n;
        }
        let shift = p * BITS;
        for &k in &a {
            let d = ((k >> shift) as usize) & (BUCKETS - 1);
            b[c[d]] = k;
            c[d] += 1;
        }
        std::mem::swap(&mut a, &mut b);
    }
    for (o, &k) in v.iter_mut().zip(&a) {
        *o = unkey(k);
    }
}

/// Pairwise-complete co-moments of `k` columns (each `rows` long; NaN = null),
/// for every pair `i <= j` at index `i·k + j` (the lower triangle stays 0): over the rows
/// where both columns are present, the count, both means, both centred sums of squares and
/// the centred sum of products — pandas' `corr()` semantics.
#[derive(Debug, Clone, PartialEq)]
pub struct CoMoments {
    pub n: Vec<f64>,
    pub mx: Vec<f64>,
    pub my: Vec<f64>,
    pub m2x: Vec<f64>,
    pub m2y: Vec<f64>,
    pub cxy: Vec<f64>,
}

/// See [`CoMoments`]. `cols` holds the `k` columns, each `rows` long. One pass per pair
/// over values shifted by their column's mean (so the sums lose no precision to large
/// means), in row blocks shifted into a small scratch buffer that stays in cache; pairs of
/// columns without NaN need only the sum of products.
pub fn pairwise_comoments(cols: &[&[f64]], rows: usize) -> Result<CoMoments> {
    let k = cols.len();
    for (c, col) in cols.iter().enumerate() {
        check_len(&format!("cols[{c}]"), col.len(), rows, "rows")?;
    }
    // Per column: the shift (mean of its present values), whether it has no NaN, and over
    // all its present rows Σ(x − shift) and Σ(x − shift)² (what dense pairs need).
    let (mut shift, mut dense, mut s1, mut s2) =
        (vec![0.0; k], vec![true; k], vec![0.0; k], vec![0.0; k]);
    for (c, col) in cols.iter().enumerate() {
        let (mut n, mut sum) = (0usize, 0.0);
        for &x in col.iter() {
            if !x.is_nan() {
                n += 1;
                sum += x;
            }
        }
        dense[c] = n == rows;
        let m = if n > 0 { sum / n as f64 } else { 0.0 };
        shift[c] = m;
        let (mut a, mut b) = (0.0, 0.0);
        for &x in col.iter() {
            let d = x - m;
            if !d.is_nan() {
                a += d;
                b += d * d;
            }
        }
        s1[c] = a;
        s2[c] = b;
    }
    let kk = k * k;
    // Raw shifted sums per pair: count, Σx, Σy, Σx², Σy², Σxy.
    let (mut pn, mut px, mut py, mut pxx, mut pyy, mut pxy) = (
        vec![0.0; kk],
        vec![0.0; kk],
        vec![0.0; kk],
        vec![0.0; kk],
        vec![0.0; kk],
        vec![0.0; kk],
    );
    const BLOCK: usize = 2048;
    let mut scratch = vec![0.0; k * BLOCK];
    let mut start = 0;
    while start < rows {
        let end = (start + BLOCK).min(rows);
        let len = end - start;
        for c in 0..k {
            for (o, &x) in scratch[c * BLOCK..c * BLOCK + len]
                .iter_mut()
                .zip(&cols[c][start..end])
            {
                *o = x - shift[c];
            }
        }
        for i in 0..k {
            let a = &scratch[i * BLOCK..i * BLOCK + len];
            for j in i..k {
                let b = &scratch[j * BLOCK..j * BLOCK + len];
                let idx = i * k + j;
                if dense[i] && dense[j] {
                    pxy[idx] += dot(a, b);
                } else {
                    let s = masked_sums(a, b);
                    pn[idx] += s[0];
                    px[idx] += s[1];
                    py[idx] += s[2];
                    pxx[idx] += s[3];
                    pyy[idx] += s[4];
                    pxy[idx] += s[5];
                }
            }
        }
        start = end;
    }
    let mut out = CoMoments {
        n: vec![0.0; kk],
        mx: vec![0.0; kk],
        my: vec![0.0; kk],
        m2x: vec![0.0; kk],
        m2y: vec![0.0; kk],
        cxy: vec![0.0; kk],
    };
    for i in 0..k {
        for j in i..k {
            let idx = i * k + j;
            let (n, sx, sy, sxx, syy) = if dense[i] && dense[j] {
                (rows as f64, s1[i], s1[j], s2[i], s2[j])
            } else {
                (pn[idx], px[idx], py[idx], pxx[idx], pyy[idx])
            };
            if n == 0.0 {
                continue;
            }
            out.n[idx] = n;
            out.mx[idx] = shift[i] + sx / n;
            out.my[idx] = shift[j] + sy / n;
            out.m2x[idx] = (sxx - sx * sx / n).max(0.0);
            out.m2y[idx] = (syy - sy * sy / n).max(0.0);
            out.cxy[idx] = pxy[idx] - sx * sy / n;
        }
    }
    Ok(out)
}

/// Σ a·b with four independent accumulators (vectorises).
fn dot(a: &[f64], b: &[f64]) -> f64 {
    let mut acc = [0.0f64; 4];
    let (ca, cb) = (a.chunks_exact(4), b.chunks_exact(4));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for l in 0..4 {
            acc[l] += x[l] * y[l];
        }
    }
    let mut s = (acc[0] + acc[1]) + (acc[2] + acc[3]);
    for (x, y) in ra.iter().zip(rb) {
        s += x * y;
    }
    s
}

/// Over rows where both are present: [count, Σa, Σb, Σa², Σb², Σab] (branch-free).
fn masked_sums(a: &[f64], b: &[f64]) -> [f64; 6] {
    let mut s = [0.0f64; 6];
    for (&x, &y) in a.iter().zip(b) {
        let ok = !(x.is_nan() || y.is_nan());
        let (x, y, m) = if ok { (x, y, 1.0) } else { (0.0, 0.0, 0.0) };
        s[0] += m;
        s[1] += x;
        s[2] += y;
        s[3] += x * x;
        s[4] += y * y;
        s[5] += x * y;
    }
    s
}

/// A group-by key column's element: read as `f64` (exact for integers below 2^53).
pub trait GroupKey: Copy {
    fn key(self) -> f64;
}
impl GroupKey for f64 {
    #[inline(always)]
    fn key(self) -> f64 {
        self
    }
}
impl GroupKey for i32 {
    #[inline(always)]
    fn key(self) -> f64 {
        f64::from(self)
    }
}
impl GroupKey for i64 {
    #[inline(always)]
    fn key(self) -> f64 {
        self as f64
    }
}

/// Per-group partials of a one-key group-by: groups in order of first appearance, and for
/// each value column `v` and group `g` at `v · groups + g` the sum, count, minimum and
/// maximum of its present (non-NaN) values (±∞ when none).
#[derive(Debug, Clone, PartialEq)]
pub struct GroupPartials {
    pub keys: Vec<f64>,
    pub sum: Vec<f64>,
    pub count: Vec<f64>,
    pub min: Vec<f64>,
    pub max: Vec<f64>,
}

/// Groups rows by `keys` (null where the optional `valid` bitmap — Arrow's, LSB first — has
/// a 0 bit, or where a float key is NaN; nulls are dropped as pandas does) and reduces each
/// of `values` (`keys.len()` long, NaN = null) per group. −0 and 0 are one group. Small
/// non-negative integer keys index a table; others go through a hash map.
pub fn group_reduce<K: GroupKey>(
    keys: &[K],
    valid: Option<&[u8]>,
    values: &[&[f64]],
) -> Result<GroupPartials> {
    let rows = keys.len();
    if let Some(v) = valid {
        if v.len() < rows.div_ceil(8) {
            return Err(KernelError::Shape(format!(
                "valid: expected at least ceil(rows / 8) = {} bitmap bytes, got {}",
                rows.div_ceil(8),
                v.len()
            )));
        }
    }
    for (j, v) in values.iter().enumerate() {
        check_len(&format!("values[{j}]"), v.len(), rows, "rows")?;
    }
    const SMALL: usize = 4096;
    const NONE: u32 = u32::MAX;
    let mut direct = vec![NONE; SMALL];
    let mut index: std::collections::HashMap<u64, u32> = std::collections::HashMap::new();
    let mut group_keys: Vec<f64> = Vec::new();
    let mut gid = vec![NONE; rows];
    for (r, &k) in keys.iter().enumerate() {
        if let Some(v) = valid {
            if (v[r >> 3] >> (r & 7)) & 1 == 0 {
                continue;
            }
        }
        let k = k.key();
        if k.is_nan() {
            continue;
        }
        let k = if k == 0.0 { 0.0 } else { k }; // −0 joins 0
        let small = k >= 0.0 && k < SMALL as f64 && k.fract() == 0.0;
        let slot = if small {
            &mut direct[k as usize]
        } else {
            index.entry(k.to_bits()).or_insert(NONE)
        };
        if *slot == NONE {
            *slot = group_keys.len() as u32;
            group_keys.push(k);
        }
        gid[r] = *slot;
    }
    let ng = group_keys.len();
    let nv = values.len();
    let mut out = GroupPartials {
        keys: group_keys,
        sum: vec![0.0; ng * nv],
        count: vec![0.0; ng * nv],
        min: vec![f64::INFINITY; ng * nv],
        max: vec![f64::NEG_INFINITY; ng * nv],
    };
    for (j, v) in values.iter().enumerate() {
        let (sum, count) = (
            &mut out.sum[j * ng..(j + 1) * ng],
            &mut out.count[j * ng..(j + 1) * ng],
        );
        let (min, max) = (
            &mut out.min[j * ng..(j + 1) * ng],
            &mut out.max[j * ng..(j + 1) * ng],
        );
        for (&g, &x) in gid.iter().zip(v.iter()) {
            if g == NONE || x.is_nan() {
                continue;
            }
            let g = g as usize;
            sum[g] += x;
            count[g] += 1.0;
            if x < min[g] {
                min[g] = x;
            }
            if x > max[g] {
                max[g] = x;
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::fill_normal_f64;

    fn randn(n: usize, stream: u64, loc: f64) -> Vec<f64> {
        let mut v = vec![0.0; n];
        fill_normal_f64(&mut v, 5, stream, loc, 1.0).unwrap();
        v
    }

    #[test]
    fn radix_sort_matches_the_standard_sort() {
        for (n, stream) in [(0, 0), (7, 1), (300, 2), (100_000, 3)] {
            let mut v = randn(n, stream, 0.0);
            // negatives, zeros of both signs, duplicates, infinities
            if n > 10 {
                v[0] = -0.0;
                v[1] = 0.0;
                v[2] = f64::INFINITY;
                v[3] = f64::NEG_INFINITY;
                v[4] = v[5];
                v[6] = -1e300;
            }
            let mut want = v.clone();
            want.sort_unstable_by(f64::total_cmp);
            sort_f64(&mut v);
            assert_eq!(
                v.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
                want.iter().map(|x| x.to_bits()).collect::<Vec<_>>()
            );
        }
        let mut same = vec![2.5; 1000];
        sort_f64(&mut same);
        assert!(same.iter().all(|&x| x == 2.5));
    }

    #[test]
    fn column_summary_skips_nan_and_samples_order_statistics() {
        let mut v: Vec<f64> = (0..10_000).map(|i| ((i * 7919) % 10_000) as f64).collect();
        v[3] = f64::NAN;
        let removed = ((3 * 7919) % 10_000) as f64;
        let s = column_summary(&v, 100);
        assert_eq!(s.count, 9_999);
        let sum: f64 = (0..10_000).map(|i| i as f64).sum::<f64>() - removed;
        assert_eq!(s.sum, sum);
        assert_eq!((s.min, s.max), (0.0, 9_999.0));
        let mean = sum / 9_999.0;
        let m2: f64 = (0..10_000)
            .filter(|&i| i as f64 != removed)
            .map(|i| (i as f64 - mean).powi(2))
            .sum();
        assert!((s.m2 - m2).abs() <= 1e-9 * m2);
        let mut sorted: Vec<f64> = v.iter().copied().filter(|x| !x.is_nan()).collect();
        sorted.sort_unstable_by(f64::total_cmp);
        assert_eq!(s.sketch.len(), 100);
        for (i, &x) in s.sketch.iter().enumerate() {
            assert_eq!(x, sorted[(((i as f64 + 0.5) * 99.99) as usize).min(9_998)]);
        }
        let small = column_summary(&[3.0, f64::NAN, 1.0, 2.0], 100);
        assert_eq!(small.sketch, vec![1.0, 2.0, 3.0]);
        let empty = column_summary(&[f64::NAN], 100);
        assert_eq!(
            (empty.count, empty.min, empty.max, empty.sketch.len()),
            (0, f64::INFINITY, f64::NEG_INFINITY, 0)
        );
        assert!(column_summary(&v, 0).sketch.is_empty());
    }

    /// Two-pass pairwise-complete reference.
    fn reference(cols: &[Vec<f64>], i: usize, j: usize) -> [f64; 6] {
        let (a, b) = (&cols[i], &cols[j]);
        let rows: Vec<usize> = (0..a.len())
            .filter(|&r| !a[r].is_nan() && !b[r].is_nan())
            .collect();
        let n = rows.len() as f64;
        let mx = rows.iter().map(|&r| a[r]).sum::<f64>() / n;
        let my = rows.iter().map(|&r| b[r]).sum::<f64>() / n;
        let m2x = rows.iter().map(|&r| (a[r] - mx).powi(2)).sum();
        let m2y = rows.iter().map(|&r| (b[r] - my).powi(2)).sum();
        let cxy = rows.iter().map(|&r| (a[r] - mx) * (b[r] - my)).sum();
        [n, mx, my, m2x, m2y, cxy]
    }

    #[test]
    fn comoments_match_the_two_pass_reference_with_nulls() {
        let rows = 5_000;
        let mut cols: Vec<Vec<f64>> = (0..4)
            .map(|c| randn(rows, 10 + c as u64, 1e6 * c as f64))
            .collect();
        for r in (0..rows).step_by(7) {
            cols[1][r] = f64::NAN;
        }
        for r in (0..rows).step_by(11) {
            cols[3][r] = f64::NAN;
        }
        for r in 0..rows {
            cols[2][r] += 0.5 * cols[0][r];
        }
        let views: Vec<&[f64]> = cols.iter().map(|c| c.as_slice()).collect();
        let m = pairwise_comoments(&views, rows).unwrap();
        for i in 0..4 {
            for j in i..4 {
                let want = reference(&cols, i, j);
                let idx = i * 4 + j;
                let got = [
                    m.n[idx], m.mx[idx], m.my[idx], m.m2x[idx], m.m2y[idx], m.cxy[idx],
                ];
                for (g, w) in got.iter().zip(want) {
                    assert!(
                        (g - w).abs() <= 1e-9 * (1.0 + w.abs()),
                        "pair ({i}, {j}): {got:?} vs {want:?}"
                    );
                }
            }
        }
        assert!(pairwise_comoments(&views, rows - 1).is_err());
        assert_eq!(pairwise_comoments(&[], 0).unwrap().n.len(), 0);
    }

    #[test]
    fn group_reduce_matches_a_brute_force_reference() {
        let rows = 10_000;
        let keys: Vec<i64> = (0..rows)
            .map(|r| [3i64, 1, 7, 1 << 40, -2][(r * 7 + r / 3) % 5])
            .collect();
        let mut valid = vec![0xffu8; rows.div_ceil(8)];
        valid[0] = 0b1111_1110; // row 0 null
        let a: Vec<f64> = (0..rows)
            .map(|r| {
                if r % 13 == 0 {
                    f64::NAN
                } else {
                    (r % 101) as f64 * 0.25
                }
            })
            .collect();
        let b: Vec<f64> = (0..rows).map(|r| -(r as f64)).collect();
        let p = group_reduce(&keys, Some(&valid), &[&a, &b]).unwrap();
        // first-appearance order, row 0 skipped
        let mut order: Vec<f64> = Vec::new();
        for &k in keys.iter().skip(1) {
            if !order.contains(&(k as f64)) {
                order.push(k as f64);
            }
        }
        assert_eq!(p.keys, order);
        let ng = order.len();
        for (g, &k) in order.iter().enumerate() {
            for (j, v) in [&a, &b].iter().enumerate() {
                let xs: Vec<f64> = (1..rows)
                    .filter(|&r| keys[r] as f64 == k && !v[r].is_nan())
                    .map(|r| v[r])
                    .collect();
                assert_eq!(p.count[j * ng + g], xs.len() as f64);
                assert!(
                    (p.sum[j * ng + g] - xs.iter().sum::<f64>()).abs()
                        <= 1e-9 * (1.0 + xs.iter().map(|x| x.abs()).sum::<f64>())
                );
                assert_eq!(
                    p.min[j * ng + g],
                    xs.iter().copied().fold(f64::INFINITY, f64::min)
                );
                assert_eq!(
                    p.max[j * ng + g],
                    xs.iter().copied().fold(f64::NEG_INFINITY, f64::max)
                );
            }
        }
        let fk = [0.5, f64::NAN, -0.0, 0.0, 0.5];
        let q = group_reduce(&fk, None, &[&[1.0, 2.0, 3.0, 4.0, 5.0]]).unwrap();
        assert_eq!(
            (q.keys.clone(), q.sum.clone()),
            (vec![0.5, 0.0], vec![6.0, 7.0])
        );
        assert!(group_reduce(&fk, None, &[&[1.0]]).is_err());
        assert!(group_reduce(&keys, Some(&valid[..3]), &[]).is_err());
    }
}

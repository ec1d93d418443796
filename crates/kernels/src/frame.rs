//! DataFrame statistics over one partition's columns: per-column summaries with a
//! quantile sketch (`describe`) and pairwise-complete co-moments (`corr`).
//!
//! Columns arrive as `f64` with NaN for null (the TypeScript side reads Arrow columns
//! that way). Both kernels return partials that merge exactly in a tree (Chan et al.'s
//! update for moments; the sketch merge lives in TypeScript), so the partition size
//! does not change the answer beyond floating-point rounding.

use crate::error::{check_len, KernelError, Result};
use std::borrow::Cow;

/// The values of one Arrow column, read in place.
#[derive(Debug, Clone, Copy)]
pub enum ColumnData<'a> {
    F64(&'a [f64]),
    I32(&'a [i32]),
    I64(&'a [i64]),
}

/// One column of a partition as Arrow holds it: values and an optional validity bitmap
/// (least significant bit first, a 0 bit is null). A float NaN also counts as null.
#[derive(Debug, Clone, Copy)]
pub struct Column<'a> {
    pub data: ColumnData<'a>,
    pub valid: Option<&'a [u8]>,
}

impl<'a> Column<'a> {
    /// A float column without a validity bitmap (NaN = null).
    pub fn f64(values: &'a [f64]) -> Self {
        Column {
            data: ColumnData::F64(values),
            valid: None,
        }
    }

    pub fn len(&self) -> usize {
        match self.data {
            ColumnData::F64(v) => v.len(),
            ColumnData::I32(v) => v.len(),
            ColumnData::I64(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Checks that the bitmap covers the values; `name` names the argument in the error.
    pub fn check(&self, name: &str) -> Result<()> {
        if let Some(v) = self.valid {
            let need = self.len().div_ceil(8);
            if v.len() < need {
                return Err(KernelError::Shape(format!("{name}: expected a validity bitmap of at least ceil(rows / 8) = {need} bytes, got {}", v.len())));
            }
        }
        Ok(())
    }

    /// The values as `f64` with NaN for null (integers exact below 2^53): the column itself
    /// when it already is that, else a converted copy.
    pub fn to_f64(&self) -> Cow<'a, [f64]> {
        let mut out: Vec<f64> = match self.data {
            ColumnData::F64(v) if self.valid.is_none() => return Cow::Borrowed(v),
            ColumnData::F64(v) => v.to_vec(),
            ColumnData::I32(v) => v.iter().map(|&x| f64::from(x)).collect(),
            ColumnData::I64(v) => v.iter().map(|&x| x as f64).collect(),
        };
        if let Some(bits) = self.valid {
            for (r, o) in out.iter_mut().enumerate() {
                if (bits[r >> 3] >> (r & 7)) & 1 == 0 {
                    *o = f64::NAN;
                }
            }
        }
        Cow::Owned(out)
    }
}

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

/// Summarises a column (nulls and NaN skipped). `sketch_size` 0 skips the sort.
pub fn column_summary(col: Column, sketch_size: usize) -> Result<ColumnSummary> {
    col.check("values")?;
    // Compact the present values first (branch-free), so the loops below have no NaN
    // checks and run four independent lanes (a single running sum or minimum is bound
    // by the add latency, ~4x slower).
    let values = col.to_f64();
    let mut kept = vec![0.0; values.len()];
    let mut n = 0;
    for &x in values.iter() {
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
    Ok(ColumnSummary {
        count: n,
        sum,
        mean,
        m2,
        min,
        max,
        sketch,
    })
}

/// Merges weighted quantile sketches (each a list of values, ascending, with a weight per
/// value) into one: all the points in value order when there are at most `size`, else
/// `size` points of equal weight, each the value at the middle of one of `size` equal
/// slices of the cumulative weight. Parts that are not sorted are sorted first. Returns the
/// values and their weights.
pub fn merge_sketches(parts: &[(&[f64], &[f64])], size: usize) -> Result<(Vec<f64>, Vec<f64>)> {
    let mut runs: Vec<Vec<(f64, f64)>> = Vec::with_capacity(parts.len());
    for (i, (v, w)) in parts.iter().enumerate() {
        check_len(
            &format!("weights[{i}]"),
            w.len(),
            v.len(),
            &format!("values[{i}].length"),
        )?;
        let mut run: Vec<(f64, f64)> = v.iter().copied().zip(w.iter().copied()).collect();
        if !v.windows(2).all(|p| p[0] <= p[1]) {
            run.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
        }
        runs.push(run);
    }
    while runs.len() > 1 {
        let mut next = Vec::with_capacity(runs.len().div_ceil(2));
        let mut it = runs.into_iter();
        while let Some(a) = it.next() {
            next.push(match it.next() {
                Some(b) => merge_runs(&a, &b),
                None => a,
            });
        }
        runs = next;
    }
    let all = runs.pop().unwrap_or_default();
    let n = all.len();
    if n <= size {
        return Ok(all.into_iter().unzip());
    }
    let total: f64 = all.iter().map(|p| p.1).sum();
    let mut values = vec![0.0; size];
    let (mut cum, mut k) = (0.0, 0);
    for &(v, w) in &all {
        while k < size && cum + w > ((k as f64 + 0.5) * total) / size as f64 {
            values[k] = v;
            k += 1;
        }
        cum += w;
    }
    for x in &mut values[k..] {
        *x = all[n - 1].0;
    }
    Ok((values, vec![total / size as f64; size]))
}

fn merge_runs(a: &[(f64, f64)], b: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i].0 <= b[j].0 {
            out.push(a[i]);
            i += 1;
        } else {
            out.push(b[j]);
            j += 1;
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
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

/// See [`CoMoments`]. `cols` holds the `k` columns, each `rows` long.
///
/// Values are shifted by their column's mean (so the sums lose no precision to large
/// means) and nulls set to 0, in row blocks that stay in cache; then every pair needs only
/// the dot product Σxy over all rows, which the nulls do not touch. The other pair sums
/// (count, Σx, Σx², Σy, Σy² over the rows where both are present) are the column totals
/// less the few rows where the other column is null, gathered from the null-row lists.
/// Null-free taxi columns and 2 % nulls cost the same; a column full of nulls costs a
/// gather per pair instead of a dense pass.
pub fn pairwise_comoments(columns: &[Column], rows: usize) -> Result<CoMoments> {
    let k = columns.len();
    for (c, col) in columns.iter().enumerate() {
        check_len(&format!("cols[{c}]"), col.len(), rows, "rows")?;
        col.check(&format!("cols[{c}]"))?;
    }
    let owned: Vec<Cow<[f64]>> = columns.iter().map(|c| c.to_f64()).collect();
    let cols: Vec<&[f64]> = owned.iter().map(|c| &c[..]).collect();
    // Per column: the shift (mean of its present values), Σ(x − shift) and Σ(x − shift)²
    // over its present values, and the rows where it is null.
    let (mut shift, mut s1, mut s2) = (vec![0.0; k], vec![0.0; k], vec![0.0; k]);
    let mut nulls: Vec<Vec<u32>> = vec![Vec::new(); k];
    for (c, col) in cols.iter().enumerate() {
        let (sum, present) = lane_sum(col);
        if present < rows {
            nulls[c] = (0..rows as u32)
                .filter(|&r| col[r as usize].is_nan())
                .collect();
        }
        let m = if present > 0 {
            sum / present as f64
        } else {
            0.0
        };
        shift[c] = m;
        (s1[c], s2[c]) = lane_sums_shifted(col, m);
    }
    let kk = k * k;
    let mut sxy = vec![0.0; kk];
    const BLOCK: usize = 2048;
    let mut scratch = vec![0.0; k * BLOCK];
    let mut start = 0;
    while start < rows {
        let end = (start + BLOCK).min(rows);
        let len = end - start;
        for c in 0..k {
            let m = shift[c];
            for (o, &x) in scratch[c * BLOCK..c * BLOCK + len]
                .iter_mut()
                .zip(&cols[c][start..end])
            {
                let v = x - m;
                *o = if v.is_nan() { 0.0 } else { v };
            }
        }
        pair_dots(&scratch, BLOCK, len, k, &mut sxy);
        start = end;
    }
    let x0 = |c: usize, r: u32| {
        let x = cols[c][r as usize];
        if x.is_nan() {
            0.0
        } else {
            x - shift[c]
        }
    };
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
            // i's sums without the rows where j is null, and the other way round
            let (mut sx, mut sxx, mut sy, mut syy) = (s1[i], s2[i], s1[j], s2[j]);
            for &r in &nulls[j] {
                let v = x0(i, r);
                sx -= v;
                sxx -= v * v;
            }
            for &r in &nulls[i] {
                let v = x0(j, r);
                sy -= v;
                syy -= v * v;
            }
            let both_null = sorted_intersection_len(&nulls[i], &nulls[j]);
            let n = (rows - nulls[i].len() - nulls[j].len() + both_null) as f64;
            if n == 0.0 {
                continue;
            }
            out.n[idx] = n;
            out.mx[idx] = shift[i] + sx / n;
            out.my[idx] = shift[j] + sy / n;
            out.m2x[idx] = (sxx - sx * sx / n).max(0.0);
            out.m2y[idx] = (syy - sy * sy / n).max(0.0);
            out.cxy[idx] = sxy[idx] - sx * sy / n;
        }
    }
    Ok(out)
}

/// Σ of the non-NaN values of `v` and how many there are, in four lanes (vectorises).
fn lane_sum(v: &[f64]) -> (f64, usize) {
    let (mut s, mut n) = ([0.0f64; 4], [0.0f64; 4]);
    let chunks = v.chunks_exact(4);
    let tail = chunks.remainder();
    for x in chunks {
        for l in 0..4 {
            let ok = !x[l].is_nan();
            s[l] += if ok { x[l] } else { 0.0 };
            n[l] += if ok { 1.0 } else { 0.0 };
        }
    }
    let (mut s, mut n) = ((s[0] + s[1]) + (s[2] + s[3]), (n[0] + n[1]) + (n[2] + n[3]));
    for &x in tail {
        if !x.is_nan() {
            s += x;
            n += 1.0;
        }
    }
    (s, n as usize)
}

/// Σ(x − m) and Σ(x − m)² over the non-NaN values of `v`, in four lanes.
fn lane_sums_shifted(v: &[f64], m: f64) -> (f64, f64) {
    let (mut a, mut b) = ([0.0f64; 4], [0.0f64; 4]);
    let chunks = v.chunks_exact(4);
    let tail = chunks.remainder();
    for x in chunks {
        for l in 0..4 {
            let d = x[l] - m;
            let d = if d.is_nan() { 0.0 } else { d };
            a[l] += d;
            b[l] += d * d;
        }
    }
    let (mut a, mut b) = ((a[0] + a[1]) + (a[2] + a[3]), (b[0] + b[1]) + (b[2] + b[3]));
    for &x in tail {
        let d = x - m;
        if !d.is_nan() {
            a += d;
            b += d * d;
        }
    }
    (a, b)
}

/// How many values two ascending lists share.
fn sorted_intersection_len(a: &[u32], b: &[u32]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// Adds Σ a·b over one block to `sxy[i·k + j]` for every pair i <= j of the `k` columns in
/// `scratch` (column c at `c · stride`, `len` values). AVX2 + FMA when the CPU has them.
fn pair_dots(scratch: &[f64], stride: usize, len: usize, k: usize, sxy: &mut [f64]) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
            // SAFETY: the CPU supports the features the function is compiled for.
            unsafe { pair_dots_avx2(scratch, stride, len, k, sxy) };
            return;
        }
    }
    pair_dots_generic(scratch, stride, len, k, sxy);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn pair_dots_avx2(scratch: &[f64], stride: usize, len: usize, k: usize, sxy: &mut [f64]) {
    pair_dots_generic(scratch, stride, len, k, sxy);
}

#[inline(always)]
fn pair_dots_generic(scratch: &[f64], stride: usize, len: usize, k: usize, sxy: &mut [f64]) {
    let col = |c: usize| &scratch[c * stride..c * stride + len];
    for i in 0..k {
        let a = col(i);
        let mut j = i;
        // four columns against `a` at once: each value of `a` is loaded once for four products
        while j + 4 <= k {
            let d = dot4(a, [col(j), col(j + 1), col(j + 2), col(j + 3)]);
            for (t, v) in d.iter().enumerate() {
                sxy[i * k + j + t] += v;
            }
            j += 4;
        }
        for j in j..k {
            sxy[i * k + j] += dot4(a, [col(j), col(j), col(j), col(j)])[0];
        }
    }
}

/// Σ a·b for four columns b at once, eight independent lanes each.
#[inline(always)]
fn dot4(a: &[f64], b: [&[f64]; 4]) -> [f64; 4] {
    const L: usize = 8;
    let n = a.len() / L * L;
    let mut acc = [[0.0f64; L]; 4];
    let mut r = 0;
    while r < n {
        let x = &a[r..r + L];
        for (t, bt) in b.iter().enumerate() {
            let y = &bt[r..r + L];
            for l in 0..L {
                acc[t][l] = x[l].mul_add(y[l], acc[t][l]);
            }
        }
        r += L;
    }
    let mut out = acc.map(|lanes| lanes.iter().sum::<f64>());
    for r in n..a.len() {
        for (t, bt) in b.iter().enumerate() {
            out[t] += a[r] * bt[r];
        }
    }
    out
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

/// Groups rows by `keys` (null and NaN keys are dropped, as pandas does) and reduces each
/// of `values` (`keys.len()` long, nulls skipped) per group. −0 and 0 are one group. Small
/// non-negative integer keys index a table; others go through a hash map.
pub fn group_reduce(keys: Column, values: &[Column]) -> Result<GroupPartials> {
    let rows = keys.len();
    keys.check("keys")?;
    for (j, v) in values.iter().enumerate() {
        check_len(&format!("values[{j}]"), v.len(), rows, "rows")?;
        v.check(&format!("values[{j}]"))?;
    }
    let mut ids = GroupIds::new(rows);
    // keys read in place, converted per row (no converted copy of the column)
    match keys.data {
        ColumnData::F64(v) => v
            .iter()
            .enumerate()
            .for_each(|(r, &k)| ids.assign(r, k, keys.valid)),
        ColumnData::I32(v) => v
            .iter()
            .enumerate()
            .for_each(|(r, &k)| ids.assign(r, f64::from(k), keys.valid)),
        ColumnData::I64(v) => v
            .iter()
            .enumerate()
            .for_each(|(r, &k)| ids.assign(r, k as f64, keys.valid)),
    }
    let GroupIds {
        keys: group_keys,
        gid,
        ..
    } = ids;
    let owned: Vec<Cow<[f64]>> = values.iter().map(|c| c.to_f64()).collect();
    let ng = group_keys.len();
    let nv = values.len();
    let mut out = GroupPartials {
        keys: group_keys,
        sum: vec![0.0; ng * nv],
        count: vec![0.0; ng * nv],
        min: vec![f64::INFINITY; ng * nv],
        max: vec![f64::NEG_INFINITY; ng * nv],
    };
    // Four lanes of accumulators (row r updates lane r mod 4): with few groups, consecutive
    // rows hit the same accumulator and one lane would wait on the previous add.
    const LANES: usize = 4;
    let (mut sum, mut count) = (vec![0.0; LANES * ng], vec![0.0; LANES * ng]);
    let (mut min, mut max) = (
        vec![f64::INFINITY; LANES * ng],
        vec![f64::NEG_INFINITY; LANES * ng],
    );
    for (j, v) in owned.iter().enumerate() {
        sum.fill(0.0);
        count.fill(0.0);
        min.fill(f64::INFINITY);
        max.fill(f64::NEG_INFINITY);
        for (r, (&g, &x)) in gid.iter().zip(v.iter()).enumerate() {
            if g == NO_GROUP || x.is_nan() {
                continue;
            }
            let at = (r % LANES) * ng + g as usize;
            sum[at] += x;
            count[at] += 1.0;
            min[at] = if x < min[at] { x } else { min[at] };
            max[at] = if x > max[at] { x } else { max[at] };
        }
        for g in 0..ng {
            let o = j * ng + g;
            for l in 0..LANES {
                let at = l * ng + g;
                out.sum[o] += sum[at];
                out.count[o] += count[at];
                out.min[o] = out.min[o].min(min[at]);
                out.max[o] = out.max[o].max(max[at]);
            }
        }
    }
    Ok(out)
}

const NO_GROUP: u32 = u32::MAX;

/// Group ids in order of first appearance: a table for small non-negative integer keys,
/// a hash map for the others.
struct GroupIds {
    direct: Vec<u32>,
    index: std::collections::HashMap<u64, u32>,
    keys: Vec<f64>,
    gid: Vec<u32>,
}

impl GroupIds {
    const SMALL: usize = 4096;

    fn new(rows: usize) -> Self {
        GroupIds {
            direct: vec![NO_GROUP; Self::SMALL],
            index: std::collections::HashMap::new(),
            keys: Vec::new(),
            gid: vec![NO_GROUP; rows],
        }
    }

    #[inline(always)]
    fn assign(&mut self, r: usize, k: f64, valid: Option<&[u8]>) {
        if k.is_nan() || valid.is_some_and(|v| (v[r >> 3] >> (r & 7)) & 1 == 0) {
            return;
        }
        let k = if k == 0.0 { 0.0 } else { k }; // −0 joins 0
        let ki = k as i64; // saturating; exact when k is a small integer
        let slot = if ki as f64 == k && (0..Self::SMALL as i64).contains(&ki) {
            &mut self.direct[ki as usize]
        } else {
            self.index.entry(k.to_bits()).or_insert(NO_GROUP)
        };
        if *slot == NO_GROUP {
            *slot = self.keys.len() as u32;
            self.keys.push(k);
        }
        self.gid[r] = *slot;
    }
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
        let s = column_summary(Column::f64(&v), 100).unwrap();
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
        let small = column_summary(Column::f64(&[3.0, f64::NAN, 1.0, 2.0]), 100).unwrap();
        assert_eq!(small.sketch, vec![1.0, 2.0, 3.0]);
        let empty = column_summary(Column::f64(&[f64::NAN]), 100).unwrap();
        assert_eq!(
            (empty.count, empty.min, empty.max, empty.sketch.len()),
            (0, f64::INFINITY, f64::NEG_INFINITY, 0)
        );
        assert!(column_summary(Column::f64(&v), 0)
            .unwrap()
            .sketch
            .is_empty());
        // integers with a validity bitmap: the same summary as the floats with NaN
        let ints: Vec<i32> = (0..20).collect();
        let bits = [0b1111_1011u8, 0xff, 0xff];
        let a = column_summary(
            Column {
                data: ColumnData::I32(&ints),
                valid: Some(&bits),
            },
            100,
        )
        .unwrap();
        let floats: Vec<f64> = (0..20)
            .map(|i| if i == 2 { f64::NAN } else { i as f64 })
            .collect();
        assert_eq!(a, column_summary(Column::f64(&floats), 100).unwrap());
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
        let views: Vec<Column> = cols.iter().map(|c| Column::f64(c)).collect();
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
        let key_col = Column {
            data: ColumnData::I64(&keys),
            valid: Some(&valid),
        };
        let p = group_reduce(key_col, &[Column::f64(&a), Column::f64(&b)]).unwrap();
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
        let q = group_reduce(Column::f64(&fk), &[Column::f64(&[1.0, 2.0, 3.0, 4.0, 5.0])]).unwrap();
        assert_eq!(
            (q.keys.clone(), q.sum.clone()),
            (vec![0.5, 0.0], vec![6.0, 7.0])
        );
        assert!(group_reduce(Column::f64(&fk), &[Column::f64(&[1.0])]).is_err());
        assert!(group_reduce(
            Column {
                data: ColumnData::I64(&keys),
                valid: Some(&valid[..3])
            },
            &[]
        )
        .is_err());
    }

    #[test]
    fn merged_sketches_keep_every_point_or_compress_by_weight() {
        let a = [1.0, 3.0, 5.0];
        let b = [2.0, 4.0];
        let (v, w) = merge_sketches(&[(&a, &[1.0; 3]), (&b, &[1.0; 2])], 10).unwrap();
        assert_eq!((v, w), (vec![1.0, 2.0, 3.0, 4.0, 5.0], vec![1.0; 5]));
        // unsorted parts are sorted; compression to 2 points of weight 3 each
        let c = [6.0, 0.0];
        let (v, w) = merge_sketches(&[(&a, &[1.0; 3]), (&c, &[1.0, 2.0])], 2).unwrap();
        // cumulative weight 0:2 (0.0), 2:3 (1.0), 3:4 (3.0), 4:5 (5.0), 5:6 (6.0); midpoints 1.5 and 4.5
        assert_eq!((v, w), (vec![0.0, 5.0], vec![3.0, 3.0]));
        assert!(merge_sketches(&[(&a, &[1.0])], 2).is_err());
        assert_eq!(merge_sketches(&[], 4).unwrap(), (vec![], vec![]));
    }
}

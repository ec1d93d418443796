//! Seeded random fills: Philox4x32-10, a counter-based generator.
//!
//! Value `i` of stream `s` under seed `k` depends only on `(k, s, i)`, so any chunk
//! of any stream can be generated on any worker, in any order, with the same result,
//! and streams with different numbers are independent (different counters under the
//! same key; Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011).
//! Each Philox block yields 128 bits = two 53-bit uniforms, hence two values.

use crate::error::{KernelError, Result};

const M0: u32 = 0xD251_1F53;
const M1: u32 = 0xCD9E_8D57;
const W0: u32 = 0x9E37_79B9;
const W1: u32 = 0xBB67_AE85;

#[inline(always)]
fn mulhilo(a: u32, b: u32) -> (u32, u32) {
    let p = (a as u64) * (b as u64);
    ((p >> 32) as u32, p as u32)
}

/// One Philox4x32-10 block for counter `ctr` and key `key`.
#[inline(always)]
pub fn philox4x32(mut ctr: [u32; 4], mut key: [u32; 2]) -> [u32; 4] {
    for round in 0..10 {
        if round > 0 {
            key[0] = key[0].wrapping_add(W0);
            key[1] = key[1].wrapping_add(W1);
        }
        let (hi0, lo0) = mulhilo(M0, ctr[0]);
        let (hi1, lo1) = mulhilo(M1, ctr[2]);
        ctr = [hi1 ^ ctr[1] ^ key[0], lo1, hi0 ^ ctr[3] ^ key[1], lo0];
    }
    ctr
}

/// Two uniforms in [0, 1) from block `block` of `stream` under `seed`.
#[inline(always)]
fn uniform_pair(seed: u64, stream: u64, block: u64) -> (f64, f64) {
    let r = philox4x32(
        [block as u32, (block >> 32) as u32, stream as u32, (stream >> 32) as u32],
        [seed as u32, (seed >> 32) as u32],
    );
    let a = ((r[0] as u64) << 32) | r[1] as u64;
    let b = ((r[2] as u64) << 32) | r[3] as u64;
    const SCALE: f64 = 1.0 / (1u64 << 53) as f64;
    ((a >> 11) as f64 * SCALE, (b >> 11) as f64 * SCALE)
}

/// Two standard normals from block `block` (Box–Muller; 1-u keeps the log argument in (0, 1]).
#[inline(always)]
fn normal_pair(seed: u64, stream: u64, block: u64) -> (f64, f64) {
    let (u, v) = uniform_pair(seed, stream, block);
    let r = (-2.0 * (1.0 - u).ln()).sqrt();
    let t = std::f64::consts::TAU * v;
    (r * t.cos(), r * t.sin())
}

/// Validates a seed/stream given as a JS number: a non-negative integer below 2^53.
pub fn integer_arg(name: &str, value: f64) -> Result<u64> {
    if !(value.is_finite() && value >= 0.0 && value.fract() == 0.0 && value <= 9_007_199_254_740_991.0) {
        return Err(KernelError::Value(format!(
            "{name}: expected a non-negative integer below 2^53, got {value}"
        )));
    }
    Ok(value as u64)
}

fn check_finite(name: &str, value: f64) -> Result<()> {
    if !value.is_finite() {
        return Err(KernelError::Value(format!("{name}: expected a finite number, got {value}")));
    }
    Ok(())
}

/// Fills `out` with pairs produced by `pair` for blocks 0, 1, …, mapped through `map`.
#[inline(always)]
fn fill_pairs<T: Copy>(out: &mut [T], pair: impl Fn(u64) -> (f64, f64), map: impl Fn(f64) -> T) {
    let mut chunks = out.chunks_exact_mut(2);
    let mut block = 0u64;
    for c in &mut chunks {
        let (a, b) = pair(block);
        c[0] = map(a);
        c[1] = map(b);
        block += 1;
    }
    if let [last] = chunks.into_remainder() {
        *last = map(pair(block).0);
    }
}

/// Fills `out` with N(`mean`, `std`²) values of `stream` under `seed`.
pub fn fill_normal_f64(out: &mut [f64], seed: u64, stream: u64, mean: f64, std: f64) -> Result<()> {
    check_finite("mean", mean)?;
    check_finite("std", std)?;
    if std < 0.0 {
        return Err(KernelError::Value(format!("std: expected >= 0, got {std}")));
    }
    fill_pairs(out, |b| normal_pair(seed, stream, b), |z| mean + std * z);
    Ok(())
}

/// `f32` twin of [`fill_normal_f64`]: the same draws, rounded to `f32`.
pub fn fill_normal_f32(out: &mut [f32], seed: u64, stream: u64, mean: f64, std: f64) -> Result<()> {
    check_finite("mean", mean)?;
    check_finite("std", std)?;
    if std < 0.0 {
        return Err(KernelError::Value(format!("std: expected >= 0, got {std}")));
    }
    fill_pairs(out, |b| normal_pair(seed, stream, b), |z| (mean + std * z) as f32);
    Ok(())
}

fn check_range(low: f64, high: f64) -> Result<()> {
    check_finite("low", low)?;
    check_finite("high", high)?;
    if !(low < high) {
        return Err(KernelError::Value(format!("low, high: expected low < high, got low = {low}, high = {high}")));
    }
    Ok(())
}

/// Fills `out` with U[`low`, `high`) values of `stream` under `seed`.
pub fn fill_uniform_f64(out: &mut [f64], seed: u64, stream: u64, low: f64, high: f64) -> Result<()> {
    check_range(low, high)?;
    let w = high - low;
    fill_pairs(out, |b| uniform_pair(seed, stream, b), |u| low + w * u);
    Ok(())
}

/// `f32` twin of [`fill_uniform_f64`]; values that round up to `high` are pulled back below it.
pub fn fill_uniform_f32(out: &mut [f32], seed: u64, stream: u64, low: f64, high: f64) -> Result<()> {
    check_range(low, high)?;
    let w = high - low;
    let top = high as f32;
    fill_pairs(out, |b| uniform_pair(seed, stream, b), |u| {
        let v = (low + w * u) as f32;
        if v >= top { f32::from_bits(top.to_bits() - 1) } else { v }
    });
    Ok(())
}

/// A small seeded generator for kernels that sample (k-means||, k-means++):
/// Philox blocks drawn one after another from `(seed, stream)`.
pub struct Philox {
    seed: u64,
    stream: u64,
    block: u64,
    spare: Option<f64>,
}

impl Philox {
    pub fn new(seed: u64, stream: u64) -> Self {
        Philox { seed, stream, block: 0, spare: None }
    }

    /// Next uniform in [0, 1).
    pub fn next_f64(&mut self) -> f64 {
        if let Some(v) = self.spare.take() {
            return v;
        }
        let (a, b) = uniform_pair(self.seed, self.stream, self.block);
        self.block += 1;
        self.spare = Some(b);
        a
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn philox_matches_the_random123_known_answer() {
        // Known-answer vectors from Random123's kat_vectors for philox4x32_10.
        assert_eq!(philox4x32([0, 0, 0, 0], [0, 0]), [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]);
        assert_eq!(
            philox4x32([0xffffffff; 4], [0xffffffff; 2]),
            [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd]
        );
        assert_eq!(
            philox4x32([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0]),
            [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1]
        );
    }

    #[test]
    fn same_seed_and_stream_reproduce_and_streams_differ() {
        let mut a = vec![0.0; 1001];
        let mut b = vec![0.0; 1001];
        let mut c = vec![0.0; 1001];
        fill_normal_f64(&mut a, 42, 7, 0.0, 1.0).unwrap();
        fill_normal_f64(&mut b, 42, 7, 0.0, 1.0).unwrap();
        fill_normal_f64(&mut c, 42, 8, 0.0, 1.0).unwrap();
        assert_eq!(a, b);
        assert!(a.iter().zip(&c).all(|(x, y)| x != y));
        // A prefix is the same as a shorter fill: chunks of one stream agree.
        let mut short = vec![0.0; 10];
        fill_normal_f64(&mut short, 42, 7, 0.0, 1.0).unwrap();
        assert_eq!(&a[..10], &short[..]);
    }

    #[test]
    fn normal_moments_match_the_parameters() {
        let n = 400_000;
        let mut x = vec![0.0; n];
        fill_normal_f64(&mut x, 1, 0, 3.0, 2.0).unwrap();
        let mean = x.iter().sum::<f64>() / n as f64;
        let var = x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n as f64;
        let skew = x.iter().map(|v| ((v - mean) / var.sqrt()).powi(3)).sum::<f64>() / n as f64;
        let kurt = x.iter().map(|v| ((v - mean) / var.sqrt()).powi(4)).sum::<f64>() / n as f64;
        // Standard errors: mean 2/sqrt(n) ≈ 0.003, var ≈ 4*sqrt(2/n) ≈ 0.009.
        assert!((mean - 3.0).abs() < 0.015, "mean {mean}");
        assert!((var - 4.0).abs() < 0.05, "var {var}");
        assert!(skew.abs() < 0.03, "skew {skew}");
        assert!((kurt - 3.0).abs() < 0.06, "kurtosis {kurt}");
    }

    #[test]
    fn uniform_is_in_range_and_flat() {
        let n = 200_000;
        let mut x = vec![0.0f32; n];
        fill_uniform_f32(&mut x, 9, 3, -1.0, 3.0).unwrap();
        assert!(x.iter().all(|&v| (-1.0..3.0).contains(&v)));
        let mut bins = [0usize; 8];
        for &v in &x {
            bins[((v + 1.0) * 2.0) as usize] += 1;
        }
        // Chi-square with 7 degrees of freedom: 99.9% quantile is 24.3.
        let e = n as f64 / 8.0;
        let chi2: f64 = bins.iter().map(|&b| (b as f64 - e).powi(2) / e).sum();
        assert!(chi2 < 24.3, "chi2 {chi2} bins {bins:?}");
    }

    #[test]
    fn bad_arguments_name_themselves() {
        let mut x = vec![0.0; 4];
        assert!(fill_normal_f64(&mut x, 0, 0, 0.0, -1.0).unwrap_err().to_string().starts_with("std:"));
        assert!(fill_uniform_f64(&mut x, 0, 0, 1.0, 1.0).unwrap_err().to_string().starts_with("low, high:"));
        assert!(integer_arg("seed", 1.5).unwrap_err().to_string().starts_with("seed:"));
        assert!(integer_arg("stream", -1.0).is_err());
    }
}

//! Seeded random fills.
//!
//! Uniforms: Philox4x32-10, a counter-based generator (Salmon et al., "Parallel random
//! numbers: as easy as 1, 2, 3", SC 2011): each block of 128 bits gives two 53-bit
//! uniforms. Normals: a ziggurat over xoshiro256++ lanes that Philox seeds per block of
//! 1024 values (`normal.rs`, which says why). For both, value `i` of stream `s` under
//! seed `k` depends only on `(k, s, i)`, so any chunk of any stream — or any rows of a
//! chunk — can be generated on any worker, in any order, with the same result, and
//! streams with different numbers are independent.

mod normal;

pub use normal::BLOCK as NORMAL_BLOCK;

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

/// `out[i]` = uniform i of `stream` under `seed`, counting from the first of block
/// `first_block` (each block gives two: [`uniform_pair`]'s values, in order). With AVX2, eight
/// blocks at a time in the 64-bit lanes of vectors (`x86::uniforms`, the same bits); elsewhere a
/// block at a time.
pub(crate) fn uniforms_into(out: &mut [f64], seed: u64, stream: u64, first_block: u64) {
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2 (checked just above).
        return unsafe { x86::uniforms(out, seed, stream, first_block) };
    }
    uniforms_from(out, seed, stream, first_block);
}

/// [`uniforms_into`] a block at a time.
fn uniforms_from(out: &mut [f64], seed: u64, stream: u64, first_block: u64) {
    for (i, pair) in out.chunks_mut(2).enumerate() {
        let (a, b) = uniform_pair(seed, stream, first_block + i as u64);
        pair[0] = a;
        if let Some(v) = pair.get_mut(1) {
            *v = b;
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use super::{uniforms_from, M0, M1, W0, W1};
    use std::arch::x86_64::*;

    /// Philox4x32-10 of four blocks, one per 64-bit lane (each word in a lane's low 32 bits).
    #[inline(always)]
    unsafe fn philox4(mut c: [__m256i; 4], keys: &[[__m256i; 2]; 10]) -> [__m256i; 4] {
        let (m0, m1, low) = (_mm256_set1_epi64x(M0 as i64), _mm256_set1_epi64x(M1 as i64), _mm256_set1_epi64x(0xFFFF_FFFF));
        for k in keys {
            let p0 = _mm256_mul_epu32(c[0], m0);
            let p1 = _mm256_mul_epu32(c[2], m1);
            c = [
                _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64::<32>(p1), c[1]), k[0]),
                _mm256_and_si256(p1, low),
                _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64::<32>(p0), c[3]), k[1]),
                _mm256_and_si256(p0, low),
            ];
        }
        c
    }

    /// (hi << 32 | lo) >> 11, times 2^-53, per lane: exact, as the scalar conversion (the 53-bit
    /// integer in two 26/27-bit halves, each made a double by the 2^52 exponent trick).
    #[inline(always)]
    unsafe fn to_unit(hi: __m256i, lo: __m256i) -> __m256d {
        let x = _mm256_srli_epi64::<11>(_mm256_or_si256(_mm256_slli_epi64::<32>(hi), lo));
        let bias = _mm256_set1_epi64x(0x4330_0000_0000_0000);
        let two52 = _mm256_set1_pd(4503599627370496.0);
        let top = _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(_mm256_srli_epi64::<26>(x), bias)), two52);
        let bottom = _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(_mm256_and_si256(x, _mm256_set1_epi64x((1 << 26) - 1)), bias)), two52);
        let sum = _mm256_add_pd(_mm256_mul_pd(top, _mm256_set1_pd(67108864.0)), bottom);
        _mm256_mul_pd(sum, _mm256_set1_pd(1.0 / (1u64 << 53) as f64))
    }

    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn uniforms(out: &mut [f64], seed: u64, stream: u64, first_block: u64) {
        let mut keys = [[_mm256_setzero_si256(); 2]; 10];
        let (mut k0, mut k1) = (seed as u32, (seed >> 32) as u32);
        for (round, k) in keys.iter_mut().enumerate() {
            if round > 0 {
                k0 = k0.wrapping_add(W0);
                k1 = k1.wrapping_add(W1);
            }
            *k = [_mm256_set1_epi64x(k0 as i64), _mm256_set1_epi64x(k1 as i64)];
        }
        let (s_lo, s_hi) = (_mm256_set1_epi64x(stream as u32 as i64), _mm256_set1_epi64x((stream >> 32) as i64));
        let low = _mm256_set1_epi64x(0xFFFF_FFFF);
        let mut block = first_block;
        let mut groups = out.chunks_exact_mut(16);
        for g in &mut groups {
            // Two groups of four blocks (16 values); they are independent, so the core can run
            // one's multiplies while the other's wait on theirs.
            let b = _mm256_add_epi64(_mm256_set1_epi64x(block as i64), _mm256_setr_epi64x(0, 1, 2, 3));
            let b2 = _mm256_add_epi64(b, _mm256_set1_epi64x(4));
            let ctr = |b: __m256i| [_mm256_and_si256(b, low), _mm256_srli_epi64::<32>(b), s_lo, s_hi];
            for (half, bv) in [b, b2].into_iter().enumerate() {
                let r = philox4(ctr(bv), &keys);
                let (a, c) = (to_unit(r[0], r[1]), to_unit(r[2], r[3]));
                // [a0 c0 a1 c1 a2 c2 a3 c3]: each block's two uniforms in order.
                let lo = _mm256_unpacklo_pd(a, c);
                let hi = _mm256_unpackhi_pd(a, c);
                let p = g.as_mut_ptr().add(8 * half);
                _mm256_storeu_pd(p, _mm256_permute2f128_pd::<0x20>(lo, hi));
                _mm256_storeu_pd(p.add(4), _mm256_permute2f128_pd::<0x31>(lo, hi));
            }
            block += 8;
        }
        uniforms_from(groups.into_remainder(), seed, stream, block);
    }
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

fn check_normal(mean: f64, std: f64) -> Result<()> {
    check_finite("mean", mean)?;
    check_finite("std", std)?;
    if std < 0.0 {
        return Err(KernelError::Value(format!("std: expected >= 0, got {std}")));
    }
    Ok(())
}

/// Fills `out` with N(`mean`, `std`²) values of `stream` under `seed`.
pub fn fill_normal_f64(out: &mut [f64], seed: u64, stream: u64, mean: f64, std: f64) -> Result<()> {
    fill_normal_at_f64(out, seed, stream, 0, mean, std)
}

/// Values `offset, offset + 1, …` of the stream [`fill_normal_f64`] starts at 0: rows
/// `r0..r1` of a chunk of `cols` columns are `offset = r0 * cols`.
pub fn fill_normal_at_f64(out: &mut [f64], seed: u64, stream: u64, offset: u64, mean: f64, std: f64) -> Result<()> {
    check_normal(mean, std)?;
    normal::fill_f64(out, seed, stream, offset, false, mean, std);
    Ok(())
}

/// `f32` twin of [`fill_normal_f64`]: the same draws, rounded to `f32`.
pub fn fill_normal_f32(out: &mut [f32], seed: u64, stream: u64, mean: f64, std: f64) -> Result<()> {
    fill_normal_at_f32(out, seed, stream, 0, mean, std)
}

/// `f32` twin of [`fill_normal_at_f64`].
pub fn fill_normal_at_f32(out: &mut [f32], seed: u64, stream: u64, offset: u64, mean: f64, std: f64) -> Result<()> {
    check_normal(mean, std)?;
    normal::fill(out, seed, stream, offset, false, |z| (mean + std * z) as f32);
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
    uniforms_into(out, seed, stream, 0);
    for v in out.iter_mut() {
        *v = low + w * *v;
    }
    Ok(())
}

/// `f32` twin of [`fill_uniform_f64`]; values that round up to `high` are pulled back below it.
pub fn fill_uniform_f32(out: &mut [f32], seed: u64, stream: u64, low: f64, high: f64) -> Result<()> {
    check_range(low, high)?;
    let w = high - low;
    let top = high as f32;
    // The f64 uniforms a block of 4096 at a time (an even count, so each block starts a pair).
    let mut u = vec![0.0; 4096.min(out.len())];
    for (b, part) in out.chunks_mut(4096).enumerate() {
        let u = &mut u[..part.len()];
        uniforms_into(u, seed, stream, (b * 2048) as u64);
        for (o, &ui) in part.iter_mut().zip(u.iter()) {
            let v = (low + w * ui) as f32;
            *o = if v >= top { f32::from_bits(top.to_bits() - 1) } else { v };
        }
    }
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

    /// The lane-parallel generator gives the block-at-a-time values, from any first block, for
    /// lengths around a whole number of lane groups, and `Philox` draws the same sequence.
    #[test]
    fn uniforms_into_equals_the_block_at_a_time_pairs() {
        for (first, len) in [(0u64, 0usize), (0, 1), (0, 15), (0, 16), (3, 17), (1 << 33, 40), (7, 1001)] {
            let mut got = vec![0.0; len];
            uniforms_into(&mut got, 0xDEAD_BEEF_1234, 9, first);
            for (i, &v) in got.iter().enumerate() {
                let (a, b) = uniform_pair(0xDEAD_BEEF_1234, 9, first + (i / 2) as u64);
                assert_eq!(v.to_bits(), if i % 2 == 0 { a } else { b }.to_bits(), "first {first}, len {len}, i {i}");
            }
        }
        let mut from_zero = vec![0.0; 101];
        uniforms_into(&mut from_zero, 5, 6, 0);
        let mut rng = Philox::new(5, 6);
        assert!(from_zero.iter().all(|&v| v.to_bits() == rng.next_f64().to_bits()));
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
    fn a_fill_at_an_offset_is_that_slice_of_the_stream() {
        let mut whole = vec![0.0; 5000];
        fill_normal_f64(&mut whole, 5, 2, 0.0, 1.0).unwrap();
        for (offset, len) in [(0, 1), (1, 10), (1023, 2), (1024, 1024), (1500, 2000), (3, 4997)] {
            let mut part = vec![0.0; len];
            fill_normal_at_f64(&mut part, 5, 2, offset as u64, 0.0, 1.0).unwrap();
            assert_eq!(&whole[offset..offset + len], &part[..], "offset {offset}, len {len}");
        }
        let mut f = vec![0.0f32; 3000];
        fill_normal_at_f32(&mut f, 5, 2, 1000, 0.0, 1.0).unwrap();
        assert!(f.iter().zip(&whole[1000..4000]).all(|(a, b)| *a == *b as f32));
    }

    /// Φ(x) to ~1e-15: erf's series e^{-x²}·Σ 2ⁿx^{2n+1}/(2n+1)!! (no cancellation)
    /// below 3, the tail's continued fraction above.
    fn normal_cdf(x: f64) -> f64 {
        let a = x.abs();
        let upper = if a < 3.0 {
            let z = a / std::f64::consts::SQRT_2;
            let (mut term, mut sum, mut k) = (z, z, 0.0);
            while term > 1e-17 * sum {
                k += 1.0;
                term *= 2.0 * z * z / (2.0 * k + 1.0);
                sum += term;
            }
            let erf = 2.0 / std::f64::consts::PI.sqrt() * (-z * z).exp() * sum;
            0.5 * (1.0 - erf)
        } else {
            normal::tail_area(a) / (2.0 * std::f64::consts::PI).sqrt()
        };
        if x < 0.0 { upper } else { 1.0 - upper }
    }

    #[test]
    fn the_reference_cdf_is_right() {
        // scipy.stats.norm.cdf
        assert!((normal_cdf(0.0) - 0.5).abs() < 1e-15);
        assert!((normal_cdf(1.0) - 0.841_344_746_068_542_9).abs() < 1e-14);
        assert!((normal_cdf(-2.5) - 0.006_209_665_325_776_132).abs() < 1e-15);
        assert!((normal_cdf(-4.0) - 3.167_124_183_311_992e-5).abs() < 1e-17);
    }

    fn draws(n: usize, seed: u64, stream: u64) -> Vec<f64> {
        let mut x = vec![0.0; n];
        fill_normal_f64(&mut x, seed, stream, 0.0, 1.0).unwrap();
        x
    }

    #[test]
    fn normal_moments_match_the_parameters() {
        let n = 4_000_000;
        let mut x = vec![0.0; n];
        fill_normal_f64(&mut x, 1, 0, 3.0, 2.0).unwrap();
        let mean = x.iter().sum::<f64>() / n as f64;
        let var = x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n as f64;
        let skew = x.iter().map(|v| ((v - mean) / var.sqrt()).powi(3)).sum::<f64>() / n as f64;
        let kurt = x.iter().map(|v| ((v - mean) / var.sqrt()).powi(4)).sum::<f64>() / n as f64;
        // Standard errors: mean 2/√n = 0.001, var 4·√(2/n) = 0.0028, skew √(6/n) = 0.0012, kurtosis √(24/n) = 0.0024.
        assert!((mean - 3.0).abs() < 0.005, "mean {mean}");
        assert!((var - 4.0).abs() < 0.014, "var {var}");
        assert!(skew.abs() < 0.006, "skew {skew}");
        assert!((kurt - 3.0).abs() < 0.012, "kurtosis {kurt}");
    }

    #[test]
    fn kolmogorov_smirnov_against_the_normal_cdf() {
        // 4 streams of 2 000 000: D·√n beyond 1.95 has probability 0.001 each.
        for stream in 0..4 {
            let mut x = draws(2_000_000, 77, stream);
            x.sort_by(f64::total_cmp);
            let n = x.len() as f64;
            let d = x.iter().enumerate().map(|(i, &v)| {
                let c = normal_cdf(v);
                (c - i as f64 / n).abs().max(((i + 1) as f64 / n - c).abs())
            }).fold(0.0, f64::max);
            assert!(d * n.sqrt() < 1.95, "stream {stream}: KS D·√n = {}", d * n.sqrt());
        }
    }

    #[test]
    fn chi_square_of_fine_bins_and_the_tails() {
        let n = 10_000_000;
        let x = draws(n, 2024, 5);
        // 160 bins of 0.05 over [-4, 4] (the top layers of the ziggurat are the middle
        // bins) plus the two tails: 161 degrees of freedom, 99.9 % quantile ≈ 222.
        let mut bins = vec![0usize; 162];
        let (mut over3, mut over_r, mut over4, mut pos3) = (0usize, 0usize, 0usize, 0usize);
        for &v in &x {
            let b = if v < -4.0 { 0 } else if v >= 4.0 { 161 } else { 1 + (((v + 4.0) / 0.05) as usize).min(159) };
            bins[b] += 1;
            over3 += (v.abs() > 3.0) as usize;
            pos3 += (v > 3.0) as usize;
            over_r += (v.abs() > 3.654_152_885_361_009) as usize;
            over4 += (v.abs() > 4.0) as usize;
        }
        let edge = |b: usize| -4.0 + 0.05 * b as f64;
        let chi2: f64 = (0..162).map(|b| {
            let p = match b {
                0 => normal_cdf(-4.0),
                161 => 1.0 - normal_cdf(4.0),
                _ => normal_cdf(edge(b)) - normal_cdf(edge(b - 1)),
            };
            let e = p * n as f64;
            (bins[b] as f64 - e).powi(2) / e
        }).sum();
        assert!(chi2 < 222.0, "chi2 {chi2}");
        // tail frequencies within 4.5 standard errors of 2·Φ(-t)
        for (t, count) in [(3.0, over3), (3.654_152_885_361_009, over_r), (4.0, over4)] {
            let p = 2.0 * normal_cdf(-t);
            let (e, sd) = (p * n as f64, (p * (1.0 - p) * n as f64).sqrt());
            assert!((count as f64 - e).abs() < 4.5 * sd, "|z| > {t}: {count}, expected {e:.0} ± {sd:.0}");
        }
        // symmetric: half of |z| > 3 is above 3
        let sd = (over3 as f64).sqrt() / 2.0;
        assert!((pos3 as f64 - over3 as f64 / 2.0).abs() < 4.5 * sd, "z > 3: {pos3} of {over3}");
    }

    fn corr(a: &[f64], b: &[f64]) -> f64 {
        let n = a.len() as f64;
        let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
        let cov: f64 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
        let va: f64 = a.iter().map(|x| (x - ma).powi(2)).sum();
        let vb: f64 = b.iter().map(|y| (y - mb).powi(2)).sum();
        cov / (va * vb).sqrt()
    }

    #[test]
    fn streams_seeds_lanes_and_blocks_are_uncorrelated() {
        // |r| of independent samples of n has standard error 1/√n; allow 5 of them.
        let n = 1 << 20;
        let tol = 5.0 / (n as f64).sqrt();
        let a = draws(n + 2048, 9, 0);
        let sq = |v: &[f64]| v.iter().map(|z| z * z).collect::<Vec<_>>();
        let pairs: Vec<(&str, Vec<f64>, Vec<f64>)> = vec![
            ("stream 0 vs 1", a[..n].to_vec(), draws(n, 9, 1)),
            ("stream 0 vs 2^30", a[..n].to_vec(), draws(n, 9, 1 << 30)),
            ("seed 9 vs 10", a[..n].to_vec(), draws(n, 10, 0)),
            ("lag 1 (next lane)", a[..n].to_vec(), a[1..n + 1].to_vec()),
            ("lag 4 (same lane)", a[..n].to_vec(), a[4..n + 4].to_vec()),
            ("lag 1024 (next block, same lane)", a[..n].to_vec(), a[1024..n + 1024].to_vec()),
        ];
        for (name, x, y) in &pairs {
            let r = corr(x, y);
            assert!(r.abs() < tol, "{name}: r = {r}");
            let r2 = corr(&sq(x), &sq(y));
            assert!(r2.abs() < tol, "{name}: r of squares = {r2}");
        }
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

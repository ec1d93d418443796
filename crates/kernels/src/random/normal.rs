//! Standard normals: a 256-layer ziggurat over xoshiro256++, in blocks seeded by Philox.
//!
//! Why this generator: Box–Muller over Philox4x32-10 cost ~23 ns per value (ten Philox
//! rounds, a log, a sqrt and a sin/cos per pair), ten times the Gram product it feeds
//! in a streamed regression. The ziggurat (Marsaglia & Tsang, "The Ziggurat Method for
//! Generating Random Variables", JSS 2000; tables as in Doornik, "An Improved Ziggurat
//! Method", 2005, with the full 52-bit uniform for f64) accepts ~98.8 % of draws with
//! one 64-bit random word, one table lookup, a multiply and a compare — no
//! transcendental. xoshiro256++ (Blackman & Vigna, "Scrambled linear pseudorandom
//! number generators", 2021) gives that word in a handful of adds, xors and rotates, all
//! 64 bits of good quality (the ziggurat uses the low 8 for the layer and the high 52
//! for the abscissa), and runs four lanes at once in AVX2 registers.
//!
//! Reproducibility contract (as the Philox fills): value `i` of stream `s` under seed
//! `k` depends only on `(k, s, i)`. Values come in blocks of [`BLOCK`]; block `b` runs
//! [`LANES`] xoshiro256++ lanes whose states are Philox4x32-10 outputs for counters
//! `(b, lane, s)` under key `k` — a bijection of the counter, so no two
//! (stream, block, lane) start from the same state — and value `j` of the block is the
//! next accepted draw of lane `j mod LANES`. A block is then 1024 values of four
//! independent xoshiro sequences (each 2^256 − 1 long; 256 words apart from nothing
//! else), any block can be made on its own (fills at any offset, any chunking), and
//! the AVX2 path and the portable path give the same bits.

use super::philox4x32;

/// Values per independently seeded block.
pub const BLOCK: usize = 1024;
/// Interleaved xoshiro256++ lanes per block.
pub const LANES: usize = 4;
/// Keeps the seeding counters apart from the uniform fills' (which count pairs from 0).
const DOMAIN: u32 = 0x8000_0000;

/// Right edge of the base strip and area of each of the 256 layers under exp(-x²/2)
/// (Marsaglia & Tsang's constants for 256 layers).
const R: f64 = 3.654_152_885_361_009;

/// Ziggurat tables: `x[0] = V/f(R)`, `x[1] = R`, … decreasing to `x[256] = 0`; `f[i] = exp(-x[i]²/2)`.
struct Tables {
    x: [f64; 257],
    f: [f64; 257],
    /// `(x[i], x[i + 1])` side by side: the AVX2 path loads both edges of a layer in one load
    x_pairs: [[f64; 2]; 256],
}

pub(super) fn pdf(x: f64) -> f64 {
    (-0.5 * x * x).exp()
}

/// ∫_R^∞ exp(-x²/2) dx by Laplace's continued fraction e^{-R²/2} / (R + 1/(R + 2/(R + …))),
/// which converges to machine precision in a few dozen terms at R ≈ 3.65.
pub(super) fn tail_area(r: f64) -> f64 {
    let mut t = r;
    for k in (1..200).rev() {
        t = r + k as f64 / t;
    }
    pdf(r) / t
}

fn tables() -> &'static Tables {
    static T: std::sync::OnceLock<Tables> = std::sync::OnceLock::new();
    T.get_or_init(|| {
        // Each layer (and the base strip with its tail) has area V.
        let v = R * pdf(R) + tail_area(R);
        let mut x = [0.0; 257];
        x[0] = v / pdf(R);
        x[1] = R;
        for i in 1..256 {
            // layer i spans y in [f(x[i]), f(x[i+1])] over [0, x[i]], of area v
            let fy = v / x[i] + pdf(x[i]);
            x[i + 1] = if i == 255 || fy >= 1.0 { 0.0 } else { (-2.0 * fy.ln()).sqrt() };
        }
        let mut f = [0.0; 257];
        for i in 0..257 {
            f[i] = pdf(x[i]);
        }
        let mut x_pairs = [[0.0; 2]; 256];
        for (i, pair) in x_pairs.iter_mut().enumerate() {
            *pair = [x[i], x[i + 1]];
        }
        Tables { x, f, x_pairs }
    })
}

/// One xoshiro256++ lane.
#[derive(Clone, Copy)]
struct Xoshiro([u64; 4]);

impl Xoshiro {
    #[inline(always)]
    fn next(&mut self) -> u64 {
        let s = &mut self.0;
        let out = s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0]);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        out
    }

    /// Uniform in (0, 1]: never 0, so its log is finite.
    #[inline(always)]
    fn open_unit(&mut self) -> f64 {
        ((self.next() >> 11) + 1) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}

/// The lanes of block `block` of `stream` under `seed`.
fn block_lanes(seed: u64, stream: u64, block: u64) -> [Xoshiro; LANES] {
    let key = [seed as u32, (seed >> 32) as u32];
    let mut lanes = [Xoshiro([0; 4]); LANES];
    for (l, lane) in lanes.iter_mut().enumerate() {
        // block < 2^43 (offsets are below 2^53), so its high word has room for the lane
        let r = philox4x32([block as u32, (block >> 32) as u32 | DOMAIN | ((l as u32) << 24), stream as u32, (stream >> 32) as u32], key);
        let a = ((r[0] as u64) << 32) | r[1] as u64;
        let b = ((r[2] as u64) << 32) | r[3] as u64;
        // the other 128 bits through SplitMix64's finaliser (a bijection), as xoshiro's authors seed it
        lane.0 = [a, b, mix64(a ^ 0x9E37_79B9_7F4A_7C15), mix64(b ^ 0xD1B5_4A32_D192_ED03)];
        if lane.0 == [0; 4] {
            lane.0[0] = 1; // the one state xoshiro cannot leave (probability 2^-256)
        }
    }
    lanes
}

fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The word's high 52 bits as a uniform in [-1, 1) (the sign is the side of the ziggurat).
#[inline(always)]
fn symmetric(u: u64) -> f64 {
    f64::from_bits((u >> 12) | 0x4000_0000_0000_0000) - 3.0
}

/// The draw that word `u` gives when it misses the fast test (or any word): the tail
/// beyond R for layer 0, the wedge test otherwise, and fresh words from `lane` until one
/// is accepted. Consumes exactly what the scalar generator would, so the AVX2 path
/// can hand a rejected lane here and stay bit-identical.
#[inline(never)]
fn resolve(t: &Tables, lane: &mut Xoshiro, mut u: u64) -> f64 {
    loop {
        let i = (u & 0xff) as usize;
        let x = symmetric(u) * t.x[i];
        if x.abs() < t.x[i + 1] {
            return x;
        }
        if i == 0 {
            // Marsaglia's tail algorithm (1964): exact for x > R.
            loop {
                let a = -lane.open_unit().ln() / R;
                let b = -lane.open_unit().ln();
                if 2.0 * b >= a * a {
                    return if x < 0.0 { -(R + a) } else { R + a };
                }
            }
        }
        let y = t.f[i] + (t.f[i + 1] - t.f[i]) * lane.open_unit();
        if y < pdf(x) {
            return x;
        }
        u = lane.next();
    }
}

/// Block `block` into `out` (length [`BLOCK`]), portable path.
fn block_portable(t: &Tables, lanes: &mut [Xoshiro; LANES], out: &mut [f64]) {
    for quad in out.chunks_exact_mut(LANES) {
        for (v, lane) in quad.iter_mut().zip(lanes.iter_mut()) {
            *v = resolve_fast(t, lane);
        }
    }
}

#[inline(always)]
fn resolve_fast(t: &Tables, lane: &mut Xoshiro) -> f64 {
    let u = lane.next();
    let i = (u & 0xff) as usize;
    let x = symmetric(u) * t.x[i];
    if x.abs() < t.x[i + 1] { x } else { resolve(t, lane, u) }
}

/// Block into `out` with the four lanes in AVX2 registers.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn block_avx2(t: &Tables, lanes: &mut [Xoshiro; LANES], out: &mut [f64]) {
    block_simd::<false>(t, lanes, out)
}

/// [`block_avx2`] with xoshiro's two rotates as one AVX-512VL `vprolq` each instead of two
/// shifts and an or (same bits).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,avx512f,avx512vl")]
unsafe fn block_avx512vl(t: &Tables, lanes: &mut [Xoshiro; LANES], out: &mut [f64]) {
    block_simd::<true>(t, lanes, out)
}

#[cfg(target_arch = "x86_64")]
#[inline(always)]
unsafe fn block_simd<const ROL: bool>(t: &Tables, lanes: &mut [Xoshiro; LANES], out: &mut [f64]) {
    use std::arch::x86_64::*;
    // left rotations of the four lanes (callers enable AVX2, and AVX-512VL when ROL)
    let rotl23 = |v: __m256i| if ROL { _mm256_rol_epi64::<23>(v) } else { _mm256_or_si256(_mm256_slli_epi64(v, 23), _mm256_srli_epi64(v, 41)) };
    let rotl45 = |v: __m256i| if ROL { _mm256_rol_epi64::<45>(v) } else { _mm256_or_si256(_mm256_slli_epi64(v, 45), _mm256_srli_epi64(v, 19)) };
    const G: usize = LANES / 4;
    let mut st = [[_mm256_setzero_si256(); 4]; G];
    for g in 0..G {
        for k in 0..4 {
            let l = &lanes[4 * g..4 * g + 4];
            st[g][k] = _mm256_set_epi64x(l[3].0[k] as i64, l[2].0[k] as i64, l[1].0[k] as i64, l[0].0[k] as i64);
        }
    }
    let exp = _mm256_set1_epi64x(0x4000_0000_0000_0000);
    let three = _mm256_set1_pd(3.0);
    let abs = _mm256_castsi256_pd(_mm256_set1_epi64x(0x7fff_ffff_ffff_ffff));
    let xp = t.x_pairs.as_ptr() as *const f64; // layer i's edges at xp[2i], xp[2i + 1]
    let mut j = 0;
    while j < out.len() {
        for g in 0..G {
            let [s0, s1, s2, s3] = &mut st[g];
            // xoshiro256++ on four lanes
            let sum = _mm256_add_epi64(*s0, *s3);
            let u = _mm256_add_epi64(rotl23(sum), *s0);
            let tt = _mm256_slli_epi64(*s1, 17);
            *s2 = _mm256_xor_si256(*s2, *s0);
            *s3 = _mm256_xor_si256(*s3, *s1);
            *s1 = _mm256_xor_si256(*s1, *s2);
            *s0 = _mm256_xor_si256(*s0, *s3);
            *s2 = _mm256_xor_si256(*s2, tt);
            *s3 = rotl45(*s3);
            // ziggurat fast path; one 16-byte load of (x[i], x[i+1]) per lane, transposed by two
            // unpacks, beats eight scalar loads and beats AVX2's gathers on Zen 4 (measured)
            let mut w = [0u64; 4];
            _mm256_storeu_si256(w.as_mut_ptr() as *mut __m256i, u);
            let (i0, i1, i2, i3) = ((w[0] & 0xff) as usize, (w[1] & 0xff) as usize, (w[2] & 0xff) as usize, (w[3] & 0xff) as usize);
            let e02 = _mm256_insertf128_pd::<1>(_mm256_castpd128_pd256(_mm_loadu_pd(xp.add(2 * i0))), _mm_loadu_pd(xp.add(2 * i2)));
            let e13 = _mm256_insertf128_pd::<1>(_mm256_castpd128_pd256(_mm_loadu_pd(xp.add(2 * i1))), _mm_loadu_pd(xp.add(2 * i3)));
            let xi = _mm256_unpacklo_pd(e02, e13); // [x[i0], x[i1], x[i2], x[i3]]
            let xi1 = _mm256_unpackhi_pd(e02, e13); // the same at i + 1
            let f = _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(_mm256_srli_epi64(u, 12), exp)), three);
            let x = _mm256_mul_pd(f, xi);
            let ok = _mm256_movemask_pd(_mm256_cmp_pd::<_CMP_LT_OQ>(_mm256_and_pd(x, abs), xi1));
            let at = j + 4 * g;
            _mm256_storeu_pd(out.as_mut_ptr().add(at), x);
            if ok != 0b1111 {
                // a rejected lane finishes its draw on the scalar path, from its own state
                let mut v = [[0u64; 4]; 4];
                for k in 0..4 {
                    _mm256_storeu_si256(v[k].as_mut_ptr() as *mut __m256i, [*s0, *s1, *s2, *s3][k]);
                }
                for l in 0..4 {
                    if ok & (1 << l) == 0 {
                        let mut lane = Xoshiro([v[0][l], v[1][l], v[2][l], v[3][l]]);
                        out[at + l] = resolve(t, &mut lane, w[l]);
                        for k in 0..4 {
                            v[k][l] = lane.0[k];
                        }
                    }
                }
                *s0 = _mm256_loadu_si256(v[0].as_ptr() as *const __m256i);
                *s1 = _mm256_loadu_si256(v[1].as_ptr() as *const __m256i);
                *s2 = _mm256_loadu_si256(v[2].as_ptr() as *const __m256i);
                *s3 = _mm256_loadu_si256(v[3].as_ptr() as *const __m256i);
            }
        }
        j += LANES;
    }
}

/// Which path makes blocks; `portable` forces the portable one (tests compare the two).
fn make_block(t: &Tables, seed: u64, stream: u64, block: u64, out: &mut [f64], portable: bool) {
    let mut lanes = block_lanes(seed, stream, block);
    #[cfg(target_arch = "x86_64")]
    {
        if !portable && std::is_x86_feature_detected!("avx2") {
            if std::is_x86_feature_detected!("avx512f") && std::is_x86_feature_detected!("avx512vl") {
                // SAFETY: the CPU supports AVX2 and AVX-512F/VL (checked just above); `out` holds BLOCK values.
                unsafe { block_avx512vl(t, &mut lanes, out) };
            } else {
                // SAFETY: the CPU supports AVX2 (checked just above); `out` holds BLOCK values.
                unsafe { block_avx2(t, &mut lanes, out) };
            }
            return;
        }
    }
    let _ = portable;
    block_portable(t, &mut lanes, out);
}

/// Writes `map(z)` for standard normals `z` number `offset, offset + 1, …` of `stream`.
pub(super) fn fill<T>(out: &mut [T], seed: u64, stream: u64, offset: u64, portable: bool, map: impl Fn(f64) -> T) {
    let t = tables();
    let mut buf = [0.0f64; BLOCK];
    let mut pos = offset;
    let mut done = 0;
    while done < out.len() {
        let block = pos / BLOCK as u64;
        let from = (pos % BLOCK as u64) as usize;
        let take = (BLOCK - from).min(out.len() - done);
        make_block(t, seed, stream, block, &mut buf, portable);
        for (o, &z) in out[done..done + take].iter_mut().zip(&buf[from..from + take]) {
            *o = map(z);
        }
        done += take;
        pos += take as u64;
    }
}

/// [`fill`] of f64 values `mean + std·z` with the same bits, but whole blocks are made
/// straight into `out` (and scaled there unless `mean = 0, std = 1`, where the value is `z`
/// itself): no pass through an intermediate buffer for all but a partial first or last block.
pub(super) fn fill_f64(out: &mut [f64], seed: u64, stream: u64, offset: u64, portable: bool, mean: f64, std: f64) {
    let t = tables();
    // 0 + 1·z is z: z is never -0 (the fast path gives +0 at most, the tail never 0)
    let standard = mean == 0.0 && std == 1.0;
    let mut pos = offset;
    let mut done = 0;
    while done < out.len() {
        let block = pos / BLOCK as u64;
        let from = (pos % BLOCK as u64) as usize;
        let take = (BLOCK - from).min(out.len() - done);
        let dst = &mut out[done..done + take];
        if take == BLOCK {
            make_block(t, seed, stream, block, dst, portable);
            if !standard {
                for v in dst.iter_mut() {
                    *v = mean + std * *v;
                }
            }
        } else {
            fill(dst, seed, stream, pos, portable, |z| mean + std * z);
        }
        done += take;
        pos += take as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_close_at_the_top_and_every_layer_has_the_same_area() {
        let t = tables();
        let v = R * pdf(R) + tail_area(R);
        // the published V for 256 layers
        assert!((v - 4.928_673_233_99e-3).abs() < 1e-13, "V {v}");
        for i in 1..255 {
            let area = t.x[i] * (t.f[i + 1] - t.f[i]);
            assert!((area - v).abs() < 1e-15, "layer {i}: {area}");
        }
        // the recurrence reaches y = 1 at the last layer: the top layer's area is V too
        let top = t.x[255] * (1.0 - t.f[255]);
        assert!((top - v).abs() / v < 1e-9, "top layer {top} vs {v}");
    }

    #[test]
    fn f64_fills_straight_into_the_output_equal_the_buffered_fill_bit_for_bit() {
        for &(offset, len) in &[(0, 3 * BLOCK), (17, 5 * BLOCK + 3), (BLOCK - 1, 2), (5, 7), (2 * BLOCK, BLOCK + 1)] {
            for &(mean, std) in &[(0.0, 1.0), (2.5, 0.3), (0.0, 2.0)] {
                for portable in [false, true] {
                    let mut a = vec![0.0; len];
                    let mut b = vec![0.0; len];
                    fill(&mut a, 8, 2, offset as u64, portable, |z| mean + std * z);
                    fill_f64(&mut b, 8, 2, offset as u64, portable, mean, std);
                    assert!(a.iter().zip(&b).all(|(x, y)| x.to_bits() == y.to_bits()), "offset {offset} len {len} mean {mean} std {std}");
                }
            }
        }
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn every_simd_path_this_cpu_has_makes_the_portable_blocks() {
        let t = tables();
        for block in [0u64, 1, 77, 1 << 40] {
            let mut want = vec![0.0; BLOCK];
            block_portable(t, &mut block_lanes(5, 3, block), &mut want);
            if std::is_x86_feature_detected!("avx2") {
                let mut got = vec![0.0; BLOCK];
                unsafe { block_avx2(t, &mut block_lanes(5, 3, block), &mut got) };
                assert!(want.iter().zip(&got).all(|(a, b)| a.to_bits() == b.to_bits()), "avx2, block {block}");
            }
            if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("avx512f") && std::is_x86_feature_detected!("avx512vl") {
                let mut got = vec![0.0; BLOCK];
                unsafe { block_avx512vl(t, &mut block_lanes(5, 3, block), &mut got) };
                assert!(want.iter().zip(&got).all(|(a, b)| a.to_bits() == b.to_bits()), "avx512vl, block {block}");
            }
        }
    }

    #[test]
    fn avx2_and_portable_paths_agree_bit_for_bit() {
        let mut a = vec![0.0; 5 * BLOCK + 3];
        let mut b = vec![0.0; 5 * BLOCK + 3];
        fill(&mut a, 3, 9, 17, false, |z| z);
        fill(&mut b, 3, 9, 17, true, |z| z);
        assert!(a.iter().zip(&b).all(|(x, y)| x.to_bits() == y.to_bits()));
    }
}

#[cfg(test)]
mod speed {
    use super::*;

    /// `cargo test --release -- --ignored --nocapture normal_speed`: normals per second, one thread.
    #[test]
    #[ignore]
    fn normal_speed() {
        for (name, portable) in [("avx2", false), ("portable", true)] {
            let mut out = vec![0.0; 64 * BLOCK];
            let mut best = f64::MAX;
            let mut times = vec![];
            for rep in 0..400 {
                let t = std::time::Instant::now();
                fill(&mut out, 1, rep, 0, portable, |z| z);
                let s = t.elapsed().as_secs_f64();
                best = best.min(s);
                times.push(s);
            }
            times.sort_by(f64::total_cmp);
            let med = times[times.len() / 2];
            eprintln!("{name}: {:.2} ns/normal median ({:.0} M/s), best {:.2} ns", med / out.len() as f64 * 1e9, out.len() as f64 / med / 1e6, best / out.len() as f64 * 1e9);
        }
        // the SIMD block makers against each other, alternated
        #[cfg(target_arch = "x86_64")]
        if std::is_x86_feature_detected!("avx512f") && std::is_x86_feature_detected!("avx512vl") {
            let t = tables();
            let mut out = vec![0.0; BLOCK];
            let mut times = [vec![], vec![]];
            for rep in 0..200u64 {
                for (k, times) in times.iter_mut().enumerate() {
                    let s = std::time::Instant::now();
                    for b in 0..64 {
                        let mut lanes = block_lanes(1, rep, b);
                        unsafe { if k == 0 { block_avx2(t, &mut lanes, &mut out) } else { block_avx512vl(t, &mut lanes, &mut out) } };
                    }
                    times.push(s.elapsed().as_secs_f64() / (64 * BLOCK) as f64 * 1e9);
                }
            }
            for (name, mut v) in [("block_avx2", times[0].clone()), ("block_avx512vl", times[1].clone())] {
                v.sort_by(f64::total_cmp);
                eprintln!("{name}: {:.3} ns/normal median", v[v.len() / 2]);
            }
        }
    }
}

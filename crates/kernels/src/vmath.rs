//! Element-wise `exp` and `ln(1 + e)` over slices, written as plain arithmetic that the compiler
//! turns into vector code (libm's are calls, one value at a time: in a GLM's per-row terms they
//! took more than half of each row's time).
//!
//! Both are within a few ulps of libm (tested: `exp_into` against `f64::exp` on [−708, 709],
//! `ln_1p_unit_into` against `f64::ln_1p` on [0, 1]). No fused multiply-adds, so every CPU path
//! (the AVX2 build of the loop and the plain one) gives the same bits.

/// ln 2 split so that `k·LN2_HI` is exact for |k| < 2^20 (fdlibm's constants).
const LN2_HI: f64 = f64::from_bits(0x3FE6_2E42_FEE0_0000);
const LN2_LO: f64 = f64::from_bits(0x3DEA_39EF_3579_3C76);
/// 1.5·2^52: adding it to a double below 2^51 in magnitude rounds it to an integer held in the
/// low bits of the sum.
const ROUND: f64 = 6_755_399_441_055_744.0;
/// Where `exp_core` is valid: 2^k must be a normal double, k = round(x·log2 e).
const EXP_MIN: f64 = -708.0;
const EXP_MAX: f64 = 709.0;

/// e^x for x in [EXP_MIN, EXP_MAX]: x = k·ln 2 + r with |r| ≤ ½ ln 2; e^r by its Taylor series
/// to r^13 (the first term left out is below 2^−57 of the sum), times 2^k built from its
/// exponent bits.
#[inline(always)]
fn exp_core(x: f64) -> f64 {
    let t = x * std::f64::consts::LOG2_E + ROUND;
    let k = t - ROUND;
    let r = (x - k * LN2_HI) - k * LN2_LO;
    // 1/13!, 1/12!, …, 1/2!, 1, 1.
    const C: [f64; 14] = [
        1.0 / 6_227_020_800.0,
        1.0 / 479_001_600.0,
        1.0 / 39_916_800.0,
        1.0 / 3_628_800.0,
        1.0 / 362_880.0,
        1.0 / 40_320.0,
        1.0 / 5_040.0,
        1.0 / 720.0,
        1.0 / 120.0,
        1.0 / 24.0,
        1.0 / 6.0,
        0.5,
        1.0,
        1.0,
    ];
    let mut p = C[0];
    for &c in &C[1..] {
        p = p * r + c;
    }
    // The low bits of t hold k (two's complement); k + 1023 shifted into the exponent field.
    let two_k = f64::from_bits((t.to_bits().wrapping_add(1023)) << 52);
    p * two_k
}

/// ln(1 + e) for e in [0, 1]: u = 1 + e (rounded; the rounding is added back as
/// (e − (u − 1))/u), u = 2^k·m with m in [√½, √2), ln m = 2·atanh(s) with s = (m − 1)/(m + 1),
/// |s| ≤ 0.1716, by its series to s^21.
#[inline(always)]
fn ln_1p_unit_core(e: f64) -> f64 {
    let u = 1.0 + e;
    let correction = (e - (u - 1.0)) / u;
    let big = u > std::f64::consts::SQRT_2;
    let m = if big { u * 0.5 } else { u };
    let k = if big { 1.0 } else { 0.0 };
    let f = m - 1.0;
    let s = f / (2.0 + f);
    let z = s * s;
    // 1/21, 1/19, …, 1/3, 1: the series of atanh(s)/s in z.
    let mut p = 1.0 / 21.0;
    for n in (0..10).rev() {
        p = p * z + 1.0 / (2 * n + 1) as f64;
    }
    k * LN2_HI + (2.0 * s * p + (k * LN2_LO + correction))
}

#[inline(always)]
fn exp_loop(xs: &[f64], out: &mut [f64]) {
    for (o, &x) in out.iter_mut().zip(xs) {
        // Out-of-range lanes compute garbage here and are redone below.
        *o = exp_core(x.clamp(EXP_MIN, EXP_MAX));
    }
}

#[inline(always)]
fn ln_1p_loop(es: &[f64], out: &mut [f64]) {
    for (o, &e) in out.iter_mut().zip(es) {
        *o = ln_1p_unit_core(e);
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn exp_loop_avx2(xs: &[f64], out: &mut [f64]) {
    exp_loop(xs, out)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn ln_1p_loop_avx2(es: &[f64], out: &mut [f64]) {
    ln_1p_loop(es, out)
}

fn avx2() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::is_x86_feature_detected!("avx2")
    }
    #[cfg(not(target_arch = "x86_64"))]
    false
}

/// `out[i] = e^xs[i]` (the lengths must match). Arguments outside [−708, 709] (where the result
/// overflows, underflows towards subnormals or is NaN) go to `f64::exp`.
pub fn exp_into(xs: &[f64], out: &mut [f64]) {
    assert_eq!(xs.len(), out.len(), "exp_into: xs and out differ in length");
    if avx2() {
        // SAFETY: the CPU has AVX2 (checked just above).
        #[cfg(target_arch = "x86_64")]
        unsafe {
            exp_loop_avx2(xs, out)
        };
    } else {
        exp_loop(xs, out);
    }
    for (o, &x) in out.iter_mut().zip(xs) {
        if !(EXP_MIN..=EXP_MAX).contains(&x) {
            *o = x.exp();
        }
    }
}

/// `out[i] = ln(1 + es[i])` for `es[i]` in [0, 1] (the lengths must match; other values give
/// wrong results, NaN stays NaN).
pub fn ln_1p_unit_into(es: &[f64], out: &mut [f64]) {
    assert_eq!(es.len(), out.len(), "ln_1p_unit_into: es and out differ in length");
    if avx2() {
        // SAFETY: the CPU has AVX2 (checked just above).
        #[cfg(target_arch = "x86_64")]
        unsafe {
            ln_1p_loop_avx2(es, out)
        };
    } else {
        ln_1p_loop(es, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Distance in units in the last place (same sign, finite).
    fn ulps(a: f64, b: f64) -> u64 {
        (a.to_bits() as i64 - b.to_bits() as i64).unsigned_abs()
    }

    fn grid(lo: f64, hi: f64, n: usize) -> Vec<f64> {
        // An irrational step, so the points do not line up with the reduction's grid.
        (0..n).map(|i| lo + (hi - lo) * ((i as f64 * 0.618_033_988_749_895) % 1.0)).collect()
    }

    #[test]
    fn exp_is_within_two_ulps_of_libm() {
        let mut xs = grid(-708.0, 709.0, 200_000);
        xs.extend(grid(-1.0, 1.0, 100_000));
        xs.extend([0.0, -0.0, 1.0, -1.0, 1e-300, -1e-300, 708.99, -707.99]);
        let mut out = vec![0.0; xs.len()];
        exp_into(&xs, &mut out);
        let worst = xs.iter().zip(&out).map(|(x, o)| ulps(*o, x.exp())).max().unwrap();
        assert!(worst <= 2, "worst {worst} ulps");
        assert_eq!(out[xs.len() - 8], 1.0);
    }

    #[test]
    fn the_avx2_build_of_the_loops_gives_the_plain_build_s_bits() {
        let xs = grid(-708.0, 709.0, 10_000);
        let es = grid(0.0, 1.0, 10_000);
        let (mut a, mut b) = (vec![0.0; xs.len()], vec![0.0; xs.len()]);
        exp_into(&xs, &mut a);
        exp_loop(&xs, &mut b);
        assert!(a.iter().zip(&b).all(|(p, q)| p.to_bits() == q.to_bits()));
        ln_1p_unit_into(&es, &mut a);
        ln_1p_loop(&es, &mut b);
        assert!(a.iter().zip(&b).all(|(p, q)| p.to_bits() == q.to_bits()));
    }

    #[test]
    fn exp_outside_the_core_range_is_libms() {
        let xs = [-745.2, -720.0, -708.5, 709.5, 710.0, f64::INFINITY, f64::NEG_INFINITY, f64::NAN];
        let mut out = [0.0; 8];
        exp_into(&xs, &mut out);
        for (x, o) in xs.iter().zip(&out) {
            assert!(o.to_bits() == x.exp().to_bits() || (o.is_nan() && x.is_nan()), "{x}: {o}");
        }
    }

    #[test]
    fn ln_1p_unit_is_within_two_ulps_of_libm() {
        let mut es = grid(0.0, 1.0, 200_000);
        es.extend(grid(0.0, 1e-8, 50_000));
        es.extend([0.0, 1.0, f64::MIN_POSITIVE, 1e-300, std::f64::consts::SQRT_2 - 1.0, 0.4142135623730951]);
        let mut out = vec![0.0; es.len()];
        ln_1p_unit_into(&es, &mut out);
        let worst = es.iter().zip(&out).map(|(e, o)| ulps(*o, e.ln_1p())).max().unwrap();
        assert!(worst <= 2, "worst {worst} ulps");
        assert_eq!(out[es.len() - 6], 0.0);
        let mut nan = [0.0];
        ln_1p_unit_into(&[f64::NAN], &mut nan);
        assert!(nan[0].is_nan());
    }
}

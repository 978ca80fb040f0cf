//! Normal distribution and complementary error functions to full double precision.
//!
//! erf/erfc/erfcx: W. J. Cody, "Rational Chebyshev approximations for the error function",
//! Math. Comp. 23 (1969) 631-637, and the CALERF algorithm (Cody, ACM TOMS 19 (1993) 22-32):
//! three rational approximations on |x| <= 0.46875, 0.46875 < |x| <= 4 and |x| > 4, with
//! exp(-x^2) evaluated in two factors so that the rounding of x^2 does not cost precision.
//! inv_norm_cdf: P. J. Acklam's rational approximation (relative error < 1.15e-9) followed by one
//! Halley step on Phi(x) - p, which takes it to full double precision.

// Coefficients keep the digits of their source, beyond what an f64 holds.
#![allow(clippy::excessive_precision)]

const FRAC_1_SQRT_2: f64 = std::f64::consts::FRAC_1_SQRT_2;
/// 1/sqrt(2 pi)
const FRAC_1_SQRT_2PI: f64 = 0.398_942_280_401_432_7;
/// sqrt(2 pi)
const SQRT_2PI: f64 = 2.506_628_274_631_000_5;
/// sqrt(pi)
const SQRT_PI: f64 = 1.772_453_850_905_516;
/// 1/sqrt(pi)
const FRAC_1_SQRT_PI: f64 = 0.564_189_583_547_756_3;

const THRESH: f64 = 0.46875;
const XSMALL: f64 = 1.11e-16;
/// Above this erfc(x) underflows to zero (below the smallest subnormal).
const XBIG: f64 = 27.3;
/// Below this erfcx(x) = 2 exp(x^2) - ... overflows.
const XNEG: f64 = -26.628;

// Cody's coefficients, |x| <= 0.46875: erf(x) = x * A(x^2) / B(x^2).
const A: [f64; 5] = [
    3.161_123_743_870_565_6e0,
    1.138_641_541_510_501_6e2,
    3.774_852_376_853_020_2e2,
    3.209_377_589_138_469_5e3,
    1.857_777_061_846_031_5e-1,
];
const B: [f64; 4] = [
    2.360_129_095_234_412e1,
    2.440_246_379_344_441_7e2,
    1.282_616_526_077_372_3e3,
    2.844_236_833_439_170_6e3,
];
// 0.46875 < x <= 4: erfcx(x) = C(x) / D(x).
const C: [f64; 9] = [
    5.641_884_969_886_701e-1,
    8.883_149_794_388_376e0,
    6.611_919_063_714_163e1,
    2.986_351_381_974_001_3e2,
    8.819_522_212_417_691e2,
    1.712_047_612_634_070_6e3,
    2.051_078_377_826_071_5e3,
    1.230_339_354_797_997_2e3,
    2.153_115_354_744_038_5e-8,
];
const D: [f64; 8] = [
    1.574_492_611_070_983_5e1,
    1.176_939_508_913_125e2,
    5.371_811_018_620_099e2,
    1.621_389_574_566_690_2e3,
    3.290_799_235_733_459_6e3,
    4.362_619_090_143_247e3,
    3.439_367_674_143_721_6e3,
    1.230_339_354_803_749_4e3,
];
// x > 4: erfcx(x) = (1/sqrt(pi) - P(1/x^2) / (x^2 Q(1/x^2))) / x.
const P: [f64; 6] = [
    3.053_266_349_612_323_4e-1,
    3.603_448_999_498_044_4e-1,
    1.257_817_261_112_292_5e-1,
    1.608_378_514_874_227_7e-2,
    6.587_491_615_298_378e-4,
    1.631_538_713_730_209_8e-2,
];
const Q: [f64; 5] = [
    2.568_520_192_289_822_4e0,
    1.872_952_849_923_467_3e0,
    5.279_051_029_514_284e-1,
    6.051_834_131_244_132e-2,
    2.335_204_976_268_691_8e-3,
];

/// erf(x)/x for |x| <= THRESH (Cody's first approximation).
fn erf_small_ratio(x: f64) -> f64 {
    let y = x.abs();
    let ysq = if y > XSMALL { y * y } else { 0.0 };
    let mut xnum = A[4] * ysq;
    let mut xden = ysq;
    for i in 0..3 {
        xnum = (xnum + A[i]) * ysq;
        xden = (xden + B[i]) * ysq;
    }
    (xnum + A[3]) / (xden + B[3])
}

/// erfcx(y) for y > THRESH (y may be +inf).
fn erfcx_positive(y: f64) -> f64 {
    if y <= 4.0 {
        let mut xnum = C[8] * y;
        let mut xden = y;
        for i in 0..7 {
            xnum = (xnum + C[i]) * y;
            xden = (xden + D[i]) * y;
        }
        (xnum + C[7]) / (xden + D[7])
    } else {
        // For y > ~1e154, 1/y^2 underflows and the correction vanishes, which is exact enough.
        let ysq = 1.0 / (y * y);
        let mut xnum = P[5] * ysq;
        let mut xden = ysq;
        for i in 0..4 {
            xnum = (xnum + P[i]) * ysq;
            xden = (xden + Q[i]) * ysq;
        }
        let r = ysq * (xnum + P[4]) / (xden + Q[4]);
        (FRAC_1_SQRT_PI - r) / y
    }
}

// Numerator of 1 − √π y erfcx(y) = N(y)/D(y) on 0.46875 < y ≤ 4: N = D − √π·y·C, with the
// coefficients formed once in 50-digit arithmetic from Cody's C and D above (ascending powers).
// All but the three tiny leading ones are positive, so evaluating N does not cancel.
const N_OMS: [f64; 10] = [
    1230.3393548037493,
    1258.6479468114035,
    727.1773208563878,
    256.2738517866059,
    58.169963712043064,
    7.864101148327068,
    0.5007368277548784,
    -4.6950524385900875e-05,
    1.925875836496077e-06,
    -3.816297601959867e-08,
];

/// 1 − √π·y·erfcx(y) for y ≥ 0 without cancellation (it is ~1/(2y²) for large y): N(y)/D(y)
/// on (0.46875, 4]; above 4, with Cody's form erfcx(y) = (1/√π − r)/y, exactly √π·r with
/// r = P(1/y²)/(y² Q(1/y²)).
pub(crate) fn one_minus_sqrt_pi_y_erfcx(y: f64) -> f64 {
    if y <= THRESH {
        return 1.0 - SQRT_PI * y * erfcx(y);
    }
    if y <= 4.0 {
        let mut num = N_OMS[9];
        for i in (0..9).rev() {
            num = num * y + N_OMS[i];
        }
        let mut den = y + D[0];
        for &d in &D[1..] {
            den = den * y + d;
        }
        return num / den;
    }
    let ysq = 1.0 / (y * y);
    let mut xnum = P[5] * ysq;
    let mut xden = ysq;
    for i in 0..4 {
        xnum = (xnum + P[i]) * ysq;
        xden = (xden + Q[i]) * ysq;
    }
    let r = ysq * (xnum + P[4]) / (xden + Q[4]);
    SQRT_PI * r
}

/// exp(-y^2) with y^2 split as (trunc(16y)/16)^2 + del, so the rounding error of y*y is not
/// amplified by the exponential (Cody's trick).
fn exp_minus_square(y: f64) -> f64 {
    let ysq = (y * 16.0).trunc() / 16.0;
    let del = (y - ysq) * (y + ysq);
    (-ysq * ysq).exp() * (-del).exp()
}

/// The error function erf(x).
pub fn erf(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    let y = x.abs();
    if y <= THRESH {
        return x * erf_small_ratio(x);
    }
    let r = if y >= XBIG {
        0.0
    } else {
        exp_minus_square(y) * erfcx_positive(y)
    };
    let v = 1.0 - r;
    if x < 0.0 {
        -v
    } else {
        v
    }
}

/// The complementary error function erfc(x) = 1 - erf(x), accurate to ~1e-16 relative also in
/// the far right tail.
pub fn erfc(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    let y = x.abs();
    if y <= THRESH {
        return 1.0 - x * erf_small_ratio(x);
    }
    let r = if y >= XBIG {
        0.0
    } else {
        exp_minus_square(y) * erfcx_positive(y)
    };
    if x < 0.0 {
        2.0 - r
    } else {
        r
    }
}

/// The scaled complementary error function erfcx(x) = exp(x^2) erfc(x); +inf below about -26.6.
pub fn erfcx(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    let y = x.abs();
    if y <= THRESH {
        let ysq = if y > XSMALL { y * y } else { 0.0 };
        return ysq.exp() * (1.0 - x * erf_small_ratio(x));
    }
    let r = erfcx_positive(y);
    if x >= 0.0 {
        return r;
    }
    if x < XNEG {
        return f64::INFINITY;
    }
    // erfcx(-y) = 2 exp(y^2) - erfcx(y); exp(y^2) split like exp_minus_square.
    let ysq = (y * 16.0).trunc() / 16.0;
    let del = (y - ysq) * (y + ysq);
    let e = (ysq * ysq).exp() * del.exp();
    (e + e) - r
}

/// Standard normal density phi(x) = exp(-x^2/2)/sqrt(2 pi).
pub fn norm_pdf(x: f64) -> f64 {
    FRAC_1_SQRT_2PI * (-0.5 * x * x).exp()
}

/// Standard normal cumulative distribution Phi(x) = erfc(-x/sqrt 2)/2.
///
/// In the left tail it is evaluated as erfcx(-x/sqrt 2) exp(-x^2/2)/2 with exp(-x^2/2) split
/// into two factors, so that rounding x/sqrt(2) does not cost the ~x^2 ulps that erfc alone would.
pub fn norm_cdf(x: f64) -> f64 {
    if x >= -1.0 || x.is_nan() {
        return 0.5 * erfc(-x * FRAC_1_SQRT_2);
    }
    if x < -39.0 {
        // exp(-x^2/2) < 1e-330: below the smallest subnormal.
        return 0.0;
    }
    0.5 * erfcx(-x * FRAC_1_SQRT_2) * exp_minus_half_square(x)
}

/// exp(-x^2/2) with x^2 split into an exactly representable part and a small remainder.
pub(crate) fn exp_minus_half_square(x: f64) -> f64 {
    let xh = (x * 16.0).trunc() / 16.0;
    let del = (x - xh) * (x + xh);
    (-0.5 * xh * xh).exp() * (-0.5 * del).exp()
}

// Acklam's coefficients.
const ACK_A: [f64; 6] = [
    -3.969_683_028_665_376e1,
    2.209_460_984_245_205e2,
    -2.759_285_104_469_687e2,
    1.383_577_518_672_69e2,
    -3.066_479_806_614_716e1,
    2.506_628_277_459_239,
];
const ACK_B: [f64; 5] = [
    -5.447_609_879_822_406e1,
    1.615_858_368_580_409e2,
    -1.556_989_798_598_866e2,
    6.680_131_188_771_972e1,
    -1.328_068_155_288_572e1,
];
const ACK_C: [f64; 6] = [
    -7.784_894_002_430_293e-3,
    -3.223_964_580_411_365e-1,
    -2.400_758_277_161_838,
    -2.549_732_539_343_734,
    4.374_664_141_464_968,
    2.938_163_982_698_783,
];
const ACK_D: [f64; 4] = [
    7.784_695_709_041_462e-3,
    3.224_671_290_700_398e-1,
    2.445_134_137_142_996,
    3.754_408_661_907_416,
];
const ACK_P_LOW: f64 = 0.02425;

/// Acklam's approximation for p <= 0.5 (relative error below 1.15e-9).
fn acklam_lower(p: f64) -> f64 {
    if p < ACK_P_LOW {
        acklam_tail(p.ln())
    } else {
        acklam_central(p)
    }
}

/// Acklam's lower-tail branch from ln p (p < 0.02425).
fn acklam_tail(ln_p: f64) -> f64 {
    let q = (-2.0 * ln_p).sqrt();
    let c = &ACK_C;
    let d = &ACK_D;
    (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
        / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0)
}

/// Φ⁻¹(e^{ln_p}) for ln_p ≤ ln ½ with Acklam's accuracy; the logarithmic argument lets callers
/// skip a root or exponential when they have ln p already.
pub(crate) fn inv_norm_cdf_fast_from_log(ln_p: f64) -> f64 {
    if ln_p < -3.719_339_513_113_372 {
        // ln(0.02425)
        acklam_tail(ln_p)
    } else {
        acklam_central(ln_p.exp().min(0.5))
    }
}

fn acklam_central(p: f64) -> f64 {
    let q = p - 0.5;
    let r = q * q;
    let a = &ACK_A;
    let b = &ACK_B;
    (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
        / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0)
}

/// Acklam's approximation alone (relative error < 1.15e-9), for initial guesses; NaN outside
/// (0, 1).
pub(crate) fn inv_norm_cdf_fast(p: f64) -> f64 {
    if !(p > 0.0 && p < 1.0) {
        return if p == 0.0 {
            f64::NEG_INFINITY
        } else if p == 1.0 {
            f64::INFINITY
        } else {
            f64::NAN
        };
    }
    if p > 0.5 {
        -acklam_lower(1.0 - p)
    } else {
        acklam_lower(p)
    }
}

/// Inverse of the standard normal CDF to full double precision: -inf at 0, +inf at 1, NaN
/// outside [0, 1].
pub fn inv_norm_cdf(p: f64) -> f64 {
    if p.is_nan() || !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    if p == 0.0 {
        return f64::NEG_INFINITY;
    }
    if p == 1.0 {
        return f64::INFINITY;
    }
    if p > 0.5 {
        // 1 - p is exact for p in [0.5, 1] (Sterbenz), and Phi^-1 is odd about 1/2.
        return -inv_norm_cdf(1.0 - p);
    }
    let x = acklam_lower(p);
    // One Halley step on Phi(x) - p. Near the centre the residual is formed from erf so that
    // it stays accurate relative to the (small) distance to 1/2.
    let e = if p > 0.25 {
        0.5 * erf(x * FRAC_1_SQRT_2) - (p - 0.5)
    } else {
        norm_cdf(x) - p
    };
    // u = e / phi(x); exp(x^2/2) in two halves to avoid overflow for subnormal p.
    let half = (0.25 * x * x).exp();
    let u = e * SQRT_2PI * half * half;
    if !u.is_finite() {
        return x;
    }
    x - u / (1.0 + 0.5 * x * u)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_minus_sqrt_pi_y_erfcx_is_continuous_and_matches_the_direct_form() {
        // Where 1 − √π y erfcx(y) does not cancel much (small y) the two forms agree, and the
        // piecewise form is continuous at its switch points.
        for &y in &[0.1, 0.3, 0.46875, 0.5, 0.8] {
            let direct = 1.0 - SQRT_PI * y * erfcx(y);
            assert!(
                (one_minus_sqrt_pi_y_erfcx(y) / direct - 1.0).abs() < 1e-14,
                "y={y}"
            );
        }
        for &y in &[0.46875f64, 4.0] {
            let (lo, hi) = (
                one_minus_sqrt_pi_y_erfcx(y * (1.0 - 1e-15)),
                one_minus_sqrt_pi_y_erfcx(y * (1.0 + 1e-15)),
            );
            assert!((lo / hi - 1.0).abs() < 1e-14, "y={y}: {lo} vs {hi}");
        }
        // Large y: 1/(2y²) − 3/(4y⁴) + ...
        let y = 1e4;
        assert!((one_minus_sqrt_pi_y_erfcx(y) * 2.0 * y * y - 1.0).abs() < 1e-7);
    }

    #[test]
    fn erf_and_erfc_are_complementary_near_zero() {
        for &x in &[-0.4, -1e-3, 0.0, 1e-10, 0.3] {
            assert!((erf(x) + erfc(x) - 1.0).abs() < 2e-16);
        }
    }
}

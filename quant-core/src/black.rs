//! Undiscounted Black-76 and its normalised form.
//!
//! Formula (QUANT.md §1; Jäckel, "Let's Be Rational", Wilmott 2015, eq. 1.1-2.4):
//! B = θ[F Φ(θ(x/s + s/2)) − K Φ(θ(x/s − s/2))], x = ln(F/K), s = σ√T, and the normalised
//! price β = B/√(FK) = θ[e^{x/2} Φ(θ(h+t)) − e^{−x/2} Φ(θ(h−t))] with h = x/s, t = s/2.
//!
//! In-the-money prices are the normalised intrinsic value plus the out-of-the-money price (put-call
//! parity), and an OTM put at x is the OTM call at −x, so everything reduces to the OTM call
//! b(x, s) with x ≤ 0. Writing Y(z) = Φ(z)/φ(z) (Mills' ratio, Y' = 1 + zY):
//!
//! ```text
//! b(x, s) = exp(−(h² + t²)/2)/√(2π) · [Y(h+t) − Y(h−t)],   b'(s) = exp(−(h² + t²)/2)/√(2π).
//! ```
//!
//! The bracket is a difference of two nearly equal numbers in much of the domain, so it is
//! evaluated in four regions, each without catastrophic cancellation:
//! - h + t < −10: the asymptotic series of Y, differenced term by term in closed form;
//! - t < 0.21: the Taylor series in t, 2 Σ t^{2m+1}/(2m+1)! Y^{(2m+1)}(h), with the odd
//!   derivatives written as polynomials in h² and a = Y'(h) (derived with exact rational
//!   arithmetic from Y' = 1 + hY);
//! - h + t ≤ 0.85: the erfcx form ½ e^{−(h²+t²)/2} [erfcx(−(h+t)/√2) − erfcx(−(h−t)/√2)];
//! - otherwise the plain difference of the two Φ terms, which no longer cancel.

use crate::normal::{erfc, erfcx, norm_cdf, one_minus_sqrt_pi_y_erfcx};

const FRAC_1_SQRT_2: f64 = std::f64::consts::FRAC_1_SQRT_2;
/// 1/sqrt(2 pi)
pub(crate) const FRAC_1_SQRT_2PI: f64 = 0.398_942_280_401_432_7;
/// sqrt(pi/2)
const SQRT_PI_OVER_2: f64 = 1.253_314_137_315_500_3;

const ASYMPTOTIC_THRESHOLD: f64 = -10.0;
/// Above this u = −h/√2 the cancellation-free form of a = Y'(h) is used.
const THRESH_A: f64 = 0.46875;
const SMALL_T_THRESHOLD: f64 = 0.21;
const ERFCX_THRESHOLD: f64 = 0.85;

/// Undiscounted Black-76 price of a call (`is_call`) or put on a forward.
///
/// Degenerate inputs follow the limits: time ≤ 0 or vol = 0 gives the intrinsic value, a zero
/// strike gives F for a call and 0 for a put, a zero forward gives 0 for a call and K for a put.
/// Negative or NaN inputs give NaN.
pub fn black76(forward: f64, strike: f64, time: f64, vol: f64, is_call: bool) -> f64 {
    if forward.is_nan() || strike.is_nan() || time.is_nan() || vol.is_nan() {
        return f64::NAN;
    }
    if forward < 0.0 || strike < 0.0 || vol < 0.0 {
        return f64::NAN;
    }
    let intrinsic = if is_call {
        (forward - strike).max(0.0)
    } else {
        (strike - forward).max(0.0)
    };
    if strike == 0.0 || forward == 0.0 || time <= 0.0 || vol == 0.0 {
        return intrinsic;
    }
    // Intrinsic value from F − K directly (exact to one rounding) plus the OTM time value:
    // forming it from √(FK)·2sinh(x/2) would cost ~ε/|x| relative near the money.
    let x = log_moneyness(forward, strike);
    let s = vol * time.sqrt();
    intrinsic + forward.sqrt() * strike.sqrt() * otm_call(-x.abs(), s)
}

/// ln(F/K), computed from the ratio when it is representable (exact cancellation near the money)
/// and as ln F − ln K otherwise.
pub(crate) fn log_moneyness(forward: f64, strike: f64) -> f64 {
    let r = forward / strike;
    if r.is_normal() {
        r.ln()
    } else {
        forward.ln() - strike.ln()
    }
}

/// Normalised intrinsic value θ(e^{x/2} − e^{−x/2})⁺ = 2 sinh(|x|/2) when in the money.
pub fn normalised_intrinsic(x: f64, theta: f64) -> f64 {
    if theta * x <= 0.0 {
        return 0.0;
    }
    2.0 * (0.5 * x.abs()).sinh()
}

/// Normalised Black price β = B/√(FK) for x = ln(F/K), s = σ√T, theta = +1 (call) or −1 (put).
///
/// Accurate to a few ulps also when the price is tiny (deep wings, short expiries).
pub fn normalised_black(x: f64, s: f64, theta: f64) -> f64 {
    if x.is_nan() || s.is_nan() || theta.is_nan() || s < 0.0 {
        return f64::NAN;
    }
    let otm = otm_call(-x.abs(), s);
    if theta * x > 0.0 {
        normalised_intrinsic(x, theta) + otm
    } else {
        otm
    }
}

/// Normalised vega ∂β/∂s = exp(−x²/(2s²) − s²/8)/√(2π).
pub fn normalised_vega(x: f64, s: f64) -> f64 {
    if s.is_nan() || x.is_nan() || s < 0.0 {
        return f64::NAN;
    }
    if s == 0.0 {
        return if x == 0.0 { FRAC_1_SQRT_2PI } else { 0.0 };
    }
    let h = x / s;
    let t = 0.5 * s;
    FRAC_1_SQRT_2PI * (-0.5 * (h * h + t * t)).exp()
}

/// Normalised OTM call price b(x, s) for x ≤ 0, s ≥ 0.
pub(crate) fn otm_call(x: f64, s: f64) -> f64 {
    otm_call_impl(x, s, (0.5 * x).exp(), true).0
}

/// b(x, s) and the normalised vega b'(s) together (they share the Gaussian factor
/// exp(−(h² + t²)/2)), for the IV iteration: b_max = e^{x/2} is passed in, and the Gaussian
/// factor is a plain exp. Its ~h²·ε relative error is what a one-ulp change of s does to the
/// price anyway (∂ln b/∂ln s ≈ 1 + h²), so the root moves by about an ulp of s at most.
pub(crate) fn otm_call_with_vega_solver(x: f64, s: f64, b_max: f64) -> (f64, f64) {
    otm_call_impl(x, s, b_max, false)
}

#[inline(always)]
fn otm_call_impl(x: f64, s: f64, b_max: f64, precise: bool) -> (f64, f64) {
    debug_assert!(x <= 0.0 || x.is_nan());
    if s <= 0.0 {
        return (0.0, if x == 0.0 { FRAC_1_SQRT_2PI } else { 0.0 });
    }
    if s.is_infinite() {
        return (b_max, 0.0);
    }
    let h = x / s;
    let t = 0.5 * s;
    let g = if precise {
        gauss_factor(x, s, h, t)
    } else {
        (-0.5 * (h * h + t * t)).exp()
    };
    let v = FRAC_1_SQRT_2PI * g;
    if h + t < ASYMPTOTIC_THRESHOLD {
        return (v * asymptotic_bracket(h, t), v);
    }
    if t < SMALL_T_THRESHOLD {
        return (v * small_t_bracket(h, t, g), v);
    }
    if h + t <= ERFCX_THRESHOLD {
        let d = erfcx(-(h + t) * FRAC_1_SQRT_2) - erfcx(-(h - t) * FRAC_1_SQRT_2);
        return (0.5 * g * d, v);
    }
    // b = b_max − (b_max − b), and the distance to the bound is a sum of two positive erfcx
    // terms sharing the Gaussian factor (see `otm_call_complement`); here b ≥ ~0.6 b_max, so
    // the subtraction loses at most a bit.
    let c = 0.5 * g * (erfcx((h + t) * FRAC_1_SQRT_2) + erfcx((t - h) * FRAC_1_SQRT_2));
    (b_max - c, v)
}

/// Veltkamp split and Dekker product: a·b = p + e exactly (no fma: on wasm32 it is emulated).
fn two_prod(a: f64, b: f64) -> (f64, f64) {
    const SPLITTER: f64 = 134_217_729.0; // 2^27 + 1
    let p = a * b;
    let ca = SPLITTER * a;
    let ah = ca - (ca - a);
    let al = a - ah;
    let cb = SPLITTER * b;
    let bh = cb - (cb - b);
    let bl = b - bh;
    let e = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
    (p, e)
}

/// exp(−(h² + t²)/2) for h = x/s, t = s/2, with the exponent carried in double-double.
///
/// In the wings h² reaches ~1400, so the ~h²·2⁻⁵³ rounding error of a plain h*h would cost up
/// to ~100 ulps in the price; here the quotient x/s, both squares and their sum are corrected.
fn gauss_factor(x: f64, s: f64, h: f64, t: f64) -> f64 {
    let plain = h * h + t * t;
    if plain < 1.0 {
        // The exponent's rounding error is below ½ ulp of the result here.
        return (-0.5 * plain).exp();
    }
    if h.abs() > 1e100 {
        return 0.0;
    }
    // h_true = h + dh with dh = (x − h·s)/s.
    let (p, pe) = two_prod(h, s);
    let dh = ((x - p) - pe) / s;
    let (q, qe) = two_prod(h, h);
    let (r, re) = two_prod(t, t);
    let big = q + r;
    let bv = big - q;
    let sum_err = (q - (big - bv)) + (r - bv);
    let small = sum_err + qe + re + 2.0 * h * dh;
    // small/big ~ 1e-16, so exp(−small/2) = 1 − small/2 to double precision.
    (-0.5 * big).exp() * (1.0 - 0.5 * small)
}

/// b_max − b(x, s) for the OTM call (x ≤ 0): the distance to the upper bound as a sum of two
/// positive terms (no cancellation when b is near b_max):
/// e^{x/2} Φ(−h−t) + e^{−x/2} Φ(h−t) = ½ e^{−(h²+t²)/2} [erfcx((h+t)/√2) + erfcx((t−h)/√2)].
pub(crate) fn otm_call_complement(x: f64, s: f64) -> f64 {
    if s <= 0.0 {
        return (0.5 * x).exp();
    }
    if s.is_infinite() {
        return 0.0;
    }
    let h = x / s;
    let t = 0.5 * s;
    if h + t < -5.0 {
        // erfcx of a large negative argument overflows; Φ is fine here.
        let half = 0.5 * x;
        return half.exp() * norm_cdf(-h - t) + (-half).exp() * norm_cdf(h - t);
    }
    let g = gauss_factor(x, s, h, t);
    0.5 * g * (erfcx((h + t) * FRAC_1_SQRT_2) + erfcx((t - h) * FRAC_1_SQRT_2))
}

/// Y(h+t) − Y(h−t) for h + t < −10 from the asymptotic series
/// Y(z) = Σ_k (−1)^{k+1} (2k−1)!! z^{−(2k+1)} (z < 0), differenced term by term:
/// with u = h+t, v = h−t, g = 1/u, w = 1/v,
/// u^{−n} − v^{−n} = (g − w) T_n,  T_n = Σ_{j<n} g^j w^{n−1−j},  g − w = −2t/(uv),
/// and T_{n+1} = g T_n + w^n adds terms of equal sign, so nothing cancels. The remaining series
/// (2t/(uv)) Σ_k (−1)^k (2k−1)!! T_{2k+1} alternates with terms that decrease until k ≈ u²/2,
/// far beyond the ~25 terms that reach double precision for |u| ≥ 10.
fn asymptotic_bracket(h: f64, t: f64) -> f64 {
    let u = h + t;
    let v = h - t;
    let g = 1.0 / u;
    let w = 1.0 / v;
    // T_1 = 1, w^1 = w.
    let mut tn = 1.0;
    let mut wn = w;
    let mut sum = 1.0;
    let mut dfact = 1.0; // (2k−1)!!
    let mut sign = 1.0;
    for k in 1..40 {
        // T_{2k} = g T_{2k−1} + w^{2k−1};  T_{2k+1} = g T_{2k} + w^{2k}.
        tn = g * tn + wn;
        wn *= w;
        tn = g * tn + wn;
        wn *= w;
        dfact *= (2 * k - 1) as f64;
        sign = -sign;
        let term = sign * dfact * tn;
        sum += term;
        if term.abs() <= 1e-17 * sum.abs() {
            break;
        }
    }
    2.0 * t / (u * v) * sum
}

/// Y(h+t) − Y(h−t) = 2 Σ_m t^{2m+1}/(2m+1)! Y^{(2m+1)}(h) for t < 0.21 (truncation < 1e-18),
/// with Y^{(2m+1)}(h) = P_m(h²) + a Q_m(h²), a = Y'(h) = 1 + hY(h).
fn small_t_bracket(h: f64, t: f64, g: f64) -> f64 {
    // a = Y'(h) = 1 + hY(h) = 1 − √π u erfcx(u), u = −h/√2: the difference cancels for large u,
    // so there it comes from Cody's rational forms rearranged (`one_minus_sqrt_pi_y_erfcx`).
    let u = -h * FRAC_1_SQRT_2;
    let w = t * t;
    let a = if u > THRESH_A {
        one_minus_sqrt_pi_y_erfcx(u)
    } else {
        // erfcx(u) = e^{h²/2} erfc(u), and e^{h²/2} = e^{−t²/2}/g with g = e^{−(h²+t²)/2} already
        // known: the series of e^{−t²/2} to the 8th term (t < 0.21: error < 2e-18) replaces an exp.
        let z = -0.5 * w;
        let mut e_t = 1.0 + z * (1.0 / 8.0);
        e_t = 1.0 + z * (1.0 / 7.0) * e_t;
        e_t = 1.0 + z * (1.0 / 6.0) * e_t;
        e_t = 1.0 + z * (1.0 / 5.0) * e_t;
        e_t = 1.0 + z * (1.0 / 4.0) * e_t;
        e_t = 1.0 + z * (1.0 / 3.0) * e_t;
        e_t = 1.0 + z * (1.0 / 2.0) * e_t;
        e_t = 1.0 + z * e_t;
        1.0 + h * SQRT_PI_OVER_2 * erfc(u) * (e_t / g)
    };
    let h2 = h * h;
    let c3 = (-1.0 + a * (h2 + 3.0)) * (1.0 / 6.0);
    let c5 = (-h2 - 7.0 + a * ((h2 + 10.0) * h2 + 15.0)) * (1.0 / 120.0);
    let c7 =
        ((-h2 - 18.0) * h2 - 57.0 + a * (((h2 + 21.0) * h2 + 105.0) * h2 + 105.0)) * (1.0 / 5040.0);
    let c9 = (((-h2 - 33.0) * h2 - 285.0) * h2 - 561.0
        + a * ((((h2 + 36.0) * h2 + 378.0) * h2 + 1260.0) * h2 + 945.0))
        * (1.0 / 362_880.0);
    // Term m is at most ~w^m·{0.33, 0.067, 9.5e-3, 1.1e-3, 9.6e-5, 7.4e-6, 4.9e-7} relative to
    // the sum (h = 0 is the worst case), so smaller t needs fewer terms for 1e-17.
    let low = c3 + w * (c5 + w * (c7 + w * c9));
    if w < 0.0025 {
        return 2.0 * t * (a + w * low);
    }
    let c11 = ((((-h2 - 52.0) * h2 - 840.0) * h2 - 4680.0) * h2 - 6555.0
        + a * (((((h2 + 55.0) * h2 + 990.0) * h2 + 6930.0) * h2 + 17325.0) * h2 + 10395.0))
        * (1.0 / 39_916_800.0);
    let w4 = (w * w) * (w * w);
    if w < 0.01 {
        return 2.0 * t * (a + w * (low + w4 * c11));
    }
    let c13 = (((((-h2 - 75.0) * h2 - 1926.0) * h2 - 20370.0) * h2 - 82845.0) * h2 - 89055.0
        + a * ((((((h2 + 78.0) * h2 + 2145.0) * h2 + 25740.0) * h2 + 135_135.0) * h2 + 270_270.0)
            * h2
            + 135_135.0))
        * (1.0 / 6_227_020_800.0);
    let c15 = ((((((-h2 - 102.0) * h2 - 3795.0) * h2 - 64260.0) * h2 - 501_795.0) * h2
        - 1_595_790.0)
        * h2
        - 1_381_905.0
        + a * (((((((h2 + 105.0) * h2 + 4095.0) * h2 + 75075.0) * h2 + 675_675.0) * h2
            + 2_837_835.0)
            * h2
            + 4_729_725.0)
            * h2
            + 2_027_025.0))
        * (1.0 / 1_307_674_368_000.0);
    let high = c11 + w * (c13 + w * c15);
    2.0 * t * (a + w * (low + w4 * high))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_agree_at_their_boundaries() {
        // Across each switch the two neighbouring formulas must give the same value.
        for &(x, s) in &[
            (-0.5, 0.419_999),
            (-0.5, 0.420_001),
            (-2.0, 4.0),
            (-0.01, 0.3),
        ] {
            let b = otm_call(x, s);
            let c = 0.5
                * (-0.5 * ((x / s).powi(2) + 0.25 * s * s)).exp()
                * (erfcx(-(x / s + 0.5 * s) * FRAC_1_SQRT_2)
                    - erfcx(-(x / s - 0.5 * s) * FRAC_1_SQRT_2));
            assert!((b - c).abs() <= 1e-13 * b, "x={x} s={s} b={b} c={c}");
        }
    }
}

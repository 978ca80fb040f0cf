//! Initial guess for "Let's Be Rational" (P. Jäckel, Wilmott, January 2015, pp. 40-53, §3-§4).
//!
//! For the OTM call b(x, s), x ≤ 0, the inflection point s_c = √(2|x|) and the tangents there
//! split the price axis into four branches:
//! - β < b_l (lowest): interpolate the lower map f_l(s) = (2π/√27)|x| Φ(−|x|/(√3 s))³, which has
//!   the same leading asymptotics as b for s → 0 (so f ≈ β and df/dβ → 1 at β = 0), as a rational
//!   cubic in β on [0, b_l], then invert f_l in closed form;
//! - b_l ≤ β < b_c and b_c ≤ β ≤ b_u: interpolate s(β) directly by a rational cubic through the
//!   tangent points, with zero second derivative at the inflection point;
//! - β > b_u (highest): interpolate the upper map f_u(s) = Φ(−s/2) (b_max − b ≈ 2 f_u for
//!   s → ∞) on [b_u, b_max] and invert it with Φ⁻¹.
//!
//! Rational cubic interpolation: Delbourgo & Gregory, IMA J. Numer. Anal. 5 (1985) 397-406; the
//! control parameter r is chosen to match a known second derivative at one end, but never below
//! the value that keeps the interpolant monotone and convex (shape preservation).

// `!(a > b)` is deliberate throughout: it is true for NaN, which must take the same path.
#![allow(clippy::neg_cmp_op_on_partial_ord)]

use crate::black::{otm_call_with_vega_solver, FRAC_1_SQRT_2PI};
use crate::normal::{erfc, erfcx, inv_norm_cdf_fast, inv_norm_cdf_fast_from_log};

const SQRT_2PI: f64 = 2.506_628_274_631_000_5;
const TWO_PI: f64 = std::f64::consts::TAU;
const FRAC_1_SQRT_2: f64 = std::f64::consts::FRAC_1_SQRT_2;
const SQRT_3: f64 = 1.732_050_807_568_877_2;
/// 2π/√27
const TWO_PI_OVER_SQRT_27: f64 = 1.209_199_576_156_145_2;
const MIN_R: f64 = -(1.0 - 1.490_116_119_384_765_6e-8); // −(1 − √ε)
const MAX_R: f64 = 2.0 / (f64::EPSILON * f64::EPSILON);

/// Which objective the Householder iteration uses (LBR §5): the transformed ones keep the
/// function close to linear in s in the extreme branches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Objective {
    /// g = 1/ln b(s) − 1/ln β
    Lower,
    /// g = b(s) − β
    Plain,
    /// g = ln(b_max − β) − ln(b_max − b(s))
    Upper,
}

/// Initial guess s₀ and a bracket [s_left, s_right] that contains the root.
pub(crate) struct Guess {
    pub s: f64,
    pub s_left: f64,
    pub s_right: f64,
    pub objective: Objective,
}

/// Rational cubic through (x_l, y_l), (x_r, y_r) with end slopes d_l, d_r and control r
/// (r = 3 is the cubic Hermite, r → ∞ the straight line).
#[allow(clippy::too_many_arguments)]
fn rational_cubic(
    x: f64,
    x_l: f64,
    x_r: f64,
    y_l: f64,
    y_r: f64,
    d_l: f64,
    d_r: f64,
    r: f64,
) -> f64 {
    let h = x_r - x_l;
    if h.abs() <= 0.0 {
        return 0.5 * (y_l + y_r);
    }
    let t = (x - x_l) / h;
    if r >= MAX_R {
        return y_r * t + y_l * (1.0 - t);
    }
    let omt = 1.0 - t;
    let t2 = t * t;
    let omt2 = omt * omt;
    (y_r * t2 * t
        + (r * y_r - h * d_r) * t2 * omt
        + (r * y_l + h * d_l) * t * omt2
        + y_l * omt2 * omt)
        / (1.0 + (r - 3.0) * t * omt)
}

/// Smallest r that keeps the interpolant monotone / convex / concave where the data are
/// (Delbourgo & Gregory's sufficient conditions).
fn minimum_r(d_l: f64, d_r: f64, slope: f64, prefer_shape: bool) -> f64 {
    let monotonic = d_l * slope >= 0.0 && d_r * slope >= 0.0;
    let convex = d_l <= slope && slope <= d_r;
    let concave = d_l >= slope && slope >= d_r;
    if !monotonic && !convex && !concave {
        return MIN_R;
    }
    let d_r_m_d_l = d_r - d_l;
    let d_r_m_s = d_r - slope;
    let s_m_d_l = slope - d_l;
    let mut r1 = -MAX_R;
    let mut r2 = -MAX_R;
    if monotonic {
        if slope != 0.0 {
            r1 = (d_r + d_l) / slope;
        } else if prefer_shape {
            r1 = MAX_R;
        }
    }
    if convex || concave {
        if s_m_d_l != 0.0 && d_r_m_s != 0.0 {
            r2 = (d_r_m_d_l / d_r_m_s).abs().max((d_r_m_d_l / s_m_d_l).abs());
        } else if prefer_shape {
            r2 = MAX_R;
        }
    } else if monotonic && prefer_shape {
        r2 = MAX_R;
    }
    MIN_R.max(r1.max(r2))
}

/// r such that the interpolant's second derivative at x_l equals `d2_l` (from y''(0) =
/// 2r(Δy − h d_l) − 2h(d_r − d_l) in t = (x − x_l)/h), floored at the shape-preserving minimum.
#[allow(clippy::too_many_arguments)]
fn r_fit_left(
    x_l: f64,
    x_r: f64,
    y_l: f64,
    y_r: f64,
    d_l: f64,
    d_r: f64,
    d2_l: f64,
    prefer_shape: bool,
) -> f64 {
    let h = x_r - x_l;
    let slope = (y_r - y_l) / h;
    let num = 0.5 * h * d2_l + (d_r - d_l);
    let den = slope - d_l;
    let r = if num == 0.0 {
        0.0
    } else if den == 0.0 {
        if num > 0.0 {
            MAX_R
        } else {
            MIN_R
        }
    } else {
        num / den
    };
    r.max(minimum_r(d_l, d_r, slope, prefer_shape))
}

/// As `r_fit_left`, matching the second derivative `d2_r` at x_r.
#[allow(clippy::too_many_arguments)]
fn r_fit_right(
    x_l: f64,
    x_r: f64,
    y_l: f64,
    y_r: f64,
    d_l: f64,
    d_r: f64,
    d2_r: f64,
    prefer_shape: bool,
) -> f64 {
    let h = x_r - x_l;
    let slope = (y_r - y_l) / h;
    let num = 0.5 * h * d2_r + (d_r - d_l);
    let den = d_r - slope;
    let r = if num == 0.0 {
        0.0
    } else if den == 0.0 {
        if num > 0.0 {
            MAX_R
        } else {
            MIN_R
        }
    } else {
        num / den
    };
    r.max(minimum_r(d_l, d_r, slope, prefer_shape))
}

/// Lower map f_l(s) and its first two derivatives with respect to β = b(s):
/// with z = |x|/(√3 s), y = z², Φ = Φ(−z):
/// f = (2π/√27)|x|Φ³, df/dβ = 2π y Φ² e^{y + s²/8},
/// d²f/dβ² = (2π)^{3/2} (y/s) Φ e^{5y/2 + s²/4} [2zφ(z) + (s²/4 − 2 − 2y)Φ].
fn lower_map(x: f64, s: f64) -> (f64, f64, f64) {
    let ax = x.abs();
    let z = ax / (SQRT_3 * s);
    let y = z * z;
    // Two exponentials serve all three values: Φ(−z) = ½ erfcx(z/√2)/q with q = e^{y/2}, and
    // e^{y+s²/8} = q²r, e^{5y/2+s²/4} = q⁵r² with r = e^{s²/8}. Overflow for huge y yields a
    // non-finite derivative, which the caller replaces by a simpler interpolant.
    let q = (0.5 * y).exp();
    let r = (0.125 * s * s).exp();
    let phi_m = 0.5 * erfcx(z * FRAC_1_SQRT_2) / q;
    let f = TWO_PI_OVER_SQRT_27 * ax * phi_m * phi_m * phi_m;
    let fp = TWO_PI * y * (phi_m * q) * (phi_m * q) * r;
    let pdf = FRAC_1_SQRT_2PI / q;
    let q2 = q * q;
    let fpp = TWO_PI
        * SQRT_2PI
        * (y / s)
        * (phi_m * q)
        * (q2 * q2)
        * (r * r)
        * (2.0 * z * pdf + (0.25 * s * s - 2.0 - 2.0 * y) * phi_m);
    (f, fp, fpp)
}

/// s with f_l(s) = f.
fn inverse_lower_map(x: f64, f: f64) -> f64 {
    if f <= 0.0 {
        return 0.0;
    }
    let ax = x.abs();
    // Φ(−z) = (f/((2π/√27)|x|))^{1/3}, passed as a logarithm (no cube root needed).
    let ln_p = (f / (TWO_PI_OVER_SQRT_27 * ax)).ln() * (1.0 / 3.0);
    ax / (SQRT_3 * -inv_norm_cdf_fast_from_log(ln_p))
}

/// Upper map f_u(s) = Φ(−s/2) and derivatives with respect to β:
/// df/dβ = −½ e^{x²/(2s²)}, d²f/dβ² = ½√(2π)(x²/s³) e^{x²/s² + s²/8}.
fn upper_map(x: f64, s: f64) -> (f64, f64, f64) {
    let w = (x / s) * (x / s);
    let r = (0.125 * s * s).exp();
    let e = (0.5 * w).exp();
    // Φ(−s/2) = ½ erfcx(s/(2√2)) e^{−s²/8}.
    let f = 0.5 * erfcx(0.5 * s * FRAC_1_SQRT_2) / r;
    let fp = -0.5 * e;
    let fpp = 0.5 * SQRT_2PI * (w / s) * (e * e) * r;
    (f, fp, fpp)
}

/// Initial guess for the OTM call: x ≤ 0, 0 < β < b_max = e^{x/2}.
pub(crate) fn initial_guess(beta: f64, x: f64, b_max: f64) -> Guess {
    let s_c = (2.0 * x.abs()).sqrt();
    // At s_c, h + t = 0 and h² + t² = |x|, so b_c = ½ b_max (1 − erfcx(√|x|)) and
    // v_c = b_max/√(2π) in closed form (one erfcx instead of a full price evaluation; the mild
    // cancellation for tiny |x| is irrelevant for a guess).
    // For small |x|, erfcx(√|x|) = e^{|x|} erfc(√|x|) and e^{|x|/2} = 1/b_max: no exp needed.
    let rx = x.abs().sqrt();
    let b_c = if rx <= 0.46875 {
        0.5 * (b_max - erfc(rx) / b_max)
    } else {
        0.5 * b_max * (1.0 - erfcx(rx))
    };
    let v_c = FRAC_1_SQRT_2PI * b_max;
    if beta < b_c {
        let s_l = s_c - b_c / v_c;
        let (b_l, v_l) = otm_call_with_vega_solver(x, s_l, b_max);
        if beta < b_l {
            let (f_l, fp_l, fpp_l) = lower_map(x, s_l);
            let mut f = if fpp_l.is_finite() && fp_l.is_finite() {
                let r = r_fit_right(0.0, b_l, 0.0, f_l, 1.0, fp_l, fpp_l, true);
                rational_cubic(beta, 0.0, b_l, 0.0, f_l, 1.0, fp_l, r)
            } else {
                0.0
            };
            if !(f > 0.0) {
                let t = beta / b_l;
                f = (f_l * t + b_l * (1.0 - t)) * t;
            }
            let s = inverse_lower_map(x, f);
            return Guess {
                s,
                s_left: 0.0,
                s_right: s_l,
                objective: Objective::Lower,
            };
        }
        let r = r_fit_right(b_l, b_c, s_l, s_c, 1.0 / v_l, 1.0 / v_c, 0.0, false);
        let s = rational_cubic(beta, b_l, b_c, s_l, s_c, 1.0 / v_l, 1.0 / v_c, r);
        return Guess {
            s,
            s_left: s_l,
            s_right: s_c,
            objective: Objective::Plain,
        };
    }
    let s_u = if v_c > f64::MIN_POSITIVE {
        s_c + (b_max - b_c) / v_c
    } else {
        f64::MAX
    };
    let (b_u, v_u) = otm_call_with_vega_solver(x, s_u, b_max);
    if beta <= b_u {
        let r = r_fit_left(b_c, b_u, s_c, s_u, 1.0 / v_c, 1.0 / v_u, 0.0, false);
        let s = rational_cubic(beta, b_c, b_u, s_c, s_u, 1.0 / v_c, 1.0 / v_u, r);
        return Guess {
            s,
            s_left: s_c,
            s_right: s_u,
            objective: Objective::Plain,
        };
    }
    let (f_u, fp_u, fpp_u) = upper_map(x, s_u);
    let mut f = if fpp_u.is_finite() && fp_u.is_finite() {
        let r = r_fit_left(b_u, b_max, f_u, 0.0, fp_u, -0.5, fpp_u, true);
        rational_cubic(beta, b_u, b_max, f_u, 0.0, fp_u, -0.5, r)
    } else {
        0.0
    };
    if !(f > 0.0) {
        let h = b_max - b_u;
        let t = (beta - b_u) / h;
        f = (f_u * (1.0 - t) + 0.5 * h * t) * (1.0 - t);
    }
    let s = -2.0 * inv_norm_cdf_fast(f);
    Guess {
        s,
        s_left: s_u,
        s_right: f64::INFINITY,
        objective: Objective::Upper,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::black::otm_call;

    #[test]
    fn rational_cubic_matches_end_values_and_slopes() {
        let (xl, xr, yl, yr, dl, dr) = (0.5, 2.0, 1.0, 3.0, 0.4, 2.5);
        for &r in &[0.5, 3.0, 10.0] {
            assert!((rational_cubic(xl, xl, xr, yl, yr, dl, dr, r) - yl).abs() < 1e-15);
            assert!((rational_cubic(xr, xl, xr, yl, yr, dl, dr, r) - yr).abs() < 1e-15);
            let e = 1e-6;
            let sl = (rational_cubic(xl + e, xl, xr, yl, yr, dl, dr, r) - yl) / e;
            assert!((sl - dl).abs() < 1e-4, "r={r} slope={sl}");
        }
        // The fitted r reproduces the requested second derivative at the left end.
        let r = r_fit_left(xl, xr, yl, yr, dl, dr, 1.7, false);
        let e = 1e-4;
        let f = |x: f64| rational_cubic(x, xl, xr, yl, yr, dl, dr, r);
        let d2 = (f(xl + 2.0 * e) - 2.0 * f(xl + e) + f(xl)) / (e * e);
        assert!((d2 - 1.7).abs() < 1e-2, "d2={d2} r={r}");
    }

    #[test]
    fn map_derivatives_match_finite_differences() {
        let x = -0.7;
        for &(map, s) in &[(0u8, 0.4), (1u8, 3.0)] {
            let eval = |s: f64| {
                if map == 0 {
                    lower_map(x, s)
                } else {
                    upper_map(x, s)
                }
            };
            let (_, fp, fpp) = eval(s);
            let e = 1e-5 * s;
            let db = otm_call(x, s + e) - otm_call(x, s - e);
            let fd1 = (eval(s + e).0 - eval(s - e).0) / db;
            let fd2 = (eval(s + e).1 - eval(s - e).1) / db;
            assert!((fd1 / fp - 1.0).abs() < 1e-6, "map {map}: {fd1} vs {fp}");
            assert!((fd2 / fpp - 1.0).abs() < 1e-5, "map {map}: {fd2} vs {fpp}");
        }
        let (f, _, _) = lower_map(x, 0.3);
        assert!((inverse_lower_map(x, f) / 0.3 - 1.0).abs() < 1e-8);
    }
}

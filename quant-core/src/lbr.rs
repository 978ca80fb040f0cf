//! Implied volatility of undiscounted Black-76, to P. Jäckel's "Let's Be Rational" (LBR),
//! Wilmott, January 2015, pp. 40-53 (QUANT.md §1).
//!
//! Algorithm and why:
//! 1. Reduce to the OTM call. `implied_vol_checked` subtracts the intrinsic value in price units
//!    (price − (F − K)⁺, exact to one rounding; forming it from √(FK)·2sinh(x/2) would inherit
//!    the rounding of ln(F/K), which is large relative to x near the money), then normalises
//!    β = time value/√(FK), x = −|ln(F/K)|: an OTM put at x is the OTM call at −x. So ITM
//!    inputs are as accurate as OTM ones: the time value is inverted, not a price dominated by
//!    intrinsic value (`normalised_implied_vol` does the same with the normalised intrinsic).
//! 2. Initial guess: the paper's four branches around the inflection point s_c = √(2|x|), with
//!    rational cubic interpolation of s(β) in the two middle branches and of the transformed
//!    lower/upper maps in the outer ones (`lbr_guess.rs`). We kept the paper's construction
//!    rather than inventing a guess because its accuracy is what lets two iterations reach full
//!    precision on every input, deep wings and tiny prices included.
//! 3. Householder iteration of order 3 (quartic convergence) on a branch-specific objective:
//!    1/ln b(s) − 1/ln β in the lowest branch (b is nearly exponential in −1/s² there), the plain
//!    b(s) − β in the middle ones and ln(b_max − β) − ln(b_max − b(s)) in the highest, with
//!    b_max − b(s) evaluated as a sum of positive terms. Derivatives are analytic:
//!    b''/b' = x²/s³ − s/4, b'''/b' = (b''/b')² − 3x²/s⁴ − 1/4. Prices come from the
//!    cancellation-free regions of `black.rs` (asymptotic series, small-t series, erfcx forms).
//! 4. Stopping: after a step |Δs| ≤ 1e-5·s the error left is ~|Δs|⁴, far below an ulp, so the
//!    loop stops (after applying the step). On the randomised tests 97% of inputs take 2
//!    iterations and 3% take 1; at most 3 are allowed. A bracket [s_left, s_right] kept from the
//!    signs of b(s) − β replaces any non-finite or out-of-bracket step by bisection (never seen
//!    on the tests, but it bounds the loop on every f64 input).
//!
//! Measured (tests/iv_roundtrip.rs, 120k inputs, σ ∈ [0.01, 5], T ∈ [1 min, 5 y], |ln F/K| ≤ 3):
//! |σ̂ − σ|/σ ≤ 4.8 × the attainable precision ε(1 + β/(s·b'(s))) (Jäckel's η).
//!
//! Deviations from the paper's later revisions: no closed form at x = 0 (the general path is
//! exact enough there) and none of the 2017+ refinements of the lowest branch.

// `!(a > b)` is deliberate throughout: it is true for NaN, which must take the same path.
#![allow(clippy::neg_cmp_op_on_partial_ord)]

use crate::black::{
    log_moneyness, normalised_intrinsic, otm_call_complement, otm_call_with_vega_solver,
};
use crate::lbr_guess::{initial_guess, Objective};

/// Why no implied volatility exists for an input (reason codes of the batch API; 0 = ok).
#[repr(u8)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IvError {
    /// The price is below the intrinsic value (max(F − K, 0) for a call, max(K − F, 0) for a put).
    BelowIntrinsic = 1,
    /// The price is at or above the upper bound (F for a call, K for a put).
    AboveMaximum = 2,
    /// A NaN, infinite, negative or zero forward/strike, or a NaN/infinite/negative price.
    InvalidInput = 3,
    /// Time to expiry is zero, negative or NaN.
    NonPositiveTime = 4,
}

/// Most Householder iterations; two are enough in practice (see module docs).
const MAX_ITERATIONS: u32 = 3;
/// A step this small relative to s ends the iteration (after being applied).
const CONVERGED: f64 = 1e-5;
/// Extra iterations allowed only when a step had to fall back to bisection.
const MAX_SAFEGUARD_ITERATIONS: u32 = 60;

/// Implied volatility of an undiscounted Black-76 price; NaN when no solution exists.
pub fn implied_vol(price: f64, forward: f64, strike: f64, time: f64, is_call: bool) -> f64 {
    implied_vol_checked(price, forward, strike, time, is_call).unwrap_or(f64::NAN)
}

/// Implied volatility with the reason when none exists. A price exactly at intrinsic gives 0.
pub fn implied_vol_checked(
    price: f64,
    forward: f64,
    strike: f64,
    time: f64,
    is_call: bool,
) -> Result<f64, IvError> {
    implied_vol_counted(price, forward, strike, time, is_call).0
}

/// As `implied_vol_checked`, also returning the number of Householder iterations (price
/// evaluations after the initial guess), for tests and benchmarks.
pub fn implied_vol_counted(
    price: f64,
    forward: f64,
    strike: f64,
    time: f64,
    is_call: bool,
) -> (Result<f64, IvError>, u32) {
    match implied_s(price, forward, strike, time, is_call) {
        Ok((s, n)) => (Ok(s / time.sqrt()), n),
        Err(e) => (Err(e), 0),
    }
}

/// s = σ√T and the iteration count, from a price in money units.
fn implied_s(
    price: f64,
    forward: f64,
    strike: f64,
    time: f64,
    is_call: bool,
) -> Result<(f64, u32), IvError> {
    if !(forward.is_finite() && strike.is_finite() && price.is_finite()) {
        return Err(IvError::InvalidInput);
    }
    if forward <= 0.0 || strike <= 0.0 || price < 0.0 {
        return Err(IvError::InvalidInput);
    }
    if !(time > 0.0) {
        return Err(IvError::NonPositiveTime);
    }
    if time.is_infinite() {
        return Err(IvError::InvalidInput);
    }
    let bound = if is_call { forward } else { strike };
    if price >= bound {
        return Err(IvError::AboveMaximum);
    }
    // Put-call parity in price units: the time value price − (F − K)⁺ is exact to one rounding,
    // whereas subtracting the normalised intrinsic 2sinh(x/2) would inherit the rounding of
    // ln(F/K), which is large relative to x near the money.
    let intrinsic = if is_call {
        (forward - strike).max(0.0)
    } else {
        (strike - forward).max(0.0)
    };
    let time_value = price - intrinsic;
    if time_value < 0.0 {
        return Err(IvError::BelowIntrinsic);
    }
    if time_value == 0.0 {
        return Ok((0.0, 0));
    }
    let ox = -log_moneyness(forward, strike).abs();
    // √F·√K rather than √(FK): the product can overflow or underflow.
    let (sf, sk) = (forward.sqrt(), strike.sqrt());
    let beta = time_value / (sf * sk);
    // b_max = e^{−|x|/2} = √(min(F, K)/max(F, K)), without an exp.
    let b_max = if sf < sk { sf / sk } else { sk / sf };
    if !(beta < b_max) {
        return Err(IvError::AboveMaximum);
    }
    Ok(otm_call_implied_s(beta, ox, b_max))
}

/// Normalised implied volatility s = σ√T from β = B/√(FK), x = ln(F/K), theta = ±1.
pub fn normalised_implied_vol(beta: f64, x: f64, theta: f64) -> Result<f64, IvError> {
    normalised_implied_vol_counted(beta, x, theta).0
}

/// As `normalised_implied_vol`, also returning the number of price evaluations in the
/// iteration (for the tests and benchmarks that check the iteration count).
pub fn normalised_implied_vol_counted(
    beta: f64,
    x: f64,
    theta: f64,
) -> (Result<f64, IvError>, u32) {
    let r = otm_beta_and_x(beta, x, theta);
    match r {
        Ok((otm_beta, ox)) if otm_beta > 0.0 => {
            let (s, n) = otm_call_implied_s(otm_beta, ox, (0.5 * ox).exp());
            (Ok(s), n)
        }
        Ok(_) => (Ok(0.0), 0),
        Err(e) => (Err(e), 0),
    }
}

/// Validates β and reduces it to the OTM call: (β − intrinsic, −|x|); β − intrinsic = 0 means
/// the price is exactly intrinsic (zero volatility).
fn otm_beta_and_x(beta: f64, x: f64, theta: f64) -> Result<(f64, f64), IvError> {
    if beta.is_nan() || x.is_nan() || beta < 0.0 || x.is_infinite() {
        return Err(IvError::InvalidInput);
    }
    let theta = if theta < 0.0 { -1.0 } else { 1.0 };
    let upper = (0.5 * theta * x).exp();
    if beta >= upper {
        return Err(IvError::AboveMaximum);
    }
    let intrinsic = normalised_intrinsic(x, theta);
    let otm_beta = beta - intrinsic;
    if otm_beta < 0.0 {
        return Err(IvError::BelowIntrinsic);
    }
    let ox = -x.abs();
    if otm_beta >= (0.5 * ox).exp() {
        return Err(IvError::AboveMaximum);
    }
    Ok((otm_beta, ox))
}

/// Householder order-3 correction factor: the step is ν·(1 + ½hν)/(1 + ν(h + h₃ν/6)) with
/// ν = −g/g', h = g''/g', h₃ = g'''/g'.
fn householder_factor(newton: f64, halley: f64, hh3: f64) -> f64 {
    (1.0 + 0.5 * halley * newton) / (1.0 + newton * (halley + hh3 * newton / 6.0))
}

/// s with b(x, s) = β for the OTM call, x ≤ 0, 0 < β < b_max, and the iteration count.
fn otm_call_implied_s(beta: f64, x: f64, b_max: f64) -> (f64, u32) {
    let g = initial_guess(beta, x, b_max);
    let mut s = g.s;
    let mut s_left = g.s_left;
    let mut s_right = g.s_right;
    if !(s > s_left && s < s_right && s.is_finite()) {
        s = restart_point(s, s_left, s_right);
    }
    // Only the transformed objectives need these logarithms.
    let ln_beta = if g.objective == Objective::Lower {
        beta.ln()
    } else {
        0.0
    };
    let ln_gap = if g.objective == Objective::Upper {
        (b_max - beta).ln()
    } else {
        0.0
    };
    let mut limit = MAX_ITERATIONS;
    let mut i = 0;
    while i < limit {
        i += 1;
        let (b, bp) = otm_call_with_vega_solver(x, s, b_max);
        if b > beta && s < s_right {
            s_right = s;
        } else if b < beta && s > s_left {
            s_left = s;
        }
        let ds = step(g.objective, x, s, b, bp, beta, ln_beta, ln_gap, b_max);
        let next = s + ds;
        let inside = next >= s_left && next <= s_right && next > 0.0;
        if ds.is_finite() && ds.abs() <= CONVERGED * s {
            if inside {
                s = next;
            }
            break;
        }
        if ds.is_finite() && inside {
            s = next;
        } else {
            // Non-finite or out-of-bracket step (underflow in the far tails): bisect instead.
            limit = MAX_SAFEGUARD_ITERATIONS;
            let mid = restart_point(s, s_left, s_right);
            if (mid - s).abs() <= f64::EPSILON * s {
                break;
            }
            s = mid;
        }
    }
    (s, i)
}

/// A point inside (s_left, s_right): the midpoint, or a doubling when the bracket is open.
fn restart_point(s: f64, s_left: f64, s_right: f64) -> f64 {
    if s_right.is_finite() {
        0.5 * (s_left + s_right)
    } else if s.is_finite() && s > s_left {
        // Open bracket: every price seen so far was below β, so s must grow.
        2.0 * s
    } else {
        2.0 * s_left.max(1.0)
    }
}

/// The Householder step for one objective at s, given b = b(x, s) and b' = vega.
#[allow(clippy::too_many_arguments)]
fn step(
    obj: Objective,
    x: f64,
    s: f64,
    b: f64,
    bp: f64,
    beta: f64,
    ln_beta: f64,
    ln_gap: f64,
    b_max: f64,
) -> f64 {
    let xs2 = (x / s) * (x / s);
    let b_halley = xs2 / s - 0.25 * s;
    let b_hh3 = b_halley * b_halley - 3.0 * xs2 / (s * s) - 0.25;
    match obj {
        Objective::Plain => {
            let newton = (beta - b) / bp;
            newton * householder_factor(newton, b_halley, b_hh3)
        }
        Objective::Lower => {
            if !(b > 0.0) || !(bp > 0.0) {
                return f64::NAN;
            }
            let ln_b = b.ln();
            let bpob = bp / b;
            let lambda = 1.0 / ln_b;
            let newton = (ln_beta - ln_b) * ln_b / ln_beta / bpob;
            let halley = b_halley - bpob * (1.0 + 2.0 * lambda);
            let hh3 = b_hh3 + bpob * bpob * (2.0 + 6.0 * lambda * (1.0 + lambda))
                - 3.0 * b_halley * bpob * (1.0 + 2.0 * lambda);
            newton * householder_factor(newton, halley, hh3)
        }
        Objective::Upper => {
            let gap = if b > 0.5 * b_max {
                otm_call_complement(x, s)
            } else {
                b_max - b
            };
            if !(gap > 0.0) || !(bp > 0.0) {
                return f64::NAN;
            }
            let gp = bp / gap;
            let g = ln_gap - gap.ln();
            let newton = -g / gp;
            let halley = b_halley + gp;
            let hh3 = b_hh3 + gp * (2.0 * gp + 3.0 * b_halley);
            newton * householder_factor(newton, halley, hh3)
        }
    }
}

/// Batch implied volatility: `out[i]` is the vol or NaN, `reasons[i]` 0 on success or the
/// `IvError` code. `is_call[i]` is non-zero for calls. Elements beyond the shortest input slice
/// get NaN and `InvalidInput`.
pub fn implied_vols(
    price: &[f64],
    forward: &[f64],
    strike: &[f64],
    time: &[f64],
    is_call: &[u8],
    out: &mut [f64],
    reasons: &mut [u8],
) {
    let n = price
        .len()
        .min(forward.len())
        .min(strike.len())
        .min(time.len())
        .min(is_call.len());
    for i in 0..out.len().min(reasons.len()) {
        let r = if i < n {
            implied_vol_checked(price[i], forward[i], strike[i], time[i], is_call[i] != 0)
        } else {
            Err(IvError::InvalidInput)
        };
        match r {
            Ok(v) => {
                out[i] = v;
                reasons[i] = 0;
            }
            Err(e) => {
                out[i] = f64::NAN;
                reasons[i] = e as u8;
            }
        }
    }
    // Unequal out/reasons lengths: fill whatever remains of the longer one.
    let m = out.len().min(reasons.len());
    for o in out.iter_mut().skip(m) {
        *o = f64::NAN;
    }
    for r in reasons.iter_mut().skip(m) {
        *r = IvError::InvalidInput as u8;
    }
}

//! Inverse (coin-quoted, coin-settled) options as listed by Deribit and OKX.
//! Venue docs: https://support.deribit.com/hc/en-us/articles/25944746248989-Inverse-Options
//!
//! The payoff (S_T − K)⁺/S_T coin is worth (S_T − K)⁺ USD at expiry, so with a zero coin rate the
//! coin price is c = B(F, K, σ, T)/F, i.e. B = c·F with F the venue's `underlying_price` (the
//! forward used for IV, not the index) at the same timestamp (QUANT.md §1 "Deribit
//! transformation"; Alexander & Imeraj 2021, arXiv 2107.12041).
//!
//! Re-quoting IV when F moves but the coin quote has not (QUANT.md §4): holding c fixed,
//! implicit differentiation of c(F, σ) = B/F gives dσ/dF = −Δ_pa/𝒱 with 𝒱 = Fφ(d₊)√T and
//! Δ_pa = ω(K/F)N(ωd₋); the error of the first-order update grows as (ΔF/F)².

// `!(a > b)` is deliberate throughout: it is true for NaN, which must take the same path.
#![allow(clippy::neg_cmp_op_on_partial_ord)]

use crate::black::{black76, log_moneyness, normalised_vega};
use crate::lbr::{implied_vol_checked, IvError};
use crate::normal::norm_cdf;

/// Coin price of an inverse option: Black-76 USD value divided by the forward.
pub fn coin_price(forward: f64, strike: f64, time: f64, vol: f64, is_call: bool) -> f64 {
    black76(forward, strike, time, vol, is_call) / forward
}

/// Implied volatility of a coin-quoted price (NaN when none exists).
pub fn implied_vol_inverse(
    coin_price: f64,
    forward: f64,
    strike: f64,
    time: f64,
    is_call: bool,
) -> f64 {
    implied_vol_inverse_checked(coin_price, forward, strike, time, is_call).unwrap_or(f64::NAN)
}

/// Implied volatility of a coin-quoted price with the reason when none exists
/// (a call's coin price must be below 1 coin, a put's below K/F).
pub fn implied_vol_inverse_checked(
    coin_price: f64,
    forward: f64,
    strike: f64,
    time: f64,
    is_call: bool,
) -> Result<f64, IvError> {
    if !coin_price.is_finite() || !forward.is_finite() || forward <= 0.0 {
        return Err(IvError::InvalidInput);
    }
    implied_vol_checked(coin_price * forward, forward, strike, time, is_call)
}

/// Batch version of `implied_vol_inverse_checked`, laid out like `lbr::implied_vols`.
pub fn implied_vols_inverse(
    coin_price: &[f64],
    forward: &[f64],
    strike: &[f64],
    time: &[f64],
    is_call: &[u8],
    out: &mut [f64],
    reasons: &mut [u8],
) {
    let n = coin_price
        .len()
        .min(forward.len())
        .min(strike.len())
        .min(time.len())
        .min(is_call.len());
    for i in 0..out.len().min(reasons.len()) {
        let r = if i < n {
            implied_vol_inverse_checked(
                coin_price[i],
                forward[i],
                strike[i],
                time[i],
                is_call[i] != 0,
            )
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
}

/// dσ/dF with the coin price held fixed: −Δ_pa/𝒱.
fn coin_held_slope(vol: f64, forward: f64, strike: f64, time: f64, is_call: bool) -> f64 {
    let omega = if is_call { 1.0 } else { -1.0 };
    let x = log_moneyness(forward, strike);
    let s = vol * time.sqrt();
    let d_minus = x / s - 0.5 * s;
    let delta_pa = omega * (strike / forward) * norm_cdf(omega * d_minus);
    // 𝒱 = Fφ(d₊)√T = √(FK)·(normalised vega)·√T.
    let vega = forward.sqrt() * strike.sqrt() * normalised_vega(x, s) * time.sqrt();
    -delta_pa / vega
}

/// First-order IV update when the forward moves from `forward_old` to `forward_new` while the
/// coin quote is unchanged: σ₁ = σ₀ − (Δ_pa/𝒱)(F₁ − F₀).
///
/// Returns (σ₁, error estimate). The estimate is the Euler-vs-trapezoid difference
/// ½|σ'(F₁, σ₁) − σ'(F₀, σ₀)|·|F₁ − F₀| ≈ ½|σ''|ΔF², the leading error term of the linear
/// update; when it exceeds the caller's budget, re-invert with `implied_vol_inverse` (~0.1 µs).
/// Invalid inputs or a zero vega (no information) give (NaN, +inf).
pub fn iv_update_coin_held(
    vol: f64,
    forward_old: f64,
    forward_new: f64,
    strike: f64,
    time: f64,
    is_call: bool,
) -> (f64, f64) {
    let valid = vol > 0.0
        && vol.is_finite()
        && forward_old > 0.0
        && forward_old.is_finite()
        && forward_new > 0.0
        && forward_new.is_finite()
        && strike > 0.0
        && strike.is_finite()
        && time > 0.0
        && time.is_finite();
    if !valid {
        return (f64::NAN, f64::INFINITY);
    }
    let df = forward_new - forward_old;
    let slope0 = coin_held_slope(vol, forward_old, strike, time, is_call);
    if !slope0.is_finite() {
        return (f64::NAN, f64::INFINITY);
    }
    let vol1 = vol + slope0 * df;
    if !(vol1 > 0.0) {
        // The linear update crossed zero: far outside its range of validity.
        return (vol1.max(0.0), f64::INFINITY);
    }
    let slope1 = coin_held_slope(vol1, forward_new, strike, time, is_call);
    let err = if slope1.is_finite() {
        0.5 * (slope1 - slope0).abs() * df.abs()
    } else {
        f64::INFINITY
    };
    (vol1, err)
}

//! Greeks of undiscounted Black-76 on the forward F (QUANT.md §3; EXCHANGES.md §0.1).
//!
//! With ω = ±1, s = σ√T, d± = ln(F/K)/s ± s/2:
//! - forward delta Δ_f = ωN(ωd₊); premium-adjusted forward delta Δ_pa = ω(K/F)N(ωd₋)
//!   (Reiswich & Wystup 2010; for inverse options Δ_pa = Δ_f − c, c the coin price);
//! - gamma Γ = φ(d₊)/(F s) per unit of F;
//! - vega ∂B/∂σ = F φ(d₊)√T, reported per vol point (σ + 0.01) as Deribit does;
//! - theta −∂B/∂T·(1/365) = −F φ(d₊) σ/(2√T)/365, reported per calendar day as Deribit does.
//!
//! F φ(d₊) is evaluated as √(FK)·exp(−(h² + t²)/2)/√(2π) (the normalised vega), which is
//! symmetric in F and K and does not lose precision in the wings.

use crate::black::{log_moneyness, normalised_vega};
use crate::normal::norm_cdf;

/// Days per year in the time convention (Deribit: T = ms to expiry / (365 × 86 400 000)).
pub const DAYS_PER_YEAR: f64 = 365.0;

/// Black-76 greeks in venue conventions; see the module docs for units.
/// `#[repr(C)]` so batch results can cross the C ABI as five consecutive f64 per option.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Greeks {
    /// Forward delta ∂B/∂F = ωN(ωd₊).
    pub delta: f64,
    /// Premium-adjusted forward delta ω(K/F)N(ωd₋).
    pub delta_pa: f64,
    /// ∂²B/∂F², per unit of F (per USD for a USD price).
    pub gamma: f64,
    /// ∂B/∂σ × 0.01: price change for +1 vol point.
    pub vega: f64,
    /// −∂B/∂T / 365: price change for one calendar day passing.
    pub theta: f64,
}

impl Greeks {
    /// Theta per year (−∂B/∂T), from the per-day figure.
    pub fn theta_per_year(&self) -> f64 {
        self.theta * DAYS_PER_YEAR
    }

    /// Vega per unit of volatility (∂B/∂σ), from the per-vol-point figure.
    pub fn vega_per_unit(&self) -> f64 {
        self.vega * 100.0
    }

    const NAN: Greeks = Greeks {
        delta: f64::NAN,
        delta_pa: f64::NAN,
        gamma: f64::NAN,
        vega: f64::NAN,
        theta: f64::NAN,
    };
}

/// Greeks of the USD (price-currency) Black-76 value. Time ≤ 0 or vol = 0 gives the expiry
/// limits (delta 1/0 by moneyness, at the money ½, other greeks 0); invalid inputs give NaN.
pub fn greeks(forward: f64, strike: f64, time: f64, vol: f64, is_call: bool) -> Greeks {
    let valid = forward > 0.0
        && strike > 0.0
        && forward.is_finite()
        && strike.is_finite()
        && vol >= 0.0
        && vol.is_finite()
        && !time.is_nan();
    if !valid {
        return Greeks::NAN;
    }
    let omega = if is_call { 1.0 } else { -1.0 };
    let x = log_moneyness(forward, strike);
    let s = if time > 0.0 { vol * time.sqrt() } else { 0.0 };
    if s == 0.0 || time.is_infinite() {
        return expiry_limit(forward, strike, x, omega, time.is_infinite());
    }
    let d_plus = x / s + 0.5 * s;
    let d_minus = x / s - 0.5 * s;
    let sqrt_fk = forward.sqrt() * strike.sqrt();
    // F φ(d₊) = K φ(d₋) = √(FK) · normalised vega.
    let f_phi = sqrt_fk * normalised_vega(x, s);
    Greeks {
        delta: omega * norm_cdf(omega * d_plus),
        delta_pa: omega * (strike / forward) * norm_cdf(omega * d_minus),
        gamma: f_phi / (forward * forward * s),
        vega: 0.01 * f_phi * time.sqrt(),
        theta: -f_phi * vol / (2.0 * time.sqrt()) / DAYS_PER_YEAR,
    }
}

/// Zero time value (expired, zero vol) or infinite time.
fn expiry_limit(forward: f64, strike: f64, x: f64, omega: f64, infinite: bool) -> Greeks {
    let (delta, delta_pa) = if infinite {
        // s → ∞: N(ωd₊) → (1+ω)/2, N(ωd₋) → (1−ω)/2.
        (
            if omega > 0.0 { 1.0 } else { 0.0 },
            if omega > 0.0 { 0.0 } else { -strike / forward },
        )
    } else {
        let itm = if omega * x > 0.0 {
            1.0
        } else if x == 0.0 {
            0.5
        } else {
            0.0
        };
        (omega * itm, omega * (strike / forward) * itm)
    };
    Greeks {
        delta,
        delta_pa,
        gamma: 0.0,
        vega: 0.0,
        theta: 0.0,
    }
}

/// Greeks of the coin value c = B/F of an inverse (coin-settled) option, per coin of notional:
/// delta = Δ_f (unchanged), delta_pa = F·∂c/∂F = Δ_f − c = ω(K/F)N(ωd₋), gamma = ∂Δ_pa/∂F =
/// Γ − Δ_pa/F (per USD), vega and theta in coin (the USD values divided by F).
pub fn greeks_coin(forward: f64, strike: f64, time: f64, vol: f64, is_call: bool) -> Greeks {
    let g = greeks(forward, strike, time, vol, is_call);
    // ∂Δ_pa/∂F = −Δ_pa/F + (K/F)φ(d₋)/(F s) = Γ − Δ_pa/F, using Kφ(d₋) = Fφ(d₊).
    Greeks {
        delta: g.delta,
        delta_pa: g.delta_pa,
        gamma: g.gamma - g.delta_pa / forward,
        vega: g.vega / forward,
        theta: g.theta / forward,
    }
}

/// Batch greeks over equal-length slices (`is_call[i]` non-zero for calls; `coin` selects
/// `greeks_coin`). Elements of `out` beyond the shortest input get NaN greeks.
pub fn greeks_batch(
    forward: &[f64],
    strike: &[f64],
    time: &[f64],
    vol: &[f64],
    is_call: &[u8],
    coin: bool,
    out: &mut [Greeks],
) {
    let n = forward
        .len()
        .min(strike.len())
        .min(time.len())
        .min(vol.len())
        .min(is_call.len());
    for (i, o) in out.iter_mut().enumerate() {
        *o = if i < n {
            let f = if coin { greeks_coin } else { greeks };
            f(forward[i], strike[i], time[i], vol[i], is_call[i] != 0)
        } else {
            Greeks::NAN
        };
    }
}

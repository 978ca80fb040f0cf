//! Smile metrics on a fitted slice: ATM vol, strikes and vols at a delta, risk reversals,
//! butterflies and ATM skew. Fixed tenors, forward vols and the risk-node grid are in `tenors`.
//!
//! Conventions (docs QUANT.md §3; Reiswich & Wystup, "FX Volatility Smile Construction", 2010):
//!   k = ln(K/F), w = σ²T, d₁ = (−k + w/2)/√w, d₂ = d₁ − √w, ω = +1 call / −1 put
//!   forward delta                  Δ_f  = ωN(ωd₁)
//!   premium-adjusted forward delta Δ_pa = ω·e^k·N(ωd₂)  (= Δ_f − premium/F: coin-quoted venues)
//!   RR_Δ = σ(ΔC) − σ(ΔP),  BF_Δ = (σ(ΔC) + σ(ΔP))/2 − σ_ATM  (the FX "smile strangle")
//! All vols are decimals (0.55 = 55%); deltas are signed (+0.25 call, −0.25 put).

use crate::essvi::EssviSlice;
use crate::normal::norm_cdf;
use crate::svi::SviRaw;

/// A smile in total variance as a function of log-moneyness.
pub trait Smile {
    fn total_variance(&self, k: f64) -> f64;

    /// dw/dk; the default is a central difference (h = 1e-5), exact forms override it.
    fn dw_dk(&self, k: f64) -> f64 {
        let h = 1e-5;
        (self.total_variance(k + h) - self.total_variance(k - h)) / (2.0 * h)
    }
}

impl Smile for SviRaw {
    fn total_variance(&self, k: f64) -> f64 {
        SviRaw::total_variance(self, k)
    }
    fn dw_dk(&self, k: f64) -> f64 {
        self.w1(k)
    }
}

impl Smile for EssviSlice {
    fn total_variance(&self, k: f64) -> f64 {
        EssviSlice::total_variance(self, k)
    }
}

/// Which delta a delta-quoted point refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeltaConvention {
    /// Δ_f = ωN(ωd₁): USD-margined (linear) venues.
    Forward,
    /// Δ_pa = ω·e^k·N(ωd₂): coin-margined (inverse) venues such as Deribit.
    PremiumAdjusted,
}

/// ATM vol, defined as forward ATM (ATMF): K = F, k = 0, so σ_ATM = √(w(0)/T). Not the
/// delta-neutral straddle, which sits at k = ±w/2 (QUANT.md §3: ~1.2% of F for 30 d at 55%).
pub fn atm_vol<S: Smile>(smile: &S, time: f64) -> f64 {
    (smile.total_variance(0.0) / time).sqrt()
}

/// ATM skew dσ/dk at k = 0: w′(0)/(2√(w(0)·T)).
pub fn atm_skew<S: Smile>(smile: &S, time: f64) -> f64 {
    smile.dw_dk(0.0) / (2.0 * (smile.total_variance(0.0) * time).sqrt())
}

/// Signed delta of a call (`is_call`) or put at log-moneyness k under `conv`.
pub fn delta_at_k<S: Smile>(smile: &S, k: f64, is_call: bool, conv: DeltaConvention) -> f64 {
    let w = smile.total_variance(k);
    if !(w > 0.0) {
        return f64::NAN;
    }
    let sw = w.sqrt();
    let d1 = (-k + 0.5 * w) / sw;
    let omega = if is_call { 1.0 } else { -1.0 };
    match conv {
        DeltaConvention::Forward => omega * norm_cdf(omega * d1),
        DeltaConvention::PremiumAdjusted => omega * k.exp() * norm_cdf(omega * (d1 - sw)),
    }
}

/// Log-moneyness of the option with signed `delta` (> 0 call, < 0 put; |Δ| < 1), or None if
/// the smile never reaches it. Scans from the deep-OTM end toward ATM and takes the first
/// crossing, i.e. the OTM root: for the non-monotone PA call delta, the root right of its
/// maximum (QUANT.md §3). Delta depends on the smile only through w, so no time is needed.
pub fn k_for_delta<S: Smile>(smile: &S, delta: f64, conv: DeltaConvention) -> Option<f64> {
    if !(delta.is_finite() && delta != 0.0 && delta.abs() < 1.0) {
        return None;
    }
    let is_call = delta > 0.0;
    let w0 = smile.total_variance(0.0);
    if !(w0 > 0.0) {
        return None;
    }
    // ±10 ATM standard deviations (at least ±1, at most ±10 in k) reaches |Δ| < 1e-20.
    let reach = (10.0 * w0.sqrt()).max(1.0).min(10.0);
    let n = 400;
    let f = |k: f64| delta_at_k(smile, k, is_call, conv) - delta;
    let at = |i: usize| {
        let x = reach * (1.0 - 2.0 * i as f64 / n as f64);
        if is_call {
            x
        } else {
            -x
        }
    };
    let mut prev_k = at(0);
    let mut prev_f = f(prev_k);
    for i in 1..=n {
        let k = at(i);
        let fk = f(k);
        if prev_f.is_finite() && fk.is_finite() && (prev_f < 0.0) != (fk < 0.0) {
            return Some(bisect(&f, prev_k, prev_f, k));
        }
        prev_k = k;
        prev_f = fk;
    }
    None
}

fn bisect<F: Fn(f64) -> f64>(f: &F, mut a: f64, fa: f64, mut b: f64) -> f64 {
    let neg_a = fa < 0.0;
    for _ in 0..100 {
        let mid = 0.5 * (a + b);
        if mid == a || mid == b {
            break;
        }
        if (f(mid) < 0.0) == neg_a {
            a = mid;
        } else {
            b = mid;
        }
    }
    0.5 * (a + b)
}

/// Strike K = F·e^k of the option with signed `delta`.
pub fn strike_for_delta<S: Smile>(
    smile: &S,
    forward: f64,
    delta: f64,
    conv: DeltaConvention,
) -> Option<f64> {
    k_for_delta(smile, delta, conv).map(|k| forward * k.exp())
}

/// Implied vol at signed `delta` (0.0 means ATMF).
pub fn vol_at_delta<S: Smile>(smile: &S, time: f64, delta: f64, conv: DeltaConvention) -> f64 {
    if delta == 0.0 {
        return atm_vol(smile, time);
    }
    match k_for_delta(smile, delta, conv) {
        Some(k) => (smile.total_variance(k) / time).sqrt(),
        None => f64::NAN,
    }
}

/// Standard metrics of one smile; NaN where a delta is not attained.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SmileMetrics {
    pub atm_vol: f64,
    /// dσ/dk at k = 0.
    pub skew: f64,
    pub vol_25c: f64,
    pub vol_25p: f64,
    pub vol_10c: f64,
    pub vol_10p: f64,
    pub rr25: f64,
    pub bf25: f64,
    pub rr10: f64,
    pub bf10: f64,
}

/// ATM vol, skew, 25Δ and 10Δ vols, risk reversals and butterflies of `smile` at `time`.
pub fn smile_metrics<S: Smile>(smile: &S, time: f64, conv: DeltaConvention) -> SmileMetrics {
    let atm = atm_vol(smile, time);
    let v = |d: f64| vol_at_delta(smile, time, d, conv);
    let (c25, p25, c10, p10) = (v(0.25), v(-0.25), v(0.10), v(-0.10));
    SmileMetrics {
        atm_vol: atm,
        skew: atm_skew(smile, time),
        vol_25c: c25,
        vol_25p: p25,
        vol_10c: c10,
        vol_10p: p10,
        rr25: c25 - p25,
        bf25: 0.5 * (c25 + p25) - atm,
        rr10: c10 - p10,
        bf10: 0.5 * (c10 + p10) - atm,
    }
}

//! Fixed-tenor smiles, forward vols and the delta × tenor risk-node grid.
//!
//! Interpolation (docs QUANT.md §3; Cboe VIX white paper): at fixed k, total variance is linear
//! in time between the two expiries that bracket the tenor τ,
//!   w_τ(k) = w₁(k)·(T₂−τ)/(T₂−T₁) + w₂(k)·(τ−T₁)/(T₂−T₁),
//! which is exact at the pillars and calendar-safe when the slices are. Outside the expiries the
//! vol is held flat at fixed k: w_τ(k) = w₁(k)·τ/T₁ before the first, w_n(k)·τ/T_n after the last.
//! Forward vol between consecutive expiries: σ_fwd(k) = √((w₂(k) − w₁(k))/(T₂ − T₁)).
//! Times are year fractions; tenors in days convert with ACT/365 (as Deribit's T).

use crate::metrics::{smile_metrics, vol_at_delta, DeltaConvention, Smile, SmileMetrics};

/// The standard tenors, in days.
pub const FIXED_TENOR_DAYS: [f64; 8] = [1.0, 7.0, 14.0, 30.0, 60.0, 90.0, 180.0, 365.0];

/// Risk-node deltas: 10Δ put, 25Δ put, ATMF (0.0), 25Δ call, 10Δ call.
pub const RISK_NODE_DELTAS: [f64; 5] = [-0.10, -0.25, 0.0, 0.25, 0.10];

/// Days to year fraction (ACT/365).
pub fn days_to_years(days: f64) -> f64 {
    days / 365.0
}

/// The interpolated smile at tenor `tau` (years) of `slices` = (expiry in years, smile), which
/// must be sorted by strictly increasing positive expiry (see [`TenorSmile::new`]).
#[derive(Clone, Copy, Debug)]
pub struct TenorSmile<'a, S: Smile> {
    slices: &'a [(f64, S)],
    tau: f64,
}

impl<'a, S: Smile> TenorSmile<'a, S> {
    /// None when `slices` is empty, not strictly increasing in time, has a time ≤ 0 or non-finite,
    /// or `tau` is not finite and > 0.
    pub fn new(slices: &'a [(f64, S)], tau: f64) -> Option<TenorSmile<'a, S>> {
        let sorted = slices.windows(2).all(|p| p[1].0 > p[0].0);
        let valid = slices.iter().all(|s| s.0.is_finite() && s.0 > 0.0);
        if slices.is_empty() || !sorted || !valid || !(tau.is_finite() && tau > 0.0) {
            return None;
        }
        Some(TenorSmile { slices, tau })
    }

    /// The tenor in years.
    pub fn tau(&self) -> f64 {
        self.tau
    }
}

impl<'a, S: Smile> Smile for TenorSmile<'a, S> {
    fn total_variance(&self, k: f64) -> f64 {
        let s = self.slices;
        let tau = self.tau;
        let first = &s[0];
        let last = &s[s.len() - 1];
        if tau <= first.0 {
            return first.1.total_variance(k) * tau / first.0;
        }
        if tau >= last.0 {
            return last.1.total_variance(k) * tau / last.0;
        }
        // First expiry at or after τ; τ is strictly inside (first.0, last.0] here.
        let j = s.iter().position(|x| x.0 >= tau).unwrap_or(s.len() - 1);
        let (t1, t2) = (s[j - 1].0, s[j].0);
        let x = (tau - t1) / (t2 - t1);
        (1.0 - x) * s[j - 1].1.total_variance(k) + x * s[j].1.total_variance(k)
    }
}

/// Total variance at tenor `tau` (years) and log-moneyness k; None on invalid input.
pub fn tenor_total_variance<S: Smile>(slices: &[(f64, S)], tau: f64, k: f64) -> Option<f64> {
    TenorSmile::new(slices, tau).map(|t| t.total_variance(k))
}

/// Implied vol at tenor `tau` (years) and log-moneyness k; None on invalid input.
pub fn tenor_vol<S: Smile>(slices: &[(f64, S)], tau: f64, k: f64) -> Option<f64> {
    tenor_total_variance(slices, tau, k).map(|w| (w / tau).sqrt())
}

/// Smile metrics (ATM, skew, RR/BF) at tenor `tau` in years; None on invalid input.
pub fn tenor_metrics<S: Smile>(
    slices: &[(f64, S)],
    tau: f64,
    conv: DeltaConvention,
) -> Option<SmileMetrics> {
    TenorSmile::new(slices, tau).map(|t| smile_metrics(&t, tau, conv))
}

/// Forward vols at log-moneyness k between consecutive expiries (n − 1 values, in order);
/// NaN where total variance decreases (a calendar arbitrage) or the input is unsorted.
pub fn forward_vols<S: Smile>(slices: &[(f64, S)], k: f64) -> Vec<f64> {
    slices
        .windows(2)
        .map(|p| {
            let dt = p[1].0 - p[0].0;
            let dw = p[1].1.total_variance(k) - p[0].1.total_variance(k);
            if dt > 0.0 && dw >= 0.0 {
                (dw / dt).sqrt()
            } else {
                f64::NAN
            }
        })
        .collect()
}

/// Vols on the grid `tenors` (years) × `deltas` (signed; 0.0 = ATMF), row-major by tenor:
/// out[i·deltas.len() + j] = σ(tenorᵢ, deltaⱼ). NaN where a delta is not attained; all NaN if
/// the slices are invalid (see [`TenorSmile::new`]).
pub fn risk_node_grid<S: Smile>(
    slices: &[(f64, S)],
    tenors: &[f64],
    deltas: &[f64],
    conv: DeltaConvention,
) -> Vec<f64> {
    let mut out = Vec::with_capacity(tenors.len() * deltas.len());
    for &tau in tenors {
        let smile = TenorSmile::new(slices, tau);
        for &d in deltas {
            out.push(match smile {
                Some(ref t) => vol_at_delta(t, tau, d, conv),
                None => f64::NAN,
            });
        }
    }
    out
}

/// [`risk_node_grid`] on [`FIXED_TENOR_DAYS`] × [`RISK_NODE_DELTAS`] (8 × 5 values).
pub fn standard_risk_nodes<S: Smile>(slices: &[(f64, S)], conv: DeltaConvention) -> Vec<f64> {
    let tenors: Vec<f64> = FIXED_TENOR_DAYS.iter().map(|&d| days_to_years(d)).collect();
    risk_node_grid(slices, &tenors, &RISK_NODE_DELTAS, conv)
}

//! Global eSSVI surface fit with Mingone's box-constrained parametrisation (Mingone, "No
//! arbitrage global parametrization for the eSSVI volatility surface", Quant. Finance 22(12),
//! 2022; docs QUANT.md §2). Per slice i, with free parameters ρᵢ ∈ (−1, 1), aᵢ ≥ 0, cᵢ ∈ [0, 1]:
//!   pᵢ = max((1+ρᵢ₋₁)/(1+ρᵢ), (1−ρᵢ₋₁)/(1−ρᵢ)),   θᵢ = pᵢθᵢ₋₁ + aᵢ
//!   Aᵢ = pᵢψᵢ₋₁,  Cᵢ = min(4/(1+|ρᵢ|), √(4θᵢ/(1+|ρᵢ|))),  ψᵢ = Aᵢ + cᵢ(Cᵢ − Aᵢ)
//! (θ₀ = ψ₀ = 0). Every point of the box with Cᵢ ≥ Aᵢ satisfies the Hendriks–Martini butterfly
//! and calendar conditions, so the fit is arbitrage-free by construction; points with Cᵢ < Aᵢ
//! are rejected (objective +∞) and never accepted by the search.
//!
//! Search: slices are first fitted one after another (3-D Nelder–Mead on each slice's own
//! quotes, the previous slices fixed), then `sweeps` rounds of block-coordinate Nelder–Mead
//! re-fit each slice's three parameters against the error of that slice and all later ones
//! (which it constrains). Errors are measured in implied vol, Δw/(2√(wT)), so short and long
//! expiries weigh alike.

use crate::essvi::EssviSlice;
use crate::nelder_mead::{minimize, NmOptions};
use crate::svi_fit::{prepare_slice, FitError, Slice};

/// Quotes of one expiry: log-moneyness k = ln(K/F), total variance w = σ²T, optional weights.
#[derive(Clone, Copy, Debug)]
pub struct EssviQuotes<'a> {
    pub time: f64,
    pub k: &'a [f64],
    pub w: &'a [f64],
    pub weights: Option<&'a [f64]>,
}

/// Search settings.
#[derive(Clone, Copy, Debug)]
pub struct EssviFitOptions {
    /// Objective evaluations per slice per Nelder–Mead run.
    pub max_evals_per_slice: u32,
    /// Block-coordinate rounds after the sequential pass.
    pub sweeps: u32,
}

impl Default for EssviFitOptions {
    fn default() -> Self {
        EssviFitOptions {
            max_evals_per_slice: 300,
            sweeps: 2,
        }
    }
}

/// A fitted surface.
#[derive(Clone, Debug, PartialEq)]
pub struct EssviFit {
    /// One slice per input expiry, in input (time) order.
    pub slices: Vec<EssviSlice>,
    /// RMSE in vol points (1.0 = 0.01 vol) over all quotes, and per slice.
    pub rmse_vol: f64,
    pub rmse_vol_per_slice: Vec<f64>,
    /// Nelder–Mead iterations over all runs.
    pub iterations: u32,
    /// The Hendriks–Martini conditions hold for every slice and pair (true by construction).
    pub arbitrage_free: bool,
}

/// Why a surface could not be fitted.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum EssviFitError {
    NoSlices,
    /// Times are not strictly increasing (or not finite and > 0) at this index.
    Unsorted {
        index: usize,
    },
    /// The quotes of this slice are unusable.
    Slice {
        index: usize,
        error: FitError,
    },
}

impl std::fmt::Display for EssviFitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EssviFitError::NoSlices => write!(f, "Expected at least one slice, was none"),
            EssviFitError::Unsorted { index } => {
                write!(
                    f,
                    "Expected increasing times > 0, was not at index {}",
                    index
                )
            }
            EssviFitError::Slice { index, error } => write!(f, "slice {}: {}", index, error),
        }
    }
}

impl std::error::Error for EssviFitError {}

/// Decodes Mingone's box parameters x = [ρ₁, a₁, c₁, ρ₂, …] into slices; None if some Cᵢ < Aᵢ
/// or a parameter is outside its box.
pub fn decode(x: &[f64]) -> Option<Vec<EssviSlice>> {
    let mut out: Vec<EssviSlice> = Vec::with_capacity(x.len() / 3);
    for chunk in x.chunks(3) {
        if chunk.len() < 3 {
            return None;
        }
        let (rho, a, c) = (chunk[0], chunk[1], chunk[2]);
        if !(rho.abs() < 1.0 && a >= 0.0 && (0.0..=1.0).contains(&c)) {
            return None;
        }
        let (theta, lower) = match out.last() {
            None => (a, 0.0),
            Some(prev) => {
                let p = ((1.0 + prev.rho) / (1.0 + rho)).max((1.0 - prev.rho) / (1.0 - rho));
                (p * prev.theta + a, p * prev.psi)
            }
        };
        let upper = EssviSlice::max_psi(theta, rho);
        if !(theta > 0.0) || upper < lower {
            return None;
        }
        out.push(EssviSlice {
            theta,
            rho,
            psi: lower + c * (upper - lower),
        });
    }
    Some(out)
}

/// Squared vol error of one slice against its quotes (weights normalised to mean 1).
fn slice_error(e: &EssviSlice, s: &Slice, time: f64) -> f64 {
    let mut sum = 0.0;
    for i in 0..s.k.len() {
        let scale = 2.0 * (s.w[i].max(1e-12) * time).sqrt();
        let d = (e.total_variance(s.k[i]) - s.w[i]) / scale;
        sum += s.wt[i] * d * d;
    }
    sum
}

/// Fits an arbitrage-free eSSVI surface to `quotes` sorted by strictly increasing time.
pub fn fit_essvi(
    quotes: &[EssviQuotes],
    opts: &EssviFitOptions,
) -> Result<EssviFit, EssviFitError> {
    if quotes.is_empty() {
        return Err(EssviFitError::NoSlices);
    }
    let mut data: Vec<(f64, Slice)> = Vec::with_capacity(quotes.len());
    for (index, q) in quotes.iter().enumerate() {
        let prev = if index == 0 {
            0.0
        } else {
            quotes[index - 1].time
        };
        if !(q.time.is_finite() && q.time > prev) {
            return Err(EssviFitError::Unsorted { index });
        }
        let s = prepare_slice(q.k, q.w, q.weights, q.time, 3)
            .map_err(|error| EssviFitError::Slice { index, error })?;
        data.push((q.time, s));
    }
    let total = |x: &[f64], from: usize| -> f64 {
        match decode(x) {
            Some(sl) => (from..sl.len())
                .map(|i| slice_error(&sl[i], &data[i].1, data[i].0))
                .sum(),
            None => f64::INFINITY,
        }
    };
    let nm = NmOptions {
        max_evals: opts.max_evals_per_slice.max(30),
        x_tol: 1e-4,
        f_tol_rel: 1e-9,
        f_tol_abs: 1e-18,
    };
    let mut x: Vec<f64> = Vec::with_capacity(3 * data.len());
    let mut iterations = 0;
    // Sequential pass: slice i alone, earlier slices fixed.
    for i in 0..data.len() {
        let start = initial_guess(&x, &data[i].1);
        let mut trial = x.clone();
        trial.extend_from_slice(&start);
        let (lo, hi, step) = block_box(&data[i].1);
        let r = minimize(
            |b: &[f64]| {
                trial[3 * i..].copy_from_slice(b);
                match decode(&trial) {
                    Some(sl) => slice_error(&sl[i], &data[i].1, data[i].0),
                    None => f64::INFINITY,
                }
            },
            &start,
            &step,
            &lo,
            &hi,
            &nm,
        );
        iterations += r.iterations;
        let chosen = if r.fx.is_finite() {
            r.x
        } else {
            start.to_vec()
        };
        x.extend_from_slice(&chosen);
    }
    // Block-coordinate sweeps on the global objective (slice i affects slices ≥ i).
    for _ in 0..opts.sweeps {
        for i in 0..data.len() {
            let (lo, hi, step) = block_box(&data[i].1);
            let base = x.clone();
            let mut trial = x.clone();
            let r = minimize(
                |b: &[f64]| {
                    trial[3 * i..3 * i + 3].copy_from_slice(b);
                    total(&trial, i)
                },
                &base[3 * i..3 * i + 3],
                &step,
                &lo,
                &hi,
                &nm,
            );
            iterations += r.iterations;
            if r.fx < total(&x, i) {
                x[3 * i..3 * i + 3].copy_from_slice(&r.x);
            }
        }
    }
    let slices = decode(&x).unwrap_or_default();
    Ok(summarise(slices, &data, iterations))
}

fn summarise(slices: Vec<EssviSlice>, data: &[(f64, Slice)], iterations: u32) -> EssviFit {
    let mut per = Vec::with_capacity(data.len());
    let (mut sum, mut n) = (0.0, 0usize);
    for (e, (time, s)) in slices.iter().zip(data.iter()) {
        let mut se = 0.0;
        for i in 0..s.k.len() {
            let d = e.implied_vol(s.k[i], *time) - (s.w[i] / time).sqrt();
            se += d * d;
        }
        per.push(100.0 * (se / s.k.len() as f64).sqrt());
        sum += se;
        n += s.k.len();
    }
    let arbitrage_free =
        slices.len() == data.len() && crate::essvi::is_surface_arbitrage_free(&slices);
    EssviFit {
        rmse_vol: 100.0 * (sum / n.max(1) as f64).sqrt(),
        rmse_vol_per_slice: per,
        slices,
        iterations,
        arbitrage_free,
    }
}

/// Start for slice i: ρ as the previous slice (so pᵢ = 1 and the start is feasible), θ at the
/// ATM total variance read off the quotes, ψ halfway in its admissible interval.
fn initial_guess(prev_x: &[f64], s: &Slice) -> [f64; 3] {
    let theta_atm = atm_total_variance(s);
    match decode(prev_x).and_then(|sl| sl.last().copied()) {
        None => [-0.2, theta_atm, 0.5],
        Some(p) => [p.rho, (theta_atm - p.theta).max(0.02 * theta_atm), 0.5],
    }
}

/// Total variance at k = 0 by linear interpolation between the two quotes around it (nearest
/// quote outside the range).
fn atm_total_variance(s: &Slice) -> f64 {
    let (mut below, mut above): (Option<(f64, f64)>, Option<(f64, f64)>) = (None, None);
    for i in 0..s.k.len() {
        let (k, w) = (s.k[i], s.w[i]);
        if k <= 0.0 && below.map_or(true, |b| k > b.0) {
            below = Some((k, w));
        }
        if k >= 0.0 && above.map_or(true, |a| k < a.0) {
            above = Some((k, w));
        }
    }
    let w = match (below, above) {
        (Some(b), Some(a)) if a.0 > b.0 => b.1 + (a.1 - b.1) * (0.0 - b.0) / (a.0 - b.0),
        (Some(b), _) => b.1,
        (_, Some(a)) => a.1,
        _ => s.w_max,
    };
    w.max(1e-10)
}

/// Box and initial steps of one slice's (ρ, a, c).
fn block_box(s: &Slice) -> ([f64; 3], [f64; 3], [f64; 3]) {
    let a_max = 2.0 * s.w_max.max(1e-8);
    (
        [-0.999, 0.0, 0.0],
        [0.999, a_max, 1.0],
        [0.1, 0.1 * a_max, 0.2],
    )
}

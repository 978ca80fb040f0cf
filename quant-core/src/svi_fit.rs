//! Quasi-explicit SVI slice calibration (De Marco & Martini, Zeliade ZWP-0005, 2009; docs
//! QUANT.md §2) with a butterfly guarantee (Gatheral & Jacquier 2014, Lemma 2.2 and §5.1).
//!
//! Outer: a box-bounded 2-D Nelder–Mead over (m, σ), started from the best points of a coarse
//! grid scan and from an optional warm start. Inner: the exact constrained linear least squares
//! over (a, c, d) in `svi_fit_inner`. The bounds are what keep sparse or short-dated slices from
//! degenerating: m stays within the data's k range widened by half its width, σ within
//! [max(1e-3·range, 0.1·√min w), max(2·range, 0.5)], a within [−max w, max w] with the minimum
//! variance ≥ 0, and both wing slopes within Lee's bound 2. If the best slice still has g < 0
//! on the grid it is repaired (`svi_fit_repair`).

use crate::nelder_mead::{minimize, NmOptions};
use crate::svi::{SviRaw, DEFAULT_GRID_POINTS, DEFAULT_K_HI, DEFAULT_K_LO, MAX_WING_SLOPE};
use crate::svi_fit_inner::{moments, solve_box, InnerSolution, Moments};
use crate::svi_fit_repair::repair_butterfly;

/// Calibration settings; `Default` is what the pipeline uses.
#[derive(Clone, Copy, Debug)]
pub struct SviFitOptions {
    /// Previous fit of the same expiry, tried as an extra start (None: cold start only).
    pub warm_start: Option<SviRaw>,
    /// Nelder–Mead runs (≥ 1): from the warm start if given, then from the best distinct points
    /// of a coarse (m, σ) scan (with starts = 1 and a warm start, both run).
    pub starts: u32,
    /// Objective evaluations per Nelder–Mead run.
    pub max_evals: u32,
    /// Fewest usable (finite, positive-weight) quotes accepted.
    pub min_points: usize,
    /// Bound S on the wing slopes b(1±ρ) (Lee: 2; Zeliade's paper uses 4).
    pub max_wing_slope: f64,
    /// Points of the dense g-grid (the range is ±3 widened to cover the data).
    pub grid_points: usize,
    /// Keep Zeliade's a ≥ 0 (true) instead of only a + bσ√(1−ρ²) ≥ 0 (false, default).
    pub nonnegative_a: bool,
}

impl Default for SviFitOptions {
    fn default() -> Self {
        SviFitOptions {
            warm_start: None,
            starts: 2,
            max_evals: 160,
            min_points: 5,
            max_wing_slope: MAX_WING_SLOPE,
            grid_points: DEFAULT_GRID_POINTS,
            nonnegative_a: false,
        }
    }
}

/// A calibrated slice and its diagnostics.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SviFit {
    pub params: SviRaw,
    /// Root mean square error in total variance over the usable quotes (unweighted).
    pub rmse: f64,
    /// Root mean square error in implied vol, in vol points (1.0 = 0.01 vol).
    pub rmse_vol: f64,
    /// Minimum of g on the dense grid (≥ 0 for every returned fit).
    pub min_g: f64,
    /// Nelder–Mead iterations over all starts (and the repair, if any).
    pub iterations: u32,
    /// g ≥ 0 on the grid and the screens pass (always true for a returned fit).
    pub butterfly_free: bool,
    /// The unconstrained-in-g optimum had g < 0 and was repaired.
    pub repaired: bool,
}

/// Why a slice could not be fitted. No input makes the fitter panic or loop.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FitError {
    /// `k`, `w` (and `weights`) have different lengths.
    LengthMismatch { k: usize, w: usize, weights: usize },
    /// NaN/∞ in k, w or a weight, a negative w or a negative weight, at this index.
    InvalidInput { index: usize },
    /// time is not finite or ≤ 0.
    InvalidTime,
    /// Fewer usable quotes (positive weight) than required.
    TooFewPoints { usable: usize, required: usize },
    /// All usable quotes share one log-moneyness.
    DegenerateStrikes,
}

impl std::fmt::Display for FitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FitError::LengthMismatch { k, w, weights } => {
                write!(
                    f,
                    "Expected equal lengths, was k={} w={} weights={}",
                    k, w, weights
                )
            }
            FitError::InvalidInput { index } => {
                write!(
                    f,
                    "Expected finite k, w ≥ 0 and weight ≥ 0, was invalid at index {}",
                    index
                )
            }
            FitError::InvalidTime => write!(f, "Expected a finite time > 0"),
            FitError::TooFewPoints { usable, required } => {
                write!(
                    f,
                    "Expected at least {} usable quotes, was {}",
                    required, usable
                )
            }
            FitError::DegenerateStrikes => write!(f, "Expected distinct strikes, all were equal"),
        }
    }
}

impl std::error::Error for FitError {}

/// Usable quotes with weights normalised to mean 1, and the search box.
pub(crate) struct Slice {
    pub k: Vec<f64>,
    pub w: Vec<f64>,
    pub wt: Vec<f64>,
    pub k_min: f64,
    pub k_max: f64,
    pub w_max: f64,
}

pub(crate) fn prepare_slice(
    k: &[f64],
    w: &[f64],
    weights: Option<&[f64]>,
    time: f64,
    min_points: usize,
) -> Result<Slice, FitError> {
    let nw = weights.map_or(k.len(), |x| x.len());
    if k.len() != w.len() || nw != k.len() {
        return Err(FitError::LengthMismatch {
            k: k.len(),
            w: w.len(),
            weights: nw,
        });
    }
    if !(time.is_finite() && time > 0.0) {
        return Err(FitError::InvalidTime);
    }
    let mut s = Slice {
        k: Vec::with_capacity(k.len()),
        w: Vec::with_capacity(k.len()),
        wt: Vec::with_capacity(k.len()),
        k_min: f64::INFINITY,
        k_max: f64::NEG_INFINITY,
        w_max: 0.0,
    };
    for i in 0..k.len() {
        let wt = weights.map_or(1.0, |x| x[i]);
        if !(k[i].is_finite() && w[i].is_finite() && w[i] >= 0.0 && wt.is_finite() && wt >= 0.0) {
            return Err(FitError::InvalidInput { index: i });
        }
        if wt > 0.0 {
            s.k.push(k[i]);
            s.w.push(w[i]);
            s.wt.push(wt);
            s.k_min = s.k_min.min(k[i]);
            s.k_max = s.k_max.max(k[i]);
            s.w_max = s.w_max.max(w[i]);
        }
    }
    let required = min_points.max(3);
    if s.k.len() < required {
        return Err(FitError::TooFewPoints {
            usable: s.k.len(),
            required,
        });
    }
    if !(s.k_max - s.k_min > 1e-9) {
        return Err(FitError::DegenerateStrikes);
    }
    let mean = s.wt.iter().sum::<f64>() / s.wt.len() as f64;
    for x in s.wt.iter_mut() {
        *x /= mean;
    }
    Ok(s)
}

/// Rescales weights so that the least squares in w approximates least squares in implied vol:
/// Δσ ≈ Δw/(2√(wT)), so a weight on Δσ² is weight/(4wT) on Δw² (constants drop out). Without
/// it, the wings (large w) dominate and a short-dated slice can miss ATM by many vol points.
fn to_vol_space(s: &mut Slice) {
    let floor = (1e-6 * s.w_max).max(1e-300);
    for i in 0..s.w.len() {
        s.wt[i] /= s.w[i].max(floor);
    }
    let mean = s.wt.iter().sum::<f64>() / s.wt.len() as f64;
    if mean > 0.0 && mean.is_finite() {
        for x in s.wt.iter_mut() {
            *x /= mean;
        }
    }
}

/// The inner least squares. Zeliade's domain has a ≥ 0; on real crypto slices that floor
/// binds and costs a lot (Deribit BTC 27MAR26 on 2026-03-01: RMSE 1.76 → 0.42 vol points, ATM
/// error 1.4 → 0.1 without it), so by default a may go negative as long as the minimum
/// variance a + bσ√(1−ρ²) = a + √(uv) stays ≥ 0; when the relaxed optimum breaks that, the
/// a ≥ 0 problem (always feasible) is solved instead.
fn inner(mo: &Moments, s: &Slice, uv_max: f64, nonnegative_a: bool) -> InnerSolution {
    if !nonnegative_a {
        let x = solve_box(mo, -s.w_max, s.w_max, uv_max);
        if x.a + (x.u * x.v).sqrt() >= 0.0 {
            return x;
        }
    }
    solve_box(mo, 0.0, s.w_max, uv_max)
}

/// Fraction of the median strike gap used as the σ floor.
const GAP_FRACTION: f64 = 0.5;

fn w_min_positive(w: &[f64]) -> f64 {
    let m = w
        .iter()
        .cloned()
        .filter(|&x| x > 0.0)
        .fold(f64::INFINITY, f64::min);
    if m.is_finite() {
        m
    } else {
        0.0
    }
}

/// Median gap between consecutive distinct sorted log-moneynesses.
fn median_gap(k: &[f64]) -> f64 {
    let mut sorted = k.to_vec();
    sorted.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    let mut gaps: Vec<f64> = sorted
        .windows(2)
        .map(|p| p[1] - p[0])
        .filter(|&g| g > 0.0)
        .collect();
    if gaps.is_empty() {
        return 0.0;
    }
    gaps.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    gaps[gaps.len() / 2]
}

/// Builds raw SVI from the inner solution at (m, σ).
pub(crate) fn raw_from(a: f64, u: f64, v: f64, m: f64, sigma: f64) -> SviRaw {
    let c = 0.5 * (u + v);
    let d = 0.5 * (u - v);
    if c > 0.0 {
        SviRaw {
            a,
            b: c / sigma,
            rho: (d / c).max(-1.0).min(1.0),
            m,
            sigma,
        }
    } else {
        SviRaw {
            a,
            b: 0.0,
            rho: 0.0,
            m,
            sigma,
        }
    }
}

/// Grid range for the butterfly check: the default ±3 widened to cover the data.
pub(crate) fn grid_range(s: &Slice) -> (f64, f64) {
    (
        DEFAULT_K_LO.min(s.k_min - 0.5),
        DEFAULT_K_HI.max(s.k_max + 0.5),
    )
}

/// Fits raw SVI to total variances `w` at log-moneyness `k` (k = ln(K/F), w = σ²T) for expiry
/// `time` in years. The objective is the weighted sum of squared implied-vol errors (to first
/// order); `weights` (e.g. vega or 1/spread) default to 1, and zero-weight quotes are ignored.
/// Every Ok result is butterfly-free on the dense grid.
pub fn fit_svi_slice(
    k: &[f64],
    w: &[f64],
    weights: Option<&[f64]>,
    time: f64,
    opts: &SviFitOptions,
) -> Result<SviFit, FitError> {
    let mut s = prepare_slice(k, w, weights, time, opts.min_points)?;
    to_vol_space(&mut s);
    let range = s.k_max - s.k_min;
    // σ floor: a kink narrower than the typical strike gap, or than a tenth of the smallest
    // quoted standard deviation √w, is not identified by the quotes: it is where degenerate
    // V-shaped fits hide between strikes (ATM vol far below both neighbours).
    let sigma_floor = (0.1 * w_min_positive(&s.w).sqrt()).max(GAP_FRACTION * median_gap(&s.k));
    let lo = [
        s.k_min - 0.5 * range,
        (1e-3 * range).max(sigma_floor).max(1e-6),
    ];
    let hi = [s.k_max + 0.5 * range, (2.0 * range).max(0.5).max(lo[1])];
    let slope = if opts.max_wing_slope > 0.0 {
        opts.max_wing_slope
    } else {
        MAX_WING_SLOPE
    };
    let mut evals = 0u32;
    let mut f = |x: &[f64]| -> f64 {
        evals += 1;
        let mo = moments(&s.k, &s.w, &s.wt, x[0], x[1]);
        inner(&mo, &s, slope * x[1], opts.nonnegative_a).sse
    };
    let starts = scan_starts(&mut f, &s, &lo, &hi, opts);
    // Stop once (m, σ) moves by < 2e-4 of the data range: far below quote resolution.
    let nm = NmOptions {
        max_evals: opts.max_evals.max(20),
        x_tol: 2e-3,
        f_tol_rel: 1e-7,
        f_tol_abs: 1e-16,
    };
    let step = [0.1 * range, 0.1 * range];
    let mut best: Option<(f64, [f64; 2])> = None;
    let mut iterations = 0;
    for x0 in starts.iter() {
        let r = minimize(&mut f, x0, &step, &lo, &hi, &nm);
        iterations += r.iterations;
        if best.map_or(true, |(fx, _)| r.fx < fx) {
            best = Some((r.fx, [r.x[0], r.x[1]]));
        }
    }
    let (_, x) = best.unwrap_or((0.0, starts[0]));
    let mo = moments(&s.k, &s.w, &s.wt, x[0], x[1]);
    let best_inner = inner(&mo, &s, slope * x[1], opts.nonnegative_a);
    let mut params = raw_from(best_inner.a, best_inner.u, best_inner.v, x[0], x[1]);
    let (glo, ghi) = grid_range(&s);
    let mut min_g = params.min_g(glo, ghi, opts.grid_points).0;
    let mut repaired = false;
    if !(min_g >= 0.0 && params.passes_screens()) {
        let qe = |m: f64, sigma: f64| {
            let mo = moments(&s.k, &s.w, &s.wt, m, sigma);
            let x = inner(&mo, &s, slope * sigma, opts.nonnegative_a);
            raw_from(x.a, x.u, x.v, m, sigma)
        };
        let grid = (glo, ghi, opts.grid_points);
        let r = repair_butterfly(&params, &s, time, grid, &lo, &hi, qe);
        params = r.params;
        min_g = r.min_g;
        iterations += r.iterations;
        repaired = true;
    }
    let (rmse, rmse_vol) = errors(&params, &s, time);
    Ok(SviFit {
        params,
        rmse,
        rmse_vol,
        min_g,
        iterations,
        butterfly_free: min_g >= 0.0 && params.passes_screens(),
        repaired,
    })
}

/// Unweighted RMSE in total variance and in vol points.
pub(crate) fn errors(p: &SviRaw, s: &Slice, time: f64) -> (f64, f64) {
    let n = s.k.len() as f64;
    let (mut ew, mut ev) = (0.0, 0.0);
    for i in 0..s.k.len() {
        let fw = p.total_variance(s.k[i]);
        ew += (fw - s.w[i]) * (fw - s.w[i]);
        let dv = (fw.max(0.0) / time).sqrt() - (s.w[i] / time).sqrt();
        ev += dv * dv;
    }
    ((ew / n).sqrt(), 100.0 * (ev / n).sqrt())
}

/// Coarse scan over (m, σ) plus the warm start; returns the `starts` best distinct points.
fn scan_starts<F: FnMut(&[f64]) -> f64>(
    f: &mut F,
    s: &Slice,
    lo: &[f64; 2],
    hi: &[f64; 2],
    opts: &SviFitOptions,
) -> Vec<[f64; 2]> {
    let range = s.k_max - s.k_min;
    let mut i_min = 0;
    for i in 1..s.k.len() {
        if s.w[i] < s.w[i_min] {
            i_min = i;
        }
    }
    let k_wmin = s.k[i_min];
    let ms = [
        k_wmin,
        s.k_min + 0.25 * range,
        s.k_min + 0.5 * range,
        s.k_min + 0.75 * range,
    ];
    let sigmas = [0.05 * range, 0.2 * range, 0.6 * range];
    let mut cands: Vec<(f64, [f64; 2])> = Vec::with_capacity(14);
    for &m in ms.iter() {
        for &sg in sigmas.iter() {
            let x = [m.max(lo[0]).min(hi[0]), sg.max(lo[1]).min(hi[1])];
            cands.push((f(&x), x));
        }
    }
    cands.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap_or(std::cmp::Ordering::Equal));
    let mut out: Vec<[f64; 2]> = Vec::new();
    if let Some(ws) = opts.warm_start {
        if ws.m.is_finite() && ws.sigma.is_finite() {
            out.push([ws.m.max(lo[0]).min(hi[0]), ws.sigma.max(lo[1]).min(hi[1])]);
        }
    }
    // The warm start counts as one of the `starts` runs, but never replaces the best scan point.
    let limit = opts.starts.max(1) as usize
        + if out.is_empty() {
            0
        } else {
            usize::from(opts.starts <= 1)
        };
    for (_, x) in cands.iter() {
        if out.len() >= limit {
            break;
        }
        let distinct = out
            .iter()
            .all(|o| (o[0] - x[0]).abs() > 1e-9 || (o[1] - x[1]).abs() > 1e-9);
        if distinct {
            out.push(*x);
        }
    }
    out
}

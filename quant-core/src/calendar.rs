//! Calendar-spread arbitrage between consecutive expiries, and its repair.
//!
//! Condition (docs QUANT.md §2; Gatheral & Jacquier 2014, Lemma 2.1): total variance is
//! non-decreasing in expiry at every log-moneyness, w(k, T₂) ≥ w(k, T₁) for T₂ > T₁, checked on
//! a grid of k. Repair, pair by pair in time order (so a change can cascade to the next pair):
//! the later slice is first lifted by the smallest constant that removes every violation on
//! the grid (a shift of `a`), then reshaped to the slice closest to its original near the money
//! that stays above the earlier one (`calendar_repair`), because the constant lift alone can
//! move ATM vols by tens of points when the crossing is far out in the wings. Butterfly-freeness
//! is kept when the slice had it; a slice that loses it anyway is reported.

use crate::calendar_repair::reshape_later;
use crate::svi::{SviRaw, DEFAULT_GRID_POINTS, DEFAULT_K_HI, DEFAULT_K_LO};

/// Differences below this (in total variance) are rounding, not arbitrage.
pub const CALENDAR_TOL: f64 = 1e-12;

/// The worst crossing of one pair of consecutive expiries on the grid.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CalendarViolation {
    /// Input index of the earlier expiry.
    pub earlier: usize,
    /// Input index of the later expiry.
    pub later: usize,
    /// Log-moneyness of the largest violation.
    pub k: f64,
    /// w_earlier(k) − w_later(k) there (> 0).
    pub size: f64,
    /// Number of grid points in violation.
    pub points: u32,
}

/// Indices of `slices` in ascending time (stable for equal times).
fn by_time(slices: &[(f64, SviRaw)]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..slices.len()).collect();
    order.sort_by(|&i, &j| {
        slices[i]
            .0
            .partial_cmp(&slices[j].0)
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    order
}

fn grid(k_lo: f64, k_hi: f64, n: usize) -> impl Iterator<Item = f64> {
    let n = n.max(2);
    let step = (k_hi - k_lo) / (n - 1) as f64;
    (0..n).map(move |i| k_lo + step * i as f64)
}

/// Worst violation of `later` against `earlier` on the grid: (k, size, points), size ≤ 0 if
/// none. A NaN total variance counts as a violation of infinite size.
fn worst(earlier: &SviRaw, later: &SviRaw, k_lo: f64, k_hi: f64, n: usize) -> (f64, f64, u32) {
    let mut out = (k_lo, f64::NEG_INFINITY, 0);
    for k in grid(k_lo, k_hi, n) {
        let mut d = earlier.total_variance(k) - later.total_variance(k);
        if d.is_nan() {
            d = f64::INFINITY;
        }
        if d > CALENDAR_TOL {
            out.2 += 1;
        }
        if d > out.1 {
            out.0 = k;
            out.1 = d;
        }
    }
    out
}

/// Calendar violations between consecutive expiries of `slices` = (time in years, slice), on n
/// points of [k_lo, k_hi]. Slices need not be sorted; pairs follow ascending time. One entry per
/// violating pair (its worst point); empty when the surface is calendar-free on the grid.
pub fn check_calendar(
    slices: &[(f64, SviRaw)],
    k_lo: f64,
    k_hi: f64,
    n: usize,
) -> Vec<CalendarViolation> {
    let order = by_time(slices);
    let mut out = Vec::new();
    for pair in order.windows(2) {
        let (i, j) = (pair[0], pair[1]);
        let (k, size, points) = worst(&slices[i].1, &slices[j].1, k_lo, k_hi, n);
        if size > CALENDAR_TOL {
            out.push(CalendarViolation {
                earlier: i,
                later: j,
                k,
                size,
                points,
            });
        }
    }
    out
}

/// [`check_calendar`] on the default grid (k ∈ [−3, 3], 1201 points).
pub fn check_calendar_default(slices: &[(f64, SviRaw)]) -> Vec<CalendarViolation> {
    check_calendar(slices, DEFAULT_K_LO, DEFAULT_K_HI, DEFAULT_GRID_POINTS)
}

/// Result of [`repair_calendar`].
#[derive(Clone, Debug, PartialEq)]
pub struct CalendarRepair {
    /// Repaired slices, in input order (unchanged where no lift was needed).
    pub slices: Vec<SviRaw>,
    /// Change of ATM total variance w(0) made by the repair of each slice (0 where none), in
    /// input order.
    pub lifts: Vec<f64>,
    /// Input indices of slices that were butterfly-free but lose it when lifted; they are
    /// left lifted (calendar first) and the caller should refit or drop them.
    pub butterfly_broken: Vec<usize>,
    /// No calendar violation remains on the grid and no slice lost butterfly-freeness.
    pub ok: bool,
}

/// Lifts later slices minimally so that total variance is non-decreasing in time on the grid.
pub fn repair_calendar(slices: &[(f64, SviRaw)], k_lo: f64, k_hi: f64, n: usize) -> CalendarRepair {
    let order = by_time(slices);
    let mut out: Vec<SviRaw> = slices.iter().map(|s| s.1).collect();
    let mut lifts = vec![0.0; slices.len()];
    let mut broken = Vec::new();
    for pair in order.windows(2) {
        let (i, j) = (pair[0], pair[1]);
        let (_, size, _) = worst(&out[i], &out[j], k_lo, k_hi, n);
        if !(size > CALENDAR_TOL) {
            continue;
        }
        if !size.is_finite() {
            continue; // NaN/∞ parameters: nothing a lift can fix; reported by the final check.
        }
        // A little above the grid maximum so rounding cannot leave a residual crossing.
        let lift = size + 4.0 * CALENDAR_TOL + 1e-12 * size.abs();
        let original = out[j];
        let was_free = original.is_butterfly_free();
        let mut lifted = original;
        lifted.a += lift;
        let keep = was_free && lifted.is_butterfly_free();
        out[j] = reshape_later(
            &out[i],
            &original,
            &lifted,
            (k_lo, k_hi, n),
            keep,
            CALENDAR_TOL,
        );
        lifts[j] = out[j].total_variance(0.0) - original.total_variance(0.0);
        if was_free && !out[j].is_butterfly_free() {
            broken.push(j);
        }
    }
    let lifted: Vec<(f64, SviRaw)> = slices
        .iter()
        .zip(out.iter())
        .map(|(s, r)| (s.0, *r))
        .collect();
    let ok = broken.is_empty() && check_calendar(&lifted, k_lo, k_hi, n).is_empty();
    CalendarRepair {
        slices: out,
        lifts,
        butterfly_broken: broken,
        ok,
    }
}

/// [`repair_calendar`] on the default grid.
pub fn repair_calendar_default(slices: &[(f64, SviRaw)]) -> CalendarRepair {
    repair_calendar(slices, DEFAULT_K_LO, DEFAULT_K_HI, DEFAULT_GRID_POINTS)
}

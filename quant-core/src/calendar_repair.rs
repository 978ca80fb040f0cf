//! Reshaping a later SVI slice so it no longer crosses the earlier one, with as little change
//! as possible where it matters (near the money).
//!
//! Why not just lift `a`: on real chains the crossings sit in the extrapolated wings (k = ±3,
//! far beyond any quote) where a short expiry's steeper wing overtakes the next one; lifting the
//! whole later slice by that gap moved Deribit ATM vols from 55% to 205% (2026-03-01 BTC). The
//! calendar condition w_later(k) ≥ w_earlier(k) (Gatheral & Jacquier 2014, Lemma 2.1) is met
//! instead by the raw slice closest to the original in relative total variance on the core
//! |k| ≤ max(4√w(0), 0.05), weighted by a Gaussian of width 2√w(0) so ATM dominates, found by a Nelder–Mead over (a, b, ρ, m, σ) whose objective is +∞
//! where the calendar condition (or, if the slice had it, g ≥ 0) fails on a coarse sub-grid.
//! It starts from the constant lift, which is feasible, and the result is verified on the full
//! grid; the constant lift remains the fallback.

use crate::jump_wings::{jw_to_raw, raw_to_jw};
use crate::nelder_mead::{minimize, NmOptions};
use crate::svi::SviRaw;

/// Points of the core on which closeness to the original is measured.
const CORE_POINTS: usize = 81;

fn raw5(x: &[f64]) -> SviRaw {
    SviRaw {
        a: x[0],
        b: x[1],
        rho: x[2],
        m: x[3],
        sigma: x[4],
    }
}

fn grid_points(k_lo: f64, k_hi: f64, n: usize) -> Vec<f64> {
    let n = n.max(2);
    let step = (k_hi - k_lo) / (n - 1) as f64;
    (0..n).map(|i| k_lo + step * i as f64).collect()
}

/// True if `later` ≥ `earlier` − tol at every point of `ks`.
fn above(later: &SviRaw, earlier: &SviRaw, ks: &[f64], tol: f64) -> bool {
    ks.iter()
        .all(|&k| later.total_variance(k) >= earlier.total_variance(k) - tol)
}

/// The reshaped slice, or `lifted` when no better feasible slice is found. `grid` is the
/// (k_lo, k_hi, n) of the calendar check; `keep_butterfly` adds g ≥ 0 to the constraints.
pub(crate) fn reshape_later(
    earlier: &SviRaw,
    original: &SviRaw,
    lifted: &SviRaw,
    grid: (f64, f64, usize),
    keep_butterfly: bool,
    tol: f64,
) -> SviRaw {
    let w0 = original.total_variance(0.0);
    if !(w0 > 0.0) || !lifted.passes_screens() {
        return *lifted;
    }
    let half = (4.0 * w0.sqrt()).max(0.05);
    let core = grid_points((-half).max(grid.0), half.min(grid.1), CORE_POINTS);
    let target: Vec<f64> = core.iter().map(|&k| original.total_variance(k)).collect();
    let width2 = 2.0 * (0.5 * half) * (0.5 * half);
    let weight: Vec<f64> = core.iter().map(|&k| (-k * k / width2).exp()).collect();
    // Every 8th dense point: a subset of the dense grid, so the lifted start stays feasible.
    let coarse_n = (grid.2.max(2) - 1) / 8 + 1;
    let coarse = grid_points(grid.0, grid.1, coarse_n.max(2));
    let dense = grid_points(grid.0, grid.1, grid.2);
    let distance = |p: &SviRaw| -> f64 {
        (0..core.len())
            .map(|i| {
                let d = (p.total_variance(core[i]) - target[i]) / target[i].max(1e-12);
                weight[i] * d * d
            })
            .sum::<f64>()
    };
    let objective = |x: &[f64]| -> f64 {
        let p = raw5(x);
        if !p.passes_screens() || !above(&p, earlier, &coarse, tol) {
            return f64::INFINITY;
        }
        if keep_butterfly && p.min_g(grid.0, grid.1, coarse_n.max(2)).0 < 0.0 {
            return f64::INFINITY;
        }
        distance(&p)
    };
    // Start from the feasible candidate closest to the original: the constant lift, or the
    // original with its JW wing slopes raised to the earlier slice's (ATM variance and skew
    // unchanged), which removes the usual far-wing crossings at almost no cost near the money.
    let mut start = *lifted;
    if let Some(w) = raise_wings(original, earlier) {
        if objective(&[w.a, w.b, w.rho, w.m, w.sigma]) < distance(lifted) {
            start = w;
        }
    }
    let scale = w0.max(start.a.abs()).max(lifted.a.abs());
    let x0 = [start.a, start.b, start.rho, start.m, start.sigma];
    let lo = [
        -4.0 * scale,
        0.0,
        -1.0,
        lifted.m - 1.0,
        1e-4_f64.min(lifted.sigma),
    ];
    let hi = [
        4.0 * scale,
        2.0,
        1.0,
        lifted.m + 1.0,
        (4.0 * lifted.sigma).max(1.0),
    ];
    let step = [
        0.2 * scale,
        0.2 * lifted.b.max(1e-3),
        0.1,
        0.1 * lifted.sigma.max(0.01),
        0.2 * lifted.sigma,
    ];
    let nm = NmOptions {
        max_evals: 800,
        x_tol: 1e-5,
        ..NmOptions::default()
    };
    let mut r = minimize(&objective, &x0, &step, &lo, &hi, &nm);
    for _ in 0..2 {
        let again = minimize(&objective, &r.x, &step, &lo, &hi, &nm);
        let gain = r.fx - again.fx;
        if again.fx < r.fx {
            r = again;
        }
        if !(gain > 1e-3 * r.fx) {
            break;
        }
    }
    if !(r.fx < distance(lifted)) {
        return *lifted;
    }
    // Between coarse points a crossing of rounding size may remain: close it with a tiny lift.
    let mut p = raw5(&r.x);
    let gap = dense
        .iter()
        .map(|&k| earlier.total_variance(k) - p.total_variance(k))
        .fold(0.0, f64::max);
    if gap > 0.0 {
        p.a += gap + tol;
    }
    let ok = above(&p, earlier, &dense, 0.0) && (!keep_butterfly || p.is_butterfly_free());
    if ok {
        p
    } else {
        *lifted
    }
}

/// `later` with its asymptotic wing slopes b(1±ρ) raised to at least 1.02× those of `earlier`,
/// keeping the JW ATM variance v, skew ψ and minimum variance ṽ (so w(0) and w′(0) are
/// unchanged). None when the JW point has no raw counterpart.
fn raise_wings(later: &SviRaw, earlier: &SviRaw) -> Option<SviRaw> {
    let jw = raw_to_jw(later, 1.0);
    let sw = later.total_variance(0.0).sqrt();
    if !(sw > 0.0) {
        return None;
    }
    let put = 1.02 * earlier.b * (1.0 - earlier.rho) / sw;
    let call = 1.02 * earlier.b * (1.0 + earlier.rho) / sw;
    let mut raised = jw;
    raised.p = jw.p.max(put);
    raised.c = jw.c.max(call);
    if raised == jw {
        return None;
    }
    jw_to_raw(&raised, 1.0)
}

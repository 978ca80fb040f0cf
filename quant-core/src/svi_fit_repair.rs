//! Butterfly repair of a fitted SVI slice whose g(k) dips below zero on the grid.
//!
//! Two feasible starting points compete, and the closer one to the quotes is polished:
//! 1. a penalised quasi-explicit refit: the same (m, σ) search with the exact inner least
//!    squares, plus a penalty proportional to max(0, −min g) on a coarse grid, which keeps the
//!    fit's structure and usually only widens σ a little;
//! 2. Gatheral & Jacquier's JW repair (2014, §5.1: c′ = p + 2ψ, ṽ′ = v·4pc′/(p+c′)² is free of
//!    butterfly arbitrage), moved only as far toward it as needed (`minimal_gj_repair`).
//! The polish is a Nelder–Mead over all five raw parameters whose objective is +∞ wherever
//! g < 0 on a coarse sub-grid of the dense grid (a barrier: the simplex's best vertex never
//! leaves the feasible set); a result is kept only if the dense grid confirms g ≥ 0. A flat
//! slice (b = 0, g ≡ 1) is the last resort, so a butterfly-free result always exists.

use crate::jump_wings::{gj_repair, minimal_gj_repair};
use crate::nelder_mead::{minimize, NmOptions};
use crate::svi::SviRaw;
use crate::svi_fit::Slice;

/// Outcome of a repair.
pub(crate) struct Repaired {
    pub params: SviRaw,
    pub min_g: f64,
    pub iterations: u32,
}

fn sse(p: &SviRaw, s: &Slice) -> f64 {
    let mut e = 0.0;
    for i in 0..s.k.len() {
        let d = p.total_variance(s.k[i]) - s.w[i];
        e += s.wt[i] * d * d;
    }
    e
}

fn feasible_on(p: &SviRaw, grid: (f64, f64, usize)) -> Option<f64> {
    if !p.passes_screens() {
        return None;
    }
    let g = p.min_g(grid.0, grid.1, grid.2).0;
    if g >= 0.0 {
        Some(g)
    } else {
        None
    }
}

/// Repairs `p` (fitted to `s`, expiry `time`); `grid` = (k_lo, k_hi, n) of the dense check,
/// `lo`/`hi` the (m, σ) box of the fit and `qe(m, σ)` the quasi-explicit slice at (m, σ).
pub(crate) fn repair_butterfly<Q: Fn(f64, f64) -> SviRaw>(
    p: &SviRaw,
    s: &Slice,
    time: f64,
    grid: (f64, f64, usize),
    lo: &[f64; 2],
    hi: &[f64; 2],
    qe: Q,
) -> Repaired {
    // Coarse sub-grid: every 4th dense point (a subset, so dense-feasible starts stay feasible).
    let n_coarse = (grid.2 - 1) / 4 + 1;
    let coarse = (grid.0, grid.1, n_coarse.max(2));
    let (penalised, mut iterations) = penalised_qe(p, s, coarse, lo, hi, &qe);
    let gj = minimal_gj_repair(p, time)
        .map(|(r, _)| r)
        .filter(|r| feasible_on(r, grid).is_some())
        .or_else(|| gj_repair(p, time).filter(|r| feasible_on(r, grid).is_some()));
    let mut best: Option<Repaired> = None;
    let starts = [penalised.filter(|r| feasible_on(r, grid).is_some()), gj];
    for start in starts.iter().flatten() {
        let (params, its) = polish(start, s, grid, coarse, lo, hi);
        iterations += its;
        let better = best
            .as_ref()
            .map_or(true, |b| sse(&params, s) < sse(&b.params, s));
        if better {
            let min_g = feasible_on(&params, grid).unwrap_or(0.0);
            best = Some(Repaired {
                params,
                min_g,
                iterations: 0,
            });
        }
    }
    match best {
        Some(mut r) => {
            r.iterations = iterations;
            r
        }
        None => flat(s, grid),
    }
}

/// Barrier Nelder–Mead over the five raw parameters from a dense-feasible `start`; returns the
/// polished slice if the dense grid confirms it and it fits better, else `start`.
fn polish(
    start: &SviRaw,
    s: &Slice,
    grid: (f64, f64, usize),
    coarse: (f64, f64, usize),
    lo: &[f64; 2],
    hi: &[f64; 2],
) -> (SviRaw, u32) {
    let w_max = s.w_max.max(1e-12);
    let x0 = [start.a, start.b, start.rho, start.m, start.sigma];
    let lo5 = [
        -w_max,
        0.0,
        -1.0,
        lo[0].min(start.m),
        lo[1].min(start.sigma),
    ];
    let hi5 = [w_max, 2.0, 1.0, hi[0].max(start.m), hi[1].max(start.sigma)];
    let step = [
        0.1 * w_max,
        0.2 * start.b.max(1e-3),
        0.1,
        0.1 * (hi[0] - lo[0]).max(1e-3),
        0.2 * start.sigma,
    ];
    let objective = |x: &[f64]| -> f64 {
        let q = raw5(x);
        if !q.passes_screens() || q.min_g(coarse.0, coarse.1, coarse.2).0 < 0.0 {
            return f64::INFINITY;
        }
        sse(&q, s)
    };
    let nm = NmOptions {
        max_evals: 600,
        ..NmOptions::default()
    };
    // Nelder–Mead stalls early in 5-D near a barrier; restarting from its result with fresh
    // steps is the standard cure (each restart only keeps an improvement).
    let mut r = minimize(&objective, &x0, &step, &lo5, &hi5, &nm);
    let mut iterations = r.iterations;
    for _ in 0..3 {
        let again = minimize(&objective, &r.x, &step, &lo5, &hi5, &nm);
        iterations += again.iterations;
        let gain = r.fx - again.fx;
        if again.fx < r.fx {
            r = again;
        }
        if !(gain > 1e-6 * r.fx) {
            break;
        }
    }
    let polished = raw5(&r.x);
    if r.fx < sse(start, s) && feasible_on(&polished, grid).is_some() {
        (polished, iterations)
    } else {
        (*start, iterations)
    }
}

fn raw5(x: &[f64]) -> SviRaw {
    SviRaw {
        a: x[0],
        b: x[1],
        rho: x[2],
        m: x[3],
        sigma: x[4],
    }
}

/// Quasi-explicit refit over (m, σ) with a penalty on negative g (coarse grid). The penalty
/// weight makes a unit of −g cost ten times the whole unfitted variance, so any g < 0 loses to
/// a feasible point of comparable fit.
fn penalised_qe<Q: Fn(f64, f64) -> SviRaw>(
    p: &SviRaw,
    s: &Slice,
    coarse: (f64, f64, usize),
    lo: &[f64; 2],
    hi: &[f64; 2],
    qe: &Q,
) -> (Option<SviRaw>, u32) {
    let scale: f64 = (0..s.w.len())
        .map(|i| s.wt[i] * s.w[i] * s.w[i])
        .sum::<f64>()
        .max(1e-30);
    let objective = |x: &[f64]| -> f64 {
        let q = qe(x[0], x[1]);
        let g = q.min_g(coarse.0, coarse.1, coarse.2).0;
        let pen = if g >= 0.0 {
            0.0
        } else {
            10.0 * scale * (1.0 + (-g).min(1e6))
        };
        sse(&q, s) + pen
    };
    let x0 = [p.m.max(lo[0]).min(hi[0]), p.sigma.max(lo[1]).min(hi[1])];
    // Start with a wide σ step: wider smiles are smoother, which is where g ≥ 0 usually is.
    let step = [0.2 * (hi[0] - lo[0]), 0.5 * (hi[1] - lo[1])];
    let nm = NmOptions {
        max_evals: 200,
        x_tol: 1e-3,
        ..NmOptions::default()
    };
    let r = minimize(objective, &x0, &step, lo, hi, &nm);
    let q = qe(r.x[0], r.x[1]);
    let ok = q.passes_screens() && q.min_g(coarse.0, coarse.1, coarse.2).0 >= 0.0;
    (if ok { Some(q) } else { None }, r.iterations)
}

/// Flat slice at the weighted mean total variance: g ≡ 1.
fn flat(s: &Slice, grid: (f64, f64, usize)) -> Repaired {
    let mut num = 0.0;
    let mut den = 0.0;
    for i in 0..s.w.len() {
        num += s.wt[i] * s.w[i];
        den += s.wt[i];
    }
    let params = SviRaw::flat((num / den).max(1e-12));
    let g = params.min_g(grid.0, grid.1, grid.2).0;
    Repaired {
        params,
        min_g: g,
        iterations: 0,
    }
}

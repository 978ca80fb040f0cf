//! Butterfly repair of a fitted SVI slice whose g(k) dips below zero on the grid.
//!
//! Why this order: Gatheral & Jacquier (2014, §5.1) show that the JW point with c′ = p + 2ψ and
//! ṽ′ = v·4pc′/(p+c′)² is free of butterfly arbitrage, and suggest it as the start of a closer
//! constrained fit. We take the least move toward it that is butterfly-free
//! (`minimal_gj_repair`), then polish all five raw parameters against the quotes with a
//! Nelder–Mead whose objective is +∞ wherever g < 0 on a coarse sub-grid of the dense grid
//! (a barrier: the simplex's best vertex never leaves the feasible set), and keep the polished
//! slice only if the dense grid confirms g ≥ 0. A flat slice (b = 0, always free of arbitrage)
//! is the last resort, so a butterfly-free result always exists.

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

/// Repairs `p` (fitted to `s`, expiry `time`); `grid` = (k_lo, k_hi, n) of the dense check and
/// `lo`/`hi` the (m, σ) box of the fit.
pub(crate) fn repair_butterfly(
    p: &SviRaw,
    s: &Slice,
    time: f64,
    grid: (f64, f64, usize),
    lo: &[f64; 2],
    hi: &[f64; 2],
) -> Repaired {
    let start = minimal_gj_repair(p, time)
        .map(|(r, _)| r)
        .filter(|r| feasible_on(r, grid).is_some())
        .or_else(|| gj_repair(p, time).filter(|r| feasible_on(r, grid).is_some()));
    let start = match start {
        Some(r) => r,
        None => return flat(s, grid),
    };
    // Coarse sub-grid: every 4th dense point (a subset, so the start stays feasible on it).
    let n_coarse = (grid.2 - 1) / 4 + 1;
    let coarse = (grid.0, grid.1, n_coarse.max(2));
    let w_max = s.w_max.max(1e-12);
    let x0 = [start.a, start.b, start.rho, start.m, start.sigma];
    let lo5 = [
        -w_max,
        0.0,
        -0.999,
        lo[0].min(start.m),
        lo[1].min(start.sigma),
    ];
    let hi5 = [
        w_max,
        2.0,
        0.999,
        hi[0].max(start.m),
        hi[1].max(start.sigma),
    ];
    let step = [
        0.1 * w_max,
        0.2 * start.b.max(1e-3),
        0.1,
        0.1 * (hi[0] - lo[0]).max(1e-3),
        0.2 * start.sigma,
    ];
    let objective = |x: &[f64]| -> f64 {
        let q = SviRaw {
            a: x[0],
            b: x[1],
            rho: x[2],
            m: x[3],
            sigma: x[4],
        };
        if !q.passes_screens() || q.min_g(coarse.0, coarse.1, coarse.2).0 < 0.0 {
            return f64::INFINITY;
        }
        sse(&q, s)
    };
    let nm = NmOptions {
        max_evals: 600,
        ..NmOptions::default()
    };
    let r = minimize(objective, &x0, &step, &lo5, &hi5, &nm);
    let polished = SviRaw {
        a: r.x[0],
        b: r.x[1],
        rho: r.x[2],
        m: r.x[3],
        sigma: r.x[4],
    };
    if r.fx < sse(&start, s) {
        if let Some(g) = feasible_on(&polished, grid) {
            return Repaired {
                params: polished,
                min_g: g,
                iterations: r.iterations,
            };
        }
    }
    let g = feasible_on(&start, grid).unwrap_or(0.0);
    Repaired {
        params: start,
        min_g: g,
        iterations: r.iterations,
    }
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

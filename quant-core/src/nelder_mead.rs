//! Box-bounded Nelder–Mead simplex minimiser (Nelder & Mead 1965; coefficients of Lagarias et
//! al. 1998: reflection 1, expansion 2, contraction 1/2, shrink 1/2).
//!
//! Bounds are enforced by projecting every trial point onto the box, which keeps the method
//! derivative-free and never evaluates the objective outside the domain. Non-finite objective
//! values count as +∞, so callers can return NaN/∞ as a barrier for infeasible points.

/// Stopping rules.
#[derive(Clone, Copy, Debug)]
pub struct NmOptions {
    /// Maximum number of objective evaluations.
    pub max_evals: u32,
    /// Stop when every coordinate's spread over the simplex is ≤ x_tol × its initial step …
    pub x_tol: f64,
    /// … and the objective spread is ≤ f_tol_abs + f_tol_rel·|f_best|.
    pub f_tol_rel: f64,
    pub f_tol_abs: f64,
}

impl Default for NmOptions {
    fn default() -> Self {
        NmOptions {
            max_evals: 400,
            x_tol: 1e-4,
            f_tol_rel: 1e-8,
            f_tol_abs: 1e-14,
        }
    }
}

/// Best point found.
#[derive(Clone, Debug)]
pub struct NmResult {
    pub x: Vec<f64>,
    pub fx: f64,
    pub evals: u32,
    pub iterations: u32,
}

fn project(x: &mut [f64], lo: &[f64], hi: &[f64]) {
    for i in 0..x.len() {
        x[i] = x[i].max(lo[i]).min(hi[i]);
    }
}

/// Minimise `f` from `x0` with initial steps `step` inside the box [lo, hi].
/// All slices must have the same length (the dimension).
pub fn minimize<F: FnMut(&[f64]) -> f64>(
    mut f: F,
    x0: &[f64],
    step: &[f64],
    lo: &[f64],
    hi: &[f64],
    opts: &NmOptions,
) -> NmResult {
    let n = x0.len();
    let mut evals: u32 = 0;
    let mut eval = |x: &[f64], evals: &mut u32| -> f64 {
        *evals += 1;
        let v = f(x);
        if v.is_nan() {
            f64::INFINITY
        } else {
            v
        }
    };
    // Simplex of n+1 vertices, each followed by its value.
    let mut pts: Vec<Vec<f64>> = Vec::with_capacity(n + 1);
    let mut vals: Vec<f64> = Vec::with_capacity(n + 1);
    let mut start = x0.to_vec();
    project(&mut start, lo, hi);
    vals.push(eval(&start, &mut evals));
    pts.push(start.clone());
    for i in 0..n {
        let mut p = start.clone();
        p[i] = if p[i] + step[i] <= hi[i] {
            p[i] + step[i]
        } else {
            p[i] - step[i]
        };
        project(&mut p, lo, hi);
        vals.push(eval(&p, &mut evals));
        pts.push(p);
    }
    let mut order: Vec<usize> = (0..=n).collect();
    let mut centroid = vec![0.0; n];
    let mut xr = vec![0.0; n];
    let mut xe = vec![0.0; n];
    let mut xc = vec![0.0; n];
    let mut iterations = 0;
    while evals < opts.max_evals {
        order.sort_by(|&i, &j| {
            vals[i]
                .partial_cmp(&vals[j])
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        let (best, worst, second) = (order[0], order[n], order[n - 1]);
        if converged(&pts, &vals, best, worst, step, opts) {
            break;
        }
        iterations += 1;
        for d in 0..n {
            centroid[d] = order[..n].iter().map(|&i| pts[i][d]).sum::<f64>() / n as f64;
        }
        for d in 0..n {
            xr[d] = centroid[d] + (centroid[d] - pts[worst][d]);
        }
        project(&mut xr, lo, hi);
        let fr = eval(&xr, &mut evals);
        if fr < vals[best] {
            for d in 0..n {
                xe[d] = centroid[d] + 2.0 * (centroid[d] - pts[worst][d]);
            }
            project(&mut xe, lo, hi);
            let fe = eval(&xe, &mut evals);
            if fe < fr {
                pts[worst].copy_from_slice(&xe);
                vals[worst] = fe;
            } else {
                pts[worst].copy_from_slice(&xr);
                vals[worst] = fr;
            }
            continue;
        }
        if fr < vals[second] {
            pts[worst].copy_from_slice(&xr);
            vals[worst] = fr;
            continue;
        }
        // Contraction: outside if the reflection improved on the worst, else inside.
        let outside = fr < vals[worst];
        for d in 0..n {
            let toward = if outside { xr[d] } else { pts[worst][d] };
            xc[d] = centroid[d] + 0.5 * (toward - centroid[d]);
        }
        let fc = eval(&xc, &mut evals);
        if fc < fr.min(vals[worst]) {
            pts[worst].copy_from_slice(&xc);
            vals[worst] = fc;
            continue;
        }
        // Shrink toward the best vertex.
        let bp = pts[best].clone();
        for &i in order[1..].iter() {
            for d in 0..n {
                pts[i][d] = bp[d] + 0.5 * (pts[i][d] - bp[d]);
            }
            vals[i] = eval(&pts[i], &mut evals);
        }
    }
    let mut best = 0;
    for i in 1..=n {
        if vals[i] < vals[best] {
            best = i;
        }
    }
    NmResult {
        x: pts[best].clone(),
        fx: vals[best],
        evals,
        iterations,
    }
}

fn converged(
    pts: &[Vec<f64>],
    vals: &[f64],
    best: usize,
    worst: usize,
    step: &[f64],
    opts: &NmOptions,
) -> bool {
    let fb = vals[best];
    let fw = vals[worst];
    if !(fw - fb <= opts.f_tol_abs + opts.f_tol_rel * fb.abs()) {
        return false;
    }
    for d in 0..step.len() {
        let mut lo = f64::INFINITY;
        let mut hi = f64::NEG_INFINITY;
        for p in pts {
            lo = lo.min(p[d]);
            hi = hi.max(p[d]);
        }
        if hi - lo > opts.x_tol * step[d].abs() {
            return false;
        }
    }
    true
}

//! Inner step of the quasi-explicit SVI calibration (De Marco & Martini, Zeliade ZWP-0005,
//! 2009; docs QUANT.md §2): for fixed (m, σ), with y = (k−m)/σ,
//!   w(y) = a + d·y + c·√(y²+1),   c = bσ, d = ρbσ,
//! is linear in (a, c, d), fitted by weighted least squares on the domain
//!   0 ≤ c ≤ Sσ, |d| ≤ min(c, Sσ − c), a_min ≤ a ≤ max wᵢ
//! (S = 4 and a_min = 0 in the paper; svi_fit passes Lee's wing bound S = 2 and may relax
//! a_min, see there).
//!
//! Why the rotation: with u = c + d = bσ(1+ρ) and v = c − d = bσ(1−ρ) the (c, d) diamond
//! becomes the box 0 ≤ u, v ≤ Sσ, so the domain is a 3-D box and its 6 faces, 12 edges and 8
//! corners are simply "each variable free, at its lower or at its upper bound": 27 small
//! least-squares problems in closed form, evaluated from the 3×3 normal equations only.

/// Weighted normal equations of the basis (1, P, Q), P = (z+y)/2, Q = (z−y)/2, z = √(y²+1).
#[derive(Clone, Copy, Debug, Default)]
pub struct Moments {
    /// Gram matrix Σ wtᵢ φᵢφᵢᵀ.
    pub h: [[f64; 3]; 3],
    /// Right-hand side Σ wtᵢ φᵢ wᵢ.
    pub g: [f64; 3],
    /// Σ wtᵢ wᵢ².
    pub yy: f64,
}

/// Accumulates the moments at (m, σ) for points (k, w) with weights `wt`.
pub fn moments(k: &[f64], w: &[f64], wt: &[f64], m: f64, sigma: f64) -> Moments {
    let inv = 1.0 / sigma;
    let (mut s1, mut sp, mut sq, mut spp, mut spq, mut sqq) = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
    let (mut g0, mut gp, mut gq, mut yy) = (0.0, 0.0, 0.0, 0.0);
    for i in 0..k.len() {
        let y = (k[i] - m) * inv;
        let z = (y * y + 1.0).sqrt();
        let p = 0.5 * (z + y);
        let q = 0.5 * (z - y);
        let c = wt[i];
        let cw = c * w[i];
        s1 += c;
        sp += c * p;
        sq += c * q;
        spp += c * p * p;
        spq += c * p * q;
        sqq += c * q * q;
        g0 += cw;
        gp += cw * p;
        gq += cw * q;
        yy += cw * w[i];
    }
    Moments {
        h: [[s1, sp, sq], [sp, spp, spq], [sq, spq, sqq]],
        g: [g0, gp, gq],
        yy,
    }
}

/// Result of the inner problem: x = (a, u, v) and the weighted sum of squared errors.
#[derive(Clone, Copy, Debug)]
pub struct InnerSolution {
    pub a: f64,
    pub u: f64,
    pub v: f64,
    pub sse: f64,
}

fn objective(mo: &Moments, x: &[f64; 3]) -> f64 {
    let mut q = mo.yy;
    for i in 0..3 {
        q -= 2.0 * mo.g[i] * x[i];
        for j in 0..3 {
            q += x[i] * mo.h[i][j] * x[j];
        }
    }
    q.max(0.0)
}

/// Solves the problem on the box a ∈ [a_min, a_max], u, v ∈ [0, uv_max]: the unconstrained
/// optimum if it is feasible, else the
/// best feasible optimum over all faces, edges and corners (the problem is convex, so the
/// global optimum is among these candidates).
pub fn solve_box(mo: &Moments, a_min: f64, a_max: f64, uv_max: f64) -> InnerSolution {
    let lo = [a_min, 0.0, 0.0];
    let hi = [a_max, uv_max, uv_max];
    if let Some(x) = solve_with_fixed(mo, [None, None, None]) {
        if feasible(&x, &lo, &hi) {
            return InnerSolution {
                a: x[0],
                u: x[1],
                v: x[2],
                sse: objective(mo, &x),
            };
        }
    }
    // Candidates in order of fewer active bounds; the first feasible one that satisfies the
    // KKT sign conditions is the global optimum (convex problem), so the scan usually stops at
    // a face. The full scan with the best objective is the fallback for rounding ties.
    let mut best: Option<([f64; 3], f64)> = None;
    for &code in CODES_BY_ACTIVE.iter() {
        let s = [code % 3, (code / 3) % 3, code / 9];
        let mut fixed = [None, None, None];
        for i in 0..3 {
            fixed[i] = match s[i] {
                1 => Some(lo[i]),
                2 => Some(hi[i]),
                _ => None,
            };
        }
        if let Some(x) = solve_with_fixed(mo, fixed) {
            if feasible(&x, &lo, &hi) {
                let f = objective(mo, &x);
                if kkt_holds(mo, &x, &s) {
                    return InnerSolution {
                        a: x[0],
                        u: x[1],
                        v: x[2],
                        sse: f,
                    };
                }
                if best.map_or(true, |(_, bf)| f < bf) {
                    best = Some((x, f));
                }
            }
        }
    }
    // Corners are always solvable, so `best` is set; the fallback only guards NaN moments.
    let (x, f) = best.unwrap_or(([0.0, 0.0, 0.0], mo.yy));
    InnerSolution {
        a: x[0],
        u: x[1],
        v: x[2],
        sse: f,
    }
}

/// Base-3 codes (digit i: 0 free, 1 at lower, 2 at upper bound of variable i) of the 26
/// faces, edges and corners, faces first.
const CODES_BY_ACTIVE: [usize; 26] = [
    1, 2, 3, 6, 9, 18, // faces
    4, 5, 7, 8, 10, 11, 19, 20, 12, 15, 21, 24, // edges
    13, 14, 16, 17, 22, 23, 25, 26, // corners
];

/// KKT for min xᵀHx − 2gᵀx on a box: the gradient 2(Hx − g) must be ≥ 0 on variables at their
/// lower bound and ≤ 0 at their upper bound (free ones are stationary by construction).
fn kkt_holds(mo: &Moments, x: &[f64; 3], state: &[usize; 3]) -> bool {
    let scale =
        mo.g.iter()
            .map(|v| v.abs())
            .fold(mo.yy.abs(), f64::max)
            .max(1e-300);
    (0..3).all(|i| {
        let grad = (0..3).map(|j| mo.h[i][j] * x[j]).sum::<f64>() - mo.g[i];
        let tol = 1e-12 * scale;
        match state[i] {
            1 => grad >= -tol,
            2 => grad <= tol,
            _ => true,
        }
    })
}

fn feasible(x: &[f64; 3], lo: &[f64; 3], hi: &[f64; 3]) -> bool {
    (0..3).all(|i| {
        let tol = 1e-12 * (1.0 + hi[i].abs());
        x[i] >= lo[i] - tol && x[i] <= hi[i] + tol
    })
}

/// Minimises over the free variables with the others fixed; None if the reduced system is
/// singular. Fixed values are returned in place; free ones are clamped by nothing here.
fn solve_with_fixed(mo: &Moments, fixed: [Option<f64>; 3]) -> Option<[f64; 3]> {
    let mut x = [0.0; 3];
    let mut free = [0usize; 3];
    let mut nf = 0;
    for i in 0..3 {
        match fixed[i] {
            Some(v) => x[i] = v,
            None => {
                free[nf] = i;
                nf += 1;
            }
        }
    }
    if nf == 0 {
        return Some(x);
    }
    // Reduced system A z = r with r = g_f − H_fb x_b.
    let mut a = [[0.0; 4]; 3];
    let scale = mo.h[0][0]
        .abs()
        .max(mo.h[1][1].abs())
        .max(mo.h[2][2].abs())
        .max(1e-300);
    for (r, &i) in free[..nf].iter().enumerate() {
        let mut rhs = mo.g[i];
        for j in 0..3 {
            if fixed[j].is_some() {
                rhs -= mo.h[i][j] * x[j];
            }
        }
        for (c, &j) in free[..nf].iter().enumerate() {
            a[r][c] = mo.h[i][j];
        }
        a[r][nf] = rhs;
    }
    let z = gauss(&mut a, nf, scale)?;
    for r in 0..nf {
        x[free[r]] = z[r];
    }
    Some(x)
}

/// Gaussian elimination with partial pivoting on an n×(n+1) augmented matrix (n ≤ 3).
fn gauss(a: &mut [[f64; 4]; 3], n: usize, scale: f64) -> Option<[f64; 3]> {
    for col in 0..n {
        let mut piv = col;
        for r in col + 1..n {
            if a[r][col].abs() > a[piv][col].abs() {
                piv = r;
            }
        }
        if !(a[piv][col].abs() > 1e-13 * scale) {
            return None;
        }
        a.swap(col, piv);
        for r in col + 1..n {
            let f = a[r][col] / a[col][col];
            for c in col..=n {
                a[r][c] -= f * a[col][c];
            }
        }
    }
    let mut z = [0.0; 3];
    for r in (0..n).rev() {
        let mut s = a[r][n];
        for c in r + 1..n {
            s -= a[r][c] * z[c];
        }
        z[r] = s / a[r][r];
    }
    if z[..n].iter().all(|v| v.is_finite()) {
        Some(z)
    } else {
        None
    }
}

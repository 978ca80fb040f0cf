//! Raw SVI smile (Gatheral 2004) and the Gatheral–Jacquier butterfly test.
//!
//! Formulas (docs QUANT.md §2; Gatheral & Jacquier 2014, "Arbitrage-free SVI volatility
//! surfaces", Lemma 2.2):
//!   w(k)  = a + b·(ρ(k−m) + R),  R = √((k−m)² + σ²),  k = ln(K/F), w = σ_BS²·T
//!   w′(k) = b·(ρ + (k−m)/R),     w″(k) = b·σ²/R³
//!   g(k)  = (1 − k·w′/(2w))² − (w′²/4)·(1/w + 1/4) + w″/2
//!   p(k)  = g(k)/√(2πw)·exp(−d₋²/2),  d₋ = −k/√w − √w/2
//! The slice is free of butterfly arbitrage iff g ≥ 0 everywhere (and w > 0).

/// Default log-moneyness range of the dense butterfly grid.
///
/// Why ±3: e^±3 is 0.05·F to 20·F, wider than any strike a crypto venue lists (Deribit's
/// long-dated chains span roughly 0.1·F to 5·F), and short expiries are far narrower. Beyond
/// that range a raw SVI slice is practically linear in k (w″ → 0), where g tends to
/// 1/4 − s²/16 with s = b(1±ρ) the wing slope, which is non-negative iff s ≤ 2 (Lee's moment
/// bound), so `is_butterfly_free` checks that bound instead of extending the grid.
pub const DEFAULT_K_LO: f64 = -3.0;
/// Upper end of the default grid, see [`DEFAULT_K_LO`].
pub const DEFAULT_K_HI: f64 = 3.0;
/// Default number of grid points: a step of 0.005 in k, well below any feature width of a
/// fitted slice (σ ≥ 1e-3·range in our fitter); the argmin is then refined locally.
pub const DEFAULT_GRID_POINTS: usize = 1201;
/// Lee's bound on the wing slopes of total variance, b(1±ρ) ≤ 2.
pub const MAX_WING_SLOPE: f64 = 2.0;

/// Raw SVI parameters of one expiry, in total-variance units (w = σ²T).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SviRaw {
    pub a: f64,
    pub b: f64,
    pub rho: f64,
    pub m: f64,
    pub sigma: f64,
}

impl SviRaw {
    /// A flat smile of constant total variance `w` (b = 0): always butterfly-free for w > 0.
    pub fn flat(w: f64) -> SviRaw {
        SviRaw {
            a: w,
            b: 0.0,
            rho: 0.0,
            m: 0.0,
            sigma: 1.0,
        }
    }

    /// Total implied variance w(k) at log-moneyness k = ln(K/F).
    #[inline]
    pub fn total_variance(&self, k: f64) -> f64 {
        let x = k - self.m;
        self.a + self.b * (self.rho * x + (x * x + self.sigma * self.sigma).sqrt())
    }

    /// First derivative w′(k).
    #[inline]
    pub fn w1(&self, k: f64) -> f64 {
        let x = k - self.m;
        let r = (x * x + self.sigma * self.sigma).sqrt();
        self.b * (self.rho + x / r)
    }

    /// Second derivative w″(k) = bσ²/R³.
    #[inline]
    pub fn w2(&self, k: f64) -> f64 {
        let x = k - self.m;
        let r2 = x * x + self.sigma * self.sigma;
        self.b * self.sigma * self.sigma / (r2 * r2.sqrt())
    }

    /// Gatheral–Jacquier g(k); −∞ where w ≤ 0 (no density exists there).
    pub fn g(&self, k: f64) -> f64 {
        // Two reciprocals instead of four divisions: this runs ~1,200 times per fitted slice.
        let x = k - self.m;
        let r = (x * x + self.sigma * self.sigma).sqrt();
        let w = self.a + self.b * (self.rho * x + r);
        if !(w > 0.0) {
            return f64::NEG_INFINITY;
        }
        let inv_r = 1.0 / r;
        let inv_w = 1.0 / w;
        let w1 = self.b * (self.rho + x * inv_r);
        let w2 = self.b * self.sigma * self.sigma * inv_r * inv_r * inv_r;
        let t = 1.0 - 0.5 * k * w1 * inv_w;
        t * t - 0.25 * w1 * w1 * (inv_w + 0.25) + 0.5 * w2
    }

    /// Risk-neutral density of ln(K/F), p(k) = g/√(2πw)·exp(−d₋²/2).
    pub fn density(&self, k: f64) -> f64 {
        let w = self.total_variance(k);
        if !(w > 0.0) {
            return f64::NAN;
        }
        let sw = w.sqrt();
        let dm = -k / sw - 0.5 * sw;
        self.g(k) / (2.0 * std::f64::consts::PI * w).sqrt() * (-0.5 * dm * dm).exp()
    }

    /// Implied volatility at k for expiry `time` (years).
    pub fn implied_vol(&self, k: f64, time: f64) -> f64 {
        (self.total_variance(k) / time).sqrt()
    }

    /// Minimum total variance, a + bσ√(1−ρ²) (reached at k = m − ρσ/√(1−ρ²)).
    pub fn min_total_variance(&self) -> f64 {
        self.a + self.b * self.sigma * (1.0 - self.rho * self.rho).max(0.0).sqrt()
    }

    /// Cheap necessary conditions: finite parameters, b ≥ 0, |ρ| ≤ 1, σ > 0, minimum variance
    /// a + bσ√(1−ρ²) ≥ 0 and Lee's wing bound b(1+|ρ|) ≤ 2. Not sufficient (the Vogt slice
    /// passes them). |ρ| = 1 is allowed: it is the closed edge of the quasi-explicit domain
    /// (one flat wing); w > 0 on the grid is then enforced by g = −∞ where w ≤ 0.
    pub fn passes_screens(&self) -> bool {
        let finite = self.a.is_finite()
            && self.b.is_finite()
            && self.rho.is_finite()
            && self.m.is_finite()
            && self.sigma.is_finite();
        finite
            && self.b >= 0.0
            && self.rho.abs() <= 1.0
            && self.sigma > 0.0
            && self.min_total_variance() >= 0.0
            && self.b * (1.0 + self.rho.abs()) <= MAX_WING_SLOPE + 1e-12
    }

    /// Minimum of g on `n` evenly spaced points of [k_lo, k_hi], refined by a golden-section
    /// search around the best grid point. Returns (min g, argmin k). n < 2 is treated as 2.
    pub fn min_g(&self, k_lo: f64, k_hi: f64, n: usize) -> (f64, f64) {
        let n = n.max(2);
        let step = (k_hi - k_lo) / (n - 1) as f64;
        let mut best = (f64::INFINITY, k_lo);
        for i in 0..n {
            let k = k_lo + step * i as f64;
            let gk = self.g(k);
            if gk < best.0 || gk.is_nan() {
                best = (gk, k);
                if gk.is_nan() {
                    return best;
                }
            }
        }
        if best.0.is_finite() {
            let lo = (best.1 - step).max(k_lo);
            let hi = (best.1 + step).min(k_hi);
            let (k, gk) = golden_min(|k| self.g(k), lo, hi, 40);
            if gk < best.0 {
                best = (gk, k);
            }
        }
        best
    }

    /// Minimum of g on the default grid ([`DEFAULT_K_LO`], [`DEFAULT_K_HI`], 1201 points).
    pub fn min_g_default(&self) -> (f64, f64) {
        self.min_g(DEFAULT_K_LO, DEFAULT_K_HI, DEFAULT_GRID_POINTS)
    }

    /// Butterfly-free on the default grid: screens pass and g ≥ 0 at every grid point.
    pub fn is_butterfly_free(&self) -> bool {
        self.passes_screens() && self.min_g_default().0 >= 0.0
    }
}

/// Golden-section minimisation of a unimodal-near-the-bracket function on [lo, hi].
fn golden_min<F: Fn(f64) -> f64>(f: F, mut lo: f64, mut hi: f64, iters: u32) -> (f64, f64) {
    let r = 0.5 * (5f64.sqrt() - 1.0);
    let mut x1 = hi - r * (hi - lo);
    let mut x2 = lo + r * (hi - lo);
    let mut f1 = f(x1);
    let mut f2 = f(x2);
    for _ in 0..iters {
        if f1 <= f2 {
            hi = x2;
            x2 = x1;
            f2 = f1;
            x1 = hi - r * (hi - lo);
            f1 = f(x1);
        } else {
            lo = x1;
            x1 = x2;
            f1 = f2;
            x2 = lo + r * (hi - lo);
            f2 = f(x2);
        }
    }
    if f1 <= f2 {
        (x1, f1)
    } else {
        (x2, f2)
    }
}

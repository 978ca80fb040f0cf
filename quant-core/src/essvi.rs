//! SSVI (Gatheral & Jacquier 2014) and eSSVI (Hendriks & Martini 2019) slices, their
//! no-arbitrage conditions, and conversion to raw SVI. The global fitter is in `essvi_fit`.
//!
//! Formulas (docs QUANT.md §2), with ψ = θφ(θ):
//!   w(k) = θ/2·(1 + ρφk + √((φk + ρ)² + 1 − ρ²))
//!        = ½·(θ + ρψk + √((ψk + ρθ)² + θ²(1 − ρ²)))
//!   butterfly, per slice (HM): ψ < 4/(1+|ρ|) and ψ² ≤ 4θ/(1+|ρ|)
//!   calendar, consecutive slices (HM, sufficient): θ₂ ≥ θ₁, ψ₂(1−ρ₂) ≥ ψ₁(1−ρ₁),
//!     ψ₂(1+ρ₂) ≥ ψ₁(1+ρ₁)
//!   to raw: a = θ(1−ρ²)/2, b = θφ/2, m = −ρ/φ, σ = √(1−ρ²)/φ
//!   φ families: power law ηθ^(−γ)(1+θ)^(γ−1) (GJ eq. 4.5), Heston-like
//!     (1/(λθ))·(1 − (1−e^(−λθ))/(λθ)) (GJ eq. 4.4).

use crate::svi::SviRaw;

/// Relative slack used for the strict inequality ψ < 4/(1+|ρ|) and for rounding in the checks.
const REL_TOL: f64 = 1e-12;

/// One eSSVI slice: ATM total variance θ, correlation ρ, and ψ = θφ(θ).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EssviSlice {
    pub theta: f64,
    pub rho: f64,
    pub psi: f64,
}

impl EssviSlice {
    /// SSVI slice from θ, ρ and the curvature φ(θ).
    pub fn from_phi(theta: f64, rho: f64, phi: f64) -> EssviSlice {
        EssviSlice {
            theta,
            rho,
            psi: theta * phi,
        }
    }

    /// Total implied variance at log-moneyness k.
    #[inline]
    pub fn total_variance(&self, k: f64) -> f64 {
        let (t, r, p) = (self.theta, self.rho, self.psi);
        let x = p * k + r * t;
        0.5 * (t + r * p * k + (x * x + t * t * (1.0 - r * r)).sqrt())
    }

    /// Implied volatility at k for expiry `time` in years.
    pub fn implied_vol(&self, k: f64, time: f64) -> f64 {
        (self.total_variance(k) / time).sqrt()
    }

    /// The same smile as raw SVI (exact for |ρ| < 1, ψ > 0; ψ = 0 gives the flat slice θ).
    pub fn to_raw(&self) -> SviRaw {
        if !(self.psi > 0.0) {
            return SviRaw::flat(self.theta);
        }
        let phi = self.psi / self.theta;
        let root = (1.0 - self.rho * self.rho).max(0.0).sqrt();
        SviRaw {
            a: 0.5 * self.theta * (1.0 - self.rho * self.rho),
            b: 0.5 * self.psi,
            rho: self.rho,
            m: -self.rho / phi,
            sigma: root / phi,
        }
    }

    /// Largest ψ the HM butterfly conditions allow at this θ and ρ (the strict bound taken
    /// with a relative slack of 1e-12).
    pub fn max_psi(theta: f64, rho: f64) -> f64 {
        let s = 1.0 + rho.abs();
        (4.0 / s * (1.0 - REL_TOL)).min((4.0 * theta.max(0.0) / s).sqrt())
    }

    /// Hendriks–Martini butterfly conditions (sufficient): θ > 0, |ρ| < 1, ψ ≥ 0,
    /// ψ < 4/(1+|ρ|), ψ² ≤ 4θ/(1+|ρ|).
    pub fn is_butterfly_free(&self) -> bool {
        let s = 1.0 + self.rho.abs();
        self.theta > 0.0
            && self.rho.abs() < 1.0
            && self.psi >= 0.0
            && self.psi * s < 4.0
            && self.psi * self.psi * s <= 4.0 * self.theta * (1.0 + REL_TOL)
    }
}

/// Hendriks–Martini sufficient calendar condition between an earlier and a later slice.
pub fn is_calendar_free(earlier: &EssviSlice, later: &EssviSlice) -> bool {
    let ge = |x: f64, y: f64| x >= y - REL_TOL * y.abs().max(1e-300);
    ge(later.theta, earlier.theta)
        && ge(
            later.psi * (1.0 - later.rho),
            earlier.psi * (1.0 - earlier.rho),
        )
        && ge(
            later.psi * (1.0 + later.rho),
            earlier.psi * (1.0 + earlier.rho),
        )
}

/// Every slice butterfly-free and every consecutive pair calendar-free (slices in time order).
pub fn is_surface_arbitrage_free(slices: &[EssviSlice]) -> bool {
    slices.iter().all(|s| s.is_butterfly_free())
        && slices.windows(2).all(|p| is_calendar_free(&p[0], &p[1]))
}

/// Power-law curvature φ(θ) = ηθ^(−γ)(1+θ)^(γ−1); butterfly-free for η(1+|ρ|) ≤ 2, γ ≤ ½.
pub fn power_law_phi(theta: f64, eta: f64, gamma: f64) -> f64 {
    eta * theta.powf(-gamma) * (1.0 + theta).powf(gamma - 1.0)
}

/// Heston-like curvature φ(θ) = (1/(λθ))·(1 − (1−e^(−λθ))/(λθ)).
pub fn heston_phi(theta: f64, lambda: f64) -> f64 {
    let x = lambda * theta;
    if x < 1e-2 {
        // Series Σ (−x)ⁿ/(n+2)! to n = 5 (truncation < 3e-17 here): the closed form loses
        // digits to cancellation for small x.
        let x2 = x * x;
        return 0.5 - x / 6.0 + x2 / 24.0 - x2 * x / 120.0 + x2 * x2 / 720.0 - x2 * x2 * x / 5040.0;
    }
    // x + expm1(−x) = x − (1 − e^(−x)) without the rounding of 1 − e^(−x).
    (x + (-x).exp_m1()) / (x * x)
}

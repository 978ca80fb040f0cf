//! SVI jump-wings (JW) parametrisation and Gatheral–Jacquier's butterfly repair.
//!
//! Formulas (docs QUANT.md §2; Gatheral & Jacquier 2014, §3.3 and Lemma 3.2, §5.1):
//!   raw → JW at time t, with w₀ = w(0):
//!     v = w₀/t, ψ = b/(2√w₀)·(ρ − m/√(m²+σ²)), p = b(1−ρ)/√w₀, c = b(1+ρ)/√w₀,
//!     ṽ = (a + bσ√(1−ρ²))/t
//!   JW → raw: b = √w₀(c+p)/2, ρ = 1 − p√w₀/b, β = ρ − 2ψ√w₀/b, α = sign(β)√(1/β² − 1),
//!     m = (v−ṽ)t / (b(−ρ + sign(α)√(1+α²) − α√(1−ρ²))), σ = αm, a = ṽt − bσ√(1−ρ²)
//!   repair: c′ = p + 2ψ, ṽ′ = v·4pc′/(p+c′)² (keeps v, ψ, p; GJ show the result is free of
//!   butterfly arbitrage).

use crate::svi::SviRaw;

/// JW parameters of a slice at time `t` (the conversion depends on t only through w = v·t).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SviJw {
    /// ATM variance w(0)/t.
    pub v: f64,
    /// ATM skew.
    pub psi: f64,
    /// Slope of the left (put) wing.
    pub p: f64,
    /// Slope of the right (call) wing.
    pub c: f64,
    /// Minimum variance.
    pub v_tilde: f64,
}

/// Raw → JW at time `t` (> 0). Requires w(0) > 0; otherwise the fields are NaN.
pub fn raw_to_jw(raw: &SviRaw, t: f64) -> SviJw {
    let w0 = raw.total_variance(0.0);
    let sw = if w0 > 0.0 { w0.sqrt() } else { f64::NAN };
    let r0 = (raw.m * raw.m + raw.sigma * raw.sigma).sqrt();
    SviJw {
        v: w0 / t,
        psi: raw.b / (2.0 * sw) * (raw.rho - raw.m / r0),
        p: raw.b * (1.0 - raw.rho) / sw,
        c: raw.b * (1.0 + raw.rho) / sw,
        v_tilde: raw.min_total_variance() / t,
    }
}

/// JW → raw at time `t` (> 0). Returns None when the JW point has no raw SVI counterpart
/// (non-positive v, non-positive wing sum, |β| > 1 or non-finite results).
pub fn jw_to_raw(jw: &SviJw, t: f64) -> Option<SviRaw> {
    let w0 = jw.v * t;
    if !(w0 > 0.0) || !(jw.c + jw.p > 0.0) {
        return None;
    }
    let sw = w0.sqrt();
    let b = 0.5 * sw * (jw.c + jw.p);
    let rho = 1.0 - jw.p * sw / b;
    let beta = rho - 2.0 * jw.psi * sw / b;
    if !(beta.abs() <= 1.0) || rho.abs() >= 1.0 {
        return None;
    }
    let sq_rho = (1.0 - rho * rho).sqrt();
    let dv = (jw.v - jw.v_tilde) * t;
    let (m, sigma) = if beta.abs() < 1e-12 {
        // β = 0 means m = 0: solve a + bσ = w₀ and a + bσ√(1−ρ²) = ṽt for σ.
        (0.0, dv / (b * (1.0 - sq_rho)))
    } else {
        let alpha = beta.signum() * (1.0 / (beta * beta) - 1.0).max(0.0).sqrt();
        let denom = b * (-rho + alpha.signum() * (1.0 + alpha * alpha).sqrt() - alpha * sq_rho);
        let m = dv / denom;
        (m, alpha * m)
    };
    let a = jw.v_tilde * t - b * sigma * sq_rho;
    let raw = SviRaw {
        a,
        b,
        rho,
        m,
        sigma,
    };
    let ok = a.is_finite() && m.is_finite() && sigma.is_finite() && sigma > 0.0;
    if ok {
        Some(raw)
    } else {
        None
    }
}

/// GJ's repaired JW point: c′ = p + 2ψ, ṽ′ = v·4pc′/(p+c′)².
pub fn gj_repair_jw(jw: &SviJw) -> SviJw {
    let c2 = jw.p + 2.0 * jw.psi;
    let s = jw.p + c2;
    SviJw {
        c: c2,
        v_tilde: jw.v * 4.0 * jw.p * c2 / (s * s),
        ..*jw
    }
}

/// GJ's repair of a raw slice at time `t`. None when the conversion fails.
pub fn gj_repair(raw: &SviRaw, t: f64) -> Option<SviRaw> {
    jw_to_raw(&gj_repair_jw(&raw_to_jw(raw, t)), t)
}

/// The least GJ-style repair that is butterfly-free on the default grid: moves (c, ṽ) from the
/// slice's values toward GJ's (c′, ṽ′) by the smallest fraction λ ∈ [0, 1] found by bisection
/// (GJ §5.1 suggest the repaired slice as a start for a closer fit; this keeps more of the
/// original). Returns (slice, λ) or None if even λ = 1 is not butterfly-free on the grid.
pub fn minimal_gj_repair(raw: &SviRaw, t: f64) -> Option<(SviRaw, f64)> {
    if raw.is_butterfly_free() {
        return Some((*raw, 0.0));
    }
    let jw = raw_to_jw(raw, t);
    let target = gj_repair_jw(&jw);
    let at = |lambda: f64| -> Option<SviRaw> {
        let mixed = SviJw {
            c: jw.c + lambda * (target.c - jw.c),
            v_tilde: jw.v_tilde + lambda * (target.v_tilde - jw.v_tilde),
            ..jw
        };
        jw_to_raw(&mixed, t).filter(|r| r.is_butterfly_free())
    };
    let mut hi_raw = at(1.0)?;
    let (mut lo, mut hi) = (0.0, 1.0);
    for _ in 0..30 {
        let mid = 0.5 * (lo + hi);
        match at(mid) {
            Some(r) => {
                hi = mid;
                hi_raw = r;
            }
            None => lo = mid,
        }
        if hi - lo < 1e-4 {
            break;
        }
    }
    Some((hi_raw, hi))
}

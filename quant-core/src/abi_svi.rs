//! SVI part of the C ABI (see abi.rs and quant-core/ABI.md): slice fit, g(k), repair.
//! Formulas: raw SVI and Gatheral–Jacquier g(k) (QUANT.md §2, svi.rs); fit: quasi-explicit
//! calibration (svi_fit.rs); repair: GJ jump-wings repair (jump_wings.rs).

use super::{input, optional, output, status, STATUS_OK};
use crate::jump_wings::gj_repair;
use crate::svi::SviRaw;
use crate::svi_fit::{fit_svi_slice, FitError, SviFitOptions};

/// Number of f64 slots `vs_svi_fit` writes (unused trailing slots are NaN).
pub const FIT_OUT_LEN: usize = 16;
/// Fit status: fewer usable (positive-weight) quotes than the fit needs.
pub const FIT_TOO_FEW_POINTS: u32 = 10;
/// Fit status: NaN/±∞ in k, w or a weight, a negative w or a negative weight.
pub const FIT_INVALID_INPUT: u32 = 11;
/// Fit status: time is not finite or ≤ 0.
pub const FIT_INVALID_TIME: u32 = 12;
/// Fit status: all usable quotes share one log-moneyness.
pub const FIT_DEGENERATE_STRIKES: u32 = 13;
/// Repair status: the slice has no jump-wings form to repair (e.g. w(0) ≤ 0).
pub const REPAIR_IMPOSSIBLE: u32 = 14;

/// Largest |k| accepted: K/F outside e^±20 (≈ 2e-9 … 5e8) is no market, and such points would
/// blow the fitter's search box up to useless sizes.
pub const MAX_ABS_K: f64 = 20.0;
/// Largest total variance accepted (σ = 1000 % for 10 years is w = 1000).
pub const MAX_W: f64 = 1e6;

/// Options of the default fitter; the variant build (swap tests) uses another configuration so
/// the two modules are observably different fitters.
pub fn fit_options() -> SviFitOptions {
    #[cfg(not(fitter_variant))]
    {
        SviFitOptions::default()
    }
    #[cfg(fitter_variant)]
    {
        variant_options()
    }
}

/// The variant searches harder (more starts and evaluations): same answers within tolerance,
/// different speed and iteration counts, which is what a researcher's replacement would look like.
#[cfg(fitter_variant)]
fn variant_options() -> SviFitOptions {
    SviFitOptions {
        starts: 4,
        max_evals: 400,
        ..SviFitOptions::default()
    }
}

fn fit_error_code(error: &FitError) -> u32 {
    match error {
        FitError::TooFewPoints { .. } => FIT_TOO_FEW_POINTS,
        // Cannot happen through the ABI (one n for all buffers); reported as invalid input.
        FitError::LengthMismatch { .. } | FitError::InvalidInput { .. } => FIT_INVALID_INPUT,
        FitError::InvalidTime => FIT_INVALID_TIME,
        FitError::DegenerateStrikes => FIT_DEGENERATE_STRIKES,
    }
}

fn params_of(p: &[f64]) -> SviRaw {
    SviRaw {
        a: p[0],
        b: p[1],
        rho: p[2],
        m: p[3],
        sigma: p[4],
    }
}

/// Fits one raw SVI slice to (k, w) points (k = ln(K/F), w = σ²T), optional weights (null =
/// equal), expiry `time` in years. Writes [a, b, ρ, m, σ, rmse_w, rmse_vol, min_g, iterations,
/// butterfly_free, repaired] into out[0..11] and NaN into out[11..16]. Returns 0 or a fit status.
///
/// # Safety
/// Pointers as described in ABI.md (out holds FIT_OUT_LEN f64).
#[no_mangle]
pub unsafe extern "C" fn vs_svi_fit(
    n: usize,
    k: *const f64,
    w: *const f64,
    weights: *const f64,
    time: f64,
    out: *mut f64,
) -> u32 {
    let (k, w, weights, out) = match (|| {
        Ok((
            input(k, n)?,
            input(w, n)?,
            optional(weights, n)?,
            output(out, FIT_OUT_LEN)?,
        ))
    })() {
        Ok(bufs) => bufs,
        Err(code) => return code,
    };
    for slot in out.iter_mut() {
        *slot = f64::NAN;
    }
    // Out-of-market values are rejected here (the fitter only requires them finite).
    if k.iter().any(|x| x.abs() > MAX_ABS_K) || w.iter().any(|x| *x > MAX_W) {
        return FIT_INVALID_INPUT;
    }
    let result = fit_svi_slice(k, w, weights, time, &fit_options());
    match result {
        Ok(fit) => {
            let p = fit.params;
            let values = [
                p.a,
                p.b,
                p.rho,
                p.m,
                p.sigma,
                fit.rmse,
                fit.rmse_vol,
                fit.min_g,
                fit.iterations as f64,
                if fit.butterfly_free { 1.0 } else { 0.0 },
                if fit.repaired { 1.0 } else { 0.0 },
            ];
            out[..values.len()].copy_from_slice(&values);
            STATUS_OK
        }
        Err(error) => fit_error_code(&error),
    }
}

/// g(k) of the slice `params` = [a, b, ρ, m, σ] at n log-moneynesses; −∞ where w ≤ 0.
///
/// # Safety
/// Pointers as described in ABI.md (params holds 5 f64).
#[no_mangle]
pub unsafe extern "C" fn vs_svi_g(
    params: *const f64,
    n: usize,
    k: *const f64,
    out: *mut f64,
) -> u32 {
    status((|| {
        let raw = params_of(input(params, 5)?);
        let (k, o) = (input(k, n)?, output(out, n)?);
        for i in 0..n {
            o[i] = raw.g(k[i]);
        }
        Ok(())
    })())
}

/// Total variance w(k) of the slice `params` at n log-moneynesses.
///
/// # Safety
/// Pointers as described in ABI.md (params holds 5 f64).
#[no_mangle]
pub unsafe extern "C" fn vs_svi_w(
    params: *const f64,
    n: usize,
    k: *const f64,
    out: *mut f64,
) -> u32 {
    status((|| {
        let raw = params_of(input(params, 5)?);
        let (k, o) = (input(k, n)?, output(out, n)?);
        for i in 0..n {
            o[i] = raw.total_variance(k[i]);
        }
        Ok(())
    })())
}

/// Gatheral–Jacquier butterfly repair (QUANT.md §5 row 9): params_in = [a, b, ρ, m, σ] at expiry
/// `time` (years) → params_out (5 f64). Returns 0, or REPAIR_IMPOSSIBLE (params_out = NaN).
///
/// # Safety
/// Pointers as described in ABI.md.
#[no_mangle]
pub unsafe extern "C" fn vs_svi_gj_repair(
    params_in: *const f64,
    time: f64,
    params_out: *mut f64,
) -> u32 {
    let (p, out) = match (|| Ok((input(params_in, 5)?, output(params_out, 5)?)))() {
        Ok(bufs) => bufs,
        Err(code) => return code,
    };
    match gj_repair(&params_of(p), time) {
        Some(r) if time.is_finite() && time > 0.0 => {
            out.copy_from_slice(&[r.a, r.b, r.rho, r.m, r.sigma]);
            STATUS_OK
        }
        _ => {
            out.copy_from_slice(&[f64::NAN; 5]);
            REPAIR_IMPOSSIBLE
        }
    }
}

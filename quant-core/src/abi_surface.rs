//! Surface part of the C ABI (see abi.rs and quant-core/ABI.md): calendar check and repair
//! between SVI expiries (calendar.rs; condition ∂_T w(k, T) ≥ 0, QUANT.md §2) and the global
//! eSSVI fit (essvi_fit.rs; Mingone 2022 box parametrisation, QUANT.md §2).

use super::{input, optional, output, status, STATUS_OK};
use crate::calendar::{check_calendar_default, repair_calendar_default};
use crate::essvi_fit::{fit_essvi, EssviFitError, EssviFitOptions, EssviQuotes};
use crate::svi::SviRaw;

/// f64 fields per calendar violation: [earlier, later, k, size, points].
pub const CALENDAR_FIELDS: usize = 5;
/// f64 fields per fitted eSSVI slice: [θ, ρ, ψ, rmse_vol].
pub const ESSVI_SLICE_FIELDS: usize = 4;
/// f64 fields after the slices: [rmse_vol, iterations, arbitrage_free, failing slice index].
pub const ESSVI_SUMMARY_FIELDS: usize = 4;
/// eSSVI status: m = 0.
pub const ESSVI_NO_SLICES: u32 = 20;
/// eSSVI status: times not finite, > 0 and strictly increasing.
pub const ESSVI_UNSORTED: u32 = 21;
/// eSSVI status: one slice's quotes are unusable (index in the summary).
pub const ESSVI_SLICE_INVALID: u32 = 22;

/// (time, raw SVI) pairs from m times and m×5 row-major parameters.
unsafe fn slices_of(
    m: usize,
    times: *const f64,
    params: *const f64,
) -> Result<Vec<(f64, SviRaw)>, u32> {
    let t = input(times, m)?;
    let p = input(params, m.checked_mul(5).ok_or(super::STATUS_BAD_LENGTH)?)?;
    Ok((0..m)
        .map(|i| {
            let q = &p[5 * i..5 * i + 5];
            (
                t[i],
                SviRaw {
                    a: q[0],
                    b: q[1],
                    rho: q[2],
                    m: q[3],
                    sigma: q[4],
                },
            )
        })
        .collect())
}

/// Calendar check of m SVI slices (times in years, params m×5 [a, b, ρ, m, σ]) on k ∈ [−3, 3]
/// (1201 points). Writes one record per violating consecutive pair (ascending time) into out
/// (capacity (m−1)·5 f64) and their number into *out_count.
///
/// # Safety
/// Pointers as described in ABI.md.
#[no_mangle]
pub unsafe extern "C" fn vs_calendar_check(
    m: usize,
    times: *const f64,
    params: *const f64,
    out: *mut f64,
    out_count: *mut u32,
) -> u32 {
    status((|| {
        let slices = slices_of(m, times, params)?;
        let o = output(out, m.saturating_sub(1) * CALENDAR_FIELDS)?;
        let count = output(out_count, 1)?;
        let violations = check_calendar_default(&slices);
        for (i, v) in violations.iter().enumerate().take(m.saturating_sub(1)) {
            o[CALENDAR_FIELDS * i..CALENDAR_FIELDS * (i + 1)].copy_from_slice(&[
                v.earlier as f64,
                v.later as f64,
                v.k,
                v.size,
                v.points as f64,
            ]);
        }
        count[0] = violations.len() as u32;
        Ok(())
    })())
}

/// Calendar repair of later slices (calendar.rs: lift, then reshape near the money): writes the
/// repaired m×5 parameters into out_params and each slice's change of ATM total variance w(0)
/// into out_lifts; returns 0 if the result is calendar-free and no slice lost
/// butterfly-freeness, else 23 (the repaired parameters are written either way).
///
/// # Safety
/// Pointers as described in ABI.md.
#[no_mangle]
pub unsafe extern "C" fn vs_calendar_repair(
    m: usize,
    times: *const f64,
    params: *const f64,
    out_params: *mut f64,
    out_lifts: *mut f64,
) -> u32 {
    let run = || -> Result<bool, u32> {
        let slices = slices_of(m, times, params)?;
        let op = output(out_params, m * 5)?;
        let ol = output(out_lifts, m)?;
        let r = repair_calendar_default(&slices);
        for (i, s) in r.slices.iter().enumerate() {
            op[5 * i..5 * i + 5].copy_from_slice(&[s.a, s.b, s.rho, s.m, s.sigma]);
            ol[i] = r.lifts[i];
        }
        Ok(r.ok)
    };
    match run() {
        Ok(true) => STATUS_OK,
        Ok(false) => 23,
        Err(code) => code,
    }
}

/// Global eSSVI fit of m expiries. Quotes are concatenated: slice i owns counts[i] entries of
/// k, w and weights (weights may be null). Writes m×[θ, ρ, ψ, rmse_vol] then [rmse_vol,
/// iterations, arbitrage_free, failing index] into out (4m + 4 f64). Returns 0 or an eSSVI status.
///
/// # Safety
/// Pointers as described in ABI.md.
#[no_mangle]
pub unsafe extern "C" fn vs_essvi_fit(
    m: usize,
    counts: *const u32,
    times: *const f64,
    k: *const f64,
    w: *const f64,
    weights: *const f64,
    out: *mut f64,
) -> u32 {
    let prepared = (|| {
        let c = input(counts, m)?;
        let t = input(times, m)?;
        let total = c
            .iter()
            .try_fold(0usize, |acc, &x| acc.checked_add(x as usize))
            .ok_or(super::STATUS_BAD_LENGTH)?;
        let o = output(out, ESSVI_SLICE_FIELDS * m + ESSVI_SUMMARY_FIELDS)?;
        Ok((
            c,
            t,
            input(k, total)?,
            input(w, total)?,
            optional(weights, total)?,
            o,
        ))
    })();
    let (c, t, k, w, wt, o) = match prepared {
        Ok(bufs) => bufs,
        Err(code) => return code,
    };
    for x in o.iter_mut() {
        *x = f64::NAN;
    }
    let mut quotes: Vec<EssviQuotes> = Vec::with_capacity(m);
    let mut start = 0usize;
    for i in 0..m {
        let end = start + c[i] as usize;
        quotes.push(EssviQuotes {
            time: t[i],
            k: &k[start..end],
            w: &w[start..end],
            weights: wt.map(|x| &x[start..end]),
        });
        start = end;
    }
    let summary = ESSVI_SLICE_FIELDS * m;
    match fit_essvi(&quotes, &EssviFitOptions::default()) {
        Ok(fit) => {
            for (i, s) in fit.slices.iter().enumerate() {
                let e = fit.rmse_vol_per_slice.get(i).copied().unwrap_or(f64::NAN);
                o[ESSVI_SLICE_FIELDS * i..ESSVI_SLICE_FIELDS * (i + 1)]
                    .copy_from_slice(&[s.theta, s.rho, s.psi, e]);
            }
            o[summary] = fit.rmse_vol;
            o[summary + 1] = fit.iterations as f64;
            o[summary + 2] = if fit.arbitrage_free { 1.0 } else { 0.0 };
            STATUS_OK
        }
        Err(EssviFitError::NoSlices) => ESSVI_NO_SLICES,
        Err(EssviFitError::Unsorted { index }) => {
            o[summary + 3] = index as f64;
            ESSVI_UNSORTED
        }
        Err(EssviFitError::Slice { index, .. }) => {
            o[summary + 3] = index as f64;
            ESSVI_SLICE_INVALID
        }
    }
}

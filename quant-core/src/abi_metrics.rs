//! Metrics part of the C ABI (see abi.rs and quant-core/ABI.md): per-slice smile metrics and
//! fixed-tenor metrics of an SVI surface. Conventions (metrics.rs, tenors.rs; QUANT.md §3):
//! ATM = ATMF (k = 0); RR = σ(ΔC) − σ(ΔP); BF = (σ(ΔC) + σ(ΔP))/2 − σ_ATM; deltas forward or
//! premium-adjusted; tenors interpolate total variance linearly in time.

use super::{input, output, status, STATUS_BAD_LENGTH};
use crate::metrics::{smile_metrics, DeltaConvention, SmileMetrics};
use crate::svi::SviRaw;
use crate::tenors::tenor_metrics;

/// f64 fields per metrics record: [atm_vol, skew, vol_25c, vol_25p, vol_10c, vol_10p, rr25,
/// bf25, rr10, bf10].
pub const METRICS_FIELDS: usize = 10;

fn convention(code: u32) -> DeltaConvention {
    if code == 0 {
        DeltaConvention::Forward
    } else {
        DeltaConvention::PremiumAdjusted
    }
}

fn write(out: &mut [f64], m: &SmileMetrics) {
    out.copy_from_slice(&[
        m.atm_vol, m.skew, m.vol_25c, m.vol_25p, m.vol_10c, m.vol_10p, m.rr25, m.bf25, m.rr10,
        m.bf10,
    ]);
}

unsafe fn slices_of(
    m: usize,
    times: *const f64,
    params: *const f64,
) -> Result<Vec<(f64, SviRaw)>, u32> {
    let t = input(times, m)?;
    let p = input(params, m.checked_mul(5).ok_or(STATUS_BAD_LENGTH)?)?;
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

/// Smile metrics of m SVI slices (times in years, params m×5), delta convention 0 = forward,
/// 1 = premium-adjusted; writes m×10 f64 (NaN where a delta is not attained).
///
/// # Safety
/// Pointers as described in ABI.md.
#[no_mangle]
pub unsafe extern "C" fn vs_surface_metrics(
    m: usize,
    times: *const f64,
    params: *const f64,
    delta_convention: u32,
    out: *mut f64,
) -> u32 {
    status((|| {
        let slices = slices_of(m, times, params)?;
        let o = output(out, m.checked_mul(METRICS_FIELDS).ok_or(STATUS_BAD_LENGTH)?)?;
        let conv = convention(delta_convention);
        for (i, (t, s)) in slices.iter().enumerate() {
            let rec = &mut o[METRICS_FIELDS * i..METRICS_FIELDS * (i + 1)];
            if t.is_finite() && *t > 0.0 {
                write(rec, &smile_metrics(s, *t, conv));
            } else {
                rec.copy_from_slice(&[f64::NAN; METRICS_FIELDS]);
            }
        }
        Ok(())
    })())
}

/// Metrics at n fixed tenors (years) of the surface of m SVI slices sorted by time (total
/// variance linear in time between bracketing expiries); writes n×10 f64, NaN where a tenor is
/// not computable (empty surface, tenor ≤ 0).
///
/// # Safety
/// Pointers as described in ABI.md.
#[no_mangle]
pub unsafe extern "C" fn vs_tenor_metrics(
    m: usize,
    times: *const f64,
    params: *const f64,
    n: usize,
    tenors: *const f64,
    delta_convention: u32,
    out: *mut f64,
) -> u32 {
    status((|| {
        let slices = slices_of(m, times, params)?;
        let tau = input(tenors, n)?;
        let o = output(out, n.checked_mul(METRICS_FIELDS).ok_or(STATUS_BAD_LENGTH)?)?;
        let conv = convention(delta_convention);
        for i in 0..n {
            let rec = &mut o[METRICS_FIELDS * i..METRICS_FIELDS * (i + 1)];
            match tenor_metrics(&slices, tau[i], conv) {
                Some(mt) => write(rec, &mt),
                None => rec.copy_from_slice(&[f64::NAN; METRICS_FIELDS]),
            }
        }
        Ok(())
    })())
}

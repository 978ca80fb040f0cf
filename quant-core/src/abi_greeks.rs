//! Greeks part of the C ABI (see abi.rs and quant-core/ABI.md): batch Black-76 greeks in venue
//! units (greeks.rs; QUANT.md §3) and the first-order IV update of a coin quote when the
//! forward moves (inverse.rs; QUANT.md §4: dσ = −(Δ_pa/𝒱)·dF with the coin price held).

use super::{input, output, status, STATUS_BAD_LENGTH};
use crate::greeks::{greeks, greeks_coin};
use crate::inverse::iv_update_coin_held;

/// f64 blocks (of n each) written by `vs_greeks`: delta, delta_pa, gamma, vega, theta.
pub const GREEKS_FIELDS: usize = 5;

/// Batch greeks: `out` holds 5 consecutive blocks of n f64 (delta, delta_pa, gamma, vega per
/// vol point, theta per day). `coin` = 0: USD value B; non-zero: coin value c = B/F per coin.
///
/// # Safety
/// Pointers as described in ABI.md.
#[no_mangle]
pub unsafe extern "C" fn vs_greeks(
    n: usize,
    forward: *const f64,
    strike: *const f64,
    time: *const f64,
    vol: *const f64,
    is_call: *const u8,
    coin: u32,
    out: *mut f64,
) -> u32 {
    status((|| {
        let (f, k, t, v, c) = (
            input(forward, n)?,
            input(strike, n)?,
            input(time, n)?,
            input(vol, n)?,
            input(is_call, n)?,
        );
        let o = output(out, n.checked_mul(GREEKS_FIELDS).ok_or(STATUS_BAD_LENGTH)?)?;
        let fun = if coin != 0 { greeks_coin } else { greeks };
        for i in 0..n {
            let g = fun(f[i], k[i], t[i], v[i], c[i] != 0);
            o[i] = g.delta;
            o[n + i] = g.delta_pa;
            o[2 * n + i] = g.gamma;
            o[3 * n + i] = g.vega;
            o[4 * n + i] = g.theta;
        }
        Ok(())
    })())
}

/// First-order IV update of coin quotes after the forward moved from forward_old to
/// forward_new: out_vol = σ₁, out_error = its error estimate (re-invert when above budget;
/// NaN/+∞ for invalid rows).
///
/// # Safety
/// Pointers as described in ABI.md.
#[no_mangle]
pub unsafe extern "C" fn vs_iv_update_coin_held(
    n: usize,
    vol: *const f64,
    forward_old: *const f64,
    forward_new: *const f64,
    strike: *const f64,
    time: *const f64,
    is_call: *const u8,
    out_vol: *mut f64,
    out_error: *mut f64,
) -> u32 {
    status((|| {
        let (v, f0, f1, k, t, c) = (
            input(vol, n)?,
            input(forward_old, n)?,
            input(forward_new, n)?,
            input(strike, n)?,
            input(time, n)?,
            input(is_call, n)?,
        );
        let (ov, oe) = (output(out_vol, n)?, output(out_error, n)?);
        for i in 0..n {
            let (s, e) = iv_update_coin_held(v[i], f0[i], f1[i], k[i], t[i], c[i] != 0);
            ov[i] = s;
            oe[i] = e;
        }
        Ok(())
    })())
}

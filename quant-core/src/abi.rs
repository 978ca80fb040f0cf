//! The C ABI of quant-core: batch functions over struct-of-arrays buffers in linear memory, the
//! only surface the JavaScript loader (packages/svi-core) calls. Any module exporting this ABI
//! (documented with layouts, units and codes in quant-core/ABI.md) can replace the default one.
//!
//! Boundary rules: every pointer is checked (null, alignment, inside linear memory) before a
//! slice is formed; n = 0 is always valid; nothing here panics on bad numbers (they give NaN and
//! a reason code). Formulas live in the numeric modules (black.rs, lbr.rs, svi*.rs); this file
//! only moves data.
#![allow(unknown_lints, unexpected_cfgs)]

use std::alloc::{alloc, dealloc, Layout};
use std::mem::{align_of, size_of};
use std::slice;

#[path = "abi_greeks.rs"]
mod greeks;
#[path = "abi_metrics.rs"]
mod metrics;
#[path = "abi_surface.rs"]
mod surface;
#[path = "abi_svi.rs"]
mod svi;
pub use greeks::*;
pub use metrics::*;
pub use surface::*;
pub use svi::*;

/// ABI version; bumped on any incompatible change of a signature, layout or code.
pub const ABI_VERSION: u32 = 1;

/// Status: success.
pub const STATUS_OK: u32 = 0;
/// Status: a required pointer was null, misaligned, or outside linear memory.
pub const STATUS_BAD_POINTER: u32 = 1;
/// Status: n × element size overflows or runs past the end of linear memory.
pub const STATUS_BAD_LENGTH: u32 = 2;

#[cfg(not(fitter_variant))]
const FITTER_ID: &str = "volstream-quant-core/qe-svi-1";
/// The variant build (`--cfg fitter_variant`) used by the module-swap tests.
#[cfg(fitter_variant)]
const FITTER_ID: &str = "volstream-quant-core/qe-svi-1+variant";

/// Alignment of every vs_alloc block (f64 buffers need 8).
const ALLOC_ALIGN: usize = 8;

/// Bytes of linear memory currently addressable (unbounded on the host, for cargo tests).
#[inline]
fn memory_end() -> usize {
    #[cfg(target_arch = "wasm32")]
    {
        core::arch::wasm32::memory_size(0).saturating_mul(65_536)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        usize::MAX
    }
}

#[inline]
fn check<T>(ptr: *const T, n: usize) -> Result<(), u32> {
    if n == 0 {
        return Ok(());
    }
    if ptr.is_null() || (ptr as usize) % align_of::<T>() != 0 {
        return Err(STATUS_BAD_POINTER);
    }
    let bytes = n.checked_mul(size_of::<T>()).ok_or(STATUS_BAD_LENGTH)?;
    let end = (ptr as usize).checked_add(bytes).ok_or(STATUS_BAD_LENGTH)?;
    if end > memory_end() {
        return Err(STATUS_BAD_LENGTH);
    }
    Ok(())
}

/// An input buffer of n elements (empty for n = 0, whatever the pointer).
///
/// # Safety
/// `ptr` must point to n initialised `T`s not written during the call (checked for null,
/// alignment and bounds, not for aliasing).
pub(crate) unsafe fn input<'a, T>(ptr: *const T, n: usize) -> Result<&'a [T], u32> {
    check(ptr, n)?;
    if n == 0 {
        return Ok(&[]);
    }
    Ok(slice::from_raw_parts(ptr, n))
}

/// An output buffer of n elements; must not overlap any input of the same call.
///
/// # Safety
/// As [`input`], and the buffer must be exclusively ours for the call.
pub(crate) unsafe fn output<'a, T>(ptr: *mut T, n: usize) -> Result<&'a mut [T], u32> {
    check(ptr as *const T, n)?;
    if n == 0 {
        return Ok(&mut []);
    }
    Ok(slice::from_raw_parts_mut(ptr, n))
}

/// Optional buffer: null means "not given" (Ok(None)); otherwise checked like [`input`].
///
/// # Safety
/// As [`input`].
pub(crate) unsafe fn optional<'a, T>(ptr: *const T, n: usize) -> Result<Option<&'a [T]>, u32> {
    if ptr.is_null() {
        Ok(None)
    } else {
        input(ptr, n).map(Some)
    }
}

#[inline]
pub(crate) fn status(result: Result<(), u32>) -> u32 {
    match result {
        Ok(()) => STATUS_OK,
        Err(code) => code,
    }
}

/// ABI version of this module ([`ABI_VERSION`]).
#[no_mangle]
pub extern "C" fn vs_abi_version() -> u32 {
    ABI_VERSION
}

/// Pointer to the UTF-8 fitter id (not NUL-terminated; length from [`vs_fitter_id_len`]).
#[no_mangle]
pub extern "C" fn vs_fitter_id_ptr() -> *const u8 {
    FITTER_ID.as_ptr()
}

/// Length in bytes of the fitter id.
#[no_mangle]
pub extern "C" fn vs_fitter_id_len() -> usize {
    FITTER_ID.len()
}

/// The fitter id as a Rust string (for host-side tests).
pub fn fitter_id() -> &'static str {
    FITTER_ID
}

/// Allocates `bytes` bytes aligned to 8; null for 0 bytes or when memory cannot grow.
#[no_mangle]
pub extern "C" fn vs_alloc(bytes: usize) -> *mut u8 {
    if bytes == 0 {
        return std::ptr::null_mut();
    }
    match Layout::from_size_align(bytes, ALLOC_ALIGN) {
        // SAFETY: the layout has a non-zero size.
        Ok(layout) => unsafe { alloc(layout) },
        Err(_) => std::ptr::null_mut(),
    }
}

/// Frees a block from [`vs_alloc`]; `bytes` must be the size it was allocated with. Null or 0 is a
/// no-op.
///
/// # Safety
/// `ptr` must come from `vs_alloc(bytes)` and not have been freed.
#[no_mangle]
pub unsafe extern "C" fn vs_free(ptr: *mut u8, bytes: usize) {
    if ptr.is_null() || bytes == 0 {
        return;
    }
    if let Ok(layout) = Layout::from_size_align(bytes, ALLOC_ALIGN) {
        dealloc(ptr, layout);
    }
}

/// Undiscounted Black-76 price of one option (NaN for invalid inputs).
#[no_mangle]
pub extern "C" fn vs_black76_one(
    forward: f64,
    strike: f64,
    time: f64,
    vol: f64,
    is_call: u32,
) -> f64 {
    crate::black::black76(forward, strike, time, vol, is_call != 0)
}

/// Batch Black-76: out[i] = black76(forward[i], strike[i], time[i], vol[i], is_call[i] != 0).
///
/// # Safety
/// Pointers as described in ABI.md (n elements each, out not overlapping the inputs).
#[no_mangle]
pub unsafe extern "C" fn vs_black76(
    n: usize,
    forward: *const f64,
    strike: *const f64,
    time: *const f64,
    vol: *const f64,
    is_call: *const u8,
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
        let o = output(out, n)?;
        for i in 0..n {
            o[i] = crate::black::black76(f[i], k[i], t[i], v[i], c[i] != 0);
        }
        Ok(())
    })())
}

/// Implied vol of one option from its undiscounted price (NaN when there is none).
#[no_mangle]
pub extern "C" fn vs_implied_vol_one(
    price: f64,
    forward: f64,
    strike: f64,
    time: f64,
    is_call: u32,
) -> f64 {
    crate::lbr::implied_vol(price, forward, strike, time, is_call != 0)
}

/// Signature shared by `lbr::implied_vols` and `inverse::implied_vols_inverse`.
type IvBatch = fn(&[f64], &[f64], &[f64], &[f64], &[u8], &mut [f64], &mut [u8]);

/// Shared body of the two batch IV exports.
#[allow(clippy::too_many_arguments)]
unsafe fn implied_vols_impl(
    n: usize,
    price: *const f64,
    forward: *const f64,
    strike: *const f64,
    time: *const f64,
    is_call: *const u8,
    out_vol: *mut f64,
    out_reason: *mut u8,
    batch: IvBatch,
) -> Result<(), u32> {
    let (p, f, k, t, c) = (
        input(price, n)?,
        input(forward, n)?,
        input(strike, n)?,
        input(time, n)?,
        input(is_call, n)?,
    );
    let vols = output(out_vol, n)?;
    if !out_reason.is_null() {
        batch(p, f, k, t, c, vols, output(out_reason, n)?);
        return Ok(());
    }
    // No reasons wanted: chunk through a stack buffer so the call needs no heap allocation.
    const CHUNK: usize = 256;
    let mut scratch = [0u8; CHUNK];
    let mut start = 0;
    while start < n {
        let end = (start + CHUNK).min(n);
        let r = start..end;
        batch(
            &p[r.clone()],
            &f[r.clone()],
            &k[r.clone()],
            &t[r.clone()],
            &c[r.clone()],
            &mut vols[r],
            &mut scratch[..end - start],
        );
        start = end;
    }
    Ok(())
}

/// Batch IV inversion of undiscounted Black-76 prices; reasons (may be null) get one code each.
///
/// # Safety
/// Pointers as described in ABI.md.
#[no_mangle]
pub unsafe extern "C" fn vs_implied_vols(
    n: usize,
    price: *const f64,
    forward: *const f64,
    strike: *const f64,
    time: *const f64,
    is_call: *const u8,
    out_vol: *mut f64,
    out_reason: *mut u8,
) -> u32 {
    status(implied_vols_impl(
        n,
        price,
        forward,
        strike,
        time,
        is_call,
        out_vol,
        out_reason,
        crate::lbr::implied_vols,
    ))
}

/// Batch IV of inverse (coin-quoted) options: B = coin_price · forward (QUANT.md §1, Deribit).
///
/// # Safety
/// Pointers as described in ABI.md.
#[no_mangle]
pub unsafe extern "C" fn vs_implied_vols_inverse(
    n: usize,
    coin_price: *const f64,
    forward: *const f64,
    strike: *const f64,
    time: *const f64,
    is_call: *const u8,
    out_vol: *mut f64,
    out_reason: *mut u8,
) -> u32 {
    status(implied_vols_impl(
        n,
        coin_price,
        forward,
        strike,
        time,
        is_call,
        out_vol,
        out_reason,
        crate::inverse::implied_vols_inverse,
    ))
}

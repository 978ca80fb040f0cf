//! Host-side tests of the C ABI boundary (src/abi*.rs): pointer checks, n = 0, allocation, and
//! that each export writes what the Rust function it wraps computes.

use quant_core::abi::*;
use quant_core::svi::SviRaw;
use quant_core::svi_fit::{fit_svi_slice, SviFitOptions};
use std::ptr::{null, null_mut};

const VOGT: [f64; 5] = [-0.041, 0.1331, 0.306, 0.3586, 0.4153];

#[test]
fn version_and_id() {
    assert_eq!(vs_abi_version(), 1);
    assert_eq!(ABI_VERSION, 1);
    let id = unsafe { std::slice::from_raw_parts(vs_fitter_id_ptr(), vs_fitter_id_len()) };
    assert_eq!(std::str::from_utf8(id).unwrap(), fitter_id());
    assert!(fitter_id().starts_with("volstream-quant-core/"));
}

#[test]
fn alloc_is_aligned_and_free_accepts_null() {
    assert!(vs_alloc(0).is_null());
    for bytes in [1usize, 7, 8, 1000, 1 << 20] {
        let p = vs_alloc(bytes);
        assert!(!p.is_null());
        assert_eq!(p as usize % 8, 0);
        unsafe {
            std::ptr::write_bytes(p, 0xAB, bytes);
            vs_free(p, bytes);
        }
    }
    unsafe {
        vs_free(null_mut(), 16);
        vs_free(vs_alloc(8), 0); // size 0: ignored (leaks 8 bytes, never frees wrongly)
    }
}

#[test]
fn null_pointers_with_n_positive_are_rejected_and_n_zero_is_fine() {
    let mut out = [0.0f64; 4];
    unsafe {
        assert_eq!(vs_black76(0, null(), null(), null(), null(), null(), null_mut()), 0);
        assert_eq!(vs_black76(1, null(), null(), null(), null(), null(), out.as_mut_ptr()), 1);
        assert_eq!(vs_implied_vols(0, null(), null(), null(), null(), null(), null_mut(), null_mut()), 0);
        assert_eq!(vs_svi_g(null(), 0, null(), null_mut()), 1, "params are always required");
        assert_eq!(vs_svi_g(VOGT.as_ptr(), 0, null(), null_mut()), 0);
        assert_eq!(vs_svi_fit(3, null(), null(), null(), 1.0, out.as_mut_ptr()), 1);
    }
}

#[test]
fn misaligned_and_overflowing_buffers_are_rejected() {
    let buf = [0u64; 8];
    let misaligned = unsafe { (buf.as_ptr() as *const u8).add(1) } as *const f64;
    let mut out = [0.0f64; 8];
    let calls = [1u8; 8];
    unsafe {
        let st = vs_black76(2, misaligned, misaligned, misaligned, misaligned, calls.as_ptr(), out.as_mut_ptr());
        assert_eq!(st, STATUS_BAD_POINTER);
        let huge = usize::MAX / 4;
        let p = out.as_ptr();
        let st = vs_black76(huge, p, p, p, p, calls.as_ptr(), out.as_mut_ptr());
        assert_eq!(st, STATUS_BAD_LENGTH);
    }
}

#[test]
fn batch_iv_round_trips_and_reports_reasons() {
    let f = [100.0, 100.0, 100.0, 100.0];
    let k = [100.0, 120.0, 90.0, 100.0];
    let t = [0.5, 0.25, 1.0, -1.0];
    let c = [1u8, 1, 0, 1];
    let v = [0.2, 0.6, 0.35, 0.3];
    let mut price = [0.0; 4];
    let mut vol = [0.0; 4];
    let mut reasons = [9u8; 4];
    unsafe {
        assert_eq!(vs_black76(4, f.as_ptr(), k.as_ptr(), t.as_ptr(), v.as_ptr(), c.as_ptr(), price.as_mut_ptr()), 0);
        let st = vs_implied_vols(4, price.as_ptr(), f.as_ptr(), k.as_ptr(), t.as_ptr(), c.as_ptr(), vol.as_mut_ptr(), reasons.as_mut_ptr());
        assert_eq!(st, 0);
    }
    for i in 0..3 {
        assert!((vol[i] - v[i]).abs() < 1e-12, "row {}: {}", i, vol[i]);
        assert_eq!(reasons[i], 0);
    }
    assert!(vol[3].is_nan());
    assert_eq!(reasons[3], 4, "non-positive time");
    // Null reasons pointer and more than one internal chunk (256) of rows.
    let n = 600;
    let (pp, ff, kk, tt, cc) = (vec![price[0]; n], vec![100.0; n], vec![100.0; n], vec![0.5; n], vec![1u8; n]);
    let mut out = vec![0.0; n];
    let st = unsafe { vs_implied_vols(n, pp.as_ptr(), ff.as_ptr(), kk.as_ptr(), tt.as_ptr(), cc.as_ptr(), out.as_mut_ptr(), null_mut()) };
    assert_eq!(st, 0);
    assert!(out.iter().all(|x| (x - 0.2).abs() < 1e-12));
}

#[test]
fn inverse_iv_scales_coin_prices_by_the_forward() {
    // QUANT.md §5 row 6.
    let (c, f, k, t, call) = ([0.005986547023255718], [60000.0], [65000.0], [7.0 / 365.0], [1u8]);
    let mut out = [0.0];
    let mut r = [9u8];
    let st = unsafe { vs_implied_vols_inverse(1, c.as_ptr(), f.as_ptr(), k.as_ptr(), t.as_ptr(), call.as_ptr(), out.as_mut_ptr(), r.as_mut_ptr()) };
    assert_eq!((st, r[0]), (0, 0));
    assert!((out[0] - 0.55).abs() < 1e-12, "{}", out[0]);
}

#[test]
fn svi_fit_export_matches_the_rust_fitter() {
    let k: Vec<f64> = (0..21).map(|i| -0.5 + 0.05 * i as f64).collect();
    let truth = SviRaw { a: 0.02, b: 0.1, rho: -0.3, m: 0.02, sigma: 0.15 };
    let w: Vec<f64> = k.iter().map(|&x| truth.total_variance(x)).collect();
    let mut out = [0.0; FIT_OUT_LEN];
    let st = unsafe { vs_svi_fit(k.len(), k.as_ptr(), w.as_ptr(), null(), 0.25, out.as_mut_ptr()) };
    assert_eq!(st, 0);
    let direct = fit_svi_slice(&k, &w, None, 0.25, &fit_options()).unwrap();
    assert_eq!(&out[..5], &[direct.params.a, direct.params.b, direct.params.rho, direct.params.m, direct.params.sigma]);
    assert_eq!(out[9], 1.0, "butterfly-free flag");
    assert!(out[11..].iter().all(|x| x.is_nan()), "reserved slots are NaN");
    let _ = SviFitOptions::default();
    // Too few points: status, all NaN.
    let st = unsafe { vs_svi_fit(2, k.as_ptr(), w.as_ptr(), null(), 0.25, out.as_mut_ptr()) };
    assert_eq!(st, FIT_TOO_FEW_POINTS);
    assert!(out.iter().all(|x| x.is_nan()));
}

#[test]
fn svi_g_and_repair_exports_reproduce_quant_md_rows_8_and_9() {
    let k = [0.879];
    let mut g = [0.0];
    assert_eq!(unsafe { vs_svi_g(VOGT.as_ptr(), 1, k.as_ptr(), g.as_mut_ptr()) }, 0);
    assert!((g[0] + 0.03286).abs() < 5e-5, "{}", g[0]);
    let mut rep = [0.0; 5];
    assert_eq!(unsafe { vs_svi_gj_repair(VOGT.as_ptr(), 1.0, rep.as_mut_ptr()) }, 0);
    let expected = [0.0077409, 0.069242, -0.3340365, 0.0420337, 0.1186078];
    for i in 0..5 {
        assert!((rep[i] - expected[i]).abs() < 2e-7, "{} {}", i, rep[i]);
    }
    assert_eq!(unsafe { vs_svi_gj_repair(VOGT.as_ptr(), -1.0, rep.as_mut_ptr()) }, REPAIR_IMPOSSIBLE);
}

#[test]
fn calendar_check_reports_a_crossing_pair() {
    // The later slice has less variance everywhere: one violating pair.
    let times = [0.1, 0.2];
    let params = [0.02, 0.1, -0.3, 0.0, 0.2, 0.01, 0.1, -0.3, 0.0, 0.2];
    let mut out = [0.0; 5];
    let mut count = [9u32];
    let st = unsafe { vs_calendar_check(2, times.as_ptr(), params.as_ptr(), out.as_mut_ptr(), count.as_mut_ptr()) };
    assert_eq!((st, count[0]), (0, 1));
    assert_eq!((out[0], out[1]), (0.0, 1.0));
    assert!((out[3] - 0.01).abs() < 1e-9, "size {}", out[3]);
    let mut fixed = [0.0; 10];
    let mut lifts = [0.0; 2];
    let st = unsafe { vs_calendar_repair(2, times.as_ptr(), params.as_ptr(), fixed.as_mut_ptr(), lifts.as_mut_ptr()) };
    assert_eq!(st, 0);
    assert!(lifts[1] >= 0.01 && lifts[0] == 0.0);
}

#[test]
fn greeks_export_writes_five_blocks() {
    let (f, k, t, v, c) = ([60000.0, 100.0], [65000.0, 100.0], [7.0 / 365.0, 1.0], [0.55, 0.2], [1u8, 1]);
    let mut out = [0.0; 10];
    let st = unsafe { vs_greeks(2, f.as_ptr(), k.as_ptr(), t.as_ptr(), v.as_ptr(), c.as_ptr(), 0, out.as_mut_ptr()) };
    assert_eq!(st, 0);
    assert!((out[0] - 0.155576707).abs() < 1e-9, "delta {}", out[0]);
    assert!((out[2] - 0.14959016).abs() < 1e-8, "delta_pa {}", out[2]);
    assert!(out[4] > 0.0 && out[6] > 0.0 && out[8] < 0.0, "gamma, vega > 0, theta < 0");
}

//! QUANT.md §5 rows 8 and 9: the Vogt slice (Gatheral & Jacquier 2014, Example 3.1, t = 1), its
//! jump-wings parameters and GJ's butterfly repair.

use quant_core::jump_wings::{gj_repair, jw_to_raw, minimal_gj_repair, raw_to_jw};
use quant_core::svi::SviRaw;

const VOGT: SviRaw = SviRaw {
    a: -0.0410,
    b: 0.1331,
    rho: 0.3060,
    m: 0.3586,
    sigma: 0.4153,
};

fn close(got: f64, want: f64, tol: f64, what: &str) {
    assert!(
        (got - want).abs() <= tol,
        "{}: expected {}, was {}",
        what,
        want,
        got
    );
}

#[test]
fn vogt_min_g_is_negative_at_the_published_point() {
    let (g, k) = VOGT.min_g(-3.0, 3.0, 1201);
    close(g, -0.03286, 5e-6, "min g");
    close(k, 0.879, 5e-4, "argmin k");
    assert!(!VOGT.is_butterfly_free());
    // The cheap screens pass although the slice has arbitrage (QUANT.md §2 "not sufficient").
    assert!(VOGT.b * (1.0 + VOGT.rho.abs()) < 4.0);
    close(VOGT.min_total_variance(), 0.011625, 1e-6, "w_min");
}

#[test]
fn vogt_negative_g_region_matches() {
    let neg: Vec<f64> = (0..=6000)
        .map(|i| -3.0 + i as f64 * 0.001)
        .filter(|&k| VOGT.g(k) < 0.0)
        .collect();
    close(neg[0], 0.642, 1.5e-3, "left end of g < 0");
    close(*neg.last().unwrap(), 1.257, 1.5e-3, "right end of g < 0");
    // The density is negative exactly there.
    assert!(VOGT.density(0.879) < 0.0);
    assert!(VOGT.density(0.0) > 0.0);
}

#[test]
fn vogt_jump_wings_match_gj_example_5_1() {
    let jw = raw_to_jw(&VOGT, 1.0);
    close(jw.v, 0.01742625, 1e-8, "v");
    close(jw.psi, -0.1752111, 1e-7, "psi");
    close(jw.p, 0.6997381, 1e-7, "p");
    close(jw.c, 1.316798, 1e-6, "c");
    close(jw.v_tilde, 0.0116249, 1e-7, "v_tilde");
}

#[test]
fn jw_round_trip_recovers_raw() {
    for t in [1.0, 0.25, 2.0] {
        let back = jw_to_raw(&raw_to_jw(&VOGT, t), t).expect("convertible");
        close(back.a, VOGT.a, 1e-12, "a");
        close(back.b, VOGT.b, 1e-12, "b");
        close(back.rho, VOGT.rho, 1e-12, "rho");
        close(back.m, VOGT.m, 1e-12, "m");
        close(back.sigma, VOGT.sigma, 1e-12, "sigma");
    }
    // m = 0 takes the β = 0 branch of the inverse.
    let centred = SviRaw {
        a: 0.01,
        b: 0.1,
        rho: -0.3,
        m: 0.0,
        sigma: 0.2,
    };
    let back = jw_to_raw(&raw_to_jw(&centred, 0.5), 0.5).expect("convertible");
    close(back.m, 0.0, 1e-12, "m");
    close(back.sigma, 0.2, 1e-10, "sigma");
    close(back.a, 0.01, 1e-12, "a");
}

#[test]
fn gj_repair_matches_row_9_and_is_butterfly_free() {
    let r = gj_repair(&VOGT, 1.0).expect("repairable");
    close(r.a, 0.0077409, 1e-7, "a");
    close(r.b, 0.0692420, 1e-7, "b");
    close(r.rho, -0.3340365, 1e-7, "rho");
    close(r.m, 0.0420337, 1e-7, "m");
    close(r.sigma, 0.1186078, 1e-7, "sigma");
    let jw = raw_to_jw(&r, 1.0);
    close(jw.c, 0.3493158, 1e-7, "c'");
    close(jw.v_tilde, 0.0154818, 1e-7, "v~'");
    close(r.min_g_default().0, 0.263, 5e-4, "repaired min g");
    assert!(r.is_butterfly_free());
}

#[test]
fn minimal_repair_is_free_and_moves_less_than_full_repair() {
    let (r, lambda) = minimal_gj_repair(&VOGT, 1.0).expect("repairable");
    assert!(r.is_butterfly_free());
    assert!(lambda > 0.0 && lambda < 1.0, "lambda {}", lambda);
    // Keeps v, ψ and p: ATM variance and skew are unchanged by the repair.
    close(
        r.total_variance(0.0),
        VOGT.total_variance(0.0),
        1e-12,
        "w(0)",
    );
    close(r.w1(0.0), VOGT.w1(0.0), 1e-12, "w'(0)");
    let full = gj_repair(&VOGT, 1.0).unwrap();
    let dist = |x: &SviRaw| (x.total_variance(1.0) - VOGT.total_variance(1.0)).abs();
    assert!(dist(&r) < dist(&full));
    // An arbitrage-free slice is left alone.
    let free = gj_repair(&VOGT, 1.0).unwrap();
    assert_eq!(minimal_gj_repair(&free, 1.0), Some((free, 0.0)));
}

#[test]
fn derivatives_match_finite_differences() {
    let h = 1e-5;
    for &k in &[-1.0, -0.2, 0.0, 0.3586, 0.9, 2.0] {
        let fd1 = (VOGT.total_variance(k + h) - VOGT.total_variance(k - h)) / (2.0 * h);
        let fd2 = (VOGT.w1(k + h) - VOGT.w1(k - h)) / (2.0 * h);
        close(VOGT.w1(k), fd1, 1e-8, "w'");
        close(VOGT.w2(k), fd2, 1e-7, "w''");
    }
}

#[test]
fn density_integrates_to_one_on_a_free_slice() {
    let r = gj_repair(&VOGT, 1.0).unwrap();
    let (lo, hi, n) = (-8.0, 8.0, 16000);
    let h = (hi - lo) / n as f64;
    let total: f64 = (0..n)
        .map(|i| r.density(lo + (i as f64 + 0.5) * h) * h)
        .sum();
    close(total, 1.0, 2e-3, "∫p");
}

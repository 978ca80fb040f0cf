//! Smile metrics: ATM, deltas (forward and premium-adjusted), RR/BF, skew (QUANT.md §3, §5 row 6).

use quant_core::essvi::EssviSlice;
use quant_core::metrics::{
    atm_skew, atm_vol, delta_at_k, k_for_delta, smile_metrics, strike_for_delta, vol_at_delta,
    DeltaConvention::{Forward, PremiumAdjusted},
};
use quant_core::svi::SviRaw;

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
fn deltas_match_quant_row_6() {
    // F = 60000, K = 65000, T = 7/365, σ = 0.55: Δ_f = 0.155576707, Δ_pa = 0.14959016.
    let t = 7.0 / 365.0;
    let flat = SviRaw::flat(0.55 * 0.55 * t);
    let k = (65000.0f64 / 60000.0).ln();
    close(
        delta_at_k(&flat, k, true, Forward),
        0.155576707,
        1e-9,
        "forward call delta",
    );
    close(
        delta_at_k(&flat, k, true, PremiumAdjusted),
        0.14959016,
        1e-8,
        "PA call delta",
    );
    // Put-call relations: Δ_f(C) − Δ_f(P) = 1, Δ_pa(C) − Δ_pa(P) = e^k.
    let dp = delta_at_k(&flat, k, false, Forward);
    close(
        delta_at_k(&flat, k, true, Forward) - dp,
        1.0,
        1e-15,
        "forward parity",
    );
    let dpp = delta_at_k(&flat, k, false, PremiumAdjusted);
    close(
        delta_at_k(&flat, k, true, PremiumAdjusted) - dpp,
        k.exp(),
        1e-15,
        "PA parity",
    );
    // And the inverse: the strike of the 0.155576707 forward-delta call is 65000.
    let strike = strike_for_delta(&flat, 60000.0, 0.155576707, Forward).unwrap();
    close(strike, 65000.0, 1e-3, "strike for delta");
}

#[test]
fn k_for_delta_round_trips_on_a_skewed_smile() {
    let t = 30.0 / 365.0;
    let sw = (0.6f64 * 0.6 * t).sqrt();
    let svi = SviRaw {
        a: 0.6 * sw * sw,
        b: 0.4 * sw,
        rho: -0.4,
        m: 0.1 * sw,
        sigma: 0.8 * sw,
    };
    for conv in [Forward, PremiumAdjusted] {
        for &d in &[0.5, 0.25, 0.1, 0.05, -0.05, -0.1, -0.25, -0.5] {
            let k = k_for_delta(&svi, d, conv).expect("attained");
            close(
                delta_at_k(&svi, k, d > 0.0, conv),
                d,
                1e-12,
                "delta round trip",
            );
        }
        // Calls sit right of puts at equal |Δ|, and 10Δ further out than 25Δ.
        let kc25 = k_for_delta(&svi, 0.25, conv).unwrap();
        let kc10 = k_for_delta(&svi, 0.10, conv).unwrap();
        let kp25 = k_for_delta(&svi, -0.25, conv).unwrap();
        let kp10 = k_for_delta(&svi, -0.10, conv).unwrap();
        assert!(kp10 < kp25 && kp25 < kc25 && kc25 < kc10);
    }
    for bad in [0.0, 1.0, -1.0, 1.5, f64::NAN] {
        assert_eq!(k_for_delta(&svi, bad, Forward), None);
    }
}

#[test]
fn pa_call_delta_takes_the_otm_root_right_of_its_maximum() {
    // High total variance (σ = 120%, T = 1): the PA call delta rises then falls in k.
    let flat = SviRaw::flat(1.44);
    let grid: Vec<f64> = (0..=4000).map(|i| -3.0 + 0.0015 * i as f64).collect();
    let deltas: Vec<f64> = grid
        .iter()
        .map(|&k| delta_at_k(&flat, k, true, PremiumAdjusted))
        .collect();
    let (imax, dmax) = deltas
        .iter()
        .enumerate()
        .fold((0, 0.0), |b, (i, &d)| if d > b.1 { (i, d) } else { b });
    let target = 0.25;
    assert!(dmax > target);
    // Two roots exist; the left one is where the delta is still rising.
    assert!(
        deltas[..imax].iter().any(|&d| d < target),
        "a left root exists"
    );
    let k = k_for_delta(&flat, target, PremiumAdjusted).unwrap();
    assert!(
        k > grid[imax],
        "root {} must be right of the maximum at {}",
        k,
        grid[imax]
    );
    close(
        delta_at_k(&flat, k, true, PremiumAdjusted),
        target,
        1e-12,
        "delta at root",
    );
    // A PA call delta above the maximum is not attained at all.
    assert_eq!(k_for_delta(&flat, dmax + 0.01, PremiumAdjusted), None);
}

#[test]
fn flat_smile_has_zero_rr_and_bf() {
    let t = 30.0 / 365.0;
    let flat = SviRaw::flat(0.5 * 0.5 * t);
    for conv in [Forward, PremiumAdjusted] {
        let m = smile_metrics(&flat, t, conv);
        close(m.atm_vol, 0.5, 1e-15, "atm");
        for (x, name) in [
            (m.rr25, "rr25"),
            (m.bf25, "bf25"),
            (m.rr10, "rr10"),
            (m.bf10, "bf10"),
            (m.skew, "skew"),
        ] {
            close(x, 0.0, 1e-12, name);
        }
    }
}

#[test]
fn symmetric_smile_has_near_zero_rr_and_positive_bf() {
    // ρ = 0, m = 0: symmetric in k. Delta space is centred at k ≈ ±w/2, not 0, so RR is not
    // exactly 0: the offset relative to the smile's width √w shrinks like √w, so |RR|/BF must
    // fall as the expiry shortens (same shape in units of √w) and be small at one day.
    let ratio = |days: f64, conv| {
        let t = days / 365.0;
        let sw = (0.6f64 * 0.6 * t).sqrt();
        let svi = SviRaw {
            a: 0.7 * sw * sw,
            b: 0.5 * sw,
            rho: 0.0,
            m: 0.0,
            sigma: 0.6 * sw,
        };
        let m = smile_metrics(&svi, t, conv);
        assert!(m.bf25 > 0.0 && m.bf10 > m.bf25, "{:?}", m);
        close(m.skew, 0.0, 1e-15, "skew");
        close(
            m.bf25,
            0.5 * (m.vol_25c + m.vol_25p) - m.atm_vol,
            1e-15,
            "bf definition",
        );
        (m.rr25 / m.bf25).abs()
    };
    for conv in [Forward, PremiumAdjusted] {
        let (r30, r7, r1) = (ratio(30.0, conv), ratio(7.0, conv), ratio(1.0, conv));
        assert!(r1 < r7 && r7 < r30, "{} {} {}", r1, r7, r30);
        assert!(r1 < 0.6 * r7, "{} {}", r1, r7);
        assert!(r1 < 0.12, "|RR|/BF at 1 day: {}", r1);
    }
}

#[test]
fn put_skew_gives_negative_rr_and_skew() {
    let t = 30.0 / 365.0;
    let sw = (0.6f64 * 0.6 * t).sqrt();
    let svi = SviRaw {
        a: 0.6 * sw * sw,
        b: 0.4 * sw,
        rho: -0.5,
        m: 0.0,
        sigma: 0.8 * sw,
    };
    let m = smile_metrics(&svi, t, PremiumAdjusted);
    assert!(m.rr25 < 0.0 && m.rr10 < m.rr25 && m.skew < 0.0, "{:?}", m);
    // Skew is dσ/dk: compare with a finite difference of the vol.
    let h = 1e-6;
    let fd = (svi.implied_vol(h, t) - svi.implied_vol(-h, t)) / (2.0 * h);
    close(atm_skew(&svi, t), fd, 1e-7, "skew");
}

#[test]
fn metrics_work_on_essvi_slices_and_atm_is_k_zero() {
    let e = EssviSlice {
        theta: 0.03,
        rho: -0.6,
        psi: 0.25,
    };
    let t = 0.25;
    close(atm_vol(&e, t), (0.03f64 / t).sqrt(), 1e-15, "ATMF vol");
    close(
        vol_at_delta(&e, t, 0.0, Forward),
        atm_vol(&e, t),
        0.0,
        "delta 0 means ATMF",
    );
    let via_raw = smile_metrics(&e.to_raw(), t, Forward);
    let direct = smile_metrics(&e, t, Forward);
    close(direct.rr25, via_raw.rr25, 1e-12, "rr25");
    close(
        direct.skew,
        via_raw.skew,
        1e-8,
        "skew (finite difference vs exact)",
    );
}

#[test]
fn degenerate_smiles_give_nan_or_none_not_panics() {
    let zero = SviRaw::flat(0.0);
    assert_eq!(k_for_delta(&zero, 0.25, Forward), None);
    assert!(delta_at_k(&zero, 0.0, true, Forward).is_nan());
    let nan = SviRaw {
        a: f64::NAN,
        b: 0.1,
        rho: 0.0,
        m: 0.0,
        sigma: 0.1,
    };
    let m = smile_metrics(&nan, 0.1, PremiumAdjusted);
    assert!(m.atm_vol.is_nan() && m.rr25.is_nan());
}

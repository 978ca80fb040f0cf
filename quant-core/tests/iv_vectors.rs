//! QUANT.md §5 ground-truth vectors, rows 1-6, and the §4 coin-held update table.

// Reference values keep the digits of their source (QUANT.md, mpmath).
#![allow(clippy::excessive_precision)]

use quant_core::black::{black76, normalised_black, normalised_vega};
use quant_core::greeks::{greeks, greeks_coin};
use quant_core::inverse::{coin_price, implied_vol_inverse, iv_update_coin_held};
use quant_core::lbr::{implied_vol, implied_vol_checked};

fn rel(a: f64, b: f64) -> f64 {
    ((a - b) / b).abs()
}

#[test]
fn row1_atm_black_and_inversion() {
    let p = black76(100.0, 100.0, 0.5, 0.2, true);
    assert!(rel(p, 5.637_197_779_701_663) < 4e-16, "{p}");
    let v = implied_vol(5.637197779701664, 100.0, 100.0, 0.5, true);
    assert!((v - 0.2).abs() < 1e-12, "{v}");
    // Same through the put (parity at the money: equal prices).
    let v = implied_vol(5.637197779701664, 100.0, 100.0, 0.5, false);
    assert!((v - 0.2).abs() < 1e-12, "{v}");
}

#[test]
fn row2_normalised_black() {
    let x = (100.0f64 / 95.0).ln();
    let s = 0.3 * 0.5f64.sqrt();
    let put = normalised_black(x, s, -1.0);
    let call = normalised_black(x, s, 1.0);
    assert!(rel(put, 0.061_296_663_817_558_904) < 1e-15, "{put}");
    assert!(rel(call, 0.112_595_581_421_816_55) < 1e-15, "{call}");
}

#[test]
fn row3_normalised_vega() {
    assert!(rel(normalised_vega(0.0, 0.0), 0.398_942_280_401_432_7) < 1e-16);
    assert!(rel(normalised_vega(0.0, 0.2), 0.396_952_547_477_011_8) < 1e-15);
}

#[test]
fn row4_tiny_price_choi_example() {
    let p = black76(1.0, 1.5, 1.0, 0.04, true);
    // |∂ln B/∂ln x| ≈ x²/s² ≈ 100 here, so the one-ulp rounding of ln(1/1.5) alone moves the
    // price by 1.5e-14 relative (mpmath at the rounded x gives ...2729e-27, we agree to 2e-16).
    assert!(rel(p, 9.010_020_309_242_866e-27) < 3e-14, "{p}");
    let v = implied_vol(9.010_020_309_242_865_556_6e-27, 1.0, 1.5, 1.0, true);
    assert!((v - 0.04).abs() < 1e-15, "{v}");
}

#[test]
fn row5_one_day_deep_otm() {
    let t = 1.0 / 365.0;
    let p = black76(60_000.0, 90_000.0, t, 0.8, true);
    assert!(rel(p, 5.542_369_058_543_930_1e-20) < 1e-13, "{p}");
    let v = implied_vol_checked(5.542_369_058_543_930_1e-20, 60_000.0, 90_000.0, t, true).unwrap();
    assert!((v - 0.8).abs() < 1e-14, "{v}");
}

#[test]
fn row6_inverse_option() {
    let (f, k, t, vol) = (60_000.0, 65_000.0, 7.0 / 365.0, 0.55);
    let b = black76(f, k, t, vol, true);
    assert!(rel(b, 359.192_821_395_343_1) < 1e-14, "{b}");
    let c = coin_price(f, k, t, vol, true);
    assert!(rel(c, 0.005_986_547_023_255_718) < 1e-14, "{c}");
    let g = greeks(f, k, t, vol, true);
    assert!((g.delta - 0.155_576_707).abs() < 1e-9, "{}", g.delta);
    assert!((g.delta_pa - 0.149_590_16).abs() < 1e-8, "{}", g.delta_pa);
    // Δ_pa = Δ_f − c for inverse options.
    assert!((g.delta - c - g.delta_pa).abs() < 1e-15);
    let gc = greeks_coin(f, k, t, vol, true);
    assert!((gc.delta_pa - (gc.delta - c)).abs() < 1e-15);
    let v = implied_vol_inverse(c, f, k, t, true);
    assert!((v - vol).abs() < 1e-14, "{v}");
}

#[test]
fn coin_held_update_matches_quant_table() {
    // QUANT.md §4: F=60k, K=65k, T=7d, σ=55%, coin price held while F moves.
    let (f, k, t, vol) = (60_000.0, 65_000.0, 7.0 / 365.0, 0.55);
    let c = coin_price(f, k, t, vol, true);
    // (ΔF/F, exact Δσ in bp, linear-update error in bp)
    for &(m, exact_bp, err_bp) in &[
        (0.001, -45.25, 0.03),
        (0.01, -455.7, 3.5),
        (0.03, -1394.0, 37.5),
    ] {
        let f1 = f * (1.0 + m);
        let exact = implied_vol_inverse(c, f1, k, t, true);
        assert!(
            ((exact - vol) * 1e4 - exact_bp).abs() < 0.01 * exact_bp.abs() + 0.01,
            "exact {}",
            (exact - vol) * 1e4
        );
        let (lin, est) = iv_update_coin_held(vol, f, f1, k, t, true);
        let actual_err = (lin - exact).abs() * 1e4;
        assert!(
            (actual_err - err_bp).abs() < 0.1 * err_bp + 0.005,
            "linear error {actual_err} bp"
        );
        // The estimate has the right size (within a factor 2 of the actual error).
        let est_bp = est * 1e4;
        assert!(
            est_bp > 0.5 * actual_err && est_bp < 2.0 * actual_err,
            "estimate {est_bp} vs {actual_err}"
        );
    }
}

#[test]
fn normalised_black_matches_50_digit_references_in_every_region() {
    // (x, s, θ, β) with β from 50-digit mpmath at the same double inputs [computed]. Covers the
    // asymptotic (h + t < −10), small-t, erfcx and Φ regions, in-the-money values and prices
    // down to 1e-90.
    let cases = [
        (-0.5, 0.3, 1.0, 5.898_232_610_534_820_184_6e-3),
        (-0.1, 1.0, 1.0, 3.351_420_702_955_816_628_6e-1),
        (-0.1, 3.0, 1.0, 8.176_638_568_093_586_990_1e-1),
        (-20.0, 1.0, 1.0, 1.209_774_972_612_160_091_1e-90),
        (-1.0, 0.1, 1.0, 7.465_397_611_568_617_232_9e-26),
        (-2.0, 0.15, 1.0, 8.218_114_160_111_014_973e-43),
        (-8.0, 0.5, 1.0, 1.920_686_283_832_470_238_9e-59),
        (-5.0, 0.6, 1.0, 2.635_293_895_425_443_246_9e-18),
        (0.0, 1e-8, 1.0, 3.989_422_804_014_326_846_2e-9),
        (-1e-10, 0.5, 1.0, 1.974_126_513_158_474_484_9e-1),
        (-1.0, 10.0, 1.0, 6.065_300_890_763_247_999_2e-1),
        (-30.0, 10.0, 1.0, 2.969_093_595_280_791_921_9e-7),
        (1.0, 0.2, 1.0, 1.042_190_621_629_883_846_7),
        (1.0, 0.2, -1.0, 1.064_238_912_348_799_736_8e-8),
        (0.3, 0.02, -1.0, 4.851_809_670_676_258_950_7e-54),
        (-12.0, 0.9, 1.0, 4.473_380_091_260_417_965_7e-42),
    ];
    for &(x, s, theta, expected) in &cases {
        let b = normalised_black(x, s, theta);
        assert!(
            rel(b, expected) < 1e-14,
            "x={x} s={s} θ={theta}: {b:e} vs {expected:e}, rel {:e}",
            rel(b, expected)
        );
    }
}

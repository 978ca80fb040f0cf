//! Degenerate and hostile inputs: no panic, no endless loop, and the documented reason codes.

use quant_core::black::{black76, normalised_black, normalised_vega};
use quant_core::greeks::{greeks, greeks_batch, greeks_coin, Greeks};
use quant_core::inverse::{
    coin_price, implied_vol_inverse, implied_vols_inverse, iv_update_coin_held,
};
use quant_core::lbr::{
    implied_vol, implied_vol_checked, implied_vols, normalised_implied_vol, IvError,
};
use quant_core::normal::{erfc, erfcx, inv_norm_cdf, norm_cdf};

const SPECIAL: [f64; 14] = [
    0.0,
    -0.0,
    1.0,
    -1.0,
    0.5,
    1e-300,
    5e-324,
    -5e-324,
    1e300,
    f64::MAX,
    f64::MIN_POSITIVE,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::NAN,
];

#[test]
fn every_combination_of_special_values_is_handled() {
    let mut ok = 0usize;
    let mut reasons = [0usize; 5];
    for &p in &SPECIAL {
        for &f in &SPECIAL {
            for &k in &SPECIAL {
                for &t in &SPECIAL {
                    for &call in &[true, false] {
                        match implied_vol_checked(p, f, k, t, call) {
                            Ok(v) => {
                                assert!(v >= 0.0 && !v.is_nan(), "p={p} f={f} k={k} t={t}: {v}");
                                ok += 1;
                            }
                            Err(e) => reasons[e as usize] += 1,
                        }
                        let _ = implied_vol_inverse(p, f, k, t, call);
                        let _ = black76(f, k, t, p, call);
                        let _ = greeks(f, k, t, p, call);
                        let _ = greeks_coin(f, k, t, p, call);
                        let _ = iv_update_coin_held(p, f, k, k, t, call);
                    }
                }
            }
        }
        for &x in &SPECIAL {
            let _ = normalised_black(x, p, 1.0);
            let _ = normalised_vega(x, p);
            let _ = normalised_implied_vol(p, x, -1.0);
        }
        let _ = (erfc(p), erfcx(p), norm_cdf(p), inv_norm_cdf(p));
    }
    // Every reason code occurs, and some special combinations are legitimately solvable.
    assert!(ok > 0);
    assert!(reasons[1..].iter().all(|&n| n > 0), "{reasons:?}");
}

#[test]
fn reason_codes_follow_the_documented_rules() {
    use IvError::*;
    let iv = |p, f, k, t, c| implied_vol_checked(p, f, k, t, c);
    assert_eq!(iv(f64::NAN, 100.0, 100.0, 1.0, true), Err(InvalidInput));
    assert_eq!(iv(-1.0, 100.0, 100.0, 1.0, true), Err(InvalidInput));
    assert_eq!(iv(1.0, 0.0, 100.0, 1.0, true), Err(InvalidInput));
    assert_eq!(iv(1.0, 100.0, f64::INFINITY, 1.0, true), Err(InvalidInput));
    assert_eq!(iv(1.0, 100.0, 100.0, 0.0, true), Err(NonPositiveTime));
    assert_eq!(iv(1.0, 100.0, 100.0, -1.0, true), Err(NonPositiveTime));
    assert_eq!(iv(1.0, 100.0, 100.0, f64::NAN, true), Err(NonPositiveTime));
    // Below intrinsic: an ITM call worth less than F − K, an ITM put worth less than K − F.
    assert_eq!(iv(9.99, 110.0, 100.0, 1.0, true), Err(BelowIntrinsic));
    assert_eq!(iv(9.99, 100.0, 110.0, 1.0, false), Err(BelowIntrinsic));
    // At or above the upper bound: F for a call, K for a put.
    assert_eq!(iv(100.0, 100.0, 90.0, 1.0, true), Err(AboveMaximum));
    assert_eq!(iv(1e6, 100.0, 90.0, 1.0, true), Err(AboveMaximum));
    assert_eq!(iv(90.0, 100.0, 90.0, 1.0, false), Err(AboveMaximum));
    // Exactly intrinsic: zero volatility; just below the bound: a large but finite vol.
    assert_eq!(iv(10.0, 110.0, 100.0, 1.0, true), Ok(0.0));
    assert_eq!(iv(0.0, 100.0, 110.0, 1.0, true), Ok(0.0));
    let v = iv(99.999_999, 100.0, 90.0, 1.0, true).unwrap();
    assert!(v.is_finite() && v > 5.0, "{v}");
    assert!(implied_vol(f64::NAN, 1.0, 1.0, 1.0, true).is_nan());
    // Inverse: a call can never be worth a whole coin.
    assert!(implied_vol_inverse(1.0, 60_000.0, 50_000.0, 0.1, true).is_nan());
}

#[test]
fn extreme_but_valid_inputs_converge() {
    // Prices one ulp inside the bounds, subnormal prices, extreme strikes and expiries.
    let cases = [
        (f64::MIN_POSITIVE, 1.0, 1.5, 1.0, true),
        (5e-324, 1.0, 2.0, 1.0, true),
        (1e-300, 1.0, 1e-3, 1.0, false),
        (1.0 - f64::EPSILON, 1.0, 1.0, 1.0, true),
        (0.5, 1.0, 1.0, 1e-300, true),
        (1e-10, 1.0, 1.0, 1e300, true),
        (1e-200, 1e200, 1e-200, 1.0, false),
        (1e150, 1e200, 1e-200, 1.0, true),
    ];
    for &(p, f, k, t, call) in &cases {
        let r = implied_vol_checked(p, f, k, t, call);
        if let Ok(v) = r {
            assert!(v.is_finite() && v >= 0.0, "p={p} f={f} k={k} t={t}: {v}");
            // Where the price is representable, re-pricing reproduces it.
            let back = black76(f, k, t, v, call);
            if p > 1e-290 && p < 0.9 * f.min(k) && t < 1e100 {
                assert!(((back - p) / p).abs() < 1e-9, "p={p} back={back} v={v}");
            }
        }
    }
}

#[test]
fn batch_apis_report_per_element_and_tolerate_length_mismatch() {
    let f = [100.0, 100.0, 100.0, 100.0];
    let k = [100.0, 100.0, 100.0, 100.0];
    let t = [0.5, 0.5, -1.0, 0.5];
    let p = [5.637_197_779_701_664, -1.0, 1.0, 200.0];
    let c = [1u8, 1, 1, 1];
    let mut out = [0.0; 6];
    let mut reasons = [9u8; 6];
    implied_vols(&p, &f, &k, &t, &c, &mut out, &mut reasons);
    assert!((out[0] - 0.2).abs() < 1e-12);
    assert_eq!(reasons, [0, 3, 4, 2, 3, 3]);
    assert!(out[1..].iter().all(|v| v.is_nan()));
    let mut out2 = [0.0; 2];
    let mut r2 = [9u8; 3];
    implied_vols(&p, &f, &k, &t, &c, &mut out2, &mut r2);
    assert_eq!(r2, [0, 3, 3]);
    let coin = [coin_price(100.0, 100.0, 0.5, 0.2, true)];
    let mut o = [0.0];
    let mut r = [9u8];
    implied_vols_inverse(&coin, &f[..1], &k[..1], &t[..1], &c[..1], &mut o, &mut r);
    assert_eq!(r[0], 0);
    assert!((o[0] - 0.2).abs() < 1e-12);
    let mut g = [Greeks {
        delta: 0.0,
        delta_pa: 0.0,
        gamma: 0.0,
        vega: 0.0,
        theta: 0.0,
    }; 3];
    greeks_batch(
        &f[..2],
        &k[..2],
        &t[..2],
        &[0.2, 0.2],
        &[1, 0],
        false,
        &mut g,
    );
    assert!((g[0].delta - g[1].delta - 1.0).abs() < 1e-15);
    assert!(g[2].delta.is_nan());
}

//! Degenerate and hostile inputs to the SVI fitter: errors, never a panic or a hang; and the
//! butterfly repair path on inputs that cannot be fitted without arbitrage.

use quant_core::svi::SviRaw;
use quant_core::svi_fit::{fit_svi_slice, FitError, SviFitOptions};

fn fit(k: &[f64], w: &[f64], t: f64) -> Result<quant_core::svi_fit::SviFit, FitError> {
    fit_svi_slice(k, w, None, t, &SviFitOptions::default())
}

fn smile(n: usize) -> (Vec<f64>, Vec<f64>) {
    let raw = SviRaw {
        a: 0.01,
        b: 0.1,
        rho: -0.3,
        m: 0.0,
        sigma: 0.1,
    };
    let k: Vec<f64> = (0..n).map(|i| -0.5 + i as f64 / n as f64).collect();
    let w = k.iter().map(|&x| raw.total_variance(x)).collect();
    (k, w)
}

#[test]
fn empty_and_tiny_inputs_are_rejected() {
    assert_eq!(
        fit(&[], &[], 0.1),
        Err(FitError::TooFewPoints {
            usable: 0,
            required: 5
        })
    );
    assert_eq!(
        fit(&[0.0], &[0.01], 0.1),
        Err(FitError::TooFewPoints {
            usable: 1,
            required: 5
        })
    );
    let (k, w) = smile(4);
    assert_eq!(
        fit(&k, &w, 0.1),
        Err(FitError::TooFewPoints {
            usable: 4,
            required: 5
        })
    );
}

#[test]
fn non_finite_and_negative_inputs_are_rejected_with_their_index() {
    let (k, mut w) = smile(10);
    w[3] = f64::NAN;
    assert_eq!(fit(&k, &w, 0.1), Err(FitError::InvalidInput { index: 3 }));
    w[3] = f64::INFINITY;
    assert_eq!(fit(&k, &w, 0.1), Err(FitError::InvalidInput { index: 3 }));
    w[3] = -0.01;
    assert_eq!(fit(&k, &w, 0.1), Err(FitError::InvalidInput { index: 3 }));
    let (mut k, w) = smile(10);
    k[7] = f64::NEG_INFINITY;
    assert_eq!(fit(&k, &w, 0.1), Err(FitError::InvalidInput { index: 7 }));
    let (k, w) = smile(10);
    let mut wt = vec![1.0; 10];
    wt[2] = f64::NAN;
    let r = fit_svi_slice(&k, &w, Some(&wt), 0.1, &SviFitOptions::default());
    assert_eq!(r, Err(FitError::InvalidInput { index: 2 }));
    wt[2] = -1.0;
    let r = fit_svi_slice(&k, &w, Some(&wt), 0.1, &SviFitOptions::default());
    assert_eq!(r, Err(FitError::InvalidInput { index: 2 }));
}

#[test]
fn bad_time_and_length_mismatch_are_rejected() {
    let (k, w) = smile(10);
    for t in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        assert_eq!(fit(&k, &w, t), Err(FitError::InvalidTime));
    }
    let r = fit(&k, &w[..9], 0.1);
    assert_eq!(
        r,
        Err(FitError::LengthMismatch {
            k: 10,
            w: 9,
            weights: 10
        })
    );
    let r = fit_svi_slice(&k, &w, Some(&[1.0; 3]), 0.1, &SviFitOptions::default());
    assert_eq!(
        r,
        Err(FitError::LengthMismatch {
            k: 10,
            w: 10,
            weights: 3
        })
    );
}

#[test]
fn zero_weights_do_not_count_as_usable() {
    let (k, w) = smile(10);
    let mut wt = vec![0.0; 10];
    wt[..4].copy_from_slice(&[1.0; 4]);
    let r = fit_svi_slice(&k, &w, Some(&wt), 0.1, &SviFitOptions::default());
    assert_eq!(
        r,
        Err(FitError::TooFewPoints {
            usable: 4,
            required: 5
        })
    );
}

#[test]
fn all_equal_strikes_are_degenerate() {
    let r = fit(
        &[0.1; 8],
        &[0.02, 0.03, 0.02, 0.025, 0.02, 0.03, 0.02, 0.02],
        0.1,
    );
    assert_eq!(r, Err(FitError::DegenerateStrikes));
}

#[test]
fn all_equal_variances_give_a_flat_butterfly_free_fit() {
    let k: Vec<f64> = (0..9).map(|i| -0.2 + 0.05 * i as f64).collect();
    let f = fit(&k, &[0.01; 9], 0.1).expect("fit");
    assert!(f.butterfly_free);
    assert!(f.rmse < 1e-7, "rmse {}", f.rmse);
    for &x in &k {
        assert!((f.params.total_variance(x) - 0.01).abs() < 1e-6);
    }
    // All-zero variances (vol 0 everywhere) still return, butterfly-free, without panicking.
    let z = fit(&k, &[0.0; 9], 0.1).expect("fit");
    assert!(z.butterfly_free && z.min_g >= 0.0);
}

#[test]
fn extreme_magnitudes_do_not_panic() {
    let k: Vec<f64> = (0..7).map(|i| -3.0 + i as f64).collect();
    for &scale in &[1e-12, 1e-6, 1.0, 1e3] {
        let w: Vec<f64> = k.iter().map(|&x| scale * (1.0 + x * x)).collect();
        let f = fit(&k, &w, 0.5).expect("fit");
        assert!(
            f.butterfly_free && f.min_g >= 0.0,
            "scale {}: {:?}",
            scale,
            f
        );
        assert!(f.rmse.is_finite() && f.rmse_vol.is_finite());
    }
}

#[test]
fn arbitrageable_quotes_are_repaired_to_a_free_slice() {
    // Quotes on the Vogt slice: the best raw fit has g < 0, so the fitter must repair.
    let vogt = SviRaw {
        a: -0.0410,
        b: 0.1331,
        rho: 0.3060,
        m: 0.3586,
        sigma: 0.4153,
    };
    let k: Vec<f64> = (0..31).map(|i| -1.0 + 0.1 * i as f64).collect();
    let w: Vec<f64> = k.iter().map(|&x| vogt.total_variance(x)).collect();
    let f = fit(&k, &w, 1.0).expect("fit");
    assert!(f.repaired);
    assert!(f.butterfly_free && f.min_g >= 0.0);
    assert!(f.params.min_g(-3.0, 3.0, 6001).0 >= -1e-9);
    // The repaired slice stays a fit of the quotes, not a flat line (rmse of a flat fit: 11 pts).
    assert!(f.rmse_vol < 3.0, "rmse_vol {}", f.rmse_vol);
}

#[test]
fn wild_noise_never_yields_arbitrage() {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut repaired = 0;
    for case in 0..300 {
        let n = 5 + case % 12;
        let t = 0.003 + 0.5 * next();
        let k: Vec<f64> = (0..n).map(|_| (next() - 0.5) * 0.8).collect();
        let w: Vec<f64> = k
            .iter()
            .map(|&x| {
                let v: f64 = 0.6 + 0.5 * x.abs() * (next() - 0.5) + 0.4 * (next() - 0.5);
                v * v * t
            })
            .collect();
        let f = fit(&k, &w, t).expect("fit");
        assert!(f.butterfly_free && f.min_g >= 0.0, "case {}: {:?}", case, f);
        assert!(f.params.is_butterfly_free(), "case {}: {:?}", case, f);
        repaired += usize::from(f.repaired);
    }
    // The repair path is exercised here, not only the happy path.
    assert!(repaired > 10, "repaired {}", repaired);
}

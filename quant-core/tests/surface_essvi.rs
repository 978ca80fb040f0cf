//! eSSVI slices, Hendriks–Martini conditions, conversion to raw SVI (QUANT.md §5 row 10) and
//! Mingone's global fitter.

use quant_core::calendar::check_calendar_default;
use quant_core::essvi::{
    heston_phi, is_calendar_free, is_surface_arbitrage_free, power_law_phi, EssviSlice,
};
use quant_core::essvi_fit::{decode, fit_essvi, EssviFitError, EssviFitOptions, EssviQuotes};
use quant_core::svi::SviRaw;
use quant_core::svi_fit::FitError;

/// HM's DJX fit (§6.1): φ(θ) = 0.98·θ^−0.42, ρ(θ) = −0.76 − 0.11·(θ/θ_max)^0.51.
fn hm_djx(theta: f64, theta_max: f64) -> EssviSlice {
    let rho = -0.76 - 0.11 * (theta / theta_max).powf(0.51);
    EssviSlice::from_phi(theta, rho, 0.98 * theta.powf(-0.42))
}

const THETAS: [f64; 7] = [0.002, 0.005, 0.01, 0.02, 0.035, 0.05, 0.08];
const TIMES: [f64; 7] = [0.02, 0.05, 0.1, 0.25, 0.5, 0.75, 1.2];

#[test]
fn raw_conversion_is_exact() {
    let e = EssviSlice {
        theta: 0.04,
        rho: -0.6,
        psi: 0.3,
    };
    let r = e.to_raw();
    for i in 0..=100 {
        let k = -2.0 + 0.04 * i as f64;
        assert!(
            (r.total_variance(k) - e.total_variance(k)).abs() < 1e-14,
            "k={}",
            k
        );
    }
    assert!(
        (e.total_variance(0.0) - 0.04).abs() < 1e-15,
        "θ is the ATM total variance"
    );
    assert_eq!(
        EssviSlice {
            theta: 0.04,
            rho: 0.1,
            psi: 0.0
        }
        .to_raw(),
        SviRaw::flat(0.04)
    );
}

#[test]
fn hm_djx_surface_is_arbitrage_free_by_conditions_and_on_the_grid() {
    let theta_max = *THETAS.last().unwrap();
    let slices: Vec<EssviSlice> = THETAS.iter().map(|&t| hm_djx(t, theta_max)).collect();
    assert!(is_surface_arbitrage_free(&slices));
    let raw: Vec<(f64, SviRaw)> = TIMES
        .iter()
        .zip(slices.iter())
        .map(|(&t, e)| (t, e.to_raw()))
        .collect();
    for (t, r) in raw.iter() {
        assert!(
            r.is_butterfly_free(),
            "T={} {:?} min g {:?}",
            t,
            r,
            r.min_g_default()
        );
    }
    assert!(check_calendar_default(&raw).is_empty());
    // ρ at θ_max is −0.87 and the ATM skew is negative.
    assert!((slices[6].rho + 0.87).abs() < 1e-12);
    assert!(raw[6].1.w1(0.0) < 0.0);
}

#[test]
fn hm_conditions_reject_violations() {
    let ok = EssviSlice {
        theta: 0.04,
        rho: -0.5,
        psi: 0.2,
    };
    assert!(ok.is_butterfly_free());
    assert!(
        !EssviSlice { psi: 0.4, ..ok }.is_butterfly_free(),
        "ψ² > 4θ/(1+|ρ|)"
    );
    assert!(
        !EssviSlice {
            theta: 4.0,
            psi: 2.7,
            ..ok
        }
        .is_butterfly_free(),
        "ψ(1+|ρ|) ≥ 4"
    );
    assert!(!EssviSlice { rho: 1.0, ..ok }.is_butterfly_free());
    let later = EssviSlice {
        theta: 0.05,
        rho: -0.5,
        psi: 0.25,
    };
    assert!(is_calendar_free(&ok, &later));
    assert!(!is_calendar_free(&later, &ok));
    // θ up but the right wing ψ(1+ρ) down: a crossing in the call wing.
    let skewed = EssviSlice {
        theta: 0.05,
        rho: -0.8,
        psi: 0.25,
    };
    assert!(!is_calendar_free(&ok, &skewed));
}

#[test]
fn phi_families_satisfy_the_butterfly_bounds_over_tiny_to_large_theta() {
    for &rho in &[-0.9, -0.5, 0.0, 0.6] {
        let eta = 2.0 / (1.0 + f64::abs(rho));
        let lambda = (1.0 + f64::abs(rho)) / 4.0;
        for i in 0..=120 {
            let theta = 10f64.powf(-6.0 + 0.06 * i as f64); // 1e-6 .. 1.6e1
            let p = EssviSlice::from_phi(theta, rho, power_law_phi(theta, eta, 0.5));
            assert!(
                p.is_butterfly_free(),
                "power law θ={} ρ={} {:?}",
                theta,
                rho,
                p
            );
            let h = EssviSlice::from_phi(theta, rho, heston_phi(theta, lambda));
            assert!(
                h.is_butterfly_free(),
                "heston θ={} ρ={} {:?}",
                theta,
                rho,
                h
            );
        }
    }
    // The series branch of the Heston φ joins the closed form.
    let (below, above) = (heston_phi(0.999_999e-2, 1.0), heston_phi(1.000_001e-2, 1.0));
    // Both branches against 40-digit mpmath values either side of the switch at x = 0.01.
    assert!(
        (below - 0.498_337_493_338_894_02).abs() < 2e-15,
        "{}",
        below
    );
    assert!(
        (above - 0.498_337_490_022_177_47).abs() < 2e-15,
        "{}",
        above
    );
    assert!((heston_phi(2.0, 1.0) - (1.0 - (1.0 - (-2.0f64).exp()) / 2.0) / 2.0).abs() < 1e-15);
}

#[test]
fn every_point_of_mingone_box_decodes_to_an_arbitrage_free_surface_or_none() {
    let mut state = 0x1234_5678_9abc_def1u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut decoded = 0;
    for _ in 0..2000 {
        let n = 1 + (next() * 8.0) as usize;
        let x: Vec<f64> = (0..n)
            .flat_map(|_| vec![1.98 * next() - 0.99, 0.05 * next(), next()])
            .collect();
        if let Some(s) = decode(&x) {
            decoded += 1;
            assert!(is_surface_arbitrage_free(&s), "{:?}", s);
        }
    }
    assert!(decoded > 500, "decoded {}", decoded);
}

fn surface_quotes(noise: f64, seed: u64) -> Vec<(f64, Vec<f64>, Vec<f64>)> {
    let mut state = seed;
    let mut normal = move || {
        let mut u = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            ((state >> 11) as f64 / (1u64 << 53) as f64).max(1e-300)
        };
        let (a, b) = (u(), u());
        (-2.0 * a.ln()).sqrt() * (2.0 * std::f64::consts::PI * b).cos()
    };
    let theta_max = *THETAS.last().unwrap();
    THETAS
        .iter()
        .zip(TIMES.iter())
        .map(|(&theta, &t)| {
            let e = hm_djx(theta, theta_max);
            let sw = theta.sqrt();
            let k: Vec<f64> = (0..15)
                .map(|i| sw * (-2.5 + 4.0 * i as f64 / 14.0))
                .collect();
            let w = k
                .iter()
                .map(|&x| {
                    let v = e.implied_vol(x, t) + noise * normal();
                    v * v * t
                })
                .collect();
            (t, k, w)
        })
        .collect()
}

#[test]
fn mingone_fit_recovers_the_hm_surface_arbitrage_free() {
    for &(noise, seed) in &[(0.0, 1u64), (0.003, 2), (0.003, 3)] {
        let data = surface_quotes(noise, seed);
        let quotes: Vec<EssviQuotes> = data
            .iter()
            .map(|(t, k, w)| EssviQuotes {
                time: *t,
                k,
                w,
                weights: None,
            })
            .collect();
        let fit = fit_essvi(&quotes, &EssviFitOptions::default()).expect("fit");
        assert!(fit.arbitrage_free);
        assert!(is_surface_arbitrage_free(&fit.slices));
        let raw: Vec<(f64, SviRaw)> = TIMES
            .iter()
            .zip(fit.slices.iter())
            .map(|(&t, e)| (t, e.to_raw()))
            .collect();
        assert!(check_calendar_default(&raw).is_empty());
        for (_, r) in raw.iter() {
            assert!(r.min_g_default().0 >= 0.0);
        }
        let bound = 100.0 * noise * 1.3 + 0.05;
        assert!(
            fit.rmse_vol < bound,
            "noise {}: rmse {} > {} {:?}",
            noise,
            fit.rmse_vol,
            bound,
            fit.rmse_vol_per_slice
        );
    }
}

#[test]
fn mingone_fit_of_crossing_quotes_is_still_arbitrage_free() {
    // Second expiry quoted below the first: the fit must compromise, not cross.
    let k: Vec<f64> = (0..11).map(|i| -0.3 + 0.06 * i as f64).collect();
    let w1: Vec<f64> = k.iter().map(|&x| 0.02 + 0.05 * x * x).collect();
    let w2: Vec<f64> = k.iter().map(|&x| 0.015 + 0.02 * x * x - 0.01 * x).collect();
    let quotes = [
        EssviQuotes {
            time: 0.1,
            k: &k,
            w: &w1,
            weights: None,
        },
        EssviQuotes {
            time: 0.2,
            k: &k,
            w: &w2,
            weights: None,
        },
    ];
    let fit = fit_essvi(&quotes, &EssviFitOptions::default()).expect("fit");
    assert!(fit.arbitrage_free);
    assert!(is_calendar_free(&fit.slices[0], &fit.slices[1]));
    let raw = [(0.1, fit.slices[0].to_raw()), (0.2, fit.slices[1].to_raw())];
    assert!(check_calendar_default(&raw).is_empty());
}

#[test]
fn essvi_fit_rejects_bad_input() {
    let k = [-0.1, 0.0, 0.1, 0.2];
    let w = [0.01, 0.009, 0.01, 0.012];
    let q = |t: f64| EssviQuotes {
        time: t,
        k: &k,
        w: &w,
        weights: None,
    };
    assert_eq!(
        fit_essvi(&[], &EssviFitOptions::default()),
        Err(EssviFitError::NoSlices)
    );
    assert_eq!(
        fit_essvi(&[q(0.2), q(0.1)], &EssviFitOptions::default()),
        Err(EssviFitError::Unsorted { index: 1 })
    );
    assert_eq!(
        fit_essvi(&[q(-1.0)], &EssviFitOptions::default()),
        Err(EssviFitError::Unsorted { index: 0 })
    );
    assert_eq!(
        fit_essvi(&[q(f64::NAN)], &EssviFitOptions::default()),
        Err(EssviFitError::Unsorted { index: 0 })
    );
    let short = EssviQuotes {
        time: 0.3,
        k: &k[..2],
        w: &w[..2],
        weights: None,
    };
    assert_eq!(
        fit_essvi(&[q(0.1), short], &EssviFitOptions::default()),
        Err(EssviFitError::Slice {
            index: 1,
            error: FitError::TooFewPoints {
                usable: 2,
                required: 3
            }
        })
    );
    let nan_w = [0.01, f64::NAN, 0.01, 0.012];
    let bad = EssviQuotes {
        time: 0.3,
        k: &k,
        w: &nan_w,
        weights: None,
    };
    assert_eq!(
        fit_essvi(&[bad], &EssviFitOptions::default()),
        Err(EssviFitError::Slice {
            index: 0,
            error: FitError::InvalidInput { index: 1 }
        })
    );
}

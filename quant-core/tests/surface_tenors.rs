//! Fixed-tenor interpolation, forward vols and the risk-node grid (QUANT.md §3).

use quant_core::calendar::check_calendar_default;
use quant_core::metrics::{atm_vol, DeltaConvention};
use quant_core::svi::SviRaw;
use quant_core::tenors::{
    days_to_years, forward_vols, risk_node_grid, standard_risk_nodes, tenor_metrics,
    tenor_total_variance, tenor_vol, TenorSmile, FIXED_TENOR_DAYS, RISK_NODE_DELTAS,
};

/// A calendar-free BTC-like surface: expiries 2d, 9d, 30d, 91d, 182d.
fn surface() -> Vec<(f64, SviRaw)> {
    [
        (2.0, 0.7),
        (9.0, 0.62),
        (30.0, 0.58),
        (91.0, 0.6),
        (182.0, 0.62),
    ]
    .iter()
    .map(|&(days, vol): &(f64, f64)| {
        let t = days / 365.0;
        let w0 = vol * vol * t;
        let sw = w0.sqrt();
        let (b, rho, m, s) = (0.35 * sw, -0.25, 0.05 * sw, 0.9 * sw);
        let a = w0 - b * (-rho * m + (m * m + s * s).sqrt());
        (
            t,
            SviRaw {
                a,
                b,
                rho,
                m,
                sigma: s,
            },
        )
    })
    .collect()
}

#[test]
fn the_test_surface_is_calendar_free() {
    assert!(check_calendar_default(&surface()).is_empty());
}

#[test]
fn interpolation_is_exact_at_the_pillars() {
    let s = surface();
    for (t, raw) in s.iter() {
        for i in 0..=40 {
            let k = -1.0 + 0.05 * i as f64;
            let w = tenor_total_variance(&s, *t, k).unwrap();
            assert!(
                (w - raw.total_variance(k)).abs() <= 1e-15 * w.max(1.0),
                "T={} k={}",
                t,
                k
            );
        }
    }
}

#[test]
fn interpolation_is_linear_in_total_variance_between_pillars() {
    let s = surface();
    let (t1, t2) = (s[1].0, s[2].0);
    let tau = t1 + 0.3 * (t2 - t1);
    for &k in &[-0.4, 0.0, 0.25] {
        let want = 0.7 * s[1].1.total_variance(k) + 0.3 * s[2].1.total_variance(k);
        let got = tenor_total_variance(&s, tau, k).unwrap();
        assert!((got - want).abs() < 1e-15, "k={}", k);
    }
}

#[test]
fn extrapolation_holds_vol_flat_at_fixed_k() {
    let s = surface();
    let (first, last) = (s[0], s[s.len() - 1]);
    for &k in &[-0.3, 0.0, 0.2] {
        let short = tenor_vol(&s, days_to_years(1.0), k).unwrap();
        assert!((short - first.1.implied_vol(k, first.0)).abs() < 1e-14);
        let long = tenor_vol(&s, days_to_years(365.0), k).unwrap();
        assert!((long - last.1.implied_vol(k, last.0)).abs() < 1e-14);
    }
}

#[test]
fn interpolated_total_variance_is_non_decreasing_in_tenor() {
    let s = surface();
    for i in 0..=30 {
        let k = -1.5 + 0.1 * i as f64;
        let mut prev = 0.0;
        for d in 1..=400 {
            let w = tenor_total_variance(&s, days_to_years(d as f64), k).unwrap();
            assert!(w >= prev, "k={} day={}", k, d);
            prev = w;
        }
    }
}

#[test]
fn forward_vols_are_exact_on_a_flat_term_structure_and_nan_on_crossings() {
    let flat: Vec<(f64, SviRaw)> = [0.1, 0.2, 0.5]
        .iter()
        .map(|&t| (t, SviRaw::flat(0.36 * t)))
        .collect();
    for v in forward_vols(&flat, 0.0) {
        assert!((v - 0.6).abs() < 1e-14);
    }
    let crossing = [(0.1, SviRaw::flat(0.04)), (0.2, SviRaw::flat(0.03))];
    assert!(forward_vols(&crossing, 0.0)[0].is_nan());
    // Inverted but calendar-free: forward vol below both spot vols.
    let inverted = [
        (0.1, SviRaw::flat(0.1 * 0.81)),
        (0.2, SviRaw::flat(0.2 * 0.49)),
    ];
    let f = forward_vols(&inverted, 0.0)[0];
    assert!((f - ((0.098f64 - 0.081) / 0.1).sqrt()).abs() < 1e-14 && f < 0.7);
}

#[test]
fn risk_node_grid_has_the_standard_shape_and_atm_column() {
    let s = surface();
    for conv in [DeltaConvention::Forward, DeltaConvention::PremiumAdjusted] {
        let g = standard_risk_nodes(&s, conv);
        assert_eq!(g.len(), FIXED_TENOR_DAYS.len() * RISK_NODE_DELTAS.len());
        assert!(g.iter().all(|v| v.is_finite() && *v > 0.0), "{:?}", g);
        for (i, &d) in FIXED_TENOR_DAYS.iter().enumerate() {
            let tau = days_to_years(d);
            let atm = atm_vol(&TenorSmile::new(&s, tau).unwrap(), tau);
            assert_eq!(g[i * 5 + 2], atm);
            // Put skew: 10Δ put vol above 10Δ call vol.
            assert!(g[i * 5] > g[i * 5 + 4]);
            let m = tenor_metrics(&s, tau, conv).unwrap();
            assert_eq!(m.rr25, g[i * 5 + 3] - g[i * 5 + 1]);
        }
    }
}

#[test]
fn invalid_surfaces_are_rejected() {
    let s = surface();
    let unsorted = vec![s[1], s[0]];
    assert!(tenor_vol(&unsorted, 0.1, 0.0).is_none());
    let empty: Vec<(f64, SviRaw)> = vec![];
    assert!(tenor_vol(&empty, 0.1, 0.0).is_none());
    assert!(tenor_vol(&s, 0.0, 0.0).is_none());
    assert!(tenor_vol(&s, f64::NAN, 0.0).is_none());
    let g = risk_node_grid(
        &unsorted,
        &[0.1],
        &RISK_NODE_DELTAS,
        DeltaConvention::Forward,
    );
    assert!(g.len() == 5 && g.iter().all(|v| v.is_nan()));
}

//! Greeks against central finite differences of black76 / coin_price, on random inputs.

use quant_core::black::black76;
use quant_core::greeks::{greeks, greeks_coin, DAYS_PER_YEAR};
use quant_core::inverse::coin_price;

struct Rng(u64);
impl Rng {
    fn uniform(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }
    fn log_range(&mut self, lo: f64, hi: f64) -> f64 {
        (lo.ln() + (hi.ln() - lo.ln()) * self.uniform()).exp()
    }
}

/// Fourth-order central first derivative.
fn d1(f: impl Fn(f64) -> f64, x: f64, h: f64) -> f64 {
    (8.0 * (f(x + h) - f(x - h)) - (f(x + 2.0 * h) - f(x - 2.0 * h))) / (12.0 * h)
}

/// Fourth-order central second derivative.
fn d2(f: impl Fn(f64) -> f64, x: f64, h: f64) -> f64 {
    (16.0 * (f(x + h) + f(x - h)) - (f(x + 2.0 * h) + f(x - 2.0 * h)) - 30.0 * f(x))
        / (12.0 * h * h)
}

/// |a − b| within `tol` relative to the larger of |b| and `scale`.
fn close(a: f64, b: f64, tol: f64, scale: f64) -> bool {
    (a - b).abs() <= tol * b.abs().max(scale)
}

#[test]
fn usd_greeks_match_finite_differences() {
    let mut rng = Rng(0x1234_5678_9ABC_DEF1);
    for _ in 0..2000 {
        let f = rng.log_range(100.0, 100_000.0);
        let k = f * rng.log_range(0.6, 1.6);
        let t = rng.log_range(1.0 / 365.0, 2.0);
        let vol = rng.log_range(0.2, 1.5);
        let call = rng.uniform() < 0.5;
        let g = greeks(f, k, t, vol, call);
        let p = |f: f64, t: f64, v: f64| black76(f, k, t, v, call);
        // Steps scaled to the distribution width s = σ√T, so truncation error stays small.
        let h = 1e-3 * vol * t.sqrt() * f;
        let delta = d1(|x| p(x, t, vol), f, h);
        let gamma = d2(|x| p(x, t, vol), f, h);
        let vega = d1(|v| p(f, t, v), vol, 1e-3 * vol) * 0.01;
        let theta = -d1(|u| p(f, u, vol), t, 1e-3 * t) / DAYS_PER_YEAR;
        let ctx = format!("f={f} k={k} t={t} vol={vol} call={call} {g:?}");
        assert!(close(g.delta, delta, 1e-6, 1e-3), "delta {delta} {ctx}");
        assert!(close(g.gamma, gamma, 1e-3, 1e-3 / f), "gamma {gamma} {ctx}");
        assert!(close(g.vega, vega, 1e-6, 1e-6 * f), "vega {vega} {ctx}");
        assert!(close(g.theta, theta, 1e-5, 1e-6 * f), "theta {theta} {ctx}");
        assert!(
            close(g.theta_per_year(), theta * DAYS_PER_YEAR, 1e-5, 1e-6 * f),
            "theta/y {ctx}"
        );
        assert!(
            close(g.vega_per_unit(), vega * 100.0, 1e-6, 1e-6 * f),
            "vega/unit {ctx}"
        );
        // Premium-adjusted delta: ω(K/F)N(ωd₋) = Δ_f − B/F.
        let b = p(f, t, vol);
        assert!(
            close(g.delta_pa, g.delta - b / f, 1e-12, 1e-6),
            "delta_pa {ctx}"
        );
        // Put-call parity of the deltas: Δ_call − Δ_put = 1.
        let other = greeks(f, k, t, vol, !call);
        assert!((g.delta - other.delta - if call { 1.0 } else { -1.0 }).abs() < 1e-14);
    }
}

#[test]
fn coin_greeks_match_finite_differences() {
    let mut rng = Rng(0x0F1E_2D3C_4B5A_6978);
    for _ in 0..2000 {
        let f = rng.log_range(1000.0, 100_000.0);
        let k = f * rng.log_range(0.6, 1.6);
        let t = rng.log_range(1.0 / 365.0, 2.0);
        let vol = rng.log_range(0.2, 1.5);
        let call = rng.uniform() < 0.5;
        let g = greeks_coin(f, k, t, vol, call);
        let c = |f: f64, t: f64, v: f64| coin_price(f, k, t, v, call);
        let h = 1e-3 * vol * t.sqrt() * f;
        // delta_pa = F ∂c/∂F = Δ_f − c; gamma = ∂(F ∂c/∂F)/∂F = ∂c/∂F + F ∂²c/∂F².
        let dc = d1(|x| c(x, t, vol), f, h);
        let dpa = f * dc;
        let gamma = dc + f * d2(|x| c(x, t, vol), f, h);
        let vega = d1(|v| c(f, t, v), vol, 1e-3 * vol) * 0.01;
        let theta = -d1(|u| c(f, u, vol), t, 1e-3 * t) / DAYS_PER_YEAR;
        let ctx = format!("f={f} k={k} t={t} vol={vol} call={call} {g:?}");
        assert!(close(g.delta_pa, dpa, 1e-6, 1e-3), "delta_pa {dpa} {ctx}");
        assert!(
            close(g.delta_pa, g.delta - c(f, t, vol), 1e-12, 1e-6),
            "Δ_pa = Δ_f − c {ctx}"
        );
        assert!(close(g.gamma, gamma, 1e-3, 1e-3 / f), "gamma {gamma} {ctx}");
        assert!(close(g.vega, vega, 1e-6, 1e-6), "vega {vega} {ctx}");
        assert!(close(g.theta, theta, 1e-5, 1e-6), "theta {theta} {ctx}");
    }
}

#[test]
fn deribit_reported_greeks_are_reproduced() {
    // BTC-5JUN20-6750-P from the 2020 chain (shared/data/deribit_chain_snapshot_2020-05-21):
    // underlying 9098.05, mark_iv 121.74, T = (1591344000000 − 1590103193778) ms / 365 d;
    // Deribit reported delta −0.08741, gamma 7e-05, vega 2.86749 (USD per vol point),
    // theta −12.15441 (USD per day). (For expiries under a day Deribit's theta is not the
    // instantaneous rate: the 22MAY20 rows report roughly the remaining time value instead.)
    let t = (1_591_344_000_000.0 - 1_590_103_193_778.0) / (365.0 * 86_400_000.0);
    let g = greeks(9098.05, 6750.0, t, 1.2174, false);
    assert!((g.delta - -0.08741).abs() < 5e-5, "{g:?}");
    assert!((g.gamma - 7e-5).abs() < 5e-6, "{g:?}");
    assert!((g.vega - 2.86749).abs() < 5e-4, "{g:?}");
    assert!((g.theta - -12.15441).abs() < 5e-3, "{g:?}");
}

//! Property tests of the quasi-explicit SVI fitter on generated smiles (own PRNG, fixed seeds):
//! every fit is butterfly-free and its error is close to the noise level.

use quant_core::svi::SviRaw;
use quant_core::svi_fit::{fit_svi_slice, SviFitOptions};

/// xorshift64* with a Box–Muller normal: deterministic, no dependencies.
struct Rng(u64);
impl Rng {
    fn next_f64(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545F4914F6CDD1D) >> 11) as f64 / (1u64 << 53) as f64
    }
    fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.next_f64()
    }
    fn normal(&mut self) -> f64 {
        let u = self.next_f64().max(1e-300);
        let v = self.next_f64();
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
}

/// A butterfly-free smile in units of the ATM standard deviation √w₀ (x = k/√w₀), mapped to raw.
fn random_smile(rng: &mut Rng) -> (SviRaw, f64) {
    loop {
        let time = rng.uniform(1.0 / 365.0, 1.0);
        let atm_vol = rng.uniform(0.3, 1.2);
        let w0 = atm_vol * atm_vol * time;
        let beta = rng.uniform(0.1, 0.6);
        let rho = rng.uniform(-0.6, 0.4);
        let mu = rng.uniform(-0.5, 0.5);
        let s = rng.uniform(0.3, 2.0);
        let alpha = 1.0 - beta * (-rho * mu + (mu * mu + s * s).sqrt());
        let sw = w0.sqrt();
        let raw = SviRaw {
            a: w0 * alpha,
            b: beta * sw,
            rho,
            m: mu * sw,
            sigma: s * sw,
        };
        if raw.is_butterfly_free() {
            return (raw, time);
        }
    }
}

fn quotes(
    rng: &mut Rng,
    raw: &SviRaw,
    time: f64,
    n: usize,
    noise_vol: f64,
) -> (Vec<f64>, Vec<f64>) {
    let sw = raw.total_variance(0.0).sqrt();
    let (lo, hi) = (-2.5 * sw, 2.0 * sw);
    let mut k = Vec::with_capacity(n);
    let mut w = Vec::with_capacity(n);
    for i in 0..n {
        let x = lo + (hi - lo) * i as f64 / (n - 1) as f64;
        let vol = raw.implied_vol(x, time) + noise_vol * rng.normal();
        k.push(x);
        w.push(vol * vol * time);
    }
    (k, w)
}

fn vol_rmse_vs_truth(fit: &SviRaw, truth: &SviRaw, k: &[f64], time: f64) -> f64 {
    let e: f64 = k
        .iter()
        .map(|&x| (fit.implied_vol(x, time) - truth.implied_vol(x, time)).powi(2))
        .sum();
    100.0 * (e / k.len() as f64).sqrt()
}

#[test]
fn noisy_random_smiles_fit_butterfly_free_near_noise_level() {
    let mut rng = Rng(0x5eed_0001);
    let noise = 0.002; // 0.2 vol points
    let mut truth_errs = Vec::new();
    for case in 0..150 {
        let (raw, time) = random_smile(&mut rng);
        let n = 8 + (case % 5) * 10;
        let (k, w) = quotes(&mut rng, &raw, time, n, noise);
        let fit = fit_svi_slice(&k, &w, None, time, &SviFitOptions::default()).expect("fit");
        assert!(fit.butterfly_free, "case {}: {:?}", case, fit);
        assert!(fit.min_g >= 0.0, "case {}: {:?}", case, fit);
        let (g, _) = fit.params.min_g(-3.0, 3.0, 2401);
        assert!(g >= 0.0, "case {}: independent grid min g {}", case, g);
        // Residual vs quotes cannot beat the noise by much, nor exceed it by much.
        assert!(
            fit.rmse_vol < 0.2 * 1.6 + 0.02,
            "case {}: rmse_vol {} {:?}",
            case,
            fit.rmse_vol,
            raw
        );
        truth_errs.push(vol_rmse_vs_truth(&fit.params, &raw, &k, time));
    }
    truth_errs.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let median = truth_errs[truth_errs.len() / 2];
    // Fitting 5 parameters to ≥ 8 quotes averages noise out: closer to the truth than the quotes.
    assert!(
        median < 0.2,
        "median error vs true smile {} vol pts",
        median
    );
}

#[test]
fn exact_smiles_are_recovered() {
    let mut rng = Rng(0x5eed_0002);
    for case in 0..40 {
        let (raw, time) = random_smile(&mut rng);
        let (k, w) = quotes(&mut rng, &raw, time, 30, 0.0);
        let fit = fit_svi_slice(&k, &w, None, time, &SviFitOptions::default()).expect("fit");
        assert!(fit.butterfly_free);
        assert!(
            fit.rmse_vol < 0.01,
            "case {}: rmse_vol {} for {:?} got {:?}",
            case,
            fit.rmse_vol,
            raw,
            fit.params
        );
    }
}

#[test]
fn weights_pull_the_fit_toward_heavy_quotes() {
    let mut rng = Rng(0x5eed_0003);
    let (raw, time) = random_smile(&mut rng);
    let (k, mut w) = quotes(&mut rng, &raw, time, 21, 0.0);
    // Corrupt one wing quote; give it a tiny weight in the second fit.
    w[0] *= 1.5;
    let mut wt = vec![1.0; k.len()];
    let plain = fit_svi_slice(&k, &w, Some(&wt), time, &SviFitOptions::default()).unwrap();
    wt[0] = 1e-6;
    let weighted = fit_svi_slice(&k, &w, Some(&wt), time, &SviFitOptions::default()).unwrap();
    let err = |p: &SviRaw| vol_rmse_vs_truth(p, &raw, &k[1..], time);
    assert!(err(&weighted.params) < 0.5 * err(&plain.params));
}

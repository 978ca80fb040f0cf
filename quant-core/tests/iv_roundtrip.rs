//! Randomised round-trip properties of the implied-volatility inversion (fixed seeds):
//! iv(price(σ)) = σ to the attainable precision, and price(iv(p)) = p, for σ in [0.01, 5],
//! T from one minute to five years, ln(F/K) in [−3, 3], calls and puts, in and out of the money.

use quant_core::black::{black76, normalised_vega};
use quant_core::lbr::{implied_vol_checked, implied_vol_counted};

/// xorshift64* (Vigna 2016): small, fast, good enough for test inputs.
struct Rng(u64);
impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform in [0, 1).
    fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.uniform()
    }
    fn log_range(&mut self, lo: f64, hi: f64) -> f64 {
        (lo.ln() + (hi.ln() - lo.ln()) * self.uniform()).exp()
    }
}

const EPS: f64 = f64::EPSILON;
const MINUTE: f64 = 1.0 / (365.0 * 24.0 * 60.0);

struct Stats {
    cases: usize,
    underflow: usize,
    undetermined: usize,
    max_rho: f64,
    max_price_rel: f64,
    iterations: [usize; 8],
}

/// Attainable relative precision of σ (QUANT.md §1, Jäckel's η): a relative perturbation of one
/// ulp in the normalised price β moves s by ε·β/(s·b'(s)).
fn attainable(beta: f64, x: f64, s: f64) -> f64 {
    EPS * (1.0 + beta / (s * normalised_vega(x, s)))
}

fn run(seed: u64, n: usize) -> Stats {
    let mut rng = Rng(seed);
    let mut st = Stats {
        cases: 0,
        underflow: 0,
        undetermined: 0,
        max_rho: 0.0,
        max_price_rel: 0.0,
        iterations: [0; 8],
    };
    for _ in 0..n {
        let sigma = rng.log_range(0.01, 5.0);
        let t = rng.log_range(MINUTE, 5.0);
        // Half the cases uniform in ln(F/K), half in standardised moneyness x/s (clamped), so
        // that short expiries are not dominated by prices that underflow.
        let x = if rng.uniform() < 0.5 {
            rng.range(-3.0, 3.0)
        } else {
            (rng.range(-8.0, 8.0) * sigma * t.sqrt()).clamp(-3.0, 3.0)
        };
        let is_call = rng.uniform() < 0.5;
        let f = rng.log_range(1e-2, 1e6);
        let k = f * (-x).exp();
        let price = black76(f, k, t, sigma, is_call);
        st.cases += 1;
        let xm = (f / k).ln();
        let s = sigma * t.sqrt();
        let beta = price / (f.sqrt() * k.sqrt());
        let intrinsic = if is_call {
            (f - k).max(0.0)
        } else {
            (k - f).max(0.0)
        };
        let time_value = (price - intrinsic) / (f.sqrt() * k.sqrt());
        let r = implied_vol_checked(price, f, k, t, is_call);
        if time_value < 1e-300 {
            // The price carries no information about σ (it underflows): any defined answer.
            st.underflow += 1;
            match r {
                Ok(v) => assert!(v.is_finite() && v >= 0.0, "underflow case gave {v}"),
                Err(e) => assert!((e as u8) >= 1 && (e as u8) <= 4),
            }
            continue;
        }
        let v = r.unwrap_or_else(|e| {
            panic!("no IV for sigma={sigma} t={t} x={x} call={is_call} price={price}: {e:?}")
        });
        // price(iv(p)) = p. One ulp of σ moves the price by s·b'/β ulps, so allow for that.
        let back = black76(f, k, t, v, is_call);
        let kappa = s * normalised_vega(xm, s) / beta;
        let price_rel = (back - price).abs() / price / (EPS * (1.0 + kappa));
        st.max_price_rel = st.max_price_rel.max(price_rel);
        assert!(price_rel < 64.0, "price round trip: sigma={sigma} t={t} x={x} f={f} k={k} call={is_call} p={price} back={back} iv={v}");
        if time_value < 1e-14 * beta {
            // Intrinsic value swamps the time value: σ is not determined by the price to better
            // than ~1e-2, so only the price round trip above is meaningful.
            st.undetermined += 1;
            continue;
        }
        let rho = ((v - sigma) / sigma).abs() / attainable(beta, xm, s);
        st.max_rho = st.max_rho.max(rho);
        assert!(
            rho < 64.0,
            "iv round trip: sigma={sigma} t={t} x={x} call={is_call}: got {v}, rho={rho}"
        );
        let (_, iters) = implied_vol_counted(price, f, k, t, is_call);
        st.iterations[(iters as usize).min(7)] += 1;
        if iters >= 4 && std::env::var("IV_DEBUG").is_ok() {
            eprintln!("slow: sigma={sigma:e} t={t:e} x={xm:e} s={s:e} call={is_call} iters={iters} beta={beta:e}");
        }
    }
    st
}

#[test]
fn iv_of_price_and_price_of_iv_round_trip() {
    let mut total = 0;
    for &seed in &[0x9E37_79B9_7F4A_7C15u64, 0xD1B5_4A32_D192_ED03] {
        let st = run(seed, 60_000);
        total += st.cases;
        eprintln!(
            "seed {seed:x}: {} cases, {} underflow, {} undetermined, max rho {:.2}, max price err {:.2} (in eps·(1+κ)), iterations {:?}",
            st.cases, st.underflow, st.undetermined, st.max_rho, st.max_price_rel, st.iterations
        );
        // The skipped categories exist in this input domain and stay a small minority.
        assert!(st.underflow > 0 && st.underflow < st.cases / 2);
        assert!(st.undetermined < st.cases / 10);
        // At most three Householder steps; almost always two or fewer.
        assert_eq!(
            st.iterations[4..].iter().sum::<usize>(),
            0,
            "{:?}",
            st.iterations
        );
    }
    assert!(total >= 100_000);
}

#[test]
fn deep_wings_and_short_expiries_invert() {
    // Hand-picked hard corners: 1-minute expiries, 300% moneyness, tiny and huge vols.
    let cases = [
        (1.0, 20.0, MINUTE, 5.0),
        (60_000.0, 90_000.0, 1.0 / 365.0, 0.8),
        (60_000.0, 60_001.0, MINUTE, 0.3),
        (100.0, 100.0, 5.0, 0.01),
        (100.0, 100.0 * (-3.0f64).exp(), 5.0, 5.0),
        (1.0, 1.0, 1e-9, 0.5),
    ];
    for &(f, k, t, sigma) in &cases {
        for &call in &[true, false] {
            let p = black76(f, k, t, sigma, call);
            let v = implied_vol_checked(p, f, k, t, call).unwrap();
            let s = sigma * t.sqrt();
            let x = (f / k).ln();
            let beta = p / (f.sqrt() * k.sqrt());
            let intrinsic = if call {
                (f - k).max(0.0)
            } else {
                (k - f).max(0.0)
            };
            let tol = 64.0 * attainable(beta, x, s);
            if p - intrinsic > 1e-14 * p {
                assert!(
                    ((v - sigma) / sigma).abs() < tol,
                    "f={f} k={k} t={t} call={call}: {v} vs {sigma}"
                );
            }
        }
    }
}

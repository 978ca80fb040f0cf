//! Calendar-arbitrage check and repair between consecutive SVI expiries.

use quant_core::calendar::{check_calendar, check_calendar_default, repair_calendar_default};
use quant_core::svi::SviRaw;

fn slice(a: f64, b: f64, rho: f64, m: f64, sigma: f64) -> SviRaw {
    SviRaw {
        a,
        b,
        rho,
        m,
        sigma,
    }
}

#[test]
fn increasing_slices_have_no_violation() {
    let s1 = slice(0.01, 0.1, -0.3, 0.0, 0.1);
    let s2 = slice(0.02, 0.12, -0.3, 0.0, 0.12);
    assert!(check_calendar_default(&[(0.1, s1), (0.2, s2)]).is_empty());
}

#[test]
fn a_crossing_is_found_with_its_size_and_location() {
    let early = slice(0.02, 0.1, -0.3, 0.0, 0.1);
    let late = slice(0.015, 0.1, -0.3, 0.0, 0.1); // uniformly 0.005 lower
    let v = check_calendar(&[(0.1, early), (0.2, late)], -1.0, 1.0, 201);
    assert_eq!(v.len(), 1);
    assert_eq!((v[0].earlier, v[0].later), (0, 1));
    assert!((v[0].size - 0.005).abs() < 1e-12);
    assert_eq!(v[0].points, 201);
    // A steeper later slice crosses only in the middle.
    let steep = slice(0.005, 0.2, -0.3, 0.0, 0.1);
    let v = check_calendar(&[(0.1, early), (0.2, steep)], -1.0, 1.0, 2001);
    assert_eq!(v.len(), 1);
    assert!(v[0].k.abs() < 0.2 && v[0].points < 2001, "{:?}", v[0]);
}

#[test]
fn unsorted_input_is_checked_in_time_order_with_input_indices() {
    let early = slice(0.02, 0.1, -0.3, 0.0, 0.1);
    let late = slice(0.015, 0.1, -0.3, 0.0, 0.1);
    let v = check_calendar_default(&[(0.2, late), (0.1, early)]);
    assert_eq!(v.len(), 1);
    assert_eq!((v[0].earlier, v[0].later), (1, 0));
}

#[test]
fn repair_lifts_minimally_and_cascades() {
    let s1 = slice(0.02, 0.1, -0.3, 0.0, 0.1);
    let s2 = slice(0.015, 0.1, -0.3, 0.0, 0.1);
    let s3 = slice(0.018, 0.1, -0.3, 0.0, 0.1); // fine against s2, crosses s1 once s2 is lifted
    let r = repair_calendar_default(&[(0.1, s1), (0.2, s2), (0.3, s3)]);
    assert!(r.ok, "{:?}", r);
    assert!((r.lifts[1] - 0.005).abs() < 1e-9);
    assert!((r.lifts[2] - 0.002).abs() < 1e-9);
    assert_eq!(r.lifts[0], 0.0);
    let repaired: Vec<(f64, SviRaw)> =
        vec![(0.1, r.slices[0]), (0.2, r.slices[1]), (0.3, r.slices[2])];
    assert!(check_calendar_default(&repaired).is_empty());
}

#[test]
fn a_far_wing_crossing_is_repaired_without_moving_atm() {
    // A 2-day slice with steep wings and a 9-day slice with flat ones: they cross only beyond
    // |k| ≈ 1, where no strike is listed. Lifting the 9-day slice by the wing gap would move
    // its ATM vol by tens of points; the repair must keep ATM within a fraction of a point.
    let (t1, t2) = (2.0 / 365.0, 9.0 / 365.0);
    let short = slice(0.0004, 0.02, -0.2, 0.0, 0.02);
    let long = slice(0.0025, 0.006, -0.2, 0.0, 0.05);
    let before = check_calendar_default(&[(t1, short), (t2, long)]);
    assert_eq!(before.len(), 1);
    assert!(before[0].k.abs() > 1.0, "{:?}", before[0]);
    let r = repair_calendar_default(&[(t1, short), (t2, long)]);
    assert!(r.ok, "{:?}", r);
    assert!(check_calendar_default(&[(t1, r.slices[0]), (t2, r.slices[1])]).is_empty());
    let atm_before = long.implied_vol(0.0, t2);
    let atm_after = r.slices[1].implied_vol(0.0, t2);
    assert!(
        (atm_after - atm_before).abs() < 0.005,
        "{} -> {}",
        atm_before,
        atm_after
    );
    assert!(
        (r.lifts[1] - (r.slices[1].total_variance(0.0) - long.total_variance(0.0))).abs() < 1e-15
    );
    // The constant lift alone would have moved ATM by the full wing gap.
    let naive = (long.total_variance(0.0) + before[0].size) / t2;
    assert!(
        naive.sqrt() - atm_before > 0.1,
        "the test must be a hard case"
    );
    assert!(r.slices[1].is_butterfly_free());
}

#[test]
fn non_finite_slices_are_reported_not_repaired() {
    let s1 = slice(0.02, 0.1, -0.3, 0.0, 0.1);
    let bad = slice(f64::NAN, 0.1, -0.3, 0.0, 0.1);
    let r = repair_calendar_default(&[(0.1, s1), (0.2, bad)]);
    assert!(!r.ok);
    assert_eq!(check_calendar_default(&[(0.1, s1), (0.2, bad)]).len(), 1);
    assert!(check_calendar_default(&[]).is_empty());
    assert!(repair_calendar_default(&[]).ok);
}

struct Rng(u64);
impl Rng {
    fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        lo + (hi - lo) * ((self.0 >> 11) as f64 / (1u64 << 53) as f64)
    }
}

#[test]
fn random_surfaces_are_calendar_free_after_repair() {
    let mut rng = Rng(0xca1e_da12);
    let mut violations_seen = 0;
    for _ in 0..60 {
        let n = 2 + (rng.uniform(0.0, 4.0) as usize);
        let mut slices = Vec::new();
        let mut t = 0.0;
        for _ in 0..n {
            t += rng.uniform(0.005, 0.3);
            let vol = rng.uniform(0.3, 1.0);
            let w0 = vol * vol * t;
            let sw = w0.sqrt();
            let (b, rho, s) = (
                rng.uniform(0.1, 0.5) * sw,
                rng.uniform(-0.6, 0.4),
                rng.uniform(0.3, 1.5) * sw,
            );
            let m = rng.uniform(-0.3, 0.3) * sw;
            let a = w0 - b * (-rho * m + (m * m + s * s).sqrt());
            slices.push((t, slice(a, b, rho, m, s)));
        }
        violations_seen += check_calendar_default(&slices).len();
        let r = repair_calendar_default(&slices);
        let repaired: Vec<(f64, SviRaw)> = slices
            .iter()
            .zip(r.slices.iter())
            .map(|(s, x)| (s.0, *x))
            .collect();
        assert!(check_calendar_default(&repaired).is_empty(), "{:?}", r);
        for (i, (orig, new)) in slices.iter().zip(r.slices.iter()).enumerate() {
            // Untouched slices stay bit-identical; repaired ones keep a positive ATM variance.
            if r.lifts[i] == 0.0 && check_calendar_default(&slices).iter().all(|v| v.later != i) {
                assert_eq!(orig.1, *new);
            }
            assert!(new.total_variance(0.0) > 0.0);
            if orig.1.is_butterfly_free() && !r.butterfly_broken.contains(&i) {
                assert!(new.is_butterfly_free());
            }
        }
        assert_eq!(r.ok, r.butterfly_broken.is_empty());
    }
    assert!(
        violations_seen > 20,
        "the generator must produce crossings: {}",
        violations_seen
    );
}

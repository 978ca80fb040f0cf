//! Real-data check: Deribit's own mark/bid IVs from a recorded 2020 BTC chain are reproduced by
//! inverting coin prices with F = underlying_price (EXCHANGES.md §0.1).
//! Data: shared/data/deribit_chain_snapshot_2020-05-21/options_data.csv beside the repository
//! (one public/get_order_book result per row; dict-like columns are quoted).

use quant_core::inverse::{implied_vol_inverse, implied_vol_inverse_checked};
use quant_core::lbr::IvError;
use std::path::PathBuf;

const MS_PER_YEAR: f64 = 365.0 * 86_400_000.0;

fn data_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/data/deribit_chain_snapshot_2020-05-21/options_data.csv")
}

/// Splits one CSV line, honouring double quotes (fields such as "{'vega': 0.9, ...}").
fn split_csv(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for ch in line.chars() {
        match ch {
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut cur)),
            _ => cur.push(ch),
        }
    }
    out.push(cur);
    out
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Expiry in ms of a Deribit name such as BTC-5JUN20-9250-C: that date at 08:00 UTC.
fn expiry_ms(name: &str) -> Option<i64> {
    let date = name.split('-').nth(1)?;
    let split = date.find(|c: char| c.is_ascii_alphabetic())?;
    let day: i64 = date[..split].parse().ok()?;
    let month = [
        "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
    ]
    .iter()
    .position(|m| *m == &date[split..split + 3])? as i64
        + 1;
    let year: i64 = 2000 + date[split + 3..].parse::<i64>().ok()?;
    Some(days_from_civil(year, month, day) * 86_400_000 + 8 * 3_600_000)
}

/// A numeric value from a Python-dict-like column: `{'vega': 0.94545, ...}`.
fn dict_value(dict: &str, key: &str) -> f64 {
    let pat = format!("'{key}': ");
    let start = dict.find(&pat).map(|i| i + pat.len()).unwrap_or(dict.len());
    let rest = &dict[start..];
    let end = rest.find([',', '}']).unwrap_or(rest.len());
    rest[..end].trim().parse().unwrap_or(f64::NAN)
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

#[test]
fn deribit_2020_chain_mark_and_bid_ivs_are_reproduced() {
    let path = data_path();
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "real-data file missing: {} ({e}); CI must have shared/ beside the repository",
            path.display()
        )
    });
    let mut lines = text.lines();
    let header = split_csv(lines.next().expect("empty CSV"));
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    };
    let (c_name, c_type, c_strike, c_under, c_ts, c_exp) = (
        col("instrument_name"),
        col("option_type"),
        col("strike"),
        col("underlying_price"),
        col("timestamp"),
        col("expiration_timestamp"),
    );
    let (c_mark, c_mark_iv, c_bid, c_bid_iv) = (
        col("mark_price"),
        col("mark_iv"),
        col("best_bid_price"),
        col("bid_iv"),
    );
    let num = |row: &[String], c: usize| row[c].parse::<f64>().unwrap_or(f64::NAN);
    let c_greeks = col("greeks");
    let (mut mark_diffs, mut week_plus, mut bid_diffs) = (Vec::new(), Vec::new(), Vec::new());
    let (mut rows, mut no_info) = (0, 0);
    for line in lines {
        let row = split_csv(line);
        rows += 1;
        let name = &row[c_name];
        // T from the name's date at 08:00 UTC minus the row's own timestamp (ms).
        let exp = expiry_ms(name).unwrap_or_else(|| panic!("bad instrument name {name}"));
        assert_eq!(
            exp as f64,
            num(&row, c_exp),
            "{name}: name date vs expiration_timestamp"
        );
        let t = (exp as f64 - num(&row, c_ts)) / MS_PER_YEAR;
        let is_call = row[c_type] == "call";
        let (f, k) = (num(&row, c_under), num(&row, c_strike));
        let mark = implied_vol_inverse_checked(num(&row, c_mark), f, k, t, is_call);
        match mark {
            Ok(iv) if iv > 0.0 => {
                let d = (iv * 100.0 - num(&row, c_mark_iv)).abs();
                mark_diffs.push(d);
                if t > 7.0 / 365.0 {
                    week_plus.push(d);
                }
            }
            _ => {
                // A mark at (zero-priced wings) or below (deep ITM) intrinsic value carries no vol
                // information: we return 0 or BelowIntrinsic, and Deribit itself reports a vega
                // of (nearly) zero for exactly these rows.
                assert!(
                    matches!(mark, Ok(_) | Err(IvError::BelowIntrinsic)),
                    "{name}: {mark:?}"
                );
                let vega = dict_value(&row[c_greeks], "vega");
                assert!(vega < 1e-3, "{name}: no IV but Deribit vega is {vega}");
                no_info += 1;
            }
        }
        let (bid, bid_iv) = (num(&row, c_bid), num(&row, c_bid_iv));
        if bid > 0.0 && bid_iv > 0.0 {
            let iv = implied_vol_inverse(bid, f, k, t, is_call) * 100.0;
            if iv.is_finite() {
                bid_diffs.push((iv - bid_iv).abs());
            }
        }
    }
    assert_eq!(rows, 326);
    let n_bid = bid_diffs.len();
    let n_mark = mark_diffs.len();
    let n_week = week_plus.len();
    let m_mark = median(&mut mark_diffs);
    let m_week = median(&mut week_plus);
    let m_bid = median(&mut bid_diffs);
    eprintln!(
        "mark: {n_mark} rows ({no_info} without vol information), median |Δ| {m_mark:.4} vol pts, \
         {m_week:.4} over {n_week} rows with T > 7 d; bid: {n_bid} rows, median |Δ| {m_bid:.4}"
    );
    // mark_iv is printed with two decimals, so rounding alone gives a median |Δ| of 0.0025.
    // EXCHANGES.md §0.1 reports 0.005 (mark) and 0.002 (bid). The expiries of 8 hours and 1 day
    // are looser (0.02-0.6: Deribit's marks there are not consistent with the row's timestamp),
    // which lifts the all-expiry median to ~0.009.
    assert_eq!(no_info, 24);
    assert!(m_week < 0.006, "median mark |Δ| for T > 7 d: {m_week}");
    assert!(m_mark < 0.01, "median mark |Δ| {m_mark}");
    assert!(
        n_bid > 100 && m_bid < 0.005,
        "median bid |Δ| {m_bid} over {n_bid}"
    );
}

/**
 * Tables and migrations (docs/STORAGE.md). One DDL for both backends: times are Int64 epoch ms
 * (receive times Int64 epoch ns) with ALIAS DateTime columns for humans, no DateTime64, CODEC,
 * Map or LowCardinality, because the 18.16 server lacks them. Every table is a
 * ReplacingMergeTree whose sorting key ends in event_id, so a re-delivered event (same id, same
 * content) collapses on merge and `FINAL` hides it before that (see "Idempotency" in STORAGE.md).
 */
import type { Store } from './store.ts';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly statements: readonly string[];
}

const time = (col: string, alias: string): string =>
  `${alias} DateTime ALIAS toDateTime(intDiv(${col}, 1000))`;
const monthOf = (col: string): string => `toYYYYMM(toDateTime(intDiv(${col}, 1000)))`;

const HEADER = `event_id String, run_id String, venue String, exchange_time_ms Int64, receive_time_ns Int64`;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'base tables',
    statements: [
      `CREATE TABLE IF NOT EXISTS marketdata (
        ${HEADER}, instrument String, kind String, currency String, source_sequence UInt64,
        payload String,
        ${time('exchange_time_ms', 'event_time')}
      ) ENGINE = ReplacingMergeTree PARTITION BY ${monthOf('exchange_time_ms')}
        ORDER BY (run_id, exchange_time_ms, venue, instrument, event_id)`,
      `CREATE TABLE IF NOT EXISTS vol_quotes (
        ${HEADER}, currency String, expiry_ms Int64, instrument String, strike Float64,
        option_type String, forward Float64, time_to_expiry_years Float64, log_moneyness Float64,
        bid_iv Nullable(Float64), ask_iv Nullable(Float64), mid_iv Nullable(Float64),
        mark_iv Nullable(Float64), venue_mark_iv Nullable(Float64), delta Nullable(Float64),
        vega Nullable(Float64), skipped UInt8, skip_reason String, approximated UInt8, fitter_id String,
        ${time('exchange_time_ms', 'event_time')}, ${time('expiry_ms', 'expiry')}
      ) ENGINE = ReplacingMergeTree PARTITION BY ${monthOf('exchange_time_ms')}
        ORDER BY (run_id, currency, expiry_ms, exchange_time_ms, instrument, event_id)`,
      `CREATE TABLE IF NOT EXISTS smiles (
        ${HEADER}, currency String, expiry_ms Int64, as_of_ms Int64, fitter_id String,
        fitter_version String, forward Float64, time_to_expiry_years Float64,
        atm_vol Nullable(Float64), svi_a Float64, svi_b Float64, svi_rho Float64, svi_m Float64,
        svi_sigma Float64, rmse_vol_points Float64, rmse_total_variance Float64, min_g Float64,
        quotes_in_fit UInt32, quotes_through_fit UInt32, input_quotes UInt32,
        excluded_quotes UInt32, iterations UInt32, fit_time_us Float64, repaired UInt8,
        butterfly_free UInt8,
        ${time('as_of_ms', 'as_of')}, ${time('expiry_ms', 'expiry')}
      ) ENGINE = ReplacingMergeTree PARTITION BY ${monthOf('as_of_ms')}
        ORDER BY (run_id, currency, venue, expiry_ms, as_of_ms, event_id)`,
      `CREATE TABLE IF NOT EXISTS surfaces (
        ${HEADER}, currency String, as_of_ms Int64, fitter_id String, fitter_version String,
        index_price Nullable(Float64), expiries UInt32, butterfly_violations UInt32,
        calendar_violations UInt32, repaired_smiles UInt32, newest_input_age_ms Int64,
        risk_tenor_days Array(UInt32), risk_label Array(String), risk_delta Array(Float64),
        risk_vol Array(Float64), risk_strike Array(Float64),
        payload String,
        ${time('as_of_ms', 'as_of')}
      ) ENGINE = ReplacingMergeTree PARTITION BY ${monthOf('as_of_ms')}
        ORDER BY (run_id, currency, venue, as_of_ms, event_id)`,
      `CREATE TABLE IF NOT EXISTS surface_expiries (
        ${HEADER}, currency String, as_of_ms Int64, fitter_id String, expiry_ms Int64,
        time_to_expiry_years Float64, forward Float64, atm_vol Nullable(Float64),
        rr25 Nullable(Float64), bf25 Nullable(Float64), rr10 Nullable(Float64),
        bf10 Nullable(Float64), forward_vol Nullable(Float64),
        ${time('as_of_ms', 'as_of')}, ${time('expiry_ms', 'expiry')}
      ) ENGINE = ReplacingMergeTree PARTITION BY ${monthOf('as_of_ms')}
        ORDER BY (run_id, currency, venue, as_of_ms, expiry_ms, event_id)`,
      `CREATE TABLE IF NOT EXISTS surface_tenors (
        ${HEADER}, currency String, as_of_ms Int64, fitter_id String, tenor_days UInt32,
        atm_vol Nullable(Float64), rr25 Nullable(Float64), bf25 Nullable(Float64),
        rr10 Nullable(Float64), bf10 Nullable(Float64), forward_vol Nullable(Float64),
        extrapolated UInt8,
        ${time('as_of_ms', 'as_of')}
      ) ENGINE = ReplacingMergeTree PARTITION BY ${monthOf('as_of_ms')}
        ORDER BY (run_id, currency, venue, tenor_days, as_of_ms, event_id)`,
    ],
  },
  {
    version: 2,
    name: '1-minute tenor rollup',
    // Only re-delivery-proof aggregates (argMax, min, max): a duplicate row that reaches the view
    // before the base table merges it away changes none of them.
    statements: [
      `CREATE MATERIALIZED VIEW IF NOT EXISTS surface_tenors_1m
      ENGINE = AggregatingMergeTree PARTITION BY toYYYYMM(minute)
        ORDER BY (run_id, currency, venue, tenor_days, minute)
      AS SELECT run_id, currency, venue, tenor_days,
        toStartOfMinute(toDateTime(intDiv(as_of_ms, 1000))) AS minute,
        argMaxState(ifNull(atm_vol, nan), as_of_ms) AS atm_vol_last,
        minState(ifNull(atm_vol, inf)) AS atm_vol_min, maxState(ifNull(atm_vol, -inf)) AS atm_vol_max,
        argMaxState(ifNull(rr25, nan), as_of_ms) AS rr25_last, argMaxState(ifNull(bf25, nan), as_of_ms) AS bf25_last
      FROM surface_tenors GROUP BY run_id, currency, venue, tenor_days, minute`,
    ],
  },
  {
    version: 3,
    name: 'venue disagreement of composite surfaces',
    // One row per (composite surface, expiry listed by two fresh venues or more, member venue):
    // `venue` is 'composite' like the surface's other rows, `member_venue` the venue whose ATM this
    // is; the expiry's spread and venue count repeat on each of its rows, so a query needs no join
    // to get them.
    statements: [
      `CREATE TABLE IF NOT EXISTS venue_disagreement (
        ${HEADER}, currency String, as_of_ms Int64, fitter_id String, expiry_ms Int64,
        member_venue String, atm_vol Float64, atm_vol_spread Float64, venues UInt32,
        ${time('as_of_ms', 'as_of')}, ${time('expiry_ms', 'expiry')}
      ) ENGINE = ReplacingMergeTree PARTITION BY ${monthOf('as_of_ms')}
        ORDER BY (run_id, currency, venue, as_of_ms, expiry_ms, member_venue, event_id)`,
    ],
  },
];

/**
 * Applies the migrations not yet recorded in schema_migrations, in order. Idempotent: every
 * statement is IF NOT EXISTS and a version is recorded only after all its statements ran, so a
 * crash halfway re-runs that version harmlessly.
 */
export async function migrate(store: Store): Promise<number[]> {
  await store.exec(
    `CREATE TABLE IF NOT EXISTS schema_migrations (version UInt32, name String, applied_ms Int64)
     ENGINE = ReplacingMergeTree ORDER BY version`,
  );
  const done = new Set(
    (await store.query<{ version: number }>('SELECT version FROM schema_migrations FINAL')).map((r) =>
      Number(r.version),
    ),
  );
  const applied: number[] = [];
  for (const m of MIGRATIONS) {
    if (done.has(m.version)) continue;
    for (const sql of m.statements) await store.exec(sql);
    await store.insert('schema_migrations', [{ version: m.version, name: m.name, applied_ms: Date.now() }]);
    applied.push(m.version);
  }
  return applied;
}

/** Tables the writer fills, in the order a batch writes them. */
export const DATA_TABLES = [
  'marketdata',
  'vol_quotes',
  'smiles',
  'surfaces',
  'surface_expiries',
  'surface_tenors',
  'venue_disagreement',
] as const;
export type DataTable = (typeof DATA_TABLES)[number];

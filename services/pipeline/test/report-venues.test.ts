// The run report with several venues: truth per venue and for the composite (headline = the max
// over them), forward-delta surfaces against the truth's forward-delta RR25, and the venue label
// of the Prometheus exposition.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { create } from '@bufbuild/protobuf';
import { DeltaConvention, SurfaceEventSchema, SurfaceSchema } from '@volstream/contracts';
import { createLogger } from '@volstream/logging';
import { load } from 'svi-core';
import { RunReportCollector, reportToPrometheus, TruthTracker } from '../src/index.ts';
import type { RunReport } from '../src/report.ts';
import { rr25ForwardDelta } from '../src/truth-delta.ts';

const RAW = { a: 0.004, b: 0.03, rho: -0.3, m: 0.01, sigma: 0.1 };
const YEARS = 30 / 365;
const truth = {
  timestamp: 10_000,
  currencies: {
    BTC: { expiries: [{ expiry: 2000, code: 'LONG', years: YEARS, atmVol: 0.55, rr25: -0.02, rawSvi: RAW }] },
  },
};
const surface = (venue: string, atm: number, rr: number, forwardDelta = false) =>
  create(SurfaceSchema, {
    currency: 'BTC',
    venue,
    asOfMs: 10_000n,
    deltaConvention: forwardDelta ? DeltaConvention.FORWARD : DeltaConvention.PREMIUM_ADJUSTED,
    expiries: [{ expiryMs: 2000n, atmVol: atm, rr25: rr }],
  });

describe('truth per venue', () => {
  it('keeps each venue and the composite apart; the headline is the max over them', () => {
    const t = new TruthTracker(0, 2000);
    t.addSnapshot(truth);
    t.compare(surface('deribit', 0.552, -0.02));
    t.compare(surface('okx', 0.555, -0.025));
    t.compare(surface('composite', 0.551, -0.021));
    const s = t.summary();
    assert.deepEqual(Object.keys(s.byVenue), ['composite', 'deribit', 'okx']);
    assert.ok(Math.abs((s.byVenue.deribit?.atmVolErrVolPts.max ?? 0) - 0.2) < 1e-9);
    assert.ok(Math.abs((s.byVenue.okx?.rr25ErrVolPts.max ?? 0) - 0.5) < 1e-9);
    assert.ok(Math.abs((s.byVenue.composite?.atmVolErrVolPts.max ?? 0) - 0.1) < 1e-9);
    assert.ok(Math.abs(s.atmVolErrVolPts.max - 0.5) < 1e-9, 'okx is the worst ATM');
    assert.ok(Math.abs(s.rr25ErrVolPts.max - 0.5) < 1e-9);
    assert.equal(s.surfacesCompared, 3);
    assert.equal(s.expiriesCounted, 3);
    assert.deepEqual(s.perExpiry.map((e) => e.venue).sort(), ['composite', 'deribit', 'okx']);
  });

  it('compares a forward-delta surface with the truth RR25 in forward delta', () => {
    const fwd = rr25ForwardDelta(RAW, YEARS);
    // The skew is negative (rho < 0) and forward-delta strikes sit left of the PA ones.
    assert.ok(Number.isFinite(fwd) && fwd < 0, `${fwd}`);
    const t = new TruthTracker(0, 2000);
    t.addSnapshot(truth);
    t.compare(surface('bybit', 0.55, fwd + 0.001, true));
    t.compare(surface('deribit', 0.55, fwd + 0.001));
    const s = t.summary();
    assert.ok(Math.abs((s.byVenue.bybit?.rr25ErrVolPts.max ?? 0) - 0.1) < 1e-9);
    assert.ok(
      Math.abs((s.byVenue.deribit?.rr25ErrVolPts.max ?? 0) - Math.abs(fwd + 0.001 + 0.02) * 100) < 1e-9,
      'a premium-adjusted surface is compared with the premium-adjusted RR25',
    );
  });

  it('the forward-delta RR25 of a flat smile is zero, of a skewed one its 25-delta vols', () => {
    assert.ok(Math.abs(rr25ForwardDelta({ a: 0.04, b: 0, rho: 0, m: 0, sigma: 0.1 }, 0.25)) < 1e-12);
    // rho > 0: total variance rises to the right, so the 25-delta call vol is above the put vol.
    const rr = rr25ForwardDelta({ a: 0.02, b: 0.02, rho: 0.5, m: 0, sigma: 0.2 }, 0.25);
    assert.ok(rr > 0, `${rr}`);
  });
});

describe('run report with a live venue beside simulated ones', () => {
  it('compares only the simulated venues with the truth, and counts arbitrage for every venue', async () => {
    const collector = new RunReportCollector(
      await load(),
      {
        connector: () => undefined,
        compute: async () => undefined,
        truth: () => truth,
        truthVenues: ['deribit'],
      },
      { source: 'auto', warmupMs: 0 },
      createLogger({ service: 'test', level: 'silent' }),
    );
    collector.sample();
    for (const venue of ['deribit', 'okx', 'composite']) {
      collector.observe(
        create(SurfaceEventSchema, { payload: { case: 'surface', value: surface(venue, 0.56, -0.02) } }),
      );
    }
    const r = collector.report();
    assert.deepEqual(Object.keys(r.truth?.byVenue ?? {}), ['deribit']);
    assert.deepEqual(Object.keys(r.arbitrage.byVenue), ['composite', 'deribit', 'okx']);
    assert.equal(r.arbitrage.surfacesChecked, 3);
  });
});

describe('Prometheus exposition with venues', () => {
  it('labels per-venue connector stages, arbitrage and truth with venue', () => {
    const report = {
      stages: {
        connector: { in: 30, out: 40 },
        'connector-deribit': { in: 10, out: 12 },
        'connector-okx': { in: 20, out: 28 },
        orderbook: { in: 40, out: 5 },
        volatility: { in: 5, out: 2 },
        surface: { in: 2, out: 1 },
        published: { surfaces: 3, smiles: 3 },
      },
      dropped: { total: 0, byReason: {}, byStage: {} },
      throughput: { msgsPerSec: 12.5 },
      latencyMs: { p50: 10, p99: 20, max: 30, count: 3 },
      lag: { final: { orderbook: 1, volatility: 0, surface: 0 } },
      workSaved: { skipped: 1, approximated: 2, fullyInverted: 3 },
      arbitrage: {
        butterflyViolations: 0,
        calendarViolations: 1,
        byVenue: {
          composite: { butterflyViolations: 0, calendarViolations: 0 },
          okx: { butterflyViolations: 0, calendarViolations: 1 },
        },
      },
      truth: {
        atmVolErrVolPts: { max: 0.3 },
        rr25ErrVolPts: { max: 0.4 },
        byVenue: { okx: { atmVolErrVolPts: { max: 0.3 }, rr25ErrVolPts: { max: 0.4 } } },
      },
    } as unknown as RunReport;
    const text = reportToPrometheus(report);
    assert.match(text, /^volstream_pipeline_stage_in_total\{stage="connector"\} 30$/m);
    assert.match(text, /^volstream_pipeline_stage_in_total\{stage="connector",venue="okx"\} 20$/m);
    assert.match(text, /^volstream_pipeline_stage_out_total\{stage="connector",venue="deribit"\} 12$/m);
    assert.match(text, /^volstream_pipeline_arbitrage_violations_total\{kind="calendar",venue="okx"\} 1$/m);
    assert.match(
      text,
      /^volstream_pipeline_arbitrage_violations_total\{kind="butterfly",venue="composite"\} 0$/m,
    );
    assert.match(text, /^volstream_pipeline_truth_error_vol_points\{metric="atm_vol",venue="okx"\} 0\.3$/m);
    assert.doesNotMatch(text, /stage="connector-/);
  });
});

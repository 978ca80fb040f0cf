// The run report's building blocks: the independent arbitrage re-check finds violations that are
// there (and none where there are none), the truth tracker's vol-point errors and 7-day rule,
// quantiles, and the Prometheus text.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { create } from '@bufbuild/protobuf';
import { SurfaceSchema } from '@volstream/contracts';
import { load, type SviCore } from 'svi-core';
import { checkArbitrage, LatencySamples, reportToPrometheus, TruthTracker } from '../src/index.ts';
import type { RunReport } from '../src/report.ts';

let core: SviCore;
before(async () => {
  core = await load();
});

const healthy = { a: 0.01, b: 0.1, rho: -0.3, m: 0, sigma: 0.2 };

describe('arbitrage re-check', () => {
  it('accepts an increasing, butterfly-free surface', () => {
    const c = checkArbitrage(core, [
      { time: 0.1, params: healthy },
      { time: 0.5, params: { ...healthy, a: 0.05 } },
    ]);
    assert.deepEqual([c.butterfly, c.calendar], [0, 0]);
  });

  it('counts crossing slices as calendar violations', () => {
    const c = checkArbitrage(core, [
      { time: 0.1, params: { ...healthy, a: 0.05 } },
      { time: 0.5, params: healthy },
    ]);
    assert.equal(c.calendar, 1);
    assert.ok(c.worstCrossing > 0.03);
  });

  it('counts a slice with negative density as a butterfly violation', () => {
    // b(1 + |rho|) far above 4/T-ish bounds: g(k) < 0 in the wings (QUANT.md §5).
    const c = checkArbitrage(core, [
      { time: 0.1, params: { a: -0.05, b: 2.5, rho: -0.9, m: 0, sigma: 0.05 } },
    ]);
    assert.equal(c.butterfly, 1);
    assert.ok(c.worstG < 0);
  });
});

describe('truth tracker', () => {
  const truth = (timestamp: number) => ({
    timestamp,
    currencies: {
      BTC: {
        expiries: [
          { expiry: 1000, code: 'SHORT', years: 2 / 365, atmVol: 0.5, rr25: 0.01 },
          { expiry: 2000, code: 'LONG', years: 30 / 365, atmVol: 0.55, rr25: -0.02 },
        ],
      },
    },
  });
  const surface = (asOfMs: number, atm: number, rr: number) =>
    create(SurfaceSchema, {
      currency: 'BTC',
      asOfMs: BigInt(asOfMs),
      expiries: [
        { expiryMs: 1000n, atmVol: 0.6, rr25: 0.01 },
        { expiryMs: 2000n, atmVol: atm, rr25: rr },
      ],
    });

  it('compares with the nearest snapshot, in vol points, counting only T >= 7 days', () => {
    const t = new TruthTracker(0, 2000);
    t.addSnapshot(truth(10_000));
    assert.equal(t.compare(surface(20_000, 0.55, -0.02)), false, 'no snapshot within 2 s');
    assert.equal(t.compare(surface(10_500, 0.553, -0.01)), true);
    const s = t.summary();
    assert.equal(s.expiriesCounted, 1);
    assert.ok(Math.abs(s.atmVolErrVolPts.max - 0.3) < 1e-9);
    assert.ok(Math.abs(s.rr25ErrVolPts.max - 1) < 1e-9);
    const short = s.perExpiry.find((e) => e.expiry === 'SHORT');
    assert.equal(short?.counted, false);
    assert.ok(Math.abs((short?.atmVolErrVolPts ?? 0) - 10) < 1e-9, 'listed, not counted');
  });

  it('max is the latest surface; maxOverRun the worst after warm-up', () => {
    const t = new TruthTracker(10_000, 2000);
    t.addSnapshot(truth(10_000));
    t.compare(surface(9_000, 0.6, -0.02)); // warm-up: 5 vol points, not in maxOverRun
    t.compare(surface(10_000, 0.56, -0.02));
    t.compare(surface(10_100, 0.551, -0.02));
    const s = t.summary();
    assert.ok(Math.abs(s.atmVolErrVolPts.max - 0.1) < 1e-9);
    assert.ok(Math.abs(s.atmVolErrVolPts.maxOverRun - 1) < 1e-9);
  });
});

describe('latency samples', () => {
  it('nearest-rank quantiles and max', () => {
    const l = new LatencySamples();
    for (let i = 1; i <= 100; i++) l.add(i);
    l.add(Number.NaN);
    assert.deepEqual(l.summary(), { p50: 50, p99: 99, max: 100, count: 100 });
  });
});

describe('Prometheus exposition', () => {
  it('renders every family with HELP/TYPE and labels', () => {
    const report = {
      stages: {
        connector: { in: 10, out: 12 },
        orderbook: { in: 12, out: 5 },
        volatility: { in: 5, out: 2 },
        surface: { in: 2, out: 1 },
        published: { surfaces: 1, smiles: 3 },
      },
      dropped: { total: 1, byReason: { bad_value: 1 }, byStage: { orderbook: { bad_value: 1 } } },
      throughput: { msgsPerSec: 12.5 },
      latencyMs: { p50: 10, p99: 20, max: 30, count: 3 },
      lag: { final: { orderbook: 1, volatility: 0, surface: 0 } },
      workSaved: { skipped: 1, approximated: 2, fullyInverted: 3 },
      arbitrage: { butterflyViolations: 0, calendarViolations: 0 },
      truth: { atmVolErrVolPts: { max: 0.1 }, rr25ErrVolPts: { max: Number.NaN } },
    } as unknown as RunReport;
    const text = reportToPrometheus(report);
    assert.match(text, /^volstream_pipeline_stage_in_total\{stage="connector"\} 10$/m);
    assert.match(text, /^volstream_pipeline_dropped_total\{stage="orderbook",reason="bad_value"\} 1$/m);
    assert.match(text, /^volstream_pipeline_latency_ms\{quantile="0\.99"\} 20$/m);
    assert.match(text, /^volstream_pipeline_truth_error_vol_points\{metric="rr25"\} NaN$/m);
    assert.match(text, /^volstream_pipeline_surfaces_published_total 1$/m);
    for (const line of text.trim().split('\n')) {
      assert.match(
        line,
        /^(# (HELP|TYPE) volstream_pipeline_\w+ .+|volstream_pipeline_\w+(\{[^}]*\})? \S+)$/,
      );
    }
  });
});

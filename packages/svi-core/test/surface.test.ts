// Surface functions through the TypeScript API of the built module, on the real 2026-03-01
// Deribit BTC chain: calendar check and repair, global eSSVI fit, smile and fixed-tenor metrics,
// and their behaviour on empty and invalid input.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { load, type SviCore, type TimedSlice } from 'svi-core';
import { buildSlices, type ChainSlice } from '../src/chain-slices.ts';
import { readChain } from '../src/deribit-chain.ts';
import { CHAINS_2026, DEFAULT_WASM } from './helpers.ts';

describe('surface: calendar, eSSVI, metrics', () => {
  let core: SviCore;
  let slices: ChainSlice[];
  let fitted: TimedSlice[];
  before(async () => {
    core = await load({ wasmPath: DEFAULT_WASM });
    slices = buildSlices(core, readChain(CHAINS_2026[1]!), 8).filter((s) => s.currency === 'BTC');
    fitted = slices.map((s) => ({ time: s.time, params: core.fitSviSlice(s) }));
  });

  it('checks calendar arbitrage between the fitted BTC slices and repairs it', () => {
    assert.ok(fitted.length >= 10);
    const check = core.checkCalendar(fitted);
    for (const v of check.violations) {
      assert.equal(v.later, v.earlier + 1, 'consecutive expiries (input is sorted by time)');
      assert.ok(v.size > 0 && v.points > 0 && Math.abs(v.k) <= 3);
    }
    const repaired = core.repairCalendar(fitted);
    assert.equal(repaired.ok, true);
    assert.equal(core.checkCalendar(repaired.slices).calendarFree, true);
    // lifts = change of ATM total variance w(0) made by the repair (reshaping, not only `a`).
    const zero = Float64Array.of(0);
    repaired.lifts.forEach((lift, i) => {
      const before = core.sviW(fitted[i]!.params, zero)[0]!;
      const after = core.sviW(repaired.slices[i]!.params, zero)[0]!;
      assert.ok(
        Math.abs(after - before - lift) < 1e-12,
        `slice ${i}: lift ${lift}, w(0) ${before} → ${after}`,
      );
    });
    assert.ok(
      repaired.lifts.some((l) => l !== 0),
      'the crossing found above was repaired by changing a slice',
    );
    // An obviously crossing pair is found, with the size of the crossing.
    const base = fitted[3]!.params;
    const crossing = [
      { time: 0.1, params: { ...base, a: base.a + 0.01 } },
      { time: 0.2, params: base },
    ];
    const c = core.checkCalendar(crossing);
    assert.equal(c.calendarFree, false);
    assert.ok(Math.abs(c.violations[0]!.size - 0.01) < 1e-12);
  });

  it('fits an arbitrage-free eSSVI surface to the real BTC slices', () => {
    const result = core.fitEssvi(slices.map((s) => ({ time: s.time, k: s.k, w: s.w, weights: s.weights })));
    assert.equal(result.status, 'ok');
    assert.equal(result.arbitrageFree, true);
    assert.equal(result.slices.length, slices.length);
    for (let i = 1; i < result.slices.length; i++) {
      assert.ok(result.slices[i]!.theta >= result.slices[i - 1]!.theta, 'ATM total variance non-decreasing');
    }
    for (const s of result.slices) assert.ok(s.psi > 0 && s.psi < 4 / (1 + Math.abs(s.rho)) + 1e-12);
    assert.ok(result.rmseVol < 5, `RMSE ${result.rmseVol} vol points`);
    console.log(`eSSVI on ${slices.length} BTC slices: RMSE ${result.rmseVol.toFixed(3)} vol points`);
  });

  it('reports eSSVI input errors as a status with the failing index', () => {
    assert.equal(core.fitEssvi([]).status, 'no_slices');
    const a = slices[0]!;
    const b = slices[1]!;
    const unsorted = core.fitEssvi([b, a].map((s) => ({ time: s.time, k: s.k, w: s.w })));
    assert.equal(unsorted.status, 'unsorted');
    assert.equal(unsorted.failingIndex, 1);
    const bad = core.fitEssvi([
      { time: a.time, k: a.k, w: a.w },
      { time: b.time, k: Float64Array.of(0, 0.1), w: Float64Array.of(Number.NaN, 0.1) },
    ]);
    assert.equal(bad.status, 'slice_invalid');
    assert.equal(bad.failingIndex, 1);
  });

  it('smile metrics: ATMF vol is √(w(0)/T), BTC puts over calls, tenor metrics at an expiry match it', () => {
    const metrics = core.surfaceMetrics(fitted);
    assert.equal(metrics.length, fitted.length);
    fitted.forEach((s, i) => {
      const m = metrics[i]!;
      const w0 = core.sviW(s.params, Float64Array.of(0))[0]!;
      assert.ok(Math.abs(m.atmVol - Math.sqrt(w0 / s.time)) < 1e-12);
      assert.ok(Math.abs(m.rr25 - (m.vol25c - m.vol25p)) < 1e-12);
      assert.ok(Math.abs(m.bf25 - ((m.vol25c + m.vol25p) / 2 - m.atmVol)) < 1e-12);
      assert.ok(m.atmVol > 0.2 && m.atmVol < 1.5, `ATM ${m.atmVol}`);
    });
    const negativeRr = metrics.filter((m) => m.rr25 < 0).length;
    assert.ok(negativeRr >= metrics.length / 2, 'March 2026 BTC: puts richer than calls on most expiries');
    const forward = core.surfaceMetrics(fitted, { deltaConvention: 'forward' });
    assert.notEqual(forward[5]!.vol25c, metrics[5]!.vol25c, 'the delta convention matters');
    const atTenor = core.tenorMetrics(fitted, [fitted[4]!.time]);
    assert.ok(Math.abs(atTenor[0]!.atmVol - metrics[4]!.atmVol) < 1e-9);
    const between = core.tenorMetrics(fitted, [(fitted[4]!.time + fitted[5]!.time) / 2])[0]!;
    assert.ok(Number.isFinite(between.atmVol));
  });

  it('empty surfaces and invalid tenors give empty or NaN results, never a trap', () => {
    assert.deepEqual(core.checkCalendar([]), { calendarFree: true, violations: [] });
    assert.deepEqual(core.surfaceMetrics([]), []);
    const nan = core.tenorMetrics([], [0.1, -1])[0]!;
    assert.ok(Number.isNaN(nan.atmVol));
    const weird = core.surfaceMetrics([{ time: -1, params: fitted[0]!.params }])[0]!;
    assert.ok(Number.isNaN(weird.atmVol));
    const r = core.repairCalendar([{ time: 0.1, params: { a: Number.NaN, b: 0, rho: 0, m: 0, sigma: 1 } }]);
    assert.equal(r.slices.length, 1);
  });
});

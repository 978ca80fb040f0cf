// Whatever fitter module is loaded, no slice with butterfly arbitrage is published: a fitter that
// returns the Vogt slice (QUANT.md §5 row 8, min g = −0.033) is GJ-repaired or, when no repair
// exists, rejected and reported. Crossing slices are lifted on the quotes' k-range.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { ArbitrageKind } from '@volstream/contracts';
import { load, type SviCore, type SviFitResult } from 'svi-core';
import { calendarDomain, controlCalendar, worstCrossing } from '../src/arbitrage.ts';
import { SurfaceTransform } from '../src/index.ts';
import { minGOnGrid } from '../src/slice-fit.ts';
import { split } from './helpers.ts';
import { EXPIRY_30D, EXPIRY_60D, smileEvent } from './synthetic.ts';

const VOGT = { a: -0.041, b: 0.1331, rho: 0.306, m: 0.3586, sigma: 0.4153 };

let core: SviCore;
before(async () => {
  core = await load();
});

/** The real module, except that every fit returns the Vogt slice flagged butterfly-free. */
function vogtFitter(repair: boolean): SviCore {
  const fake = Object.create(core) as SviCore;
  fake.fitSviSlice = (): SviFitResult => ({
    ...VOGT,
    rmse: 0.001,
    minG: 0.1,
    butterflyFree: true,
    rmseVol: 0.5,
    iterations: 1,
    repaired: false,
    status: 'ok',
  });
  if (!repair) fake.sviGjRepair = () => null;
  return fake;
}

describe('butterfly control', () => {
  it('re-checks g(k) and GJ-repairs a slice the fitter claimed was fine', () => {
    assert.ok(minGOnGrid(core, VOGT) < -0.03);
    const t = new SurfaceTransform({ core: vogtFitter(true), clockUs: () => 0, nowNs: () => 1n });
    const { smiles, surfaces } = split(t.process([smileEvent()]).outputs);
    const smile = smiles[0];
    assert.ok(smile?.svi !== undefined);
    assert.ok(minGOnGrid(core, smile.svi) >= 0);
    assert.equal(smile.diagnostics?.repaired, true);
    assert.equal(smile.diagnostics?.butterflyFree, true);
    assert.equal(surfaces[0]?.arbitrage?.butterflyViolations, 1);
    assert.equal(surfaces[0]?.arbitrage?.repairedSmiles, 1);
  });

  it('rejects and reports a slice that cannot be repaired; nothing arbitrageable is published', () => {
    const t = new SurfaceTransform({ core: vogtFitter(false), clockUs: () => 0, nowNs: () => 1n });
    const out = t.process([smileEvent()]).outputs;
    assert.equal(out.length, 0, 'no smile, so no surface');
    assert.equal(t.stats().counters.fit_failed_butterfly, 1);
  });
});

describe('calendar control', () => {
  it('lifts a later slice that crosses below the earlier one on the quotes k-range, and reports it', () => {
    const t30 = 30 / 365;
    const t60 = 60 / 365;
    const early = { a: 0.01, b: 0.05, rho: -0.3, m: 0, sigma: 0.1 };
    const late = { ...early, a: 0.005 }; // lower everywhere: crosses
    const slices = [
      { expiryMs: EXPIRY_30D, timeYears: t30, forward: 70_000, params: early },
      { expiryMs: EXPIRY_60D, timeYears: t60, forward: 70_000, params: late },
    ];
    const out = controlCalendar(core, slices, 3);
    assert.equal(out.calendarViolations, 1);
    assert.equal(out.residualCalendarViolations, 0);
    assert.deepEqual([...out.lifted], [1]);
    assert.equal(out.violations[0]?.kind, ArbitrageKind.CALENDAR);
    assert.equal(out.violations[0]?.repaired, true);
    assert.ok(Math.abs((out.violations[0]?.magnitude ?? 0) - 0.005) < 1e-9);
    const domain = calendarDomain(t60, 3);
    assert.equal(worstCrossing(core, early, out.slices[1]!.params, domain), undefined);
    assert.ok(Math.abs(out.slices[1]!.params.a - 0.01) < 1e-6, 'minimal lift');
  });
});

// Risk-node strikes and deltas (delta-strike.ts) against svi-core's Black-76 greeks, and the
// surface's term-structure fields (forward vols, extrapolation flags).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { DeltaConvention } from '@volstream/contracts';
import { load, type SviCore } from 'svi-core';
import { normCdf, SurfaceTransform, strikeForDelta } from '../src/index.ts';
import { split } from './helpers.ts';
import { EXPIRY_30D, EXPIRY_60D, smileEvent } from './synthetic.ts';

let core: SviCore;
before(async () => {
  core = await load();
});

describe('strikeForDelta', () => {
  it('normCdf is accurate to 1e-7', () => {
    assert.ok(Math.abs(normCdf(0) - 0.5) < 1e-7);
    assert.ok(Math.abs(normCdf(1.96) - 0.9750021048517795) < 1e-7);
    assert.ok(Math.abs(normCdf(-3) - 0.0013498980316301) < 1e-7);
  });

  for (const convention of ['forward', 'premium-adjusted'] as const) {
    it(`${convention}: the strike found has the asked delta (svi-core greeks), OTM root for PA calls`, () => {
      const f = 70_000;
      for (const [vol, t] of [
        [0.6, 7 / 365],
        [0.55, 30 / 365],
        [0.8, 1],
      ] as const) {
        for (const delta of [-0.1, -0.25, 0.25, 0.1]) {
          const k = strikeForDelta(convention, delta, f, vol, t);
          assert.ok(k !== undefined);
          const g = core.greeks({
            forward: Float64Array.of(f),
            strike: Float64Array.of(k),
            time: Float64Array.of(t),
            vol: Float64Array.of(vol),
            isCall: Uint8Array.of(delta > 0 ? 1 : 0),
          });
          const got = convention === 'forward' ? g.delta[0] : g.deltaPa[0];
          assert.ok(Math.abs((got ?? 0) - delta) < 1e-6, `${convention} ${delta} at T=${t}: ${got}`);
          assert.ok(delta > 0 ? k > f : k < f, 'out of the money');
        }
      }
    });
  }
});

describe('surface term structure', () => {
  it('has forward vols, tenor extrapolation flags, and 5 risk nodes per tenor', () => {
    const t = new SurfaceTransform({ core, clockUs: () => 0, nowNs: () => 1n });
    const { surfaces } = split(
      t.process([
        smileEvent({ expiryMs: EXPIRY_30D, atm: 0.6 }),
        smileEvent({ expiryMs: EXPIRY_60D, atm: 0.65 }),
      ]).outputs,
    );
    const s = surfaces.at(-1)!;
    assert.equal(s.deltaConvention, DeltaConvention.PREMIUM_ADJUSTED);
    const [e30, e60] = s.expiries;
    assert.equal(e30?.forwardVol, undefined);
    // sqrt((0.65²·T2 − 0.6²·T1)/(T2 − T1)) > 0.65 for a rising term structure
    assert.ok((e60?.forwardVol ?? 0) > 0.69 && (e60?.forwardVol ?? 0) < 0.71, `${e60?.forwardVol}`);
    const byDays = new Map(s.tenors.map((x) => [x.tenorDays, x]));
    assert.equal(byDays.get(7)?.extrapolated, true);
    assert.equal(byDays.get(30)?.extrapolated, false);
    assert.equal(byDays.get(365)?.extrapolated, true);
    assert.ok(
      Math.abs((byDays.get(7)?.atmVol ?? 0) - (e30?.atmVol ?? 1)) < 1e-9,
      'flat vol before the first expiry',
    );
    const nodes = s.riskNodes.filter((n) => n.tenorDays === 30);
    assert.deepEqual(
      nodes.map((n) => n.deltaLabel),
      ['10P', '25P', 'ATM', '25C', '10C'],
    );
    const strikes = nodes.map((n) => n.strike ?? Number.NaN);
    assert.ok(
      strikes.every((k, i) => i === 0 || k > (strikes[i - 1] ?? 0)),
      'strikes increase 10P → 10C',
    );
    assert.ok((byDays.get(30)?.rr25 ?? 0) < 0, 'negative skew gives a negative RR');
  });
});

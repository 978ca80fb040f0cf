// Composite across two synthetic venues with different strike grids, forwards, price units and
// expiry calendars: union of expiries, per-expiry only the venues listing it, contributions and
// venue disagreement reported, stale venues left out.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { DeltaConvention } from '@volstream/contracts';
import { load, type SviCore } from 'svi-core';
import { SurfaceTransform, type SurfaceTransformDeps } from '../src/index.ts';
import { split } from './helpers.ts';
import { EXPIRY_30D, EXPIRY_60D, smileEvent, T0 } from './synthetic.ts';

const EXPIRY_90D = BigInt(T0 + 90 * 86_400_000 - 3_600_000);

let deps: SurfaceTransformDeps;
before(async () => {
  const core: SviCore = await load();
  deps = { core, clockUs: () => 0, nowNs: () => 1n };
});

function twoVenues(eventMs = T0, okxAge = 0) {
  return [
    // "deribit": coin-priced, 2.5 % grid, 30d and 60d.
    smileEvent({ venue: 'deribit', expiryMs: EXPIRY_30D, eventMs, atm: 0.6 }),
    smileEvent({ venue: 'deribit', expiryMs: EXPIRY_60D, eventMs, atm: 0.62 }),
    // "bybit": USD-priced, 4 % grid, forward +0.3 %, 30d and 90d, ATM 1 vol point higher.
    smileEvent({
      venue: 'bybit',
      expiryMs: EXPIRY_30D,
      eventMs: eventMs - okxAge,
      atm: 0.61,
      step: 0.04,
      forward: 70_210,
      coin: false,
    }),
    smileEvent({
      venue: 'bybit',
      expiryMs: EXPIRY_90D,
      eventMs: eventMs - okxAge,
      atm: 0.64,
      step: 0.04,
      forward: 70_600,
      coin: false,
    }),
  ];
}

describe('composite surface', () => {
  it('pools venues per expiry over the union of expiries and reports contributions and disagreement', () => {
    const t = new SurfaceTransform(deps);
    const { surfaces, smiles } = split(t.process(twoVenues()).outputs);
    const byVenue = new Map(surfaces.map((s) => [s.venue, s]));
    assert.deepEqual([...byVenue.keys()].sort(), ['bybit', 'composite', 'deribit']);
    assert.equal(
      byVenue.get('bybit')?.deltaConvention,
      DeltaConvention.FORWARD,
      'linear venue: forward delta',
    );
    assert.equal(byVenue.get('deribit')?.deltaConvention, DeltaConvention.PREMIUM_ADJUSTED);
    const comp = byVenue.get('composite');
    assert.ok(comp !== undefined);
    assert.deepEqual(
      comp.smiles.map((s) => s.expiryMs),
      [EXPIRY_30D, EXPIRY_60D, EXPIRY_90D],
    );
    const c30 = comp.smiles[0]!;
    assert.deepEqual(new Set(c30.quotes.map((q) => q.venue)), new Set(['deribit', 'bybit']));
    assert.deepEqual(new Set(comp.smiles[1]!.quotes.map((q) => q.venue)), new Set(['deribit']));
    assert.deepEqual(new Set(comp.smiles[2]!.quotes.map((q) => q.venue)), new Set(['bybit']));
    // The pooled 30d ATM lies between the venues' ATMs (0.60 and 0.61).
    assert.ok(c30.atmVol! > 0.598 && c30.atmVol! < 0.612, `${c30.atmVol}`);
    const contrib = new Map(comp.contributions.map((c) => [c.venue, c]));
    assert.equal(contrib.get('deribit')?.expiries, 2);
    assert.equal(contrib.get('bybit')?.expiries, 2);
    const share = (contrib.get('deribit')?.weight ?? 0) + (contrib.get('bybit')?.weight ?? 0);
    assert.ok(Math.abs(share - 1) < 1e-9);
    assert.ok(
      (contrib.get('deribit')?.quotes ?? 0) > (contrib.get('bybit')?.quotes ?? 0),
      'denser grid, more quotes',
    );
    const dis = t.venueDisagreement('BTC');
    assert.equal(dis.length, 1, 'only the 30d expiry is listed by both');
    assert.ok(Math.abs((dis[0]?.atmVolSpread ?? 0) - 0.01) < 0.002, `${dis[0]?.atmVolSpread}`);
    assert.ok(smiles.some((s) => s.venue === 'composite'));
    assert.ok(comp.smiles.every((s) => s.diagnostics?.butterflyFree));
  });

  it('venue weights move the pooled fit towards the heavier venue', () => {
    const heavy = new SurfaceTransform(deps, { venueWeights: { bybit: 20 } });
    const comp = split(heavy.process(twoVenues()).outputs).surfaces.find((s) => s.venue === 'composite')!;
    assert.ok(comp.smiles[0]!.atmVol! > 0.607, `${comp.smiles[0]!.atmVol}`);
    assert.ok((comp.contributions.find((c) => c.venue === 'bybit')?.weight ?? 0) > 0.5);
  });

  it('leaves a stale venue out of the composite', () => {
    const t = new SurfaceTransform(deps, { compositeMaxVenueAgeMs: 5_000 });
    const comp = split(t.process(twoVenues(T0, 60_000)).outputs).surfaces.find(
      (s) => s.venue === 'composite',
    );
    assert.ok(comp !== undefined);
    assert.deepEqual(
      comp.contributions.map((c) => c.venue),
      ['deribit'],
    );
    assert.ok((t.stats().counters.composite_venue_stale ?? 0) >= 2);
  });

  it('one venue: no composite', () => {
    const t = new SurfaceTransform(deps);
    const { surfaces } = split(t.process(twoVenues().slice(0, 2)).outputs);
    assert.deepEqual(
      surfaces.map((s) => s.venue),
      ['deribit'],
    );
  });
});

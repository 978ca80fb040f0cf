// The composite on a realistic multi-venue snapshot (test/multi-venue.ts): four venues quoting one
// known SVI truth with their own forwards, strike grids, expiry calendars, spreads, biases and
// noise, one USD-priced, one stale. Checks the composite against the truth, the venue disagreement
// against the venues' own published ATM vols, the per-expiry and per-surface contributions against
// the composite smile's quotes, the per-venue bid/ask overlays, the stale venue's exclusion, and
// byte-identical output for identical input.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import {
  type SmileQuote,
  type Surface,
  SurfaceEventSchema,
  toBinary,
  type VolQuote,
} from '@volstream/contracts';
import { load, type SviCore } from 'svi-core';
import { SurfaceTransform, type SurfaceTransformDeps } from '../src/index.ts';
import { split } from './helpers.ts';
import { EXPIRIES, multiVenueSnapshot, NOISE, truthVol, VENUES } from './multi-venue.ts';
import { T0 } from './synthetic.ts';

let core: SviCore;
let deps: SurfaceTransformDeps;
let surfaces: Map<string, Surface>;
let transform: SurfaceTransform;
/** Every input quote by `venue|instrument`. */
const inputs = new Map<string, VolQuote>();

before(async () => {
  core = await load();
  deps = { core, clockUs: () => 0, nowNs: () => 1n };
  const events = multiVenueSnapshot();
  for (const e of events) {
    if (e.payload.case !== 'quoteBatch') continue;
    for (const q of e.payload.value.quotes) inputs.set(`${e.header?.venue}|${q.instrumentName}`, q);
  }
  transform = new SurfaceTransform(deps);
  const out = split(transform.process(events).outputs);
  surfaces = new Map(out.surfaces.map((s) => [s.venue, s]));
});

const venue = (name: string) => {
  const v = VENUES.find((x) => x.venue === name);
  if (v === undefined) throw new Error(`no venue ${name}`);
  return v;
};

function composite(): Surface {
  const c = surfaces.get('composite');
  assert.ok(c !== undefined, 'a composite surface is published');
  return c;
}

describe('composite over four venues', () => {
  it('publishes every venue and a composite over the union of the expiries', () => {
    assert.deepEqual([...surfaces.keys()].sort(), ['binance', 'bybit', 'composite', 'deribit', 'okx']);
    assert.deepEqual(
      composite().smiles.map((s) => s.expiryMs),
      [EXPIRIES.d14, EXPIRIES.d30, EXPIRIES.d60, EXPIRIES.d90, EXPIRIES.d180],
    );
  });

  it('every composite slice is within 0.5 vol points of the truth on |k| <= 0.2', () => {
    const k = Float64Array.from({ length: 41 }, (_, i) => -0.2 + i * 0.01);
    for (const s of composite().smiles) {
      assert.ok(s.svi !== undefined && s.diagnostics?.butterflyFree);
      const w = core.sviW({ ...s.svi }, k);
      let worst = 0;
      k.forEach((x, i) => {
        const err = Math.abs(
          Math.sqrt((w[i] ?? Number.NaN) / s.timeToExpiryYears) - truthVol(x, s.timeToExpiryYears),
        );
        worst = Math.max(worst, Number.isNaN(err) ? Number.POSITIVE_INFINITY : err);
      });
      assert.ok(worst < 0.005, `expiry ${s.expiryMs}: worst error ${(worst * 100).toFixed(3)} vol pts`);
    }
  });

  it('venue disagreement: per expiry listed by two fresh venues or more, their own published ATMs', () => {
    const dis = composite().venueDisagreement;
    assert.deepEqual(
      dis.map((d) => [d.expiryMs, d.venues.map((v) => v.venue)]),
      [
        [EXPIRIES.d14, ['deribit', 'okx']],
        [EXPIRIES.d30, ['bybit', 'deribit', 'okx']], // binance lists it but is stale
        [EXPIRIES.d60, ['bybit', 'deribit']],
      ],
    );
    for (const d of dis) {
      for (const v of d.venues) {
        const own = surfaces.get(v.venue)?.expiries.find((e) => e.expiryMs === d.expiryMs)?.atmVol;
        assert.equal(v.atmVol, own, `${v.venue} ${d.expiryMs}: the venue's own published ATM`);
      }
      const vols = d.venues.map((v) => v.atmVol);
      assert.equal(d.atmVolSpread, Math.max(...vols) - Math.min(...vols));
      // The venues' level biases, give or take the quote noise the fits average out.
      const biases = d.venues.map((v) => venue(v.venue).bias);
      const expected = Math.max(...biases) - Math.min(...biases);
      assert.ok(
        Math.abs(d.atmVolSpread - expected) < NOISE,
        `${d.expiryMs}: ${d.atmVolSpread} vs ${expected}`,
      );
    }
    const plain = (d: {
      expiryMs?: bigint;
      venues?: { venue?: string; atmVol?: number }[];
      atmVolSpread?: number;
    }) => ({
      expiryMs: d.expiryMs,
      venues: d.venues?.map((v) => [v.venue, v.atmVol]),
      spread: d.atmVolSpread,
    });
    assert.deepEqual(transform.venueDisagreement('BTC').map(plain), dis.map(plain));
    assert.equal(surfaces.get('deribit')?.venueDisagreement.length, 0, 'venue surfaces carry none');
  });

  it('per-expiry contributions match the composite smile quotes, venue by venue', () => {
    const c = composite();
    const listing = (e: bigint) =>
      VENUES.filter((v) => v.expiries.includes(e))
        .map((v) => v.venue)
        .sort();
    for (const [i, m] of c.expiries.entries()) {
      const smile = c.smiles[i];
      assert.ok(smile !== undefined && smile.expiryMs === m.expiryMs);
      assert.deepEqual(
        m.contributions.map((x) => x.venue),
        listing(m.expiryMs),
      );
      let share = 0;
      for (const x of m.contributions) {
        const mine: SmileQuote[] = smile.quotes.filter((q) => q.venue === x.venue);
        assert.equal(x.quotes, mine.filter((q) => q.inFit).length, `${x.venue} ${m.expiryMs} in fit`);
        assert.equal(x.excludedQuotes, mine.filter((q) => !q.inFit).length, `${x.venue} excluded`);
        assert.equal(x.forward, venue(x.venue).forward);
        assert.equal(x.stale, x.venue === 'binance');
        const weight = mine.reduce((sum, q) => sum + q.weight, 0);
        const total = smile.quotes.reduce((sum, q) => sum + q.weight, 0);
        assert.ok(Math.abs(x.weight - weight / total) < 1e-12);
        share += x.weight;
      }
      assert.ok(Math.abs(share - 1) < 1e-12);
      assert.equal(smile.diagnostics?.quotesInFit, smile.quotes.filter((q) => q.inFit).length);
    }
    const stale = c.expiries
      .find((m) => m.expiryMs === EXPIRIES.d30)
      ?.contributions.find((x) => x.venue === 'binance');
    assert.ok(stale !== undefined && stale.quotes === 0 && stale.weight === 0 && stale.excludedQuotes > 0);
    // The single-venue expiries are that venue's alone.
    assert.deepEqual(
      c.expiries.find((m) => m.expiryMs === EXPIRIES.d180)?.contributions.map((x) => [x.venue, x.weight]),
      [['bybit', 1]],
    );
    assert.deepEqual(
      c.contributions.map((x) => [x.venue, x.expiries]),
      [
        ['bybit', 3],
        ['deribit', 4],
        ['okx', 2],
      ],
    );
    assert.equal(surfaces.get('deribit')?.expiries[0]?.contributions.length, 0, 'venue surfaces carry none');
  });

  it("every composite quote keeps its venue and that venue's own bid/ask IV; filtered ones stay visible", () => {
    const c = composite();
    let itm = 0;
    let staleQuotes = 0;
    for (const s of c.smiles) {
      for (const q of s.quotes) {
        const src = inputs.get(`${q.venue}|${q.instrumentName}`);
        assert.ok(src !== undefined, `${q.venue}|${q.instrumentName} is an input quote`);
        assert.equal(q.bidIv, src.bidIv);
        assert.equal(q.askIv, src.askIv);
        assert.equal(q.midIv, src.midIv);
        assert.equal(q.logMoneyness, Math.log(src.strike / venue(q.venue).forward), 'on its own forward');
        if (q.venue === 'deribit' && !q.inFit) itm++;
        if (q.venue === 'binance') {
          staleQuotes++;
          assert.equal(q.inFit, false);
          assert.equal(q.weight, 0);
        }
      }
    }
    assert.ok(itm > 20, `deribit ITM quotes shown out of the fit: ${itm}`);
    assert.ok(staleQuotes > 0, 'the stale venue quotes are shown');
    assert.ok((transform.stats().counters.composite_venue_stale ?? 0) >= 1);
    assert.ok((transform.stats().counters.excluded_venue_stale ?? 0) >= staleQuotes);
  });

  it('a venue that goes quiet drops out of the fits and the disagreement, and stays visible as stale', () => {
    const t = new SurfaceTransform(deps);
    const fresh = VENUES.filter((v) => v.venue !== 'binance');
    t.process(multiVenueSnapshot(T0, fresh));
    // 45 s later (> compositeMaxVenueAgeMs = 30 s) deribit and bybit update, okx does not.
    const later = multiVenueSnapshot(
      T0 + 45_000,
      fresh.filter((v) => v.venue !== 'okx'),
    );
    const c = split(t.process(later).outputs).surfaces.find((s) => s.venue === 'composite');
    assert.ok(c !== undefined);
    const d14 = c.expiries.find((m) => m.expiryMs === EXPIRIES.d14);
    assert.deepEqual(
      d14?.contributions.map((x) => [x.venue, x.stale, x.quotes > 0]),
      [
        ['deribit', false, true],
        ['okx', true, false],
      ],
    );
    assert.ok(c.smiles[0]?.quotes.filter((q) => q.venue === 'okx').every((q) => !q.inFit && q.weight === 0));
    assert.deepEqual(
      c.venueDisagreement.map((d) => [d.expiryMs, d.venues.map((v) => v.venue)]),
      [
        [EXPIRIES.d30, ['bybit', 'deribit']],
        [EXPIRIES.d60, ['bybit', 'deribit']],
      ],
    );
    assert.deepEqual(
      c.contributions.map((x) => x.venue),
      ['bybit', 'deribit'],
    );
  });

  it('identical input gives identical bytes', () => {
    const bytes = () =>
      new SurfaceTransform(deps)
        .process(multiVenueSnapshot())
        .outputs.map((e) => Buffer.from(toBinary(SurfaceEventSchema, e)).toString('base64'));
    const a = bytes();
    assert.ok(a.length > 10);
    assert.deepEqual(bytes(), a);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  clone,
  create,
  SmileQuoteSchema,
  SmileSchema,
  type Surface,
  SurfaceSchema,
  sampleEvents,
  UpdateSchema,
} from '@volstream/contracts';
import { DashboardState, RateMeter, selectedOf } from '../src/app/dashboard-state.ts';
import { cellsOf } from '../src/app/diagnostics-table.ts';
import { sviImpliedVol } from '../src/app/svi.ts';
import { CURVE_POINTS, expiryLabel, surfaceView } from '../src/app/view-model.ts';

function sampleSurface(): Surface {
  const e = sampleEvents().surface[1];
  if (e?.payload.case !== 'surface') throw new Error('sample surface missing');
  return e.payload.value;
}

describe('surfaceView', () => {
  it('turns the sample surface into plain numbers for every panel', () => {
    const s = sampleSurface();
    const now = Number(s.asOfMs) + 1500;
    const v = surfaceView(s, now);
    assert.equal(v.currency, s.currency);
    assert.equal(v.smiles.length, 1);
    const smile = v.smiles[0];
    assert.ok(smile !== undefined);
    assert.equal(smile.label, expiryLabel(Number(s.smiles[0]?.expiryMs)));
    assert.equal(smile.curve.k.length, CURVE_POINTS);
    // The curve is the SVI vol of the smile's own parameters.
    const t = s.smiles[0]?.timeToExpiryYears ?? 0;
    assert.equal(smile.curve.iv[60], sviImpliedVol(smile.svi, smile.curve.k[60] ?? 0, t));
    assert.deepEqual(smile.quotes[0], {
      k: 0.04922886332501276,
      bid: 0.7584,
      ask: 0.7764,
      mid: smile.quotes[0]?.mid,
      mark: 0.7668,
      inFit: true,
      reason: '',
      venue: s.smiles[0]?.quotes[0]?.venue ?? '',
    });
    // The sample's second quote is outside the fit and says why.
    assert.deepEqual(
      smile.quotes.filter((q) => !q.inFit).map((q) => [q.reason, q.mark]),
      [['wide_spread', 0.7903]],
    );
    // The sample's calendar violation names this expiry: the diagnostics row is flagged.
    assert.equal(smile.diagnostics.calendarFlag, true);
    assert.equal(smile.diagnostics.ageMs, now - Number(s.smiles[0]?.asOfMs));
    assert.equal(v.byExpiry.length, s.expiries.length);
    assert.equal(v.byTenor[0]?.days, s.tenors[0]?.tenorDays);
    assert.equal(v.byExpiry[0]?.atm, s.expiries[0]?.atmVol ?? null);
    assert.equal(v.heatmap.days.length, 1);
    assert.ok(v.heatmap.vols[0]?.every((x) => x !== null && x > 0.3 && x < 2));
  });

  it('sorts smiles by expiry, keeps a newer per-expiry smile, drops absent fields to null', () => {
    const s = sampleSurface();
    const first = s.smiles[0];
    assert.ok(first !== undefined);
    const later = clone(SmileSchema, first);
    later.expiryMs = first.expiryMs + 7n * 86_400_000n;
    later.timeToExpiryYears = first.timeToExpiryYears + 7 / 365;
    later.quotes = [
      create(SmileQuoteSchema, { logMoneyness: 0.3, midIv: 0.9, inFit: false }),
      create(SmileQuoteSchema, { logMoneyness: -0.2, bidIv: 0.8, askIv: 0.84, midIv: 0.82, inFit: true }),
    ];
    s.smiles = [later, first];
    const newer = clone(SmileSchema, first);
    newer.asOfMs = first.asOfMs + 1000n;
    newer.svi = { ...first.svi, a: 0.08, $typeName: 'volstream.v1.SviRaw' } as typeof first.svi;
    const v = surfaceView(s, Number(s.asOfMs), [newer]);
    assert.deepEqual(
      v.smiles.map((x) => x.expiryMs),
      [Number(first.expiryMs), Number(later.expiryMs)],
    );
    assert.equal(v.smiles[0]?.svi.a, 0.08, 'the newer smile update replaced the surface copy');
    const q = v.smiles[1]?.quotes;
    assert.deepEqual(
      q?.map((x) => [x.k, x.bid, x.ask, x.mark, x.inFit]),
      [
        [-0.2, 0.8, 0.84, null, true],
        [0.3, null, null, null, false],
      ],
    );
    assert.equal(v.smiles[1]?.diagnostics.calendarFlag, false);
  });
});

describe('DashboardState', () => {
  it('applies snapshots and updates, conflating per key, with stable selector order', () => {
    const state = new DashboardState();
    const btc = sampleSurface();
    const eth = clone(SurfaceSchema, btc);
    eth.currency = 'ETH';
    const deribit = clone(SurfaceSchema, btc);
    deribit.venue = 'deribit';
    state.applySnapshot({ subscriptionId: 'd', sequence: 1n, surfaces: [eth, btc], smiles: [] } as never, 1);
    const upd = (surface: Surface) =>
      create(UpdateSchema, {
        subscriptionId: 'd',
        sequence: 2n,
        payload: { case: 'surface', value: surface },
      });
    state.applyUpdate(upd(deribit), 2);
    const newer = clone(SurfaceSchema, btc);
    newer.asOfMs += 5n;
    state.applyUpdate(upd(newer), 3);
    assert.equal(state.messages, 3);
    assert.equal(state.surfaces.size, 3, 'BTC composite replaced, not added');
    assert.equal(
      state.surface({ currency: btc.currency, venue: btc.venue, expiryMs: undefined })?.asOfMs,
      newer.asOfMs,
    );
    assert.deepEqual(state.sortedCurrencies(), [btc.currency, 'ETH'].sort());
    assert.deepEqual(state.sortedVenues(), ['composite', 'deribit']);
    assert.equal(state.lastMessageMs, 3);
  });

  it('selectors default to the first listed until the user chooses, then keep the choice while listed', () => {
    assert.equal(selectedOf('deribit', ['composite', 'deribit', 'okx'], false), 'composite');
    assert.equal(selectedOf('okx', ['composite', 'deribit', 'okx'], true), 'okx');
    assert.equal(selectedOf('bybit', ['composite', 'deribit'], true), 'composite', 'a vanished choice');
    assert.equal(selectedOf('ETH', ['BTC', 'ETH'], false), 'BTC');
    assert.equal(selectedOf('', [], false), '');
  });

  it('rate meter counts messages in its window', () => {
    const m = new RateMeter(1000);
    for (let i = 0; i < 20; i += 1) m.hit(i * 100);
    assert.equal(m.rate(1900), 10);
    assert.equal(m.rate(10_000), 0);
  });
});

describe('diagnostics cells', () => {
  it('flags negative min g, calendar violations, stale ages', () => {
    const cells = cellsOf({
      expiryMs: 0,
      label: '27JUN25',
      rmseVolPoints: 0.41,
      minG: -0.002,
      butterflyFree: false,
      calendarFlag: true,
      quotesInFit: 18,
      quotesThroughFit: 12,
      inputQuotes: 22,
      fitTimeUs: 850,
      ageMs: 45_000,
    });
    assert.deepEqual(
      cells.map((c) => c.text),
      ['27JUN25', '0.41', '-0.002', 'VIOLATION', '18/22', '12', '0.85 ms', '45.0 s'],
    );
    assert.deepEqual(
      cells.map((c) => c.bad),
      [false, false, true, true, false, false, false, true],
    );
  });
});

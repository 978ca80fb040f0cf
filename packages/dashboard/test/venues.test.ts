import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Surface, sampleEvents } from '@volstream/contracts';
import { venueCellText, venueColour, venueDiagnostics, venueOverlay } from '../src/app/venues.ts';
import type { QuoteView } from '../src/app/view-model.ts';

function compositeSample(): Surface {
  const e = sampleEvents().surface[1];
  if (e?.payload.case !== 'surface') throw new Error('sample surface missing');
  return e.payload.value;
}

const q = (venue: string, k: number, inFit: boolean): QuoteView => ({
  k,
  bid: 0.5,
  ask: 0.52,
  mid: 0.51,
  mark: 0.511,
  inFit,
  reason: inFit ? '' : 'wide_spread',
  venue,
});

describe('venue overlay of the composite smile', () => {
  it('groups quotes by venue, venues alphabetically, counts in/outside the fit, one colour each', () => {
    const groups = venueOverlay([
      q('okx', -0.1, true),
      q('deribit', 0, true),
      q('okx', 0.2, false),
      q('', 0.3, true),
    ]);
    assert.deepEqual(
      groups.map((g) => [g.venue, g.quotes.map((x) => x.k), g.inFit, g.outsideFit]),
      [
        ['deribit', [0], 1, 0],
        ['okx', [-0.1, 0.2], 1, 1],
        ['unknown', [0.3], 1, 0],
      ],
    );
    const colours = ['deribit', 'okx', 'bybit', 'binance'].map(venueColour);
    assert.equal(new Set(colours).size, 4, 'the known venues have distinct colours');
    assert.equal(
      venueColour('kraken'),
      venueColour('kraken'),
      'an unknown venue always gets the same colour',
    );
    assert.match(venueColour('kraken'), /^#[0-9a-f]{6}$/);
  });
});

describe('venue diagnostics of a composite surface', () => {
  it('contributions and per-expiry ATM disagreement from the contracts sample', () => {
    const s = compositeSample();
    const v = venueDiagnostics(s);
    assert.deepEqual(v.venues, ['bybit', 'deribit', 'okx']);
    assert.deepEqual(
      v.contributions.map((c) => [c.venue, c.quotes, c.expiries, c.weight]),
      [
        ['deribit', 38, 1, 0.9],
        ['okx', 6, 1, 0.1],
      ],
    );
    assert.equal(v.rows.length, 1);
    const row = v.rows[0];
    assert.ok(row !== undefined);
    assert.equal(row.expiryMs, Number(s.expiries[0]?.expiryMs));
    assert.equal(row.spread, 0.0089);
    assert.equal(row.bad, false, 'under 2 vol points');
    assert.deepEqual(row.cells, [
      { atmVol: null, quotes: 0, excludedQuotes: 9, weight: 0, stale: true },
      { atmVol: 0.7702, quotes: 38, excludedQuotes: 6, weight: 0.9, stale: false },
      { atmVol: 0.7791, quotes: 6, excludedQuotes: 2, weight: 0.1, stale: false },
    ]);
    assert.deepEqual(row.cells.map(venueCellText), [
      '0q · 0% · STALE',
      '77.0% · 38q · 90%',
      '77.9% · 6q · 10%',
    ]);
    assert.equal(
      venueCellText({ atmVol: null, quotes: null, excludedQuotes: null, weight: null, stale: false }),
      '–',
    );
  });

  it('an expiry with a disagreement but no contributions still gets a row; big spreads are bad', () => {
    const v = venueDiagnostics({
      contributions: [],
      expiries: [{ expiryMs: 20n, timeToExpiryYears: 30 / 365, contributions: [] }],
      venueDisagreement: [
        {
          expiryMs: 20n,
          venues: [
            { venue: 'okx', atmVol: 0.61 },
            { venue: 'deribit', atmVol: 0.58 },
            { venue: 'bybit', atmVol: Number.NaN },
          ],
          atmVolSpread: 0.03,
        },
      ],
    });
    assert.deepEqual(v.venues, ['bybit', 'deribit', 'okx']);
    assert.deepEqual(
      v.rows.map((r) => [r.expiryMs, Math.round(r.days), r.cells.map((c) => c.atmVol), r.spread, r.bad]),
      [[20, 30, [null, 0.58, 0.61], 0.03, true]],
    );
  });

  it('a single-venue surface (no contributions, no disagreement field) has nothing to compare', () => {
    const v = venueDiagnostics({
      contributions: [],
      expiries: [{ expiryMs: 1n, timeToExpiryYears: 0.1, contributions: [] }],
    });
    assert.deepEqual(v, { venues: [], contributions: [], rows: [] });
  });
});

// Filters, weights, fit cadence, refit rules and bad input of the surface transform.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { create, VolatilityEventSchema } from '@volstream/contracts';
import { load, type SviCore } from 'svi-core';
import { SurfaceTransform, type SurfaceTransformDeps } from '../src/index.ts';
import { batchEvent, split } from './helpers.ts';
import { EXPIRY_30D, smileBatch, smileEvent, T0 } from './synthetic.ts';

let core: SviCore;
let deps: SurfaceTransformDeps;
before(async () => {
  core = await load();
  deps = { core, clockUs: () => 0, nowNs: () => 1n };
});

describe('quote filters', () => {
  it('counts each exclusion reason and keeps excluded quotes out of the fit', () => {
    const t = new SurfaceTransform(deps);
    const event = smileEvent({
      edit: (q, i) => {
        if (i === 0) return { ...q, bidPrice: 0.0001 }; // one tick: below the 2-tick floor
        if (i === 1) return { ...q, bidIv: q.midIv! - 0.4, askIv: q.midIv! + 0.4 }; // wide
        if (i === 2) return { ...q, valuationTimeMs: T0 - 600_000 }; // 10 min old
        if (i === 3) return { ...q, bidIv: q.askIv! + 0.01 }; // crossed
        if (i === 4) {
          const { bidIv: _b, ...rest } = q;
          return rest; // one-sided
        }
        if (i === 5) return { ...q, isCall: !q.isCall, name: `${q.name}-itm` }; // in the money
        return q;
      },
    });
    const { smiles } = split(t.process([event]).outputs);
    const c = t.stats().counters;
    for (const reason of ['below_tick', 'wide_spread', 'stale', 'crossed', 'one_sided', 'itm']) {
      assert.equal(c[`excluded_${reason}`], 1, reason);
    }
    const smile = smiles[0];
    assert.ok(smile !== undefined);
    assert.equal(smile.diagnostics?.excludedQuotes, 6);
    assert.equal(smile.quotes.filter((q) => !q.inFit).length, 6);
    assert.ok(smile.quotes.filter((q) => !q.inFit).every((q) => q.weight === 0));
    // Each excluded quote says why (the dashboard shows it); quotes in the fit carry no reason.
    assert.deepEqual(
      smile.quotes
        .filter((q) => !q.inFit)
        .map((q) => q.excludedReason)
        .sort(),
      ['below_tick', 'crossed', 'itm', 'one_sided', 'stale', 'wide_spread'],
    );
    assert.ok(smile.quotes.filter((q) => q.inFit).every((q) => q.excludedReason === ''));
  });

  it("passes the venue's mark IV through to the smile quote, absent when the venue has none", () => {
    const t = new SurfaceTransform(deps);
    const event = smileEvent({ edit: (q, i) => (i === 0 ? q : { ...q, markIv: q.midIv! + 0.001 * i }) });
    const smile = split(t.process([event]).outputs).smiles[0];
    assert.ok(smile !== undefined);
    const marks = smile.quotes.map((q) => q.markIv);
    assert.equal(marks.filter((m) => m === undefined).length, 1);
    for (const q of smile.quotes) {
      if (q.markIv !== undefined) assert.ok(Math.abs(q.markIv - q.midIv!) <= 0.001 * smile.quotes.length);
    }
  });

  it("counts the minimum bid in the instrument's listed tick (cheap linear ETH quotes), else the default", () => {
    // 0.3 USD bids: 3 ticks of a listed 0.1 USD tick (kept), 0.06 ticks of the 5 USD default (dropped).
    const cheap = (tickSize?: number) =>
      smileEvent({
        coin: false,
        edit: (q) => ({
          ...q,
          bidPrice: 0.3,
          askPrice: 0.32,
          ...(tickSize === undefined ? {} : { tickSize }),
        }),
      });
    const listed = new SurfaceTransform(deps);
    listed.process([cheap(0.1)]);
    assert.equal(listed.stats().counters.excluded_below_tick ?? 0, 0);
    const fallback = new SurfaceTransform(deps);
    fallback.process([cheap()]);
    assert.ok((fallback.stats().counters.excluded_below_tick ?? 0) > 10);
    // A listed tick the bid does not clear twice is still a below-tick quote.
    const coarse = new SurfaceTransform(deps);
    coarse.process([cheap(0.2)]);
    assert.ok((coarse.stats().counters.excluded_below_tick ?? 0) > 10);
  });

  it('drops far wings by |k|/sqrt(T) and is configurable', () => {
    const strict = new SurfaceTransform(deps, { filters: { maxWingZ: 0.5 } });
    strict.process([smileEvent()]);
    const loose = new SurfaceTransform(deps, { filters: { maxWingZ: 10 } });
    loose.process([smileEvent()]);
    assert.ok((strict.stats().counters.excluded_wing ?? 0) > 0);
    assert.equal(loose.stats().counters.excluded_wing, undefined);
  });
});

describe('weights', () => {
  it('vega weights peak at the money; spread weights follow 1/spread', () => {
    const vega = new SurfaceTransform(deps, { weights: 'vega' });
    const sv = split(vega.process([smileEvent()]).outputs).smiles[0]!;
    const inFit = sv.quotes.filter((q) => q.inFit);
    const atm = inFit.reduce((a, b) => (Math.abs(b.logMoneyness) < Math.abs(a.logMoneyness) ? b : a));
    const wing = inFit.reduce((a, b) => (Math.abs(b.logMoneyness) > Math.abs(a.logMoneyness) ? b : a));
    assert.ok(atm.weight > wing.weight);
    const spread = new SurfaceTransform(deps, { weights: 'spread' });
    const event = smileEvent({
      edit: (q, i) => (i === 8 ? { ...q, bidIv: q.midIv! - 0.03, askIv: q.midIv! + 0.03 } : q),
    });
    const ss = split(spread.process([event]).outputs).smiles[0]!;
    const wide = ss.quotes.find((q) => Math.abs(q.bidIv! - q.midIv! + 0.03) < 1e-9)!;
    const other = ss.quotes.find((q) => q.inFit && q !== wide)!;
    assert.ok(Math.abs(other.weight / wide.weight - 3) < 1e-9, `${other.weight / wide.weight}`);
  });
});

describe('fit and display cadence', () => {
  it('fits at most once per fitIntervalMs of event time and publishes on the display cadence', () => {
    const t = new SurfaceTransform(deps, { fitIntervalMs: 250, displayIntervalMs: 500 });
    let smileCount = 0;
    let surfaceCount = 0;
    for (let i = 0; i < 40; i++) {
      // every 50 ms, every mid moves by 2 bp
      const { smiles, surfaces } = split(
        t.process([smileEvent({ eventMs: T0 + 50 * i, shift: 0.0002 * i })]).outputs,
      );
      smileCount += smiles.length;
      surfaceCount += surfaces.length;
    }
    const c = t.stats().counters;
    // 2 s of event time: fits at 0, 250, ..., 1750 ms.
    assert.equal(c.fits, 8);
    assert.ok((c.fit_deferred_cadence ?? 0) >= 30);
    assert.equal(surfaceCount, 4);
    assert.equal(smileCount, 4);
  });

  it('publishes a refit in its own window; the display interval only caps the rate', () => {
    const t = new SurfaceTransform(deps, { fitIntervalMs: 50, displayIntervalMs: 100 });
    const at = (ms: number, shift: number) =>
      split(t.process([smileEvent({ eventMs: T0 + ms, shift })]).outputs).surfaces;
    assert.equal(at(0, 0).length, 1, 'first smile at once');
    // A refit 10 ms into the next display tick is published in the window that fitted it.
    const s1 = at(110, 0.0005);
    assert.equal(s1.length, 1);
    assert.equal(s1[0]!.asOfMs, BigInt(T0 + 110));
    // A refit in the same tick is held back by the ceiling ...
    assert.equal(at(170, 0.001).length, 0);
    // ... and goes out with the first window of the next tick, carrying that newest fit.
    const s2 = at(200, 0.001);
    assert.equal(s2.length, 1);
    assert.equal(s2[0]!.asOfMs, BigInt(T0 + 170));
    // A new tick with nothing changed publishes nothing (no surface re-announcing old inputs).
    assert.equal(at(300, 0.001).length, 0);
    assert.equal(t.stats().counters.fit_skipped_unchanged, 1);
  });

  it('does not refit when no mid moved by 1 bp and the quote set is the same', () => {
    const t = new SurfaceTransform(deps, { fitIntervalMs: 100, displayIntervalMs: 100 });
    t.process([smileEvent({ eventMs: T0 })]);
    const out = t.process([smileEvent({ eventMs: T0 + 1000, shift: 0.00005 })]).outputs;
    const c = t.stats().counters;
    assert.equal(c.fits, 1);
    assert.equal(c.fit_skipped_unchanged, 1);
    const { smiles, surfaces } = split(out);
    assert.equal(smiles.length, 0, 'unchanged smile not re-published');
    assert.equal(surfaces.length, 0, 'an unchanged surface is not re-published');
    t.process([smileEvent({ eventMs: T0 + 2000, shift: 0.0002 })]);
    assert.equal(t.stats().counters.fits, 2);
    t.process([smileEvent({ eventMs: T0 + 3000, shift: 0.0002, edit: (q, i) => (i === 3 ? undefined : q) })]);
    assert.equal(t.stats().counters.fits, 2, 'a quote missing from a batch keeps its last value');
  });

  it('publishes no smile from one wing: quotes must bracket the money (minQuotesPerSide)', () => {
    // Only calls above the forward (k > 0), plenty of them: a fit would extrapolate the ATM vol.
    const t = new SurfaceTransform(deps);
    const calls = smileEvent({ edit: (q) => (q.isCall && q.strike > 70_000 * 1.02 ? q : undefined) });
    assert.equal(split(t.process([calls]).outputs).smiles.length, 0);
    assert.equal(t.stats().counters.fit_one_sided, 1);
    // With two puts below the money as well, the expiry is fitted.
    const both = smileEvent({
      edit: (q) =>
        (q.isCall && q.strike > 70_000 * 1.02) ||
        (!q.isCall && q.strike < 70_000 * 0.97 && q.strike > 70_000 * 0.92)
          ? q
          : undefined,
    });
    const u = new SurfaceTransform(deps);
    assert.equal(split(u.process([both]).outputs).smiles.length, 1);
  });

  it('publishes a smile only once the expiry has enough quotes', () => {
    const t = new SurfaceTransform(deps, { minQuotes: 6 });
    const few = smileBatch({ edit: (q, i) => (i < 5 ? q : undefined) });
    assert.equal(t.process([batchEvent(few)]).outputs.length, 0);
    assert.equal(t.stats().counters.fit_too_few_quotes, 1);
    const { smiles } = split(t.process([smileEvent({ eventMs: T0 + 1000 })]).outputs);
    assert.equal(smiles.length, 1);
  });
});

describe('bad input', () => {
  it('counts and drops NaN IVs, non-positive T, unknown instruments, stale quotes and foreign payloads', () => {
    const t = new SurfaceTransform(deps);
    const nanIv = smileEvent({ edit: (q, i) => (i === 2 ? { ...q, midIv: Number.NaN } : q) });
    const zeroT = batchEvent({ ...smileBatch(), timeYears: 0 });
    const negT = batchEvent({ ...smileBatch(), timeYears: -0.1 });
    const unknown = smileEvent({ edit: (q, i) => (i === 4 ? { ...q, expiryMs: 123n } : q) });
    const stale = smileEvent({ edit: (q) => ({ ...q, valuationTimeMs: T0 - 3_600_000 }) });
    const empty = create(VolatilityEventSchema, {});
    const r = t.process([nanIv, zeroT, negT, unknown, empty]);
    assert.deepEqual(r.dropped, {
      invalid_iv: 1,
      non_positive_time: 2,
      unknown_instrument: 1,
      unknown_payload: 1,
    });
    assert.ok(r.dropExamples?.invalid_iv !== undefined);
    const t2 = new SurfaceTransform(deps);
    const r2 = t2.process([stale]);
    assert.equal(r2.outputs.length, 0);
    assert.ok((t2.stats().counters.excluded_stale ?? 0) >= 20);
    assert.equal(t.process([batchEvent({ ...smileBatch(), expiryMs: BigInt(T0 - 1) })]).dropped?.expired, 1);
    void EXPIRY_30D;
  });
});

describe('internal errors', () => {
  it('a quant-core exception is counted with its context, never thrown into the runtime', () => {
    const fake = Object.create(core) as SviCore;
    fake.fitSviSlice = () => {
      throw new Error('boom');
    };
    const t = new SurfaceTransform({ ...deps, core: fake });
    const r = t.process([smileEvent()]);
    assert.equal(r.dropped?.internal_error, 1);
    assert.equal(r.dropExamples?.internal_error?.error, 'boom');
    assert.equal(r.outputs.length, 0);
  });
});

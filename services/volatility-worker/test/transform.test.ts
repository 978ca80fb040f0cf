// The volatility worker as a pure transformation: venue IVs reproduced on the real 2021 capture,
// determinism on simulator inputs, the work reduction against full re-inversion, flags, bad input.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TOPICS, type VolatilityEvent, type VolQuote } from '@volstream/contracts';
import { load, type SviCore } from 'svi-core';
import { OrderBookTransform } from '../../orderbook-worker/src/transform.ts';
import { captureEvents, simulatorEvents } from '../../orderbook-worker/test/helpers/inputs.ts';
import { VolatilityTransform, type VolatilityTransformOptions } from '../src/transform.ts';
import { DAY_MS, fwd, T0, top } from './helpers/tops.ts';

const core: SviCore = await load();
const exported = new Set(core.moduleInfo().exports);
/** Optional exports (quant-core/ABI.md) some tests need; a fitter without them is allowed. */
const needs = (name: string): { skip: string | false } => ({
  skip: exported.has(name)
    ? false
    : `the loaded fitter module does not export ${name} (optional ABI export); rebuild with bash quant-core/build-wasm.sh`,
});

const make = (extra: Partial<VolatilityTransformOptions> = {}) =>
  new VolatilityTransform({ core, clock: () => 0n, perfNow: () => 0, ...extra });
const quotes = (events: readonly VolatilityEvent[]): VolQuote[] =>
  events.flatMap((e) => (e.payload.case === 'quoteBatch' ? e.payload.value.quotes : []));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

describe('volatility transform on the real 2021 Deribit capture', () => {
  it("reproduces Deribit's own mark IV (median within 0.01 vol points) event by event", () => {
    const ob = new OrderBookTransform({ clock: () => 0n });
    const vt = make();
    const diffs: number[] = [];
    const bidAsk: number[] = [];
    for (const e of captureEvents()) {
      const r = vt.apply(ob.apply([e]).outputs);
      if (e.payload.case !== 'ticker') continue;
      const t = e.payload.value;
      for (const q of quotes(r.outputs)) {
        if (q.instrumentName !== t.instrumentName || q.markIv === undefined || q.venueMarkIv === undefined)
          continue;
        diffs.push(Math.abs(q.markIv - q.venueMarkIv));
        // The ticker's bid/ask IVs belong to its own best prices.
        if (t.bidIv !== undefined && t.bestBidPrice !== undefined) {
          bidAsk.push(
            Math.abs(
              core.impliedVolInverse(
                t.bestBidPrice,
                q.forward,
                q.strike,
                q.timeToExpiryYears,
                q.optionType === 1,
              ) - t.bidIv,
            ),
          );
        }
      }
    }
    assert.ok(diffs.length >= 80, `compared ${diffs.length}`);
    assert.ok(median(diffs) <= 1e-4, `median |mark IV - venue mark IV| ${median(diffs)}`);
    assert.ok(
      bidAsk.length >= 40 && median(bidAsk) <= 1e-4,
      `bid IVs ${bidAsk.length} median ${median(bidAsk)}`,
    );
  });
});

describe('volatility transform on simulator inputs', () => {
  it('is deterministic: the same input twice gives identical protobuf bytes', async () => {
    const { events } = await simulatorEvents(9, 8);
    const run = () => {
      const ob = new OrderBookTransform({ clock: () => 0n });
      const vt = make();
      const out: string[] = [];
      for (let i = 0; i < events.length; i += 50) {
        for (const e of vt.apply(ob.apply(events.slice(i, i + 50)).outputs).outputs) {
          out.push(Buffer.from(TOPICS.volatility.encode(e)).toString('hex'));
        }
      }
      return out;
    };
    const a = run();
    assert.ok(a.length > 10);
    assert.deepEqual(run(), a);
  });
});

describe('QUANT.md §5 row 6 through the worker', () => {
  it(
    'coin price 0.005986547 at F=60000, K=65000, T=7d -> IV 0.55, forward and PA deltas',
    needs('vs_greeks'),
    () => {
      const expiry = T0 + 7 * DAY_MS;
      const vt = make();
      const out = vt.apply([
        fwd(60_000, expiry, T0),
        top({
          name: 'BTC-X-65000-C',
          strike: 65_000,
          call: true,
          expiryMs: expiry,
          timeMs: T0,
          mark: 0.005986547023255718,
        }),
      ]);
      const [q] = quotes(out.outputs);
      assert.ok(q !== undefined);
      assert.ok(Math.abs(q.markIv! - 0.55) < 1e-10);
      assert.equal(q.timeToExpiryYears, 7 / 365);
      assert.ok(Math.abs(q.greeks!.deltaForward! - 0.155576707) < 1e-8);
      assert.ok(Math.abs(q.greeks!.deltaPremiumAdjusted! - 0.14959016) < 1e-8);
      assert.ok(Math.abs(q.logMoneyness - Math.log(65_000 / 60_000)) < 1e-15);
    },
  );
});

/** Random options over several expiries, priced at random vols (coin prices, QUANT.md §1). */
function randomChain(seed: number, perExpiry: number, F0: number) {
  let s = seed;
  const rnd = () => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return s / 2_147_483_648;
  };
  const chain: { spec: Parameters<typeof top>[0]; expiry: number }[] = [];
  for (const days of [2, 7, 30, 90]) {
    const expiry = T0 + days * DAY_MS;
    for (let i = 0; i < perExpiry; i++) {
      const strike = Math.round(F0 * Math.exp((rnd() - 0.5) * 0.6 * Math.sqrt(days / 30)));
      const call = rnd() < 0.5;
      const vol = 0.35 + rnd() * 0.8;
      const mark = core.black76(F0, strike, days / 365, vol, call) / F0;
      const spread = 1 + 0.02 + rnd() * 0.05;
      chain.push({
        expiry,
        spec: {
          name: `BTC-${days}D-${strike}-${call ? 'C' : 'P'}-${i}`,
          strike,
          call,
          expiryMs: expiry,
          timeMs: T0,
          bid: mark / spread,
          ask: mark * spread,
          mark,
        },
      });
    }
  }
  return { chain, rnd };
}

describe('work reduction vs full re-inversion', () => {
  it(
    'approximated vols stay within the 1 bp bound; skipped ones could not move 1 bp; the rest equal full re-inversion',
    needs('vs_iv_update_coin_held'),
    () => {
      const F0 = 60_000;
      const { chain, rnd } = randomChain(42, 250, F0);
      const expiries = [...new Set(chain.map((c) => c.expiry))];
      const reduced = make();
      const full = make({ workReduction: { skipBp: 0, approxBudgetBp: 0 } });
      const init = [...expiries.map((e) => fwd(F0, e, T0)), ...chain.map((c) => top(c.spec))];
      reduced.apply(init);
      full.apply(init);
      const published = new Map<string, VolQuote>();
      for (const q of quotes(make().apply(init).outputs)) published.set(q.instrumentName, q);
      let approximated = 0;
      let checkedSkips = 0;
      let maxErr = 0;
      const forwards = expiries.map(() => F0);
      for (let round = 1; round <= 12; round++) {
        // Tiny, small and large steps of each expiry's forward: every branch is exercised.
        const size = [0.05, 0.00002, 0.006, 0.00002][round % 4]!;
        const moves = expiries.map((e, i) => {
          forwards[i] = forwards[i]! * (1 + (rnd() - 0.5) * size);
          return fwd(forwards[i]!, e, T0 + round * 100);
        });
        const a = new Map(quotes(reduced.apply(moves).outputs).map((q) => [q.instrumentName, q]));
        const b = quotes(full.apply(moves).outputs);
        for (const exact of b) {
          const got = a.get(exact.instrumentName);
          const sides = ['bidIv', 'askIv', 'midIv', 'markIv'] as const;
          if (got === undefined) {
            // skipped: what was published is within 1 bp of the exact vols now
            const pub = published.get(exact.instrumentName)!;
            for (const side of sides) {
              if (exact[side] !== undefined)
                assert.ok(
                  Math.abs(exact[side]! - pub[side]!) < 1e-4,
                  `${exact.instrumentName} ${side} ${(exact[side]! - pub[side]!) * 1e4} bp, approximated ${pub.approximated}`,
                );
            }
            checkedSkips++;
            continue;
          }
          published.set(got.instrumentName, got);
          for (const side of sides) {
            if (exact[side] === undefined) continue;
            const err = Math.abs(got[side]! - exact[side]!);
            if (got.approximated) {
              maxErr = Math.max(maxErr, err);
              assert.ok(err <= 1e-4, `${got.instrumentName} ${side} approx error ${err * 1e4} bp`);
            } else assert.equal(got[side], exact[side]);
          }
          if (got.approximated) approximated++;
        }
      }
      const saved = reduced.workSaved();
      assert.ok(approximated > 500, `approximated ${approximated}`);
      assert.ok(checkedSkips > 100, `skipped ${checkedSkips}`);
      assert.ok(saved.inverted > 1000 + 500, `inverted ${saved.inverted}`);
      assert.equal(saved.approximated, approximated);
      assert.equal(saved.skipped, checkedSkips);
      assert.ok(maxErr > 0);
    },
  );

  it(
    'a move too small to change any vol by 1 bp publishes nothing and counts as skipped',
    needs('vs_iv_update_coin_held'),
    () => {
      const expiry = T0 + 7 * DAY_MS;
      const vt = make();
      vt.apply([
        fwd(60_000, expiry, T0),
        top({
          name: 'A',
          strike: 62_000,
          call: true,
          expiryMs: expiry,
          timeMs: T0,
          bid: 0.01,
          ask: 0.011,
          mark: 0.0105,
        }),
      ]);
      const tiny = vt.apply([fwd(60_000.05, expiry, T0 + 100)]);
      assert.equal(tiny.outputs.length, 0);
      assert.equal(tiny.counters?.work_skipped, 1);
      const moved = vt.apply([fwd(60_100, expiry, T0 + 200)]);
      assert.equal(quotes(moved.outputs).length, 1);
      assert.equal((moved.counters?.work_approximated ?? 0) + (moved.counters?.work_inverted ?? 0), 1);
    },
  );
});

describe('linear (USD-quoted) options', () => {
  it('invert the USD price directly: the same IVs as the coin quote x F', () => {
    const expiry = T0 + 30 * DAY_MS;
    const F = 60_000;
    const coin = { bid: 0.03, ask: 0.032, mark: 0.031 };
    const vt = make();
    const out = vt.apply([
      fwd(F, expiry, T0),
      top({ name: 'COIN', strike: 62_000, call: true, expiryMs: expiry, timeMs: T0, ...coin }),
      top({
        name: 'USD',
        strike: 62_000,
        call: true,
        expiryMs: expiry,
        timeMs: T0,
        usd: true,
        bid: coin.bid * F,
        ask: coin.ask * F,
        mark: coin.mark * F,
      }),
    ]);
    const byName = new Map(quotes(out.outputs).map((q) => [q.instrumentName, q]));
    const c = byName.get('COIN')!;
    const u = byName.get('USD')!;
    for (const side of ['bidIv', 'askIv', 'midIv', 'markIv'] as const)
      assert.ok(Math.abs(c[side]! - u[side]!) < 1e-9, side);
    // A forward move re-inverts the USD quote (no coin-held first-order path for linear options).
    const moved = vt.apply([fwd(F * 1.001, expiry, T0 + 100)]);
    const usdAfter = quotes(moved.outputs).find((q) => q.instrumentName === 'USD');
    assert.equal(usdAfter?.approximated, false);
    assert.ok(usdAfter !== undefined && usdAfter.markIv !== c.markIv);
  });
});

describe('publishing order', () => {
  it('quotes by strike, calls first, then instrument name, whatever order the inputs came in', () => {
    const expiry = T0 + 30 * DAY_MS;
    const spec = (name: string, strike: number, call: boolean) =>
      top({ name, strike, call, expiryMs: expiry, timeMs: T0, bid: 0.03, ask: 0.032, mark: 0.031 });
    const tops = [
      spec('B-65000-C', 65_000, true),
      spec('A-60000-P', 60_000, false),
      // Same strike and type on one expiry: an inverse and a linear listing, say.
      spec('Z-60000-C', 60_000, true),
      spec('A-60000-C', 60_000, true),
      spec('A-55000-P', 55_000, false),
    ];
    const expected = ['A-55000-P', 'A-60000-C', 'Z-60000-C', 'A-60000-P', 'B-65000-C'];
    for (const order of [tops, [...tops].reverse(), [tops[2]!, tops[0]!, tops[4]!, tops[1]!, tops[3]!]]) {
      const vt = make();
      const first = quotes(vt.apply([fwd(60_000, expiry, T0), ...order]).outputs);
      assert.deepEqual(
        first.map((q) => q.instrumentName),
        expected,
      );
      // A forward move republishes the expiry in the same order (work reduction off: every quote).
      const moved = make({ workReduction: { skipBp: 0, approxBudgetBp: 0 } });
      moved.apply([fwd(60_000, expiry, T0), ...order]);
      const again = quotes(moved.apply([fwd(60_600, expiry, T0 + 100)]).outputs);
      assert.deepEqual(
        again.map((q) => q.instrumentName),
        expected,
      );
    }
  });
});

describe('flags and bad input', () => {
  const expiry = T0 + 30 * DAY_MS;
  it('crossed, below tick, unsynced (mark only), no forward', () => {
    const vt = make();
    const out = vt.apply([
      fwd(60_000, expiry, T0),
      top({
        name: 'X',
        strike: 60_000,
        call: true,
        expiryMs: expiry,
        timeMs: T0,
        bid: 0.06,
        ask: 0.05,
        mark: 0.055,
      }),
      top({
        name: 'T',
        strike: 120_000,
        call: true,
        expiryMs: expiry,
        timeMs: T0,
        bid: 0.0001,
        ask: 0.0002,
        mark: 0.00015,
        tick: 0.0001,
      }),
      top({
        name: 'U',
        strike: 58_000,
        call: false,
        expiryMs: expiry,
        timeMs: T0,
        bid: 0.04,
        ask: 0.045,
        mark: 0.042,
        synced: false,
      }),
    ]);
    const byName = new Map(quotes(out.outputs).map((q) => [q.instrumentName, q]));
    assert.equal(byName.get('X')?.crossed, true);
    assert.equal(byName.get('T')?.belowTick, true);
    assert.equal(byName.get('X')?.belowTick, false);
    // The listed tick travels on (the surface worker's minimum-bid filter counts in it).
    assert.equal(byName.get('T')?.tickSize, 0.0001);
    assert.equal(byName.get('U')?.tickSize, undefined);
    const u = byName.get('U')!;
    assert.equal(u.bidIv, undefined);
    assert.equal(u.midIv, undefined);
    assert.ok(u.markIv !== undefined && u.markIv > 0);
    const none = make().apply([
      top({ name: 'N', strike: 60_000, call: true, expiryMs: expiry, timeMs: T0, mark: 0.05 }),
    ]);
    const [n] = quotes(none.outputs);
    assert.equal(n?.skipped, true);
    assert.equal(n?.skipReason, 'no_forward');
  });

  it('an expiry the event clock has passed is forgotten', () => {
    const vt = make();
    const soon = T0 + 1000;
    vt.apply([
      fwd(60_000, soon, T0),
      fwd(60_000, expiry, T0),
      top({ name: 'A', strike: 60_000, call: true, expiryMs: soon, timeMs: T0, mark: 0.001 }),
      top({ name: 'B', strike: 60_000, call: true, expiryMs: expiry, timeMs: T0, mark: 0.05 }),
    ]);
    assert.deepEqual(vt.size(), { quotes: 2, expiries: 2 });
    vt.apply([
      top({ name: 'B', strike: 60_000, call: true, expiryMs: expiry, timeMs: soon + 1, mark: 0.05 }),
    ]);
    assert.deepEqual(vt.size(), { quotes: 1, expiries: 1 });
  });

  it('NaN, zero/negative time to expiry, unknown instrument, stale forward: counted and dropped', () => {
    const vt = make();
    const out = vt.apply([
      fwd(60_000, expiry, T0 - 60_000),
      top({
        name: 'N',
        strike: 60_000,
        call: true,
        expiryMs: expiry,
        timeMs: T0,
        bid: Number.NaN,
        ask: 0.05,
      }),
      top({ name: 'Z', strike: 60_000, call: true, expiryMs: T0, timeMs: T0, mark: 0.05 }),
      top({ name: 'P', strike: 60_000, call: true, expiryMs: T0 - 1, timeMs: T0, mark: 0.05 }),
      top({ name: 'K', strike: Number.NaN, call: true, expiryMs: expiry, timeMs: T0, mark: 0.05 }),
      top({ name: 'S', strike: 60_000, call: true, expiryMs: expiry, timeMs: T0, mark: 0.05 }),
    ]);
    assert.deepEqual(out.dropped, {
      bad_value: 1,
      non_positive_time: 2,
      unknown_instrument: 1,
      stale_forward: 1,
    });
    assert.equal(out.outputs.length, 0);
  });
});

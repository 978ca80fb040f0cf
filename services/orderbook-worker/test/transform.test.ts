// The order-book worker as a pure transformation: recorded and simulated inputs, books, sequencing,
// forwards, bad input.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ForwardSource, type OrderBookEvent, TOPICS } from '@volstream/contracts';
import { OrderBookTransform } from '../src/transform.ts';
import { delta, EXPIRY, future, md, option, snapshot, T0, ticker } from './helpers/events.ts';
import { captureEvents, simulatorEvents } from './helpers/inputs.ts';

const pinned = () => new OrderBookTransform({ clock: () => 0n });
const bytes = (events: readonly OrderBookEvent[]) =>
  events.map((e) => Buffer.from(TOPICS.orderbook.encode(e)).toString('hex'));
const tops = (events: readonly OrderBookEvent[]) =>
  events.flatMap((e) => (e.payload.case === 'bookTop' ? [e.payload.value] : []));
const forwards = (events: readonly OrderBookEvent[]) =>
  events.flatMap((e) => (e.payload.case === 'forward' ? [e.payload.value] : []));

describe('order-book transform on the real 2021 Deribit capture', () => {
  const events = captureEvents();

  it('is deterministic: the same input twice gives identical protobuf bytes', () => {
    const a = pinned().apply(events).outputs;
    const b = pinned().apply(events).outputs;
    assert.ok(a.length > 0);
    assert.deepEqual(bytes(a), bytes(b));
  });

  it('one top per instrument per window, synced, best first, with the ticker fields merged', () => {
    const out = pinned().apply(events);
    const top = tops(out.outputs);
    assert.equal(top.length, 10);
    assert.deepEqual(out.dropped, {});
    for (const t of top) {
      assert.equal(t.synced, true, t.instrumentName);
      for (let i = 1; i < t.bids.length; i++) assert.ok(t.bids[i - 1]!.price > t.bids[i]!.price);
      for (let i = 1; i < t.asks.length; i++) assert.ok(t.asks[i - 1]!.price < t.asks[i]!.price);
      assert.ok(t.bids.length <= 10 && t.asks.length <= 10);
      assert.ok(t.markPrice !== undefined && t.venueMarkIv !== undefined && t.underlyingPrice !== undefined);
    }
    const p = top.find((t) => t.instrumentName === 'BTC-24SEP21-34000-P')!;
    assert.equal(p.currency, 'BTC');
    assert.equal(p.strike, 34000);
    assert.equal(p.expiryMs, 1632470400000n);
  });

  it('publishes the venue forward (underlying_price) of each expiry, as of its newest ticker', () => {
    const out = pinned().apply(events).outputs;
    const fwd = forwards(out);
    assert.equal(fwd.length, 8); // 10 options over 8 (currency, expiry) pairs
    const lastUnderlying = new Map<string, { price: number; time: bigint }>();
    for (const e of events) {
      if (e.payload.case !== 'ticker' || e.payload.value.underlyingPrice === undefined) continue;
      lastUnderlying.set(e.payload.value.underlyingIndex, {
        price: e.payload.value.underlyingPrice,
        time: e.header!.exchangeTimeMs,
      });
    }
    for (const f of fwd) {
      assert.equal(f.source, ForwardSource.VENUE_UNDERLYING);
      assert.equal(f.forward, lastUnderlying.get(f.underlyingIndex)?.price, f.underlyingIndex);
      assert.equal(f.asOfMs, lastUnderlying.get(f.underlyingIndex)?.time);
    }
  });

  it('every output copies the receive time of an input and carries a deterministic event id', () => {
    const receives = new Set(events.map((e) => e.header!.receiveTimeNs));
    const out = pinned().apply(events).outputs;
    const ids = new Set(out.map((e) => e.header!.eventId));
    assert.equal(ids.size, out.length);
    for (const e of out) assert.ok(receives.has(e.header!.receiveTimeNs));
  });

  it('without Instrument events (a restarted worker) Deribit names still resolve to the same tops', () => {
    const full = tops(pinned().apply(events).outputs);
    const t = pinned();
    const out = t.apply(captureEvents(false));
    assert.equal(out.counters?.instrument_from_name, 10);
    const named = tops(out.outputs);
    const strip = (x: (typeof full)[number]) => ({ ...x, tickSize: undefined });
    assert.deepEqual(named.map(strip), full.map(strip));
  });
});

describe('order-book transform on simulator-generated inputs', () => {
  it('the published books equal the simulator books, deterministically', async () => {
    const { events, market } = await simulatorEvents(3, 15);
    const a = pinned();
    const outA = a.apply(events);
    assert.deepEqual(outA.dropped, {});
    assert.deepEqual(bytes(outA.outputs), bytes(pinned().apply(events).outputs));
    let checked = 0;
    for (const t of tops(outA.outputs)) {
      const inst = market.byName.get(t.instrumentName)!;
      const snap = inst.book.snapshot();
      const expect = (levels: typeof snap.bids) =>
        levels.slice(0, 10).map(([, price, amount]) => ({ price, amount }));
      assert.deepEqual(
        t.bids.map((l) => ({ price: l.price, amount: l.amount })),
        expect(snap.bids),
      );
      assert.deepEqual(
        t.asks.map((l) => ({ price: l.price, amount: l.amount })),
        expect(snap.asks),
      );
      assert.equal(t.synced, true);
      checked++;
    }
    assert.ok(checked >= 20, `checked ${checked} books`);
    // The per-expiry forward is the simulator's forward (its options' underlying_price).
    for (const f of forwards(outA.outputs)) {
      const cm = market.currencies.get('BTC')!;
      assert.ok(Math.abs(f.forward - market.forward(cm, Number(f.expiryMs))) < 0.01);
    }
  });

  it('window by window gives the same final books as one big window', async () => {
    const { events } = await simulatorEvents(5, 6, 1);
    const whole = pinned();
    whole.apply(events);
    const chunked = pinned();
    for (let i = 0; i < events.length; i += 37) chunked.apply(events.slice(i, i + 37));
    const names = new Set(
      events.flatMap((e) => (e.payload.case === 'bookSnapshot' ? [e.payload.value.instrumentName] : [])),
    );
    for (const name of names) assert.deepEqual(chunked.book('deribit', name), whole.book('deribit', name));
  });
});

describe('order-book sequencing', () => {
  const N = 'BTC-27MAR26-70000-C';

  it('snapshot + deltas = the expected book (new, change, delete)', () => {
    const t = pinned();
    t.apply([
      option(N, 70_000, true),
      snapshot(
        N,
        [
          [0.05, 1],
          [0.049, 2],
        ],
        [
          [0.052, 3],
          [0.053, 4],
        ],
        100,
      ),
      delta(
        N,
        100,
        105,
        [
          ['new', 0.0505, 5],
          ['delete', 0.049, 0],
        ],
        [['change', 0.052, 7]],
      ),
      delta(
        N,
        105,
        109,
        [],
        [
          ['new', 0.0515, 1],
          ['delete', 0.053, 0],
        ],
      ),
    ]);
    assert.deepEqual(t.book('deribit', N), {
      bids: [
        { price: 0.0505, amount: 5 },
        { price: 0.05, amount: 1 },
      ],
      asks: [
        { price: 0.0515, amount: 1 },
        { price: 0.052, amount: 7 },
      ],
      synced: true,
    });
  });

  it('a gap makes the book unsynced (published synced=false) until the next snapshot', () => {
    const t = pinned();
    t.apply([option(N, 70_000, true), snapshot(N, [[0.05, 1]], [[0.052, 3]], 100)]);
    const gap = t.apply([delta(N, 101, 102, [['new', 0.051, 1]], [])]);
    assert.equal(gap.dropped?.gap, 1);
    const [top] = tops(gap.outputs);
    assert.equal(top?.synced, false);
    // the gapped delta was not applied
    assert.deepEqual(
      top?.bids.map((l) => l.price),
      [0.05],
    );
    const after = t.apply([delta(N, 102, 103, [['new', 0.0501, 1]], [])]);
    assert.equal(after.dropped?.unsynced_book, 1);
    assert.equal(tops(after.outputs).length, 0);
    const resync = t.apply([snapshot(N, [[0.048, 1]], [[0.05, 3]], 200)]);
    assert.equal(tops(resync.outputs)[0]?.synced, true);
  });

  it('a re-delivered delta is a duplicate, not a gap', () => {
    const t = pinned();
    const d = delta(N, 100, 105, [['new', 0.0505, 5]], []);
    t.apply([option(N, 70_000, true), snapshot(N, [[0.05, 1]], [[0.052, 3]], 100), d]);
    const again = t.apply([d]);
    assert.deepEqual(again.dropped, { duplicate: 1 });
    assert.equal(t.book('deribit', N)?.synced, true);
  });

  it('a crossed book is flagged synced=false and counted', () => {
    const t = pinned();
    t.apply([option(N, 70_000, true), snapshot(N, [[0.05, 1]], [[0.052, 3]], 100)]);
    const out = t.apply([delta(N, 100, 101, [['new', 0.053, 1]], [])]);
    assert.equal(out.dropped?.crossed, 1);
    assert.equal(tops(out.outputs)[0]?.synced, false);
  });

  it("the connector's unsynced marker (empty snapshot without change_id) unsyncs the book", () => {
    const t = pinned();
    t.apply([option(N, 70_000, true), snapshot(N, [[0.05, 1]], [[0.052, 3]], 100)]);
    const marker = md(
      { case: 'bookSnapshot', value: { instrumentName: N, bids: [], asks: [], prevChangeId: 100n } } as never,
      T0,
    );
    const out = t.apply([marker]);
    assert.equal(tops(out.outputs)[0]?.synced, false);
    assert.equal(out.counters?.unsynced_marker, 1);
  });
});

describe('generic venue sequences (seq / prev_seq)', () => {
  it('continue, duplicate and gap on a non-Deribit venue with an Instrument event', () => {
    const t = pinned();
    const name = 'BTC-USD-260327-70000-C';
    const inst = option(name, 70_000, true);
    inst.header!.venue = 'okx';
    if (inst.payload.case === 'instrument') inst.payload.value.venue = 'okx';
    const snap = md(
      {
        case: 'bookSnapshot',
        value: {
          instrumentName: name,
          bids: [{ price: 0.05, amount: 1 }],
          asks: [{ price: 0.052, amount: 1 }],
          seq: 10n,
        },
      } as never,
      T0,
      'okx',
    );
    const d = (prev: bigint, seq: bigint, price: number) =>
      md(
        {
          case: 'bookDelta',
          value: {
            instrumentName: name,
            bids: [{ action: 1, price, amount: 2 }],
            asks: [],
            seq,
            prevSeq: prev,
          },
        } as never,
        T0,
        'okx',
      );
    const ok = t.apply([inst, snap, d(10n, 11n, 0.051)]);
    assert.deepEqual(ok.dropped, {});
    assert.deepEqual(t.book('okx', name)?.bids[0], { price: 0.051, amount: 2 });
    assert.deepEqual(t.apply([d(10n, 11n, 0.051)]).dropped, { duplicate: 1 });
    const gap = t.apply([d(12n, 13n, 0.0512)]);
    assert.deepEqual(gap.dropped, { gap: 1 });
    assert.equal(t.book('okx', name)?.synced, false);
  });
});

describe('forwards', () => {
  it('from put-call parity (coin prices) at the strikes nearest the money when no venue forward', () => {
    const t = pinned();
    const F = 60_000;
    const events = [];
    // Coin prices consistent with F: C - P = (F - K)/F.
    for (const [i, K] of [50_000, 58_000, 60_000, 62_000, 70_000].entries()) {
      const c = `BTC-27MAR26-${K}-C`;
      const p = `BTC-27MAR26-${K}-P`;
      const put = 0.02 + i * 0.001;
      const call = put + (F - K) / F;
      events.push(option(c, K, true), option(p, K, false));
      events.push(snapshot(c, [[call - 0.0005, 1]], [[call + 0.0005, 1]], 10 + i));
      events.push(snapshot(p, [[put - 0.0005, 1]], [[put + 0.0005, 1]], 20 + i));
    }
    const [fwd] = forwards(t.apply(events).outputs);
    assert.equal(fwd?.source, ForwardSource.PUT_CALL_PARITY);
    assert.ok(Math.abs(fwd!.forward - F) < 1e-6, `${fwd?.forward}`);
  });

  it('an unchanged parity forward is re-published as the expiry moves on (idle ATM books do not age it)', () => {
    // Binance sends no forward and nothing for an unchanged book: with the ATM pairs idle, the
    // parity forward still holds, so its as-of time follows the expiry's newest event and it is
    // re-published every FORWARD_REFRESH_MS (the volatility worker drops quotes on a forward more
    // than 10 s older than they are).
    const t = pinned();
    const F = 60_000;
    const events = [];
    for (const [i, K] of [50_000, 58_000, 60_000, 62_000, 70_000].entries()) {
      const c = `BTC-27MAR26-${K}-C`;
      const p = `BTC-27MAR26-${K}-P`;
      const put = 0.02 + i * 0.001;
      const call = put + (F - K) / F;
      events.push(option(c, K, true), option(p, K, false));
      events.push(snapshot(c, [[call - 0.0005, 1]], [[call + 0.0005, 1]], 10 + i));
      events.push(snapshot(p, [[put - 0.0005, 1]], [[put + 0.0005, 1]], 20 + i));
    }
    const first = forwards(t.apply(events).outputs);
    assert.equal(first.length, 1);
    const published = [...first];
    // Only the far wing's book moves, once a second for 15 s (amounts only: same mids, same F).
    for (let s = 1; s <= 15; s++) {
      const d = delta('BTC-27MAR26-50000-P', 19 + s, 20 + s, [['change', 0.0195, 1 + s]], [], T0 + s * 1000);
      published.push(...forwards(t.apply([d]).outputs));
    }
    assert.ok(published.every((f) => Math.abs(f.forward - F) < 1e-6));
    const asOf = published.map((f) => Number(f.asOfMs));
    assert.ok(
      asOf.every((x, i) => i === 0 || x - (asOf[i - 1] ?? 0) >= 2000),
      `refresh spacing ${asOf}`,
    );
    assert.ok((asOf.at(-1) ?? 0) >= T0 + 14_000, `the forward follows the expiry: ${asOf}`);
    assert.ok(published.length >= 6 && published.length <= 9, `${published.length} forwards in 15 s`);
  });

  it('the venue underlying_price wins over parity and futures; futures when nothing else', () => {
    const t = pinned();
    const fut = 'BTC-27MAR26';
    const out1 = t.apply([future(fut), snapshot(fut, [[61_000, 10]], [[61_010, 10]], 5)]);
    const [f1] = forwards(out1.outputs);
    assert.equal(f1?.source, ForwardSource.FUTURES);
    assert.equal(f1?.forward, 61_005);
    const N = 'BTC-27MAR26-60000-C';
    const out2 = t.apply([
      option(N, 60_000, true),
      ticker(N, { markPrice: 0.05, underlyingPrice: 61_234.5, underlyingIndex: fut }, T0 + 10),
    ]);
    const [f2] = forwards(out2.outputs);
    assert.equal(f2?.source, ForwardSource.VENUE_UNDERLYING);
    assert.equal(f2?.forward, 61_234.5);
    assert.equal(f2?.expiryMs, EXPIRY);
    // unchanged forward: not published again
    assert.equal(
      forwards(t.apply([ticker(N, { markPrice: 0.051, underlyingPrice: 61_234.5 }, T0 + 20)]).outputs).length,
      0,
    );
  });
});

describe('bad input is counted by reason and dropped', () => {
  const N = 'BTC-27MAR26-70000-C';
  it('NaN and negative values, unknown instrument, delta before snapshot', () => {
    const t = pinned();
    const out = t.apply([
      option(N, 70_000, true),
      delta(N, 1, 2, [['new', 0.05, 1]], []),
      snapshot(N, [[Number.NaN, 1]], [[0.052, 3]], 100),
      snapshot(N, [[0.05, -1]], [[0.052, 3]], 100),
      ticker(N, { markPrice: Number.NaN }),
      ticker(N, { markPrice: -0.01 }),
      md(
        { case: 'bookSnapshot', value: { instrumentName: 'XYZ', bids: [], asks: [], changeId: 1n } } as never,
        T0,
        'okx',
      ),
      md({ case: 'ticker', value: { instrumentName: 'not-a-deribit-name' } } as never, T0),
    ]);
    assert.deepEqual(out.dropped, { delta_before_snapshot: 1, bad_value: 4, unknown_instrument: 2 });
    assert.ok(out.dropExamples?.bad_value !== undefined);
    assert.equal(tops(out.outputs).length, 0);
  });
});

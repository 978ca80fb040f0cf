// The worker's hot path reads marketdata records in place (`applyRecords`); `apply` takes decoded
// events (tests, replay). Both must publish the same bytes and count the same drops, on recorded,
// simulated and hand-made bad input; the sorted book sides must equal a plain map of levels.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  InstrumentState,
  type MarketDataEvent,
  type OrderBookEvent,
  SCHEMA_VERSION,
  TOPICS,
} from '@volstream/contracts';
import { BookSide } from '../src/l2-book.ts';
import { OrderBookTransform } from '../src/transform.ts';
import { delta, future, md, option, snapshot, T0, ticker } from './helpers/events.ts';
import { captureEvents, simulatorEvents } from './helpers/inputs.ts';

const hex = (events: readonly OrderBookEvent[]) =>
  events.map((e) => Buffer.from(TOPICS.orderbook.encode(e)).toString('hex'));

interface Run {
  outputs: string[];
  dropped: Record<string, number>;
  counters: Record<string, number>;
  examples: string[];
}

/** Runs `events` window by window through one path; collects output bytes and summed counts. */
function run(events: readonly MarketDataEvent[], window: number, records: boolean): Run {
  const t = new OrderBookTransform({ clock: () => 0n });
  const out: Run = { outputs: [], dropped: {}, counters: {}, examples: [] };
  for (let i = 0; i < events.length; i += window) {
    const slice = events.slice(i, i + window);
    const r = records ? t.applyRecords(slice.map((e) => TOPICS.marketdata.encode(e))) : t.apply(slice);
    out.outputs.push(...hex(r.outputs));
    for (const [k, v] of Object.entries(r.dropped ?? {})) out.dropped[k] = (out.dropped[k] ?? 0) + v;
    for (const [k, v] of Object.entries(r.counters ?? {})) out.counters[k] = (out.counters[k] ?? 0) + v;
    for (const [k, v] of Object.entries(r.dropExamples ?? {}))
      out.examples.push(`${k}:${JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x))}`);
  }
  return out;
}

function assertSame(events: readonly MarketDataEvent[], window: number): Run {
  const a = run(events, window, false);
  const b = run(events, window, true);
  assert.ok(a.outputs.length > 0, 'expected outputs');
  assert.deepEqual(b.outputs, a.outputs);
  assert.deepEqual(b.dropped, a.dropped);
  assert.deepEqual(b.counters, a.counters);
  assert.deepEqual(b.examples, a.examples);
  return a;
}

describe('records read in place = decoded events', () => {
  it('on the real 2021 Deribit capture, with and without Instrument events, in windows of 1 to 1,000', () => {
    const events = captureEvents();
    for (const w of [1, 7, 1000]) assertSame(events, w);
    assertSame(captureEvents(false), 500);
  });

  it('on simulator sessions (every book and ticker moving every 100 ms)', async () => {
    const { events } = await simulatorEvents(11, 8, 3);
    for (const w of [1, 333, 5000]) assertSame(events, w);
  });

  it('on hand-made bad and unusual input: gaps, duplicates, crossed, NaN, unknown, unsynced, removed', () => {
    const N = 'BTC-27MAR26-70000-C';
    const P = 'BTC-27MAR26-70000-P';
    const events: MarketDataEvent[] = [
      option(N, 70_000, true),
      option(P, 70_000, false),
      future('BTC-27MAR26'),
      delta(N, 1, 2, [['new', 0.05, 1]], []), // before any snapshot
      snapshot(N, [[0.05, 1]], [[0.052, 3]], 100),
      snapshot(P, [[0.03, 1]], [[0.031, 3]], 50),
      snapshot('BTC-27MAR26', [[70_000, 10]], [[70_010, 5]], 7),
      delta(N, 100, 101, [['new', 0.0505, 2]], [['delete', 0.052, 0]]),
      delta(N, 100, 101, [['new', 0.0505, 2]], []), // duplicate
      delta(P, 49, 52, [['new', 0.0301, 1]], []), // gap
      delta(P, 52, 53, [['new', 0.0302, 1]], []), // unsynced book
      delta(N, 101, 102, [['new', Number.NaN, 1]], []), // bad value
      ticker(N, { markPrice: 0.051, markIv: 0.6, underlyingPrice: 70_100, underlyingIndex: 'BTC-27MAR26' }),
      ticker(N, { markPrice: -1 }), // bad value
      ticker('not-a-deribit-name', { markPrice: 0.05 }), // unknown instrument
      md(
        { case: 'indexPrice', value: { indexName: 'btc_usd', currency: 'BTC', price: 70_050 } } as never,
        T0,
      ),
      md({ case: 'indexPrice', value: { indexName: 'btc_usd', currency: 'BTC', price: 0 } } as never, T0),
      snapshot('BTC-27MAR26', [[70_020, 10]], [[70_010, 5]], 9), // crossed
      md({ case: 'bookSnapshot', value: { instrumentName: N, bids: [], asks: [] } } as never, T0 + 5), // marker
      md({ case: 'trade', value: { instrumentName: N, tradeId: 't1', price: 0.05, amount: 1 } } as never, T0),
      md(
        { case: 'instrumentState', value: { instrumentName: P, state: InstrumentState.SETTLED } } as never,
        T0 + 9,
      ),
      delta(P, 53, 54, [['new', 0.0302, 1]], []), // removed instrument: read from its name again
      md(
        { case: 'bookSnapshot', value: { instrumentName: 'XYZ', bids: [], asks: [], seq: 1n } } as never,
        T0,
        'okx',
      ),
    ];
    for (const w of [1, 4, 100]) {
      const r = assertSame(events, w);
      for (const reason of [
        'delta_before_snapshot',
        'duplicate',
        'gap',
        'unsynced_book',
        'bad_value',
        'unknown_instrument',
        'crossed',
      ]) {
        assert.ok((r.dropped[reason] ?? 0) > 0, `expected ${reason} in ${JSON.stringify(r.dropped)}`);
      }
      assert.equal(r.counters.unsynced_marker, 1);
    }
  });

  it('counts undecodable records and unsupported schema versions as decode_<code>, keeps going', () => {
    const t = new OrderBookTransform({ clock: () => 0n });
    const N = 'BTC-27MAR26-70000-C';
    const future = md({ case: 'ticker', value: { instrumentName: N, markPrice: 0.05 } } as never, T0);
    future.header!.schemaVersion = SCHEMA_VERSION + 1;
    const r = t.applyRecords([
      TOPICS.marketdata.encode(option(N, 70_000, true)),
      Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0x0f]),
      TOPICS.marketdata.encode(future),
      TOPICS.marketdata.encode(snapshot(N, [[0.05, 1]], [[0.052, 3]], 100)),
    ]);
    assert.deepEqual(r.dropped, {
      decode_BUS_DECODE_FAILED: 1,
      decode_CONTRACT_UNSUPPORTED_SCHEMA_VERSION: 1,
    });
    assert.equal(r.outputs.length, 1);
    assert.equal(t.book('deribit', N)?.synced, true);
  });
});

describe('book side kept sorted in arrays', () => {
  it('equals a map of levels sorted best first after random sets and deletes', () => {
    let seed = 42;
    const rand = () => {
      seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
      return seed / 2 ** 32;
    };
    for (const descending of [true, false]) {
      const side = new BookSide(descending);
      const model = new Map<number, number>();
      for (let i = 0; i < 5000; i++) {
        const price = Math.round(rand() * 60) / 2;
        if (rand() < 0.4) {
          side.delete(price);
          model.delete(price);
        } else {
          const amount = Math.round(rand() * 100) + 1;
          side.set(price, amount);
          model.set(price, amount);
        }
        if (i % 97 === 0 || i === 4999) {
          const expected = [...model.keys()].sort(descending ? (a, b) => b - a : (a, b) => a - b);
          assert.deepEqual(side.prices, expected);
          assert.deepEqual(
            side.amounts,
            expected.map((p) => model.get(p)),
          );
        }
      }
    }
  });
});

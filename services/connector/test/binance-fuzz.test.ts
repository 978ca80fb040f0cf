// Fuzz-style for Binance: garbled, truncated and type-confused versions of real Binance frames
// (the fstream 2025 samples, a diff event, replies and errors) never throw out of the frame
// handler, and every frame is accounted for (an event queued, a drop counted, or protocol control).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createLogger } from '@volstream/logging';
import { createReceiveClock } from '../src/clock.ts';
import { CollectingSink } from '../src/sink.ts';
import { BinanceFeed } from '../src/venues/binance/feed.ts';
import { binanceFeedOptions } from '../src/venues/binance/index.ts';
import { SHARED_DATA } from './helpers/shared-data.ts';

const NOW = 1_765_983_400_000;
const SAMPLES = JSON.parse(
  readFileSync(
    join(SHARED_DATA, 'exchange_ws_message_samples', 'binance_options_v2_fstream_2025.json'),
    'utf8',
  ),
) as { stream: string; data: unknown }[];

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** exchangeInfo rows for every option symbol in the samples. */
function rows(): unknown[] {
  const names = new Set<string>();
  const visit = (d: unknown): void => {
    if (Array.isArray(d)) for (const x of d) visit(x);
    else if (typeof d === 'object' && d !== null) {
      const s = (d as { s?: unknown }).s;
      if (typeof s === 'string' && s.split('-').length === 4) names.add(s);
    }
  };
  for (const f of SAMPLES) visit(f.data);
  return [...names].map((symbol) => {
    const [coin, , strike, cp] = symbol.split('-');
    return {
      symbol,
      underlying: `${coin}USDT`,
      side: cp === 'C' ? 'CALL' : 'PUT',
      strikePrice: strike,
      expiryDate: 1_766_131_200_000,
      unit: 1,
      quoteAsset: 'USDT',
      minQty: '0.01',
      filters: [{ filterType: 'PRICE_FILTER', tickSize: '0.1' }],
      status: 'TRADING',
    };
  });
}

const EXTRA = [
  '{"stream":"eth-251219-3100-c@depth@100ms","data":{"e":"depthUpdate","E":1765983420000,"T":1765983420000,"s":"ETH-251219-3100-C","U":121509456,"u":121509460,"pu":121509455,"b":[["16.8000","3.00"]],"a":[]}}',
  '{"stream":"!index@arr","data":[{"e":"index","E":1765983420000,"s":"BTCUSDT","p":"104334.6"},{"e":"index","E":1765983420000,"s":"BNBUSDT","p":"880.1"}]}',
  '{"stream":"btcusdt@optionIndexPrice","data":{"e":"index","E":1765983420000,"s":"BTCUSDT","p":"104334.6"}}',
  '{"result":null,"id":1}',
  '{"result":["btcusdt@optionMarkPrice"],"id":2}',
  '{"code":2,"msg":"Invalid request: unknown stream","id":3}',
  '{"error":{"code":-1121,"msg":"Invalid symbol."},"id":4}',
];

const WEIRD: unknown[] = [
  null,
  true,
  -1,
  0,
  1e308,
  'NaN',
  '',
  'x'.repeat(300),
  [],
  {},
  [1, 2],
  { a: 1 },
  '-1.0',
  '-0.5',
];

function mutate(text: string, rnd: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  switch (Math.floor(rnd() * 5)) {
    case 0:
      return text.slice(0, Math.floor(rnd() * text.length));
    case 1: {
      const chars = text.split('');
      for (let i = 0; i < 3; i += 1)
        chars[Math.floor(rnd() * chars.length)] = pick(['"', '{', ']', ',', '0', 'x']);
      return chars.join('');
    }
    default: {
      let tree: unknown;
      try {
        tree = JSON.parse(text);
      } catch {
        return text;
      }
      const paths: [Record<string, unknown> | unknown[], string | number][] = [];
      const walk = (node: unknown): void => {
        if (typeof node !== 'object' || node === null) return;
        for (const k of Object.keys(node)) {
          paths.push([node as Record<string, unknown>, Array.isArray(node) ? Number(k) : k]);
          walk((node as Record<string, unknown>)[k]);
        }
      };
      walk(tree);
      if (paths.length === 0) return text;
      const [parent, k] = pick(paths);
      (parent as Record<string | number, unknown>)[k] = pick(WEIRD);
      return JSON.stringify(tree);
    }
  }
}

function newFeed(now = () => NOW): BinanceFeed {
  return new BinanceFeed(binanceFeedOptions({ currencies: ['BTC', 'ETH', 'XRP'], connections: 2 }), {
    sink: new CollectingSink(),
    logger: createLogger({ service: 'connector', level: 'silent' }),
    clock: createReceiveClock(),
    now,
  });
}

describe('Binance frame handler under garbage', () => {
  it('20,000 garbled real frames: no exception, every frame accounted for', () => {
    const feed = newFeed();
    feed.applyInstrumentList(rows());
    assert.ok(feed.registry.size >= 4);
    const base = [...SAMPLES.map((s) => JSON.stringify(s)), ...EXTRA];
    const rnd = prng(20261121);
    const shard = feed.shards[0]!;
    const accounted = (): number => {
      const s = feed.stats();
      return s.droppedTotal + s.controlFrames + s.bufferedEvents;
    };
    let unaccounted = 0;
    for (let i = 0; i < 20_000; i += 1) {
      const text =
        i % 10 === 0 ? base[i % base.length]! : mutate(base[Math.floor(rnd() * base.length)]!, rnd);
      const before = accounted();
      assert.doesNotThrow(() => feed.onFrame(shard, text, 1n, text.length), text);
      if (accounted() <= before) unaccounted += 1;
    }
    assert.equal(feed.stats().messagesIn, 20_000);
    assert.equal(unaccounted, 0);
    // Every reason the garbage can hit was met, so the test exercises the whole router.
    const d = feed.stats().dropped;
    for (const reason of [
      'invalid_json',
      'unknown_frame',
      'unknown_channel',
      'bad_value',
      'unknown_instrument',
      'error_reply',
    ] as const) {
      assert.ok(d[reason] > 0, `${reason} counted`);
    }
  });

  it('the untouched samples: tickers and index published, trades/ticker/open interest/depth20 not subscribed', () => {
    const feed = newFeed();
    feed.applyInstrumentList(rows());
    const before = feed.stats().bufferedEvents;
    for (const f of SAMPLES) {
      const text = JSON.stringify(f);
      feed.onFrame(feed.shards[0]!, text, 1n, text.length);
    }
    const s = feed.stats();
    assert.equal(
      s.dropped.unknown_channel,
      6,
      'two optionTrade, depth20, bookTicker, optionTicker, optionOpenInterest',
    );
    assert.equal(s.bufferedEvents - before, 2, 'the two optionMarkPrice rows');
    assert.equal(s.droppedTotal - s.dropped.unknown_channel, 0);
  });

  it('books past connections × the stream cap open more depth sockets, up to maxConnections', () => {
    const grow = new BinanceFeed(
      binanceFeedOptions({
        currencies: ['BTC', 'ETH', 'XRP'],
        connections: 1,
        tuning: { maxStreamsPerConnection: 2, maxConnections: 2 },
      }),
      {
        sink: new CollectingSink(),
        logger: createLogger({ service: 'connector', level: 'silent' }),
        clock: createReceiveClock(),
        now: () => NOW,
      },
    );
    grow.applyInstrumentList(rows());
    assert.equal(grow.registry.size, 5);
    assert.equal(grow.shards.length, 2, 'one socket more, then the limit');
    assert.deepEqual(
      grow.shards.map((s) => s.wanted.size),
      [2, 2],
    );
    assert.equal(grow.stats().connections, 3, 'two depth sockets and the market socket');
  });

  it('expired instruments are swept out of the registry and their depth streams unsubscribed', () => {
    let now = NOW;
    const feed = newFeed(() => now);
    feed.applyInstrumentList(rows());
    const listed = feed.registry.size;
    assert.ok(listed > 0);
    assert.equal(feed.sweepExpired(), 0);
    now = 1_766_131_200_000;
    assert.equal(feed.sweepExpired(), listed);
    assert.equal(feed.registry.size, 0);
    assert.equal(
      feed.shards.reduce((n, s) => n + s.wanted.size, 0),
      0,
    );
  });
});

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
import { assertGarbageAccounted } from './helpers/fuzz.ts';
import { SHARED_DATA } from './helpers/shared-data.ts';

const NOW = 1_765_983_400_000;
const SAMPLES = JSON.parse(
  readFileSync(
    join(SHARED_DATA, 'exchange_ws_message_samples', 'binance_options_v2_fstream_2025.json'),
    'utf8',
  ),
) as { stream: string; data: unknown }[];

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
    assertGarbageAccounted(feed, feed.shards[0]!, base, { seed: 20261121, extraWeird: ['-1.0'] });
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

// Fuzz-style for Bybit: garbled, truncated and type-confused versions of real Bybit option frames
// (../shared/data/exchange_ws_message_samples/bybit_options_v5.json) and of the documented acks
// and pongs never throw out of the frame handler, and every frame is accounted for (an event
// queued, a drop counted, or protocol control).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createLogger } from '@volstream/logging';
import { createReceiveClock } from '../src/clock.ts';
import { CollectingSink } from '../src/sink.ts';
import { BybitFeed } from '../src/venues/bybit/feed.ts';
import { bybitFeedOptions } from '../src/venues/bybit/index.ts';
import { parseBybitSymbol } from '../src/venues/bybit/instruments.ts';
import { topicSymbol } from '../src/venues/bybit/subscriptions.ts';
import { assertGarbageAccounted } from './helpers/fuzz.ts';
import { SHARED_DATA } from './helpers/shared-data.ts';

const NOW = 1_680_652_800_000;
const EXPIRY = 1_688_112_000_000;
const SAMPLES = JSON.parse(
  readFileSync(join(SHARED_DATA, 'exchange_ws_message_samples', 'bybit_options_v5.json'), 'utf8'),
) as { topic: string }[];

/** instruments-info rows for every option named in the samples. */
function rows(): { currency: string; row: unknown }[] {
  const names = new Set<string>();
  for (const s of SAMPLES) {
    const symbol = topicSymbol(s.topic);
    if (symbol !== undefined && parseBybitSymbol(symbol) !== undefined) names.add(symbol);
  }
  return [...names].map((symbol) => {
    const p = parseBybitSymbol(symbol)!;
    return {
      currency: p.base,
      row: {
        symbol,
        optionsType: p.isCall ? 'Call' : 'Put',
        status: 'Trading',
        baseCoin: p.base,
        quoteCoin: 'USD',
        settleCoin: 'USDC',
        launchTime: '1680000000000',
        deliveryTime: String(EXPIRY),
        priceFilter: { tickSize: '0.01' },
        lotSizeFilter: { minOrderQty: '1' },
      },
    };
  });
}

const CONTROL = [
  '{"success":true,"conn_id":"aa01fbfffe80af37-00000001-000b37b9-7147f432704fd28c-00e1c172","data":{"failTopics":[],"successTopics":["orderbook.25.SOL-28APR23-30-C"]},"type":"COMMAND_RESP"}',
  '{"success":false,"conn_id":"x","data":{"failTopics":["orderbook.25.X"],"successTopics":[]},"type":"COMMAND_RESP"}',
  '{"success":true,"ret_msg":"","conn_id":"d8bu1olkndm7crnfs1e0-j6akw","req_id":"","op":"subscribe"}',
  '{"args":["1672916271846"],"op":"pong"}',
  '{"success":true,"ret_msg":"pong","conn_id":"x","op":"ping"}',
];

function newFeed(now: () => number): BybitFeed {
  return new BybitFeed(bybitFeedOptions({ currencies: ['BTC', 'ETH', 'SOL'], connections: 2 }), {
    sink: new CollectingSink(),
    logger: createLogger({ service: 'connector', level: 'silent' }),
    clock: createReceiveClock(),
    now,
  });
}

function load(feed: BybitFeed): void {
  const all = rows();
  for (const currency of ['BTC', 'ETH', 'SOL']) {
    feed.applyInstrumentList(
      currency,
      all.filter((r) => r.currency === currency).map((r) => r.row),
    );
  }
}

describe('Bybit frame handler under garbage', () => {
  it('20,000 garbled real frames: no exception, every frame accounted for', () => {
    const feed = newFeed(() => NOW);
    load(feed);
    assert.ok(feed.registry.size >= 4, `${feed.registry.size} instruments`);
    const base = [...SAMPLES.map((s) => JSON.stringify(s)), ...CONTROL];
    assertGarbageAccounted(feed, feed.shards[0]!, base, { seed: 20260809, extraWeird: ['0'] });
    const d = feed.stats().dropped;
    for (const reason of [
      'invalid_json',
      'bad_value',
      'unknown_frame',
      'unknown_instrument',
      'error_reply',
    ] as const) {
      assert.ok(d[reason] > 0, `some ${reason}`);
    }
  });

  it('the real samples alone: all published except publicTrade (not subscribed)', () => {
    const feed = newFeed(() => NOW);
    load(feed);
    const shard = feed.shards[0]!;
    for (const s of SAMPLES) {
      const text = JSON.stringify(s);
      feed.onFrame(shard, text, 1n, text.length);
    }
    const stats = feed.stats();
    // 2 snapshots + 1 delta (in sequence after its snapshot) + 2 tickers + 2 index changes.
    assert.equal(stats.dropped.unknown_channel, 1, 'publicTrade.BTC');
    assert.equal(stats.droppedTotal, 1, JSON.stringify(stats.dropped));
    assert.ok(feed.sequencer.synced('SOL-28APR23-30-C'));
    assert.equal(feed.sequencer.lastU('SOL-28APR23-30-C'), 24_642);
    assert.equal(stats.bufferedEvents, rows().length + 2 + 1 + 2 + 2);
  });

  it('expired instruments are swept out of the registry and their topics dropped', () => {
    let now = NOW;
    const feed = newFeed(() => now);
    load(feed);
    const listed = feed.registry.size;
    assert.ok(listed > 0);
    assert.equal(feed.sweepExpired(), 0);
    now = EXPIRY;
    assert.equal(feed.sweepExpired(), listed);
    assert.equal(feed.registry.size, 0);
    assert.equal(
      feed.shards.reduce((n, s) => n + s.wanted.size, 0),
      0,
    );
  });
});

// Fuzz-style for OKX: garbled, truncated and type-confused versions of real OKX frames never throw
// out of the frame handler, and every frame is accounted for (an event queued, a drop counted,
// or protocol control).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createLogger } from '@volstream/logging';
import { createReceiveClock } from '../src/clock.ts';
import { CollectingSink } from '../src/sink.ts';
import { OkxFeed } from '../src/venues/okx/feed.ts';
import { okxFeedOptions } from '../src/venues/okx/index.ts';
import { assertGarbageAccounted } from './helpers/fuzz.ts';
import { SHARED_DATA } from './helpers/shared-data.ts';

const NOW = 1_640_001_600_000;
const SAMPLES = JSON.parse(
  readFileSync(join(SHARED_DATA, 'exchange_ws_message_samples', 'okx_options_v5.json'), 'utf8'),
) as { arg: { instId?: string }; data: { instId?: string }[] }[];

/** Instrument rows (OKX REST shape) for every option named in the samples. */
function rows(): unknown[] {
  const names = new Set<string>();
  for (const s of SAMPLES) {
    if (s.arg.instId?.split('-').length === 5) names.add(s.arg.instId);
    for (const d of s.data) if (d.instId?.split('-').length === 5) names.add(d.instId);
  }
  return [...names].map((instId) => {
    const [coin, , , stk, opt] = instId.split('-');
    return {
      instId,
      instType: 'OPTION',
      uly: `${coin}-USD`,
      baseCcy: '',
      quoteCcy: '',
      settleCcy: coin,
      ctVal: '1',
      ctMult: '0.1',
      ctValCcy: coin,
      optType: opt,
      stk,
      listTime: '1639000000000',
      expTime: '1648195200000',
      tickSz: '0.0005',
      lotSz: '1',
      minSz: '1',
      state: 'live',
    };
  });
}

const BOOKS = [
  '{"arg":{"channel":"books","instId":"ETH-USD-220128-3500-C"},"action":"snapshot","data":[{"asks":[["0.18","415","0","13"]],"bids":[["0.17","256","0","12"]],"ts":"1640001600039","checksum":0,"prevSeqId":-1,"seqId":123456}]}',
  '{"arg":{"channel":"books","instId":"ETH-USD-220128-3500-C"},"action":"update","data":[{"asks":[["0.181","7","0","2"]],"bids":[],"ts":"1640001600139","checksum":0,"prevSeqId":123456,"seqId":123457}]}',
  '{"arg":{"channel":"books","instId":"ETH-USD-220128-3500-C"},"action":"update","data":[{"asks":[],"bids":[],"ts":"1640001600239","checksum":0,"prevSeqId":123457,"seqId":123457}]}',
  '{"event":"subscribe","arg":{"channel":"opt-summary","instFamily":"ETH-USD"},"connId":"a4d3ae55"}',
  '{"event":"error","code":"60012","msg":"Invalid request","connId":"a4d3ae55"}',
  'pong',
];

describe('OKX frame handler under garbage', () => {
  it('20,000 garbled real frames: no exception, every frame accounted for', () => {
    const feed = new OkxFeed(okxFeedOptions({ currencies: ['BTC', 'ETH'], connections: 2 }), {
      sink: new CollectingSink(),
      logger: createLogger({ service: 'connector', level: 'silent' }),
      clock: createReceiveClock(),
      now: () => NOW,
    });
    const all = rows();
    feed.applyInstrumentList('ETH-USD', all);
    feed.applyInstrumentList('BTC-USD', all);
    assert.ok(feed.registry.size >= 4);
    const base = [...SAMPLES.map((s) => JSON.stringify(s)), ...BOOKS];
    assertGarbageAccounted(feed, feed.shards[0]!, base, { seed: 20260521 });
  });

  it('expired instruments are swept out of the registry and their books forgotten', () => {
    let now = NOW;
    const feed = new OkxFeed(okxFeedOptions({ currencies: ['BTC', 'ETH'], connections: 2 }), {
      sink: new CollectingSink(),
      logger: createLogger({ service: 'connector', level: 'silent' }),
      clock: createReceiveClock(),
      now: () => now,
    });
    feed.applyInstrumentList('ETH-USD', rows());
    const listed = feed.registry.size;
    assert.ok(listed > 0);
    assert.equal(feed.sweepExpired(), 0);
    now = 1_648_195_200_000; // the rows' expTime
    assert.equal(feed.sweepExpired(), listed);
    assert.equal(feed.registry.size, 0);
    const wanted = feed.shards.reduce(
      (n, s) => n + [...s.wanted.keys()].filter((k) => k.startsWith('books:')).length,
      0,
    );
    assert.equal(wanted, 0, 'their book channels are no longer wanted');
  });
});

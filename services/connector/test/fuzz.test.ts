// Fuzz-style: garbled, truncated and type-confused frames never throw out of the frame handler,
// and every single frame is accounted for (an event queued, a drop counted, or protocol control).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '@volstream/logging';
import { createReceiveClock } from '../src/clock.ts';
import { CollectingSink } from '../src/sink.ts';
import { DeribitFeed, deribitFeedOptions } from '../src/venues/deribit/index.ts';
import { prng } from './helpers/fuzz.ts';
import { readCaptureReceived, readRecordedInstruments } from './helpers/shared-data.ts';

const CAPTURE_NOW = 1_626_993_723_000;

function newFeed(sink = new CollectingSink()): DeribitFeed {
  const feed = new DeribitFeed(deribitFeedOptions({ currencies: ['BTC', 'ETH'], connections: 2 }), {
    sink,
    logger: createLogger({ service: 'connector', level: 'silent' }),
    clock: createReceiveClock(),
    now: () => CAPTURE_NOW,
  });
  for (const [currency, rows] of readRecordedInstruments()) {
    if (currency === 'BTC' || currency === 'ETH') feed.applyInstrumentList(currency, 'option', rows);
  }
  return feed;
}

const WEIRD: unknown[] = [
  null,
  true,
  -1,
  0,
  1e308,
  -1e-308,
  'NaN',
  '',
  'x'.repeat(300),
  [],
  {},
  [1, 2],
  { a: 1 },
];

function mutate(text: string, rnd: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  switch (Math.floor(rnd() * 7)) {
    case 0: // truncation
      return text.slice(0, Math.floor(rnd() * text.length));
    case 1: {
      // flip a few characters
      const chars = [...text];
      for (let i = 0; i < 3; i += 1)
        chars[Math.floor(rnd() * chars.length)] = pick(['"', '{', ']', ',', ':', '9', 'x']);
      return chars.join('');
    }
    case 2: {
      // replace one number by a weird value
      const numbers = [...text.matchAll(/-?\d+(\.\d+)?(e-?\d+)?/g)];
      if (numbers.length === 0) return text;
      const m = pick(numbers);
      return text.slice(0, m.index) + JSON.stringify(pick(WEIRD)) + text.slice(m.index! + m[0].length);
    }
    case 3: {
      // replace one value of the data object by a weird one (type confusion)
      try {
        const msg = JSON.parse(text) as { params?: { data?: Record<string, unknown> } };
        const data = msg.params?.data;
        if (data === undefined || typeof data !== 'object' || data === null) return text;
        const keys = Object.keys(data);
        data[pick(keys)] = pick(WEIRD);
        return JSON.stringify(msg);
      } catch {
        return text;
      }
    }
    case 4: // a random JSON value as the whole frame
      return JSON.stringify(pick(WEIRD));
    case 5: // wrong channel
      return text.replace(
        /"channel":"[a-z_]+\./,
        `"channel":"${pick(['nope.', 'book', 'ticker..', 'instrument.state.'])}`,
      );
    default: // unchanged real frame
      return text;
  }
}

describe('fuzzed Deribit frames', () => {
  it('never throw out of the frame handler and every frame is accounted for', async () => {
    const sink = new CollectingSink();
    const feed = newFeed(sink);
    const shard = feed.shards[0]!;
    const real = readCaptureReceived().map((f) => f.text);
    const extras = [
      '{"jsonrpc":"2.0","method":"heartbeat","params":{"type":"test_request"}}',
      '{"jsonrpc":"2.0","method":"heartbeat","params":{"type":"heartbeat"}}',
      '{"jsonrpc":"2.0","id":42,"error":{"code":10028,"message":"too_many_requests"}}',
      '{"jsonrpc":"2.0","error":{"code":-32600,"message":"request entity too large"}}',
      '{"jsonrpc":"2.0","method":"subscription","params":{"channel":"instrument.state.option.BTC","data":{"timestamp":1,"instrument_name":"BTC-1JAN30-1000-C","state":"created"}}}',
      '{"jsonrpc":"2.0","method":"subscription","params":{"channel":"deribit_price_index.btc_usd","data":{"timestamp":1535098298227,"price":6521.17,"index_name":"btc_usd"}}}',
    ];
    const corpus = [...real, ...extras];
    const rnd = prng(20260722);
    const frames = 20_000;
    for (let i = 0; i < frames; i += 1) {
      const text = mutate(corpus[Math.floor(rnd() * corpus.length)]!, rnd);
      const before = feed.stats();
      assert.doesNotThrow(() => feed.onFrame(shard, text, 1n, text.length), text);
      const after = feed.stats();
      const accounted =
        after.bufferedEvents > before.bufferedEvents ||
        after.droppedTotal > before.droppedTotal ||
        after.controlFrames > before.controlFrames;
      if (!accounted)
        assert.fail(`frame ${i} was neither published, dropped nor control: ${text.slice(0, 300)}`);
      if (i % 2000 === 0) await feed.flush();
    }
    await feed.flush();
    const stats = feed.stats();
    assert.equal(stats.messagesIn, frames);
    for (const reason of ['invalid_json', 'bad_value', 'unknown_channel', 'unknown_frame'] as const) {
      assert.ok(stats.dropped[reason] > 0, `fuzzing produced ${reason}`);
    }
    assert.ok(stats.eventsOut > 0);
    await feed.stop();
  });
});

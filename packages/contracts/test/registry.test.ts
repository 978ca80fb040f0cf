import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isVolstreamError } from '@volstream/errors';
import {
  create,
  expiryKey,
  MarketDataEventSchema,
  sampleEvents,
  TOPIC_NAMES,
  TOPICS,
  type TopicKey,
  toBinary,
  topicByName,
} from '../src/index.ts';

const samples = sampleEvents();

function keysByCase<T extends { payload: { case: string | undefined } }>(
  events: readonly T[],
  keyOf: (e: T) => string,
): Record<string, string> {
  return Object.fromEntries(events.map((e) => [String(e.payload.case), keyOf(e)]));
}

describe('topic registry', () => {
  it('names the four versioned topics in pipeline order', () => {
    assert.deepEqual(TOPIC_NAMES, [
      'volstream.marketdata.v1',
      'volstream.orderbook.v1',
      'volstream.volatility.v1',
      'volstream.surface.v1',
    ]);
    for (const key of Object.keys(TOPICS) as TopicKey[]) {
      const spec = TOPICS[key];
      assert.equal(topicByName(spec.name), spec);
      assert.ok(Number.isInteger(spec.partitions) && spec.partitions > 0, `${key} partitions`);
      assert.ok(spec.retentionMs >= 86_400_000, `${key} retention`);
      assert.equal(spec.compacted, false);
    }
    assert.equal(topicByName('volstream.marketdata.v2'), undefined);
  });

  it('keys marketdata by venue:instrument, index prices by venue:index_name', () => {
    assert.deepEqual(keysByCase(samples.marketdata, TOPICS.marketdata.keyOf), {
      instrument: 'deribit:BTC-24SEP21-34000-P',
      bookSnapshot: 'deribit:BTC-24SEP21-34000-P',
      bookDelta: 'deribit:BTC-24SEP21-34000-P',
      ticker: 'deribit:BTC-24SEP21-34000-P',
      indexPrice: 'deribit:btc_usd',
      trade: 'deribit:BTC-24SEP21-34000-P',
      instrumentState: 'deribit:BTC-24SEP21-36000-C',
    });
  });

  it('keys orderbook and volatility by currency:expiry (books and forwards of an expiry together)', () => {
    assert.deepEqual(keysByCase(samples.orderbook, TOPICS.orderbook.keyOf), {
      bookTop: 'BTC:2021-09-24',
      forward: 'BTC:2021-09-24',
    });
    assert.deepEqual(keysByCase(samples.volatility, TOPICS.volatility.keyOf), {
      quoteBatch: 'BTC:2021-09-24',
    });
  });

  it('keys a book without expiry (perpetual) as currency:perpetual', () => {
    const top = samples.orderbook.find((e) => e.payload.case === 'bookTop');
    assert.ok(top?.payload.case === 'bookTop');
    delete top.payload.value.expiryMs;
    assert.equal(TOPICS.orderbook.keyOf(top), 'BTC:perpetual');
  });

  it('keys smiles and surfaces by currency, whatever the venue', () => {
    assert.deepEqual(keysByCase(samples.surface, TOPICS.surface.keyOf), { smile: 'BTC', surface: 'BTC' });
  });

  it('formats expiry keys as the UTC date of the expiry', () => {
    assert.equal(expiryKey(1_774_598_400_000n), '2026-03-27'); // 2026-03-27T08:00Z
    assert.equal(expiryKey(1_774_655_999_999), '2026-03-27'); // 23:59:59.999Z same day
  });
});

describe('TopicSpec.decode errors', () => {
  it('throws BUS_DECODE_FAILED on undecodable bytes', () => {
    // field 1, wire type 2 (length-delimited), length 100, but only 2 bytes follow.
    const truncated = new Uint8Array([0x0a, 0x64, 0x01, 0x02]);
    for (const key of Object.keys(TOPICS) as TopicKey[]) {
      assert.throws(
        () => TOPICS[key].decode(truncated),
        (e) => isVolstreamError(e, 'BUS_DECODE_FAILED') && e.context.topic === TOPICS[key].name,
      );
    }
    // Wire type 7 does not exist.
    assert.throws(
      () => TOPICS.surface.decode(new Uint8Array([0x0f, 0x01])),
      (e) => isVolstreamError(e, 'BUS_DECODE_FAILED'),
    );
  });

  it('throws BUS_DECODE_FAILED for a message without header', () => {
    const headless = create(MarketDataEventSchema, { payload: { case: 'indexPrice', value: { price: 1 } } });
    assert.throws(
      () => TOPICS.marketdata.decode(toBinary(MarketDataEventSchema, headless)),
      (e) => isVolstreamError(e, 'BUS_DECODE_FAILED'),
    );
  });

  it('throws CONTRACT_UNSUPPORTED_SCHEMA_VERSION for an unknown schema version', () => {
    for (const version of [0, 2, 99]) {
      const event = sampleEvents().marketdata[0]!;
      event.header!.schemaVersion = version;
      const bytes = TOPICS.marketdata.encode(event);
      assert.throws(
        () => TOPICS.marketdata.decode(bytes),
        (e) =>
          isVolstreamError(e, 'CONTRACT_UNSUPPORTED_SCHEMA_VERSION') && e.context.schemaVersion === version,
      );
    }
  });

  it('decodes bytes from a newer producer that added a payload variant, keeping the unknown field', () => {
    const event = sampleEvents().surface[0]!;
    const known = TOPICS.surface.encode(event);
    // Append field 15 (length-delimited, 1 byte): an envelope variant this code does not know.
    const newer = new Uint8Array([...known, 0x7a, 0x01, 0x08]);
    const decoded = TOPICS.surface.decode(newer);
    assert.equal(decoded.payload.case, 'smile');
    assert.equal(decoded.header?.eventId, event.header?.eventId);
  });

  it('never throws anything but a VolstreamError with a decode/version code on arbitrary bytes', () => {
    // Deterministic xorshift32, so a failure reproduces; mixes pure noise with mutated real events.
    let state = 0x9e3779b9;
    const next = () => {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return state >>> 0;
    };
    const real = (Object.keys(TOPICS) as TopicKey[]).flatMap((k) =>
      samples[k].map((e) => TOPICS[k].encode(e as never)),
    );
    const codes = new Set<string>();
    for (let i = 0; i < 3_000; i++) {
      let bytes: Uint8Array;
      if (i % 2 === 0) {
        bytes = new Uint8Array(next() % 64).map(() => next() & 0xff);
      } else {
        bytes = real[next() % real.length]!.slice();
        for (let flips = 1 + (next() % 4); flips > 0; flips--) bytes[next() % bytes.length] = next() & 0xff;
      }
      for (const key of Object.keys(TOPICS) as TopicKey[]) {
        try {
          TOPICS[key].decode(bytes);
        } catch (e) {
          assert.ok(
            isVolstreamError(e, 'BUS_DECODE_FAILED') ||
              isVolstreamError(e, 'CONTRACT_UNSUPPORTED_SCHEMA_VERSION'),
            `unexpected ${String(e)}`,
          );
          codes.add(e.code);
        }
      }
    }
    assert.deepEqual([...codes].sort(), ['BUS_DECODE_FAILED', 'CONTRACT_UNSUPPORTED_SCHEMA_VERSION']);
  });
});

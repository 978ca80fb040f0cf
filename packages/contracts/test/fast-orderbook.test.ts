// The fast OrderBookEvent codec must be byte-identical to protobuf-es toBinary and decode to what
// fromBinary returns, on samples, random messages and edge cases.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { decodeOrderBookEvent } from '../src/fast/decode-orderbook.ts';
import { encodeOrderBookEvent } from '../src/fast/encode-orderbook.ts';
import { type OrderBookEvent, OrderBookEventSchema } from '../src/gen/volstream/v1/events_pb.ts';
import { sampleEvents } from '../src/samples.ts';
import { TOPICS } from '../src/topics.ts';
import { rng } from './fast-random.ts';
import { SchemaRandom } from './fast-schema-random.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function assertRoundTrip(event: OrderBookEvent, what: string): void {
  const expected = toBinary(OrderBookEventSchema, event);
  const actual = encodeOrderBookEvent(event);
  assert.equal(hex(actual), hex(expected), `${what}: fast bytes differ from toBinary`);
  const decoded = decodeOrderBookEvent(actual);
  assert.notEqual(decoded, undefined, `${what}: fast decoder gave up on its own bytes`);
  assert.deepStrictEqual(decoded, fromBinary(OrderBookEventSchema, expected), `${what}: decode`);
}

describe('fast OrderBookEvent codec', () => {
  it('is byte-identical and decodes equal on every sample (book top and forward)', () => {
    const samples = sampleEvents().orderbook;
    assert.deepEqual(new Set(samples.map((e) => e.payload.case)), new Set(['bookTop', 'forward']));
    for (const [i, e] of samples.entries()) assertRoundTrip(e, `sample ${i}`);
  });

  it('is byte-identical on 5,000 random messages (every optional field, extremes, long lists)', () => {
    const random = new SchemaRandom(17);
    const cases = new Set<string | undefined>();
    for (let i = 0; i < 5_000; i++) {
      const e = random.message<OrderBookEvent>(OrderBookEventSchema);
      cases.add(e.payload.case);
      assertRoundTrip(e, `random #${i}`);
    }
    assert.deepEqual(cases, new Set(['bookTop', 'forward', undefined]));
    assert.ok(random.hasNaN, 'NaN doubles were generated');
  });

  it('handles edge cases: empty message, optional zeros present, −0 written, a 300-level book', () => {
    assertRoundTrip(create(OrderBookEventSchema), 'empty');
    const zeros = create(OrderBookEventSchema, {
      payload: {
        case: 'bookTop',
        value: { expiryMs: 0n, strike: 0, changeId: 0n, markPrice: 0, tickSize: -0, synced: false },
      },
    });
    const bytes = encodeOrderBookEvent(zeros);
    assertRoundTrip(zeros, 'optional zeros');
    // Optional fields set to zero are on the wire (explicit presence), implicit zeros are not.
    assert.ok(bytes.length > 20, hex(bytes));
    const big = create(OrderBookEventSchema, {
      payload: {
        case: 'bookTop',
        value: {
          instrumentName: 'x'.repeat(200),
          bids: Array.from({ length: 300 }, (_, i) => ({ price: i + 0.5, amount: -0 })),
          asks: [{ price: 0, amount: 0 }],
          depth: 300,
        },
      },
    });
    assertRoundTrip(big, '300 levels');
    const fwd = create(OrderBookEventSchema, {
      header: { exchangeTimeMs: -5n, receiveTimeNs: 2n ** 63n - 1n, sourceSequence: 2n ** 64n - 1n },
      payload: { case: 'forward', value: { forward: -0, asOfMs: -(2n ** 63n), indexPrice: 0 } },
    });
    assertRoundTrip(fwd, 'forward extremes');
  });

  it('writes unknown fields of a decoded message back, and the decoder gives up on them', () => {
    const e = sampleEvents().orderbook[0]!;
    const withUnknown = new Uint8Array([...toBinary(OrderBookEventSchema, e), 0xf8, 0x07, 0x01]);
    const decoded = fromBinary(OrderBookEventSchema, withUnknown);
    assert.equal(hex(encodeOrderBookEvent(decoded)), hex(toBinary(OrderBookEventSchema, decoded)));
    assert.equal(decodeOrderBookEvent(withUnknown), undefined);
  });

  it('never decodes corrupted bytes differently from fromBinary (gives up or agrees)', () => {
    const r = rng(99);
    const random = new SchemaRandom(5);
    let agreed = 0;
    for (let i = 0; i < 5_000; i++) {
      const bytes = toBinary(OrderBookEventSchema, random.message(OrderBookEventSchema));
      if (bytes.length === 0) continue;
      const bad = bytes.slice(0, Math.max(0, bytes.length - Math.floor(r() * 4)));
      bad[Math.floor(r() * bad.length)] = Math.floor(r() * 256);
      const fast = decodeOrderBookEvent(bad);
      if (fast === undefined) continue;
      agreed++;
      assert.deepStrictEqual(fast, fromBinary(OrderBookEventSchema, bad), `corrupted #${i}`);
    }
    assert.ok(agreed > 100, `only ${agreed} corrupted messages decoded at all`);
  });

  it('is what TOPICS.orderbook uses: encode = fast bytes, decode = fromBinary result', () => {
    for (const e of sampleEvents().orderbook) {
      const bytes = TOPICS.orderbook.encode(e);
      assert.equal(hex(bytes), hex(toBinary(OrderBookEventSchema, e)));
      assert.deepStrictEqual(TOPICS.orderbook.decode(bytes), fromBinary(OrderBookEventSchema, bytes));
    }
  });
});

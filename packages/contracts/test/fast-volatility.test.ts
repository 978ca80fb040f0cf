// The fast VolatilityEvent (VolQuoteBatch) codec must be byte-identical to protobuf-es toBinary and decode to what
// fromBinary returns, on samples, random messages and edge cases.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clone, create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { decodeVolatilityEvent } from '../src/fast/decode-volatility.ts';
import { encodeVolatilityEvent } from '../src/fast/encode-volatility.ts';
import { type VolatilityEvent, VolatilityEventSchema } from '../src/gen/volstream/v1/events_pb.ts';
import { GreeksSchema } from '../src/gen/volstream/v1/volatility_pb.ts';
import { sampleEvents } from '../src/samples.ts';
import { TOPICS } from '../src/topics.ts';
import { rng } from './fast-random.ts';
import { SchemaRandom } from './fast-schema-random.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function assertRoundTrip(event: VolatilityEvent, what: string): void {
  const expected = toBinary(VolatilityEventSchema, event);
  const actual = encodeVolatilityEvent(event);
  assert.equal(hex(actual), hex(expected), `${what}: fast bytes differ from toBinary`);
  const decoded = decodeVolatilityEvent(actual);
  assert.notEqual(decoded, undefined, `${what}: fast decoder gave up on its own bytes`);
  assert.deepStrictEqual(decoded, fromBinary(VolatilityEventSchema, expected), `${what}: decode`);
}

describe('fast VolatilityEvent codec', () => {
  it('is byte-identical and decodes equal on every sample', () => {
    const samples = sampleEvents().volatility;
    assert.deepEqual(new Set(samples.map((e) => e.payload.case)), new Set(['quoteBatch']));
    for (const [i, e] of samples.entries()) assertRoundTrip(e, `sample ${i}`);
  });

  it('is byte-identical on 2,000 random messages (every optional field, extremes, long lists)', () => {
    const random = new SchemaRandom(17);
    const cases = new Set<string | undefined>();
    for (let i = 0; i < 2_000; i++) {
      const e = random.message<VolatilityEvent>(VolatilityEventSchema);
      cases.add(e.payload.case);
      assertRoundTrip(e, `random #${i}`);
    }
    assert.deepEqual(cases, new Set(['quoteBatch', undefined]));
    assert.ok(random.hasNaN, 'NaN doubles were generated');
  });

  it('handles edge cases: empty message, optional zeros present, −0 written, 2,000 quotes', () => {
    assertRoundTrip(create(VolatilityEventSchema), 'empty');
    const zeros = create(VolatilityEventSchema, {
      payload: {
        case: 'quoteBatch',
        value: {
          quotes: [{ bidIv: 0, markIv: -0, greeks: {}, strike: -0, venueMarkIv: 0 }, {}],
          computeTimeUs: -0,
        },
      },
    });
    const bytes = encodeVolatilityEvent(zeros);
    assertRoundTrip(zeros, 'optional zeros');
    // Optional fields and an empty greeks message are on the wire (explicit presence).
    assert.ok(bytes.length > 30, hex(bytes));
    const big = create(VolatilityEventSchema, {
      header: { exchangeTimeMs: -5n, receiveTimeNs: 2n ** 63n - 1n, sourceSequence: 2n ** 64n - 1n },
      payload: {
        case: 'quoteBatch',
        value: {
          currency: 'BTC',
          expiryMs: 1_700_000_000_000n,
          quotes: Array.from({ length: 2_000 }, (_, i) => ({
            instrumentName: `BTC-29MAR24-${i * 500}-C`,
            strike: i * 500,
            bidIv: 0.5 + i / 1e4,
            greeks: { deltaForward: 0.5, vega: i },
            approximated: i % 2 === 0,
            skipReason: i % 7 === 0 ? 'no_price' : '',
          })),
          computedCount: 2_000,
        },
      },
    });
    assertRoundTrip(big, '2,000 quotes');
  });

  it('writes unknown fields of a decoded message back, and the decoder gives up on them', () => {
    const e = sampleEvents().volatility[0]!;
    const withUnknown = new Uint8Array([...toBinary(VolatilityEventSchema, e), 0xf8, 0x07, 0x01]);
    const decoded = fromBinary(VolatilityEventSchema, withUnknown);
    assert.equal(hex(encodeVolatilityEvent(decoded)), hex(toBinary(VolatilityEventSchema, decoded)));
    assert.equal(decodeVolatilityEvent(withUnknown), undefined);
    // Unknown fields inside a quote and its greeks (the quotes have their own writer), one long
    // enough to need a two-byte length for the greeks.
    const nested = clone(VolatilityEventSchema, e);
    if (nested.payload.case !== 'quoteBatch') throw new Error('sample is a quote batch');
    const q = nested.payload.value.quotes[0]!;
    q.$unknown = [{ no: 99, wireType: 0, data: new Uint8Array([5]) }];
    q.greeks = create(GreeksSchema, { vega: 1 });
    q.greeks.$unknown = [
      { no: 40, wireType: 2, data: new Uint8Array([0x96, 0x01, ...new Array(150).fill(7)]) },
    ];
    assert.equal(hex(encodeVolatilityEvent(nested)), hex(toBinary(VolatilityEventSchema, nested)));
  });

  it('never decodes corrupted bytes differently from fromBinary (gives up or agrees)', () => {
    const r = rng(99);
    const random = new SchemaRandom(5);
    let agreed = 0;
    for (let i = 0; i < 5_000; i++) {
      const bytes = toBinary(VolatilityEventSchema, random.message(VolatilityEventSchema));
      if (bytes.length === 0) continue;
      const bad = bytes.slice(0, Math.max(0, bytes.length - Math.floor(r() * 4)));
      bad[Math.floor(r() * bad.length)] = Math.floor(r() * 256);
      const fast = decodeVolatilityEvent(bad);
      if (fast === undefined) continue;
      agreed++;
      assert.deepStrictEqual(fast, fromBinary(VolatilityEventSchema, bad), `corrupted #${i}`);
    }
    assert.ok(agreed > 100, `only ${agreed} corrupted messages decoded at all`);
  });

  it('is what TOPICS.volatility uses: encode = fast bytes, decode = fromBinary result', () => {
    for (const e of sampleEvents().volatility) {
      const bytes = TOPICS.volatility.encode(e);
      assert.equal(hex(bytes), hex(toBinary(VolatilityEventSchema, e)));
      assert.deepStrictEqual(TOPICS.volatility.decode(bytes), fromBinary(VolatilityEventSchema, bytes));
    }
  });
});

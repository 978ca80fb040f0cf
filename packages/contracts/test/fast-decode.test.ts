// The fast MarketDataEvent decoder returns exactly what fromBinary returns, or gives up (undefined).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { VolstreamError } from '@volstream/errors';
import { decodeMarketDataEvent } from '../src/fast/decode-marketdata.ts';
import { MarketDataEventSchema } from '../src/gen/volstream/v1/events_pb.ts';
import { sampleEvents } from '../src/samples.ts';
import { TOPICS } from '../src/topics.ts';
import { RandomEvents, rng } from './fast-random.ts';

function fromBinaryOrError(bytes: Uint8Array): unknown {
  try {
    return fromBinary(MarketDataEventSchema, bytes);
  } catch (e) {
    return e;
  }
}

describe('fast MarketDataEvent decoder', () => {
  it('decodes every covered sample to what fromBinary returns, and gives up on instrument', () => {
    for (const event of sampleEvents().marketdata) {
      const bytes = toBinary(MarketDataEventSchema, event);
      const fast = decodeMarketDataEvent(bytes);
      if (event.payload.case === 'instrument') {
        assert.equal(fast, undefined);
        continue;
      }
      assert.deepStrictEqual(fast, fromBinary(MarketDataEventSchema, bytes), `${event.payload.case}`);
    }
  });

  it('decodes 10,000 random messages exactly like fromBinary (prototypes, absent fields, NaN, −0)', () => {
    const random = new RandomEvents(4242);
    let decoded = 0;
    for (let i = 0; i < 10_000; i++) {
      const bytes = toBinary(MarketDataEventSchema, random.event());
      const fast = decodeMarketDataEvent(bytes);
      const reference = fromBinary(MarketDataEventSchema, bytes);
      if (fast === undefined) {
        assert.equal(reference.payload.case, 'instrument', `random #${i}: gave up on a covered payload`);
        continue;
      }
      decoded++;
      assert.deepStrictEqual(fast, reference, `random #${i}`);
    }
    assert.ok(decoded > 9000, `decoded ${decoded}`);
  });

  it('never accepts bytes fromBinary rejects, nor decodes corrupted bytes differently', () => {
    const r = rng(99);
    const samples = sampleEvents().marketdata.map((e) => toBinary(MarketDataEventSchema, e));
    let gaveUp = 0;
    for (let i = 0; i < 20_000; i++) {
      const bytes = new Uint8Array(samples[i % samples.length]!);
      const mode = i % 3;
      if (mode === 0) bytes[Math.floor(r() * bytes.length)] = Math.floor(r() * 256);
      const cut = mode === 1 ? bytes.subarray(0, Math.floor(r() * bytes.length)) : bytes;
      if (mode === 2) bytes[Math.floor(r() * bytes.length)]! ^= 1 << Math.floor(r() * 8);
      const fast = decodeMarketDataEvent(cut);
      const reference = fromBinaryOrError(cut);
      if (fast === undefined) {
        gaveUp++;
        continue;
      }
      assert.ok(!(reference instanceof Error), `case ${i}: fast accepted bytes fromBinary rejects`);
      assert.deepStrictEqual(fast, reference, `case ${i}`);
    }
    assert.ok(gaveUp > 0 && gaveUp < 20_000, `gave up on ${gaveUp}`);
  });

  it('reads views at an offset into a larger buffer (byteOffset honoured)', () => {
    const event = sampleEvents().marketdata.find((e) => e.payload.case === 'ticker')!;
    const bytes = toBinary(MarketDataEventSchema, event);
    const big = new Uint8Array(bytes.length + 13).fill(0xff);
    big.set(bytes, 7);
    assert.deepStrictEqual(
      decodeMarketDataEvent(big.subarray(7, 7 + bytes.length)),
      fromBinary(MarketDataEventSchema, bytes),
    );
  });
  it('TOPICS.marketdata.decode uses it and keeps the registry errors (no header, unknown version, garbage)', () => {
    const spec = TOPICS.marketdata;
    const ticker = sampleEvents().marketdata.find((e) => e.payload.case === 'ticker')!;
    assert.deepStrictEqual(
      spec.decode(spec.encode(ticker)),
      fromBinary(MarketDataEventSchema, spec.encode(ticker)),
    );
    const code = (bytes: Uint8Array): string => {
      try {
        spec.decode(bytes);
        return 'decoded';
      } catch (e) {
        return e instanceof VolstreamError ? e.code : 'other';
      }
    };
    const headerless = create(MarketDataEventSchema, { payload: ticker.payload });
    assert.equal(code(spec.encode(headerless)), 'BUS_DECODE_FAILED');
    const future = create(MarketDataEventSchema, {
      ...ticker,
      header: { ...ticker.header!, schemaVersion: 99 },
    });
    assert.equal(code(spec.encode(future)), 'CONTRACT_UNSUPPORTED_SCHEMA_VERSION');
    assert.equal(code(new Uint8Array([0x0a, 0x05, 0x01])), 'BUS_DECODE_FAILED');
  });
});

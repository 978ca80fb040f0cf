// ProtoWriter against protobuf-es's own BinaryWriter, value by value, and its slab memory contract.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toBinary } from '@bufbuild/protobuf';
import { BinaryWriter } from '@bufbuild/protobuf/wire';
import { encodeMarketDataEvent } from '../src/fast/encode-marketdata.ts';
import { ProtoWriter } from '../src/fast/writer.ts';
import { MarketDataEventSchema } from '../src/gen/volstream/v1/events_pb.ts';
import { sampleEvents } from '../src/samples.ts';
import { rng } from './fast-random.ts';

function same(write: (w: ProtoWriter) => void, reference: (w: BinaryWriter) => void, what: string): void {
  const w = new ProtoWriter(64, 16);
  w.reset();
  write(w);
  const ref = new BinaryWriter();
  reference(ref);
  assert.deepEqual(Buffer.from(w.finish()), Buffer.from(ref.finish()), what);
}

describe('ProtoWriter', () => {
  it('writes int64/uint64 varints like protobuf-es, across every bit length and sign', () => {
    const values: bigint[] = [0n, 1n, -1n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 64n - 1n, 2n ** 63n];
    for (let bits = 0; bits < 64; bits++) {
      const p = 1n << BigInt(bits);
      values.push(p, p - 1n, p + 1n, -p, -p + 1n, -p - 1n);
    }
    const r = rng(7);
    for (let i = 0; i < 2000; i++) {
      values.push(
        BigInt.asIntN(64, (BigInt(Math.floor(r() * 2 ** 32)) << 32n) | BigInt(Math.floor(r() * 2 ** 32))),
      );
    }
    for (const v of values) {
      if (v >= -(2n ** 63n) && v < 2n ** 63n)
        same(
          (w) => w.int64(v),
          (ref) => ref.int64(v),
          `int64 ${v}`,
        );
      if (v >= 0n && v < 2n ** 64n)
        same(
          (w) => w.int64(v),
          (ref) => ref.uint64(v),
          `uint64 ${v}`,
        );
    }
  });

  it('writes int32 (negative = 10 bytes), uint32, doubles and strings like protobuf-es', () => {
    for (const v of [0, 1, 127, 128, 300, 2 ** 31 - 1, -1, -128, -(2 ** 31)]) {
      same(
        (w) => w.int32(v),
        (ref) => ref.int32(v),
        `int32 ${v}`,
      );
    }
    for (const v of [0, 127, 128, 16_383, 16_384, 2 ** 21, 2 ** 28, 2 ** 32 - 1]) {
      same(
        (w) => w.uint32(v),
        (ref) => ref.uint32(v),
        `uint32 ${v}`,
      );
    }
    for (const v of [
      0,
      -0,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      Number.MIN_VALUE,
      0.1555,
    ]) {
      same(
        (w) => w.double(v),
        (ref) => ref.double(v),
        `double ${v}`,
      );
    }
    for (const s of [
      '',
      'a',
      'x'.repeat(127),
      'x'.repeat(128),
      'é',
      '\ud83d\ude80',
      '\ud800',
      'ü'.repeat(9000),
    ]) {
      same(
        (w) => w.string(s),
        (ref) => ref.string(s),
        `string of ${s.length} units`,
      );
    }
  });

  it('writes nested lengths of 1 to 4 bytes, moving the body as protobuf-es fork/join would', () => {
    for (const n of [0, 1, 127, 128, 200, 16_383, 16_384, 2_097_152]) {
      const body = new Uint8Array(n).fill(7);
      same(
        (w) => {
          w.tag(4, 2);
          const at = w.fork();
          w.raw(body);
          w.join(at);
          w.tag(5, 0);
          w.uint32(1);
        },
        (ref) => ref.tag(4, 2).fork().raw(body).join().tag(5, 0).uint32(1),
        `body of ${n} bytes`,
      );
    }
  });

  it('never writes over an encoded message it handed out, across many slabs', () => {
    const samples = sampleEvents().marketdata;
    const kept: { bytes: Uint8Array; expected: Uint8Array }[] = [];
    for (let i = 0; i < 20_000; i++) {
      const event = samples[i % samples.length]!;
      const bytes = encodeMarketDataEvent(event);
      if (i % 997 === 0) kept.push({ bytes, expected: toBinary(MarketDataEventSchema, event) });
    }
    const buffers = new Set(kept.map((k) => k.bytes.buffer));
    assert.ok(buffers.size > 5, `spread over ${buffers.size} slabs`);
    for (const { bytes, expected } of kept) assert.deepEqual(Buffer.from(bytes), Buffer.from(expected));
  });
});

// The fast MarketDataEvent encoder must be byte-identical to protobuf-es toBinary, always.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  create,
  type DescMessage,
  equals,
  fromBinary,
  isFieldSet,
  type Message,
  toBinary,
} from '@bufbuild/protobuf';
import {
  isRejection,
  parseBookDelta,
  parseBookSnapshot,
  parseIndex,
  parseTicker,
  validateBook,
} from '../../../services/connector/src/venues/deribit/parse.ts';
import { encodeMarketDataEvent, isFastMarketDataPayload } from '../src/fast/encode-marketdata.ts';
import { type MarketDataEvent, MarketDataEventSchema } from '../src/gen/volstream/v1/events_pb.ts';
import { sampleEvents } from '../src/samples.ts';
import { TOPICS } from '../src/topics.ts';
import { RandomEvents } from './fast-random.ts';

function assertSameBytes(event: MarketDataEvent, what: string): Uint8Array {
  const expected = toBinary(MarketDataEventSchema, event);
  const actual = encodeMarketDataEvent(event);
  assert.ok(
    Buffer.from(actual).equals(Buffer.from(expected)),
    `${what}: fast bytes differ from toBinary\n fast ${Buffer.from(actual).toString('hex')}\n pbes ${Buffer.from(expected).toString('hex')}`,
  );
  return actual;
}

/**
 * Names of the fields of `message` (recursively) that are not set, to prove the samples set every
 * field (list elements: fields set by none of the elements).
 */
function unsetFields(desc: DescMessage, message: Message, path: string): string[] {
  const out: string[] = [];
  for (const field of desc.fields) {
    if (field.oneof !== undefined) continue; // the envelope's payload: one case per sample
    const at = `${path}.${field.name}`;
    if (!isFieldSet(message, field)) {
      out.push(at);
      continue;
    }
    const value = (message as unknown as Record<string, unknown>)[field.localName];
    if (field.fieldKind === 'message') out.push(...unsetFields(field.message, value as Message, at));
    if (field.fieldKind === 'list' && field.listKind === 'message') {
      // A field counts as covered when at least one element sets it (a delete level has amount 0).
      const perItem = (value as Message[]).map((item) => unsetFields(field.message, item, at));
      out.push(...(perItem[0] ?? []).filter((name) => perItem.every((unset) => unset.includes(name))));
    }
  }
  return out;
}

describe('fast MarketDataEvent encoder', () => {
  it('covers every payload variant except instrument, which delegates to toBinary', () => {
    const oneof = MarketDataEventSchema.oneofs[0]!;
    const fast = oneof.fields.filter((f) =>
      isFastMarketDataPayload(
        create(MarketDataEventSchema, { payload: { case: f.localName, value: {} } } as never),
      ),
    );
    assert.deepEqual(
      fast.map((f) => f.localName),
      ['bookSnapshot', 'bookDelta', 'ticker', 'indexPrice', 'trade', 'instrumentState'],
    );
  });

  it('is byte-identical on every sample, and the samples set every field (a new field fails here)', () => {
    const samples = sampleEvents().marketdata;
    const cases = new Set<string | undefined>();
    const headerUnset: string[][] = [];
    for (const event of samples) {
      const kind = event.payload.case;
      cases.add(kind);
      const payloadField = MarketDataEventSchema.oneofs[0]!.fields.find((f) => f.localName === kind)!;
      headerUnset.push(unsetFields(MarketDataEventSchema, event, 'event'));
      assert.deepEqual(
        unsetFields(payloadField.message!, event.payload.value as Message, kind ?? 'none'),
        [],
        `sample ${kind} must set every field so that the byte-identity below covers it`,
      );
      const bytes = assertSameBytes(event, `sample ${kind}`);
      assert.ok(equals(MarketDataEventSchema, fromBinary(MarketDataEventSchema, bytes), event));
    }
    const neverSet = (headerUnset[0] ?? []).filter((name) =>
      headerUnset.every((unset) => unset.includes(name)),
    );
    assert.deepEqual(neverSet, [], 'every header field is set in at least one sample');
    assert.equal(cases.size, MarketDataEventSchema.oneofs[0]!.fields.length, 'one sample per payload case');
  });

  it('TOPICS.marketdata.encode is the fast encoder and decodes back to the input', () => {
    for (const event of sampleEvents().marketdata) {
      const bytes = TOPICS.marketdata.encode(event);
      assert.deepEqual(bytes, toBinary(MarketDataEventSchema, event));
      assert.ok(equals(MarketDataEventSchema, TOPICS.marketdata.decode(bytes), event));
    }
  });

  it('is byte-identical on 10,000 random messages, which decode back to the input', () => {
    const random = new RandomEvents(20_210_722);
    const seen = new Map<string, number>();
    for (let i = 0; i < 10_000; i++) {
      const event = random.event();
      const kind = event.payload.case ?? 'none';
      seen.set(kind, (seen.get(kind) ?? 0) + 1);
      const bytes = assertSameBytes(event, `random #${i} ${kind}`);
      const back = fromBinary(MarketDataEventSchema, bytes);
      assert.deepStrictEqual(back, event, `random #${i} round trip`); // NaN and −0 compared by Object.is
      if (!random.hasNaN) assert.ok(equals(MarketDataEventSchema, back, event));
    }
    for (const kind of ['bookSnapshot', 'bookDelta', 'ticker', 'indexPrice', 'trade', 'instrumentState']) {
      assert.ok((seen.get(kind) ?? 0) > 1000, `${kind} generated ${seen.get(kind)} times`);
    }
  });

  it('writes lone surrogates as U+FFFD like TextEncoder, and long bodies with multi-byte lengths', () => {
    const strings = ['\ud800', 'a\udc00b', 'é'.repeat(70), 'x'.repeat(200_000), '日'.repeat(6000)];
    for (const s of strings) {
      const event = create(MarketDataEventSchema, {
        header: { venue: s, runId: 'live' },
        payload: { case: 'indexPrice', value: { indexName: s, currency: 'BTC', price: 1 } },
      });
      assertSameBytes(event, `string of length ${s.length}`);
    }
  });

  it('keeps unknown fields of a decoded message, where toBinary writes them', () => {
    const sample = sampleEvents().marketdata.find((e) => e.payload.case === 'ticker')!;
    const bytes = toBinary(MarketDataEventSchema, sample);
    // Field 99 (varint 150) appended to the envelope, field 30 (string "hi") inside the ticker.
    const withUnknown = new Uint8Array([...bytes, 0x98, 0x06, 0x96, 0x01]);
    const decoded = fromBinary(MarketDataEventSchema, withUnknown);
    assert.equal(decoded.$unknown?.length, 1);
    assertSameBytes(decoded, 'envelope with an unknown field');
    if (decoded.payload.case === 'ticker') {
      decoded.payload.value.$unknown = [{ no: 30, wireType: 2, data: new Uint8Array([2, 0x68, 0x69]) }];
    }
    assertSameBytes(decoded, 'ticker with an unknown field');
  });
});

describe('fast encoder on the real Deribit data parsed by the connector', () => {
  const root = new URL('../../../', import.meta.url).pathname;
  const shared = join(root, '..', 'shared', 'data');
  const ctx = { producerId: 'connector-deribit-0' };
  const receiveNs = 1_626_993_723_804_855_000n;

  type Frame = { params?: { channel?: string; data?: unknown } };
  function frames(): Frame[] {
    const capture = readFileSync(join(shared, 'deribit_ws_capture_2021-07-22', 'DERIBIT.ws.1.0.txt'), 'utf8');
    const out: Frame[] = [];
    for (const line of capture.split('\n')) {
      const match = /^\d+\.\d+: (\{.*\})$/.exec(line);
      if (match !== null) out.push(JSON.parse(match[1]!) as Frame);
    }
    const samples = join(shared, 'exchange_ws_message_samples', 'deribit_options_and_book.json');
    out.push(...(JSON.parse(readFileSync(samples, 'utf8')) as Frame[]));
    return out;
  }

  function option(name: string) {
    const parts = name.split('-');
    const kind = parts.length === 4 ? 'option' : parts[1] === 'PERPETUAL' ? 'perpetual' : 'future';
    return { name, kind, currency: parts[0]!, inverse: true, expiryMs: 1, shard: 0 };
  }

  it('is byte-identical for every book, ticker and index message of the 2021 capture and the samples', () => {
    const counts = { book: 0, ticker: 0, index: 0 };
    for (const frame of frames()) {
      const channel = frame.params?.channel ?? '';
      // biome-ignore lint/suspicious/noExplicitAny: venue payloads are checked by the parse functions
      const data = frame.params?.data as any;
      let event: unknown;
      if (channel.startsWith('book.')) {
        if (validateBook(data) !== undefined) continue;
        const snapshot = data.type === 'snapshot' || !data.prev_change_id;
        event = snapshot ? parseBookSnapshot(data, receiveNs, ctx) : parseBookDelta(data, receiveNs, ctx);
        counts.book++;
      } else if (channel.startsWith('ticker.')) {
        event = parseTicker(data, option(data.instrument_name), receiveNs, ctx);
        counts.ticker++;
      } else if (channel.startsWith('deribit_price_index.')) {
        event = parseIndex(data, receiveNs, ctx);
        counts.index++;
      } else continue;
      if (isRejection(event)) continue;
      const bytes = assertSameBytes(event as MarketDataEvent, channel);
      assert.ok(
        equals(MarketDataEventSchema, fromBinary(MarketDataEventSchema, bytes), event as MarketDataEvent),
      );
    }
    assert.ok(counts.book >= 40 && counts.ticker >= 90, `parsed ${JSON.stringify(counts)}`);
  });
});

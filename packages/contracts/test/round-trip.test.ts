import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type DescMessage, equals, type MessageShape } from '@bufbuild/protobuf';
import { reflect } from '@bufbuild/protobuf/reflect';
import { type SampleEvents, sampleEvents, TOPICS, type TopicKey } from '../src/index.ts';

const keys = Object.keys(TOPICS) as TopicKey[];

// Counts fields of a message (recursively) that hold no value, so "fully populated" is checked,
// not assumed. Proto3 scalars at their zero value count as unset: samples use non-zero values,
// except the listed fields whose zero value is the meaningful sample value.
const ZERO_IS_MEANINGFUL = new Set([
  'skipped',
  'stale',
  'crossed',
  'belowTick',
  'skipReason',
  'approximated',
  'interestRate',
  'extrapolated',
  'repaired',
  'amount',
  'sourceSequence',
  'inFit',
  // Empty on a quote in the fit.
  'excludedReason',
]);

function unsetFields(schema: DescMessage, message: MessageShape<DescMessage>, path: string, out: string[]) {
  const r = reflect(schema, message);
  for (const field of schema.fields) {
    if (field.oneof !== undefined) continue;
    const where = `${path}.${field.localName}`;
    if (!r.isSet(field)) {
      if (!ZERO_IS_MEANINGFUL.has(field.localName)) out.push(where);
      continue;
    }
    if (field.fieldKind === 'message') {
      const child = r.get(field);
      unsetFields(field.message, child.message as MessageShape<DescMessage>, where, out);
    } else if (field.fieldKind === 'list' && field.listKind === 'message') {
      const list = r.get(field);
      const first = list.get(0);
      if (first !== undefined) {
        unsetFields(
          field.message,
          (first as { message: MessageShape<DescMessage> }).message,
          `${where}[0]`,
          out,
        );
      }
    }
  }
  for (const oneof of schema.oneofs) {
    const setField = r.oneofCase(oneof);
    if (setField?.fieldKind === 'message') {
      const child = r.get(setField);
      unsetFields(
        setField.message,
        child.message as MessageShape<DescMessage>,
        `${path}.${setField.localName}`,
        out,
      );
    }
  }
}

describe('sampleEvents', () => {
  const samples: SampleEvents = sampleEvents();

  it('has exactly one sample of every payload variant of every envelope', () => {
    for (const key of keys) {
      const schema = TOPICS[key].schema;
      const variants = schema.oneofs[0]?.fields.map((f) => f.localName) ?? [];
      const cases = samples[key].map((event) => event.payload.case);
      assert.deepEqual([...cases].sort(), [...variants].sort(), `${key} variants`);
    }
  });

  it('sets every field of every sample (fully populated)', () => {
    for (const key of keys) {
      const schema = TOPICS[key].schema as DescMessage;
      for (const event of samples[key]) {
        const unset: string[] = [];
        unsetFields(schema, event as MessageShape<DescMessage>, `${key}.${event.payload.case}`, unset);
        assert.deepEqual(unset, [], `unset fields in ${key}.${event.payload.case}`);
      }
    }
  });

  it('the completeness check itself detects a missing field', () => {
    const event = sampleEvents().marketdata.find((e) => e.payload.case === 'ticker');
    assert.ok(event?.payload.case === 'ticker');
    delete event.payload.value.markIv;
    event.payload.value.underlyingIndex = '';
    const unset: string[] = [];
    unsetFields(TOPICS.marketdata.schema, event as MessageShape<DescMessage>, 'md', unset);
    assert.deepEqual(unset, ['md.ticker.markIv', 'md.ticker.underlyingIndex']);
  });

  it('round-trips every sample through encode/decode unchanged', () => {
    for (const key of keys) {
      const spec = TOPICS[key];
      for (const event of samples[key]) {
        const bytes = spec.encode(event as never);
        assert.ok(bytes.length > 20, `${key}.${event.payload.case} encodes to bytes`);
        const back = spec.decode(bytes);
        assert.ok(
          equals(spec.schema as DescMessage, back as never, event as never),
          `${key}.${event.payload.case}`,
        );
      }
    }
  });

  it('survives the protobuf JSON mapping used by `volstream tap`', () => {
    const ticker = samples.marketdata.find((e) => e.payload.case === 'ticker');
    assert.ok(ticker);
    const json = TOPICS.marketdata.toJson(ticker) as Record<string, Record<string, unknown>>;
    assert.equal(json.header?.venue, 'deribit');
    assert.equal(json.header?.receiveTimeNs, '1626993722976000000');
    assert.equal(json.ticker?.markIv, 0.7657);
    assert.equal(json.ticker?.priceUnit, 'PRICE_UNIT_BASE_COIN');
  });

  it('returns fresh objects on each call', () => {
    const a = sampleEvents();
    const b = sampleEvents();
    assert.notEqual(a.marketdata[0], b.marketdata[0]);
    assert.ok(equals(TOPICS.marketdata.schema, a.marketdata[0]!, b.marketdata[0]!));
  });
});

/**
 * Hand-written decoder of VolatilityEvent (VolQuoteBatch; proto/volstream/v1/volatility.proto), for
 * the surface worker's input. Returns exactly what protobuf-es
 * `fromBinary(VolatilityEventSchema, bytes)` returns (plain objects with `$typeName`, implicit
 * fields at zero, `optional` fields present only when on the wire), or `undefined` when it meets
 * anything it does not handle the same way (unknown field or wire type, a message field seen
 * twice, invalid UTF-8, truncated bytes): then use fromBinary.
 */
import type { VolatilityEvent } from '../gen/volstream/v1/events_pb.ts';
import type { Greeks, VolQuote, VolQuoteBatch } from '../gen/volstream/v1/volatility_pb.ts';
import { readBool, readHeader, wire } from './header-codec.ts';
import { GIVE_UP, Reader } from './reader.ts';

const GREEK_KEYS = ['', 'deltaForward', 'deltaPremiumAdjusted', 'gamma', 'vega', 'theta'] as const;

function greeks(r: Reader, end: number): Greeks {
  const g: Greeks = { $typeName: 'volstream.v1.Greeks' };
  while (r.pos < end) {
    const tag = r.varint();
    const no = tag >>> 3;
    wire(tag, 1);
    if (no < 1 || no > 5) throw GIVE_UP;
    g[GREEK_KEYS[no] as 'gamma'] = r.double();
  }
  if (r.pos !== end) throw GIVE_UP;
  return g;
}

/** VolQuote's double fields by number (implicit and optional alike: both are plain properties). */
const QUOTE_DOUBLES: readonly (keyof VolQuote | undefined)[] = [
  undefined,
  undefined,
  'strike',
  undefined,
  undefined,
  'bidIv',
  'askIv',
  'midIv',
  'markIv',
  'bidPrice',
  'askPrice',
  'markPrice',
  undefined,
  undefined,
  'forward',
  undefined,
  'timeToExpiryYears',
  undefined,
  undefined,
  'logMoneyness',
  undefined,
  undefined,
  undefined,
  undefined,
  undefined,
  undefined,
  'venueMarkIv',
  'bidAmount',
  'askAmount',
  'tickSize',
];

function volQuote(r: Reader, end: number): VolQuote {
  const q: VolQuote = {
    $typeName: 'volstream.v1.VolQuote',
    instrumentName: '',
    strike: 0,
    optionType: 0,
    expiryMs: 0n,
    priceUnit: 0,
    forward: 0,
    forwardSource: 0,
    timeToExpiryYears: 0,
    valuationClock: 0,
    valuationTimeMs: 0n,
    logMoneyness: 0,
    approximated: false,
    skipped: false,
    stale: false,
    crossed: false,
    belowTick: false,
    skipReason: '',
  };
  while (r.pos < end) {
    const tag = r.varint();
    const no = tag >>> 3;
    const key = QUOTE_DOUBLES[no];
    if (key !== undefined) {
      wire(tag, 1);
      (q as unknown as Record<string, number>)[key] = r.double();
    } else if (no === 1 || no === 25) {
      wire(tag, 2);
      if (no === 1) q.instrumentName = r.string();
      else q.skipReason = r.string();
    } else if (no === 13) {
      wire(tag, 2);
      if (q.greeks !== undefined) throw GIVE_UP; // a repeated message field is merged by fromBinary
      q.greeks = greeks(r, r.end());
    } else {
      wire(tag, 0);
      if (no === 3) q.optionType = r.int32();
      else if (no === 4) q.expiryMs = r.int64();
      else if (no === 12) q.priceUnit = r.int32();
      else if (no === 15) q.forwardSource = r.int32();
      else if (no === 17) q.valuationClock = r.int32();
      else if (no === 18) q.valuationTimeMs = r.int64();
      else if (no === 20) q.approximated = readBool(r);
      else if (no === 21) q.skipped = readBool(r);
      else if (no === 22) q.stale = readBool(r);
      else if (no === 23) q.crossed = readBool(r);
      else if (no === 24) q.belowTick = readBool(r);
      else throw GIVE_UP;
    }
  }
  if (r.pos !== end) throw GIVE_UP;
  return q;
}

function quoteBatch(r: Reader, end: number): VolQuoteBatch {
  const b: VolQuoteBatch = {
    $typeName: 'volstream.v1.VolQuoteBatch',
    currency: '',
    expiryMs: 0n,
    forward: 0,
    forwardSource: 0,
    timeToExpiryYears: 0,
    quotes: [],
    computedCount: 0,
    approximatedCount: 0,
    skippedCount: 0,
    computeTimeUs: 0,
  };
  while (r.pos < end) {
    const tag = r.varint();
    const no = tag >>> 3;
    if (no === 6) {
      wire(tag, 2);
      b.quotes.push(volQuote(r, r.end()));
    } else if (no === 1) {
      wire(tag, 2);
      b.currency = r.string();
    } else if (no === 3 || no === 5 || no === 10) {
      wire(tag, 1);
      const v = r.double();
      if (no === 3) b.forward = v;
      else if (no === 5) b.timeToExpiryYears = v;
      else b.computeTimeUs = v;
    } else {
      wire(tag, 0);
      if (no === 2) b.expiryMs = r.int64();
      else if (no === 4) b.forwardSource = r.int32();
      else if (no === 7) b.computedCount = r.varint();
      else if (no === 8) b.approximatedCount = r.varint();
      else if (no === 9) b.skippedCount = r.varint();
      else throw GIVE_UP;
    }
  }
  if (r.pos !== end) throw GIVE_UP;
  return b;
}

function envelope(r: Reader): VolatilityEvent {
  const m: VolatilityEvent = { $typeName: 'volstream.v1.VolatilityEvent', payload: { case: undefined } };
  const end = r.buf.length;
  while (r.pos < end) {
    const tag = r.varint();
    const no = tag >>> 3;
    wire(tag, 2);
    // protobuf merges a message field that appears twice; leave that to fromBinary.
    if (no === 1) {
      if (m.header !== undefined) throw GIVE_UP;
      m.header = readHeader(r, r.end());
    } else if (no === 2) {
      if (m.payload.case !== undefined) throw GIVE_UP;
      m.payload = { case: 'quoteBatch', value: quoteBatch(r, r.end()) };
    } else throw GIVE_UP;
  }
  return m;
}

/**
 * The VolatilityEvent in `bytes`, equal to what fromBinary returns, or undefined when this decoder
 * does not handle the bytes (then use fromBinary, which decodes them or throws).
 */
export function decodeVolatilityEvent(bytes: Uint8Array): VolatilityEvent | undefined {
  try {
    return envelope(new Reader(bytes));
  } catch (e) {
    if (e === GIVE_UP) return undefined;
    throw e;
  }
}

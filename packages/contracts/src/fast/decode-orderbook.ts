/**
 * Hand-written decoder of OrderBookEvent (BookTop, Forward; proto/volstream/v1/orderbook.proto).
 * Returns exactly what protobuf-es `fromBinary(OrderBookEventSchema, bytes)` returns (plain objects
 * with `$typeName`, implicit fields at zero, `optional` fields present only when on the wire), or
 * `undefined` when it meets anything it does not handle the same way (unknown field or wire type,
 * a message field seen twice, invalid UTF-8, truncated bytes): then use fromBinary.
 */
import type { OrderBookEvent } from '../gen/volstream/v1/events_pb.ts';
import type { PriceLevel } from '../gen/volstream/v1/marketdata_pb.ts';
import type { BookTop, Forward } from '../gen/volstream/v1/orderbook_pb.ts';
import { readBool, readHeader, wire } from './header-codec.ts';
import { GIVE_UP, Reader } from './reader.ts';

export function readPriceLevel(r: Reader, end: number): PriceLevel {
  const l: PriceLevel = { $typeName: 'volstream.v1.PriceLevel', price: 0, amount: 0 };
  while (r.pos < end) {
    const tag = r.varint();
    wire(tag, 1);
    if (tag >>> 3 === 1) l.price = r.double();
    else if (tag >>> 3 === 2) l.amount = r.double();
    else throw GIVE_UP;
  }
  if (r.pos !== end) throw GIVE_UP;
  return l;
}

/** BookTop's double fields by field number: strike (5) and the ticker values (14-20). */
const TOP_DOUBLES: readonly (keyof BookTop | undefined)[] = [
  ...new Array<undefined>(5),
  'strike',
  ...new Array<undefined>(8),
  'markPrice',
  'venueMarkIv',
  'venueBidIv',
  'venueAskIv',
  'underlyingPrice',
  'indexPrice',
  'tickSize',
];

function bookTop(r: Reader, end: number): BookTop {
  const b: BookTop = {
    $typeName: 'volstream.v1.BookTop',
    instrumentName: '',
    currency: '',
    kind: 0,
    optionType: 0,
    priceUnit: 0,
    bids: [],
    asks: [],
    depth: 0,
    synced: false,
  };
  while (r.pos < end) {
    const tag = r.varint();
    const no = tag >>> 3;
    const key = TOP_DOUBLES[no];
    if (key !== undefined) {
      wire(tag, 1);
      (b as unknown as Record<string, number>)[key] = r.double();
    } else if (no === 8 || no === 9) {
      wire(tag, 2);
      const level = readPriceLevel(r, r.end());
      (no === 8 ? b.bids : b.asks).push(level);
    } else if (no === 1 || no === 2) {
      wire(tag, 2);
      if (no === 1) b.instrumentName = r.string();
      else b.currency = r.string();
    } else {
      wire(tag, 0);
      if (no === 3) b.kind = r.int32();
      else if (no === 4) b.expiryMs = r.int64();
      else if (no === 6) b.optionType = r.int32();
      else if (no === 7) b.priceUnit = r.int32();
      else if (no === 10) b.depth = r.varint();
      else if (no === 11) b.synced = readBool(r);
      else if (no === 12) b.changeId = r.uint64();
      else if (no === 13) b.seq = r.uint64();
      else throw GIVE_UP;
    }
  }
  if (r.pos !== end) throw GIVE_UP;
  return b;
}

function forward(r: Reader, end: number): Forward {
  const f: Forward = {
    $typeName: 'volstream.v1.Forward',
    currency: '',
    expiryMs: 0n,
    forward: 0,
    source: 0,
    asOfMs: 0n,
    underlyingIndex: '',
  };
  while (r.pos < end) {
    const tag = r.varint();
    const no = tag >>> 3;
    if (no === 1 || no === 6) {
      wire(tag, 2);
      if (no === 1) f.currency = r.string();
      else f.underlyingIndex = r.string();
    } else if (no === 3 || no === 7) {
      wire(tag, 1);
      if (no === 3) f.forward = r.double();
      else f.indexPrice = r.double();
    } else {
      wire(tag, 0);
      if (no === 2) f.expiryMs = r.int64();
      else if (no === 4) f.source = r.int32();
      else if (no === 5) f.asOfMs = r.int64();
      else throw GIVE_UP;
    }
  }
  if (r.pos !== end) throw GIVE_UP;
  return f;
}

function envelope(r: Reader): OrderBookEvent {
  const m: OrderBookEvent = { $typeName: 'volstream.v1.OrderBookEvent', payload: { case: undefined } };
  const end = r.buf.length;
  while (r.pos < end) {
    const tag = r.varint();
    const no = tag >>> 3;
    wire(tag, 2);
    // protobuf merges a message field that appears twice; leave that to fromBinary.
    if (no === 1) {
      if (m.header !== undefined) throw GIVE_UP;
      m.header = readHeader(r, r.end());
      continue;
    }
    if (m.payload.case !== undefined) throw GIVE_UP;
    const bodyEnd = r.end();
    if (no === 2) m.payload = { case: 'bookTop', value: bookTop(r, bodyEnd) };
    else if (no === 3) m.payload = { case: 'forward', value: forward(r, bodyEnd) };
    else throw GIVE_UP;
  }
  return m;
}

/**
 * The OrderBookEvent in `bytes`, equal to what fromBinary returns, or undefined when this decoder
 * does not handle the bytes (then use fromBinary, which decodes them or throws).
 */
export function decodeOrderBookEvent(bytes: Uint8Array): OrderBookEvent | undefined {
  try {
    return envelope(new Reader(bytes));
  } catch (e) {
    if (e === GIVE_UP) return undefined;
    throw e;
  }
}

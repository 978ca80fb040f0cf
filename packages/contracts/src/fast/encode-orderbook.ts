/**
 * Hand-written encoder of OrderBookEvent (proto/volstream/v1/events.proto, orderbook.proto): the
 * order-book worker's BookTop (conflated top-N book + ticker fields) and Forward, byte-identical to
 * protobuf-es `toBinary(OrderBookEventSchema, m)` (test/fast-orderbook.test.ts proves it on
 * samples, random and edge-case messages). Rules as in encode-marketdata.ts: fields in number
 * order, implicit scalars omitted at zero (doubles: +0 only), `optional` fields written whenever
 * set, one record per repeated element, unknown fields last.
 */
import type { OrderBookEvent } from '../gen/volstream/v1/events_pb.ts';
import type { PriceLevel } from '../gen/volstream/v1/marketdata_pb.ts';
import type { BookTop, Forward } from '../gen/volstream/v1/orderbook_pb.ts';
import { bool, dbl, enm, i64, optDbl, optI64, str, u32, unknownFields, writeHeader } from './header-codec.ts';
import { ProtoWriter, WIRE_LEN } from './writer.ts';

const writer = new ProtoWriter();

function levels(w: ProtoWriter, no: number, list: readonly PriceLevel[]): void {
  for (let i = 0; i < list.length; i++) {
    const level = list[i]!;
    w.tag(no, WIRE_LEN);
    const at = w.fork();
    dbl(w, 1, level.price);
    dbl(w, 2, level.amount);
    unknownFields(w, level.$unknown);
    w.join(at);
  }
}

/** BookTop, fields 1-20. */
function bookTop(w: ProtoWriter, b: BookTop): void {
  str(w, 1, b.instrumentName);
  str(w, 2, b.currency);
  enm(w, 3, b.kind);
  optI64(w, 4, b.expiryMs);
  optDbl(w, 5, b.strike);
  enm(w, 6, b.optionType);
  enm(w, 7, b.priceUnit);
  levels(w, 8, b.bids);
  levels(w, 9, b.asks);
  u32(w, 10, b.depth);
  bool(w, 11, b.synced);
  optI64(w, 12, b.changeId);
  optI64(w, 13, b.seq);
  optDbl(w, 14, b.markPrice);
  optDbl(w, 15, b.venueMarkIv);
  optDbl(w, 16, b.venueBidIv);
  optDbl(w, 17, b.venueAskIv);
  optDbl(w, 18, b.underlyingPrice);
  optDbl(w, 19, b.indexPrice);
  optDbl(w, 20, b.tickSize);
  unknownFields(w, b.$unknown);
}

/** Forward, fields 1-7. */
function forward(w: ProtoWriter, f: Forward): void {
  str(w, 1, f.currency);
  i64(w, 2, f.expiryMs);
  dbl(w, 3, f.forward);
  enm(w, 4, f.source);
  i64(w, 5, f.asOfMs);
  str(w, 6, f.underlyingIndex);
  optDbl(w, 7, f.indexPrice);
  unknownFields(w, f.$unknown);
}

/**
 * The protobuf binary encoding of an OrderBookEvent, byte-identical to
 * `toBinary(OrderBookEventSchema, event)`. Returns a view into the writer's slab that the caller
 * owns (writer.ts "Output memory"): read it through byteOffset/byteLength.
 */
export function encodeOrderBookEvent(event: OrderBookEvent): Uint8Array {
  const w = writer;
  w.reset();
  if (event.header !== undefined) {
    w.tag(1, WIRE_LEN);
    const at = w.fork();
    writeHeader(w, event.header);
    w.join(at);
  }
  const p = event.payload;
  if (p.case === 'bookTop') {
    w.tag(2, WIRE_LEN);
    const at = w.fork();
    bookTop(w, p.value);
    w.join(at);
  } else if (p.case === 'forward') {
    w.tag(3, WIRE_LEN);
    const at = w.fork();
    forward(w, p.value);
    w.join(at);
  }
  unknownFields(w, event.$unknown);
  return w.finish();
}

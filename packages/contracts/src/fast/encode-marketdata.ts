/**
 * Hand-written encoder of MarketDataEvent (proto/volstream/v1/events.proto, marketdata.proto,
 * header.proto), byte-identical to protobuf-es `toBinary(MarketDataEventSchema, m)` and about an
 * order of magnitude faster on the connector's hot path (docs/BENCHMARKS.md "Contracts: fast encoder").
 *
 * Rules followed, as protobuf-es applies them (dist/esm/to-binary.js):
 * - fields in field-number order; the oneof payload at its case's number; unknown fields last;
 * - implicit-presence scalars omitted at their zero value: "" for strings, 0n for 64-bit integers,
 *   0 for uint32/enums, +0 for doubles (−0 and NaN ARE written, Object.is semantics);
 * - `optional` scalars and message fields written whenever they are not undefined (even when zero);
 * - repeated messages: one length-delimited record per element, none for an empty list.
 *
 * Covered payloads: book_snapshot, book_delta, ticker, index_price, trade, instrument_state.
 * `instrument` (rare: once per listing) is left to toBinary. When a field is added to one of these
 * messages, test/fast-marketdata.test.ts fails on the every-field samples until it is added here.
 */
import { toBinary } from '@bufbuild/protobuf';
import { type MarketDataEvent, MarketDataEventSchema } from '../gen/volstream/v1/events_pb.ts';
import type {
  BookDelta,
  BookSnapshot,
  IndexPrice,
  InstrumentStateChange,
  Ticker,
  Trade,
  VenueGreeks,
} from '../gen/volstream/v1/marketdata_pb.ts';
import { dbl, enm, optDbl, optI64, str, unknownFields, writeHeader } from './header-codec.ts';
import { ProtoWriter, WIRE_LEN, WIRE_VARINT } from './writer.ts';

const writer = new ProtoWriter();

/** BookSnapshot: levels are PriceLevel {price = 1, amount = 2}. */
function bookSnapshot(w: ProtoWriter, b: BookSnapshot): void {
  str(w, 1, b.instrumentName);
  for (let side = 2; side <= 3; side++) {
    const levels = side === 2 ? b.bids : b.asks;
    for (const level of levels) {
      w.tag(side, WIRE_LEN);
      const at = w.fork();
      dbl(w, 1, level.price);
      dbl(w, 2, level.amount);
      unknownFields(w, level.$unknown);
      w.join(at);
    }
  }
  optI64(w, 4, b.changeId);
  optI64(w, 5, b.prevChangeId);
  optI64(w, 6, b.seq);
  optI64(w, 7, b.prevSeq);
  optI64(w, 8, b.firstSeq);
  if (b.depth !== undefined) {
    w.tag(9, WIRE_VARINT);
    w.uint32(b.depth);
  }
  unknownFields(w, b.$unknown);
}

/** BookDelta: levels are LevelUpdate {action = 1, price = 2, amount = 3}. */
function bookDelta(w: ProtoWriter, b: BookDelta): void {
  str(w, 1, b.instrumentName);
  for (let side = 2; side <= 3; side++) {
    const levels = side === 2 ? b.bids : b.asks;
    for (const level of levels) {
      w.tag(side, WIRE_LEN);
      const at = w.fork();
      enm(w, 1, level.action);
      dbl(w, 2, level.price);
      dbl(w, 3, level.amount);
      unknownFields(w, level.$unknown);
      w.join(at);
    }
  }
  optI64(w, 4, b.changeId);
  optI64(w, 5, b.prevChangeId);
  optI64(w, 6, b.seq);
  optI64(w, 7, b.prevSeq);
  optI64(w, 8, b.firstSeq);
  unknownFields(w, b.$unknown);
}

function greeks(w: ProtoWriter, g: VenueGreeks): void {
  optDbl(w, 1, g.delta);
  optDbl(w, 2, g.gamma);
  optDbl(w, 3, g.vega);
  optDbl(w, 4, g.theta);
  optDbl(w, 5, g.rho);
  unknownFields(w, g.$unknown);
}

/** Ticker, fields 1-20 (greeks = 15 nested). */
function ticker(w: ProtoWriter, t: Ticker): void {
  str(w, 1, t.instrumentName);
  enm(w, 2, t.priceUnit);
  optDbl(w, 3, t.bestBidPrice);
  optDbl(w, 4, t.bestBidAmount);
  optDbl(w, 5, t.bestAskPrice);
  optDbl(w, 6, t.bestAskAmount);
  optDbl(w, 7, t.markPrice);
  optDbl(w, 8, t.lastPrice);
  optDbl(w, 9, t.bidIv);
  optDbl(w, 10, t.askIv);
  optDbl(w, 11, t.markIv);
  optDbl(w, 12, t.underlyingPrice);
  str(w, 13, t.underlyingIndex);
  optDbl(w, 14, t.indexPrice);
  if (t.greeks !== undefined) {
    w.tag(15, WIRE_LEN);
    const at = w.fork();
    greeks(w, t.greeks);
    w.join(at);
  }
  optDbl(w, 16, t.openInterest);
  enm(w, 17, t.state);
  optDbl(w, 18, t.interestRate);
  optDbl(w, 19, t.settlementPrice);
  optDbl(w, 20, t.estimatedDeliveryPrice);
  unknownFields(w, t.$unknown);
}

function indexPrice(w: ProtoWriter, p: IndexPrice): void {
  str(w, 1, p.indexName);
  str(w, 2, p.currency);
  dbl(w, 3, p.price);
  unknownFields(w, p.$unknown);
}

function trade(w: ProtoWriter, t: Trade): void {
  str(w, 1, t.instrumentName);
  str(w, 2, t.tradeId);
  enm(w, 3, t.side);
  dbl(w, 4, t.price);
  dbl(w, 5, t.amount);
  enm(w, 6, t.priceUnit);
  optDbl(w, 7, t.iv);
  optDbl(w, 8, t.indexPrice);
  optDbl(w, 9, t.markPrice);
  optI64(w, 10, t.tradeSeq);
  unknownFields(w, t.$unknown);
}

function instrumentState(w: ProtoWriter, s: InstrumentStateChange): void {
  str(w, 1, s.instrumentName);
  enm(w, 2, s.state);
  str(w, 3, s.venueState);
  unknownFields(w, s.$unknown);
}

/** Writes one oneof payload body (tag + length + message); false when this encoder does not cover it. */
function payload(w: ProtoWriter, p: MarketDataEvent['payload']): boolean {
  switch (p.case) {
    case undefined:
      return true;
    case 'bookDelta': {
      w.tag(4, WIRE_LEN);
      const at = w.fork();
      bookDelta(w, p.value);
      w.join(at);
      return true;
    }
    case 'ticker': {
      w.tag(5, WIRE_LEN);
      const at = w.fork();
      ticker(w, p.value);
      w.join(at);
      return true;
    }
    case 'bookSnapshot': {
      w.tag(3, WIRE_LEN);
      const at = w.fork();
      bookSnapshot(w, p.value);
      w.join(at);
      return true;
    }
    case 'indexPrice': {
      w.tag(6, WIRE_LEN);
      const at = w.fork();
      indexPrice(w, p.value);
      w.join(at);
      return true;
    }
    case 'trade': {
      w.tag(7, WIRE_LEN);
      const at = w.fork();
      trade(w, p.value);
      w.join(at);
      return true;
    }
    case 'instrumentState': {
      w.tag(8, WIRE_LEN);
      const at = w.fork();
      instrumentState(w, p.value);
      w.join(at);
      return true;
    }
    default:
      return false;
  }
}

/** Whether encodeMarketDataEvent writes this payload itself (false: it delegates to toBinary). */
export function isFastMarketDataPayload(event: MarketDataEvent): boolean {
  return event.payload.case !== 'instrument';
}

/**
 * The protobuf binary encoding of a MarketDataEvent, byte-identical to
 * `toBinary(MarketDataEventSchema, event)`; payloads it does not cover go through toBinary.
 * Returns a view into the writer's slab that the caller owns: no later encode writes over it
 * (writer.ts "Output memory"); read it through byteOffset/byteLength, as any Uint8Array view.
 */
export function encodeMarketDataEvent(event: MarketDataEvent): Uint8Array {
  if (!isFastMarketDataPayload(event)) return toBinary(MarketDataEventSchema, event);
  const w = writer;
  w.reset();
  if (event.header !== undefined) {
    w.tag(1, WIRE_LEN);
    const at = w.fork();
    writeHeader(w, event.header);
    w.join(at);
  }
  if (!payload(w, event.payload)) return toBinary(MarketDataEventSchema, event);
  unknownFields(w, event.$unknown);
  return w.finish();
}

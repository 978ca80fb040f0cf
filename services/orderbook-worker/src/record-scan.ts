// One marketdata input as the order-book transform reads it: a reusable, flat view (numbers,
// interned strings, level arrays) filled either straight from the record bytes (the hot path: no
// protobuf objects per message, docs/BENCHMARKS.md "Order-book worker") or from a decoded
// MarketDataEvent (tests, replay). The wire layout read here is proto/volstream/v1/events.proto,
// header.proto and marketdata.proto (protobuf encoding: https://protobuf.dev/programming-guides/encoding/).
// Anything unusual (an Instrument payload, unknown fields, a field that protobuf would merge,
// truncated bytes) makes `scanRecord` give up; the caller then decodes the record fully.
import type { EventHeader, MarketDataEvent } from '@volstream/contracts';

export enum Kind {
  Other = 0,
  Snapshot = 1,
  Delta = 2,
  Ticker = 3,
  Index = 4,
  State = 5,
}

/** Levels of one side of a snapshot or delta; `action` is BookAction (0 for snapshot levels). */
export class Levels {
  n = 0;
  price = new Float64Array(64);
  amount = new Float64Array(64);
  action = new Uint8Array(64);

  push(price: number, amount: number, action: number): void {
    if (this.n === this.price.length) this.#grow();
    this.price[this.n] = price;
    this.amount[this.n] = amount;
    this.action[this.n] = action;
    this.n++;
  }

  #grow(): void {
    const size = this.price.length * 2;
    const price = new Float64Array(size);
    const amount = new Float64Array(size);
    const action = new Uint8Array(size);
    price.set(this.price);
    amount.set(this.amount);
    action.set(this.action);
    this.price = price;
    this.amount = amount;
    this.action = action;
  }
}

/** The fields of one input the transform uses; `undefined` = absent on the wire. */
export class MarketDataScan {
  kind = Kind.Other;
  hasHeader = false;
  schemaVersion = 0;
  venue = '';
  exchangeTimeMs = 0;
  eventIdText = '';
  name = '';
  readonly bids = new Levels();
  readonly asks = new Levels();
  changeId: number | undefined;
  prevChangeId: number | undefined;
  seq: number | undefined;
  prevSeq: number | undefined;
  // ticker
  bestBidPrice: number | undefined;
  bestBidAmount: number | undefined;
  bestAskPrice: number | undefined;
  bestAskAmount: number | undefined;
  markPrice: number | undefined;
  bidIv: number | undefined;
  askIv: number | undefined;
  markIv: number | undefined;
  underlyingPrice: number | undefined;
  indexPrice: number | undefined;
  underlyingIndex = '';
  // index price
  indexName = '';
  currency = '';
  price = 0;
  // instrument state
  state = 0;

  reset(): void {
    this.kind = Kind.Other;
    this.hasHeader = false;
    this.schemaVersion = 0;
    this.venue = '';
    this.exchangeTimeMs = 0;
    this.eventIdText = '';
    this.name = '';
    this.bids.n = 0;
    this.asks.n = 0;
    this.changeId = undefined;
    this.prevChangeId = undefined;
    this.seq = undefined;
    this.prevSeq = undefined;
    this.bestBidPrice = undefined;
    this.bestBidAmount = undefined;
    this.bestAskPrice = undefined;
    this.bestAskAmount = undefined;
    this.markPrice = undefined;
    this.bidIv = undefined;
    this.askIv = undefined;
    this.markIv = undefined;
    this.underlyingPrice = undefined;
    this.indexPrice = undefined;
    this.underlyingIndex = '';
    this.indexName = '';
    this.currency = '';
    this.price = 0;
    this.state = 0;
  }
}

/** Sequence numbers are kept as doubles: exact below 2^53 (Deribit change ids are ~3e10). */
const seqNumber = (v: bigint | undefined): number | undefined => (v === undefined ? undefined : Number(v));

/** Fills `s` from a decoded event (Instrument payloads are handled by the caller). */
export function scanEvent(event: MarketDataEvent, s: MarketDataScan): void {
  s.reset();
  const h = event.header;
  if (h !== undefined) {
    s.hasHeader = true;
    s.schemaVersion = h.schemaVersion;
    s.venue = h.venue;
    s.exchangeTimeMs = Number(h.exchangeTimeMs);
    s.eventIdText = h.eventId;
  }
  const p = event.payload;
  switch (p.case) {
    case 'bookSnapshot':
    case 'bookDelta': {
      const b = p.value;
      s.kind = p.case === 'bookSnapshot' ? Kind.Snapshot : Kind.Delta;
      s.name = b.instrumentName;
      for (const l of b.bids) s.bids.push(l.price, l.amount, 'action' in l ? l.action : 0);
      for (const l of b.asks) s.asks.push(l.price, l.amount, 'action' in l ? l.action : 0);
      s.changeId = seqNumber(b.changeId);
      s.prevChangeId = seqNumber(b.prevChangeId);
      s.seq = seqNumber(b.seq);
      s.prevSeq = seqNumber(b.prevSeq);
      return;
    }
    case 'ticker': {
      const t = p.value;
      s.kind = Kind.Ticker;
      s.name = t.instrumentName;
      s.bestBidPrice = t.bestBidPrice;
      s.bestBidAmount = t.bestBidAmount;
      s.bestAskPrice = t.bestAskPrice;
      s.bestAskAmount = t.bestAskAmount;
      s.markPrice = t.markPrice;
      s.bidIv = t.bidIv;
      s.askIv = t.askIv;
      s.markIv = t.markIv;
      s.underlyingPrice = t.underlyingPrice;
      s.indexPrice = t.indexPrice;
      s.underlyingIndex = t.underlyingIndex;
      return;
    }
    case 'indexPrice':
      s.kind = Kind.Index;
      s.indexName = p.value.indexName;
      s.currency = p.value.currency;
      s.price = p.value.price;
      return;
    case 'instrumentState':
      s.kind = Kind.State;
      s.name = p.value.instrumentName;
      s.state = p.value.state;
      return;
    default:
      return;
  }
}

/** Header of a decoded event, or of a record (decoded on demand: only causes of outputs need it). */
export type Cause = EventHeader | Uint8Array;

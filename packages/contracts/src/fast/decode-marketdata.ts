/**
 * Hand-written decoder of MarketDataEvent (proto/volstream/v1/events.proto, marketdata.proto,
 * header.proto) for the payloads encode-marketdata.ts covers. It returns exactly what protobuf-es
 * `fromBinary(MarketDataEventSchema, bytes)` returns (plain objects with `$typeName`, implicit
 * fields at their zero value, `optional` fields present only when on the wire), or `undefined`
 * whenever it meets anything it does not handle the same way: an unknown field number or wire
 * type, an `instrument` payload, a message field seen twice (protobuf merges those), invalid
 * UTF-8, truncated bytes. Callers then use fromBinary, which decodes or throws its own error.
 *
 * Wire format read: tag varint (no << 3 | type); VARINT (uint32, enums as int32, int64/uint64 as
 * 64-bit two's complement), I64 (little-endian double), LEN (UTF-8 strings, nested messages).
 */
import type { MarketDataEvent } from '../gen/volstream/v1/events_pb.ts';
import type {
  BookDelta,
  BookSnapshot,
  IndexPrice,
  InstrumentStateChange,
  LevelUpdate,
  PriceLevel,
  Ticker,
  Trade,
  VenueGreeks,
} from '../gen/volstream/v1/marketdata_pb.ts';
import { readHeader, wire } from './header-codec.ts';
import { GIVE_UP, Reader } from './reader.ts';

function priceLevel(r: Reader, end: number): PriceLevel {
  const l: PriceLevel = { $typeName: 'volstream.v1.PriceLevel', price: 0, amount: 0 };
  while (r.pos < end) {
    const tag = r.varint();
    wire(tag, 1);
    if (tag >>> 3 === 1) l.price = r.double();
    else if (tag >>> 3 === 2) l.amount = r.double();
    else throw GIVE_UP;
  }
  if (r.pos !== end) throw GIVE_UP; // a field ran past its message
  return l;
}

function levelUpdate(r: Reader, end: number): LevelUpdate {
  const l: LevelUpdate = { $typeName: 'volstream.v1.LevelUpdate', action: 0, price: 0, amount: 0 };
  while (r.pos < end) {
    const tag = r.varint();
    const no = tag >>> 3;
    if (no === 1) {
      wire(tag, 0);
      l.action = r.int32();
    } else {
      wire(tag, 1);
      if (no === 2) l.price = r.double();
      else if (no === 3) l.amount = r.double();
      else throw GIVE_UP;
    }
  }
  if (r.pos !== end) throw GIVE_UP; // a field ran past its message
  return l;
}

/** Fields 4-8 (change_id .. first_seq), shared by BookSnapshot and BookDelta. */
function sequenceField(r: Reader, no: number, b: BookSnapshot | BookDelta): void {
  const v = r.uint64();
  if (no === 4) b.changeId = v;
  else if (no === 5) b.prevChangeId = v;
  else if (no === 6) b.seq = v;
  else if (no === 7) b.prevSeq = v;
  else b.firstSeq = v;
}

function bookSnapshot(r: Reader, end: number): BookSnapshot {
  const b: BookSnapshot = { $typeName: 'volstream.v1.BookSnapshot', instrumentName: '', bids: [], asks: [] };
  while (r.pos < end) {
    const tag = r.varint();
    const no = tag >>> 3;
    if (no === 1) {
      wire(tag, 2);
      b.instrumentName = r.string();
    } else if (no === 2 || no === 3) {
      wire(tag, 2);
      const level = priceLevel(r, r.end());
      (no === 2 ? b.bids : b.asks).push(level);
    } else if (no >= 4 && no <= 8) {
      wire(tag, 0);
      sequenceField(r, no, b);
    } else if (no === 9) {
      wire(tag, 0);
      b.depth = r.varint();
    } else throw GIVE_UP;
  }
  if (r.pos !== end) throw GIVE_UP; // a field ran past its message
  return b;
}

function bookDelta(r: Reader, end: number): BookDelta {
  const b: BookDelta = { $typeName: 'volstream.v1.BookDelta', instrumentName: '', bids: [], asks: [] };
  while (r.pos < end) {
    const tag = r.varint();
    const no = tag >>> 3;
    if (no === 1) {
      wire(tag, 2);
      b.instrumentName = r.string();
    } else if (no === 2 || no === 3) {
      wire(tag, 2);
      const level = levelUpdate(r, r.end());
      (no === 2 ? b.bids : b.asks).push(level);
    } else if (no >= 4 && no <= 8) {
      wire(tag, 0);
      sequenceField(r, no, b);
    } else throw GIVE_UP;
  }
  if (r.pos !== end) throw GIVE_UP; // a field ran past its message
  return b;
}

const GREEK_KEYS = ['', 'delta', 'gamma', 'vega', 'theta', 'rho'] as const;

function greeks(r: Reader, end: number): VenueGreeks {
  const g: VenueGreeks = { $typeName: 'volstream.v1.VenueGreeks' };
  while (r.pos < end) {
    const tag = r.varint();
    const no = tag >>> 3;
    wire(tag, 1);
    if (no < 1 || no > 5) throw GIVE_UP;
    g[GREEK_KEYS[no] as 'delta'] = r.double();
  }
  if (r.pos !== end) throw GIVE_UP; // a field ran past its message
  return g;
}

/** Ticker optional doubles by field number (greeks = 15, the rest are handled apart). */
const TICKER_DOUBLES: readonly (keyof Ticker | '')[] = [
  '',
  '',
  '',
  'bestBidPrice',
  'bestBidAmount',
  'bestAskPrice',
  'bestAskAmount',
  'markPrice',
  'lastPrice',
  'bidIv',
  'askIv',
  'markIv',
  'underlyingPrice',
  '',
  'indexPrice',
  '',
  'openInterest',
  '',
  'interestRate',
  'settlementPrice',
  'estimatedDeliveryPrice',
];

function ticker(r: Reader, end: number): Ticker {
  const t: Ticker = {
    $typeName: 'volstream.v1.Ticker',
    instrumentName: '',
    priceUnit: 0,
    underlyingIndex: '',
    state: 0,
  };
  while (r.pos < end) {
    const tag = r.varint();
    const no = tag >>> 3;
    const key = TICKER_DOUBLES[no];
    if (key !== undefined && key !== '') {
      wire(tag, 1);
      (t as unknown as Record<string, number>)[key] = r.double();
    } else if (no === 1 || no === 13) {
      wire(tag, 2);
      if (no === 1) t.instrumentName = r.string();
      else t.underlyingIndex = r.string();
    } else if (no === 2 || no === 17) {
      wire(tag, 0);
      if (no === 2) t.priceUnit = r.int32();
      else t.state = r.int32();
    } else if (no === 15) {
      wire(tag, 2);
      if (t.greeks !== undefined) throw GIVE_UP; // a repeated message field is merged by fromBinary
      t.greeks = greeks(r, r.end());
    } else throw GIVE_UP;
  }
  if (r.pos !== end) throw GIVE_UP; // a field ran past its message
  return t;
}

function indexPrice(r: Reader, end: number): IndexPrice {
  const p: IndexPrice = { $typeName: 'volstream.v1.IndexPrice', indexName: '', currency: '', price: 0 };
  while (r.pos < end) {
    const tag = r.varint();
    const no = tag >>> 3;
    if (no === 3) {
      wire(tag, 1);
      p.price = r.double();
    } else {
      wire(tag, 2);
      if (no === 1) p.indexName = r.string();
      else if (no === 2) p.currency = r.string();
      else throw GIVE_UP;
    }
  }
  if (r.pos !== end) throw GIVE_UP; // a field ran past its message
  return p;
}

function trade(r: Reader, end: number): Trade {
  const t: Trade = {
    $typeName: 'volstream.v1.Trade',
    instrumentName: '',
    tradeId: '',
    side: 0,
    price: 0,
    amount: 0,
    priceUnit: 0,
  };
  while (r.pos < end) {
    const tag = r.varint();
    const no = tag >>> 3;
    if (no === 1 || no === 2) {
      wire(tag, 2);
      if (no === 1) t.instrumentName = r.string();
      else t.tradeId = r.string();
    } else if (no === 3 || no === 6) {
      wire(tag, 0);
      if (no === 3) t.side = r.int32();
      else t.priceUnit = r.int32();
    } else if (no === 10) {
      wire(tag, 0);
      t.tradeSeq = r.uint64();
    } else {
      wire(tag, 1);
      const v = r.double();
      if (no === 4) t.price = v;
      else if (no === 5) t.amount = v;
      else if (no === 7) t.iv = v;
      else if (no === 8) t.indexPrice = v;
      else if (no === 9) t.markPrice = v;
      else throw GIVE_UP;
    }
  }
  if (r.pos !== end) throw GIVE_UP; // a field ran past its message
  return t;
}

function instrumentState(r: Reader, end: number): InstrumentStateChange {
  const s: InstrumentStateChange = {
    $typeName: 'volstream.v1.InstrumentStateChange',
    instrumentName: '',
    state: 0,
    venueState: '',
  };
  while (r.pos < end) {
    const tag = r.varint();
    const no = tag >>> 3;
    if (no === 2) {
      wire(tag, 0);
      s.state = r.int32();
    } else {
      wire(tag, 2);
      if (no === 1) s.instrumentName = r.string();
      else if (no === 3) s.venueState = r.string();
      else throw GIVE_UP;
    }
  }
  if (r.pos !== end) throw GIVE_UP; // a field ran past its message
  return s;
}

function envelope(r: Reader): MarketDataEvent {
  const m: MarketDataEvent = { $typeName: 'volstream.v1.MarketDataEvent', payload: { case: undefined } };
  const end = r.buf.length;
  while (r.pos < end) {
    const tag = r.varint();
    const no = tag >>> 3;
    wire(tag, 2);
    // protobuf merges a message field that appears twice (and a repeated oneof case); leave it to fromBinary.
    if (no === 1) {
      if (m.header !== undefined) throw GIVE_UP;
      m.header = readHeader(r, r.end());
      continue;
    }
    if (m.payload.case !== undefined) throw GIVE_UP;
    const bodyEnd = r.end();
    if (no === 4) m.payload = { case: 'bookDelta', value: bookDelta(r, bodyEnd) };
    else if (no === 5) m.payload = { case: 'ticker', value: ticker(r, bodyEnd) };
    else if (no === 3) m.payload = { case: 'bookSnapshot', value: bookSnapshot(r, bodyEnd) };
    else if (no === 6) m.payload = { case: 'indexPrice', value: indexPrice(r, bodyEnd) };
    else if (no === 7) m.payload = { case: 'trade', value: trade(r, bodyEnd) };
    else if (no === 8) m.payload = { case: 'instrumentState', value: instrumentState(r, bodyEnd) };
    else throw GIVE_UP;
    if (r.pos !== bodyEnd) throw GIVE_UP;
  }
  return m;
}

/**
 * The MarketDataEvent in `bytes`, equal to what fromBinary returns, or undefined when this decoder
 * does not handle the bytes (then use fromBinary, which decodes them or throws).
 */
export function decodeMarketDataEvent(bytes: Uint8Array): MarketDataEvent | undefined {
  try {
    return envelope(new Reader(bytes));
  } catch (e) {
    if (e === GIVE_UP) return undefined;
    throw e;
  }
}

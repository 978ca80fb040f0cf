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
import type { EventHeader } from '../gen/volstream/v1/header_pb.ts';
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

/** Thrown inside the decoder to give up; never escapes decodeMarketDataEvent. */
const GIVE_UP = new Error('fast decode: not handled');

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const TWO_POW_32 = 4_294_967_296;

class Reader {
  pos = 0;
  readonly view: DataView;
  // High 32 bits of the last varint64 (lo is returned).
  hi = 0;

  constructor(readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  /** Varint of up to 64 bits: returns the low 32 bits (unsigned), leaves the high 32 in `hi`. */
  varint(): number {
    const buf = this.buf;
    let lo = 0;
    let hi = 0;
    let shift = 0;
    let b: number;
    do {
      if (this.pos >= buf.length || shift > 63) throw GIVE_UP;
      b = buf[this.pos++]!;
      if (shift < 28) lo |= (b & 0x7f) << shift;
      else if (shift === 28) {
        lo |= (b & 0x0f) << 28;
        hi |= (b & 0x7f) >>> 4;
      } else hi |= (b & 0x7f) << (shift - 32);
      shift += 7;
    } while (b & 0x80);
    this.hi = hi >>> 0;
    return lo >>> 0;
  }

  uint64(): bigint {
    const lo = this.varint();
    const hi = this.hi;
    if (hi < 0x20_0000) return BigInt(hi * TWO_POW_32 + lo);
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  int64(): bigint {
    const lo = this.varint();
    const hi = this.hi;
    if (hi < 0x20_0000) return BigInt(hi * TWO_POW_32 + lo);
    return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo));
  }

  /** int32 / enum: the low 32 bits as a signed integer (negative values arrive sign-extended). */
  int32(): number {
    return this.varint() | 0;
  }

  double(): number {
    if (this.pos + 8 > this.buf.length) throw GIVE_UP;
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** End of a length-delimited body starting here. */
  end(): number {
    const len = this.varint();
    const end = this.pos + len;
    if (this.hi !== 0 || end > this.buf.length) throw GIVE_UP;
    return end;
  }

  string(): string {
    const end = this.end();
    const buf = this.buf;
    if (end - this.pos > 64) return this.utf8(end);
    let s = '';
    for (let i = this.pos; i < end; i++) {
      const c = buf[i]!;
      if (c >= 0x80) return this.utf8(end);
      s += String.fromCharCode(c);
    }
    this.pos = end;
    return s;
  }

  /** Strict UTF-8, as protobuf-es reads proto3 strings (invalid bytes: fromBinary decides). */
  private utf8(end: number): string {
    let s: string;
    try {
      s = utf8.decode(this.buf.subarray(this.pos, end));
    } catch {
      throw GIVE_UP;
    }
    this.pos = end;
    return s;
  }
}

/** Expects `wireType` for a known field, else gives up (fromBinary decides what it means). */
function wire(tag: number, wireType: number): void {
  if ((tag & 7) !== wireType) throw GIVE_UP;
}

function header(r: Reader, end: number): EventHeader {
  const h: EventHeader = {
    $typeName: 'volstream.v1.EventHeader',
    exchangeTimeMs: 0n,
    receiveTimeNs: 0n,
    venue: '',
    sourceSequence: 0n,
    producerId: '',
    eventId: '',
    schemaVersion: 0,
    publishTimeNs: 0n,
    runId: '',
  };
  while (r.pos < end) {
    const tag = r.varint();
    const no = tag >>> 3;
    if (no === 1 || no === 2 || no === 8) {
      wire(tag, 0);
      const v = r.int64();
      if (no === 1) h.exchangeTimeMs = v;
      else if (no === 2) h.receiveTimeNs = v;
      else h.publishTimeNs = v;
    } else if (no === 4) {
      wire(tag, 0);
      h.sourceSequence = r.uint64();
    } else if (no === 7) {
      wire(tag, 0);
      h.schemaVersion = r.varint();
    } else {
      wire(tag, 2);
      if (no === 3) h.venue = r.string();
      else if (no === 5) h.producerId = r.string();
      else if (no === 6) h.eventId = r.string();
      else if (no === 9) h.runId = r.string();
      else throw GIVE_UP;
    }
  }
  if (r.pos !== end) throw GIVE_UP; // a field ran past its message
  return h;
}

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
      m.header = header(r, r.end());
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

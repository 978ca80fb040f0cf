// Reads a volstream.marketdata.v1 record's bytes into a MarketDataScan without building protobuf
// objects: varints, little-endian doubles and length-delimited fields read in place, strings that
// repeat (venue, instrument names, index names) interned. Wire format:
// https://protobuf.dev/programming-guides/encoding/ ; field numbers: proto/volstream/v1/events.proto
// (MarketDataEvent: header 1, book_snapshot 3, book_delta 4, ticker 5, index_price 6, trade 7,
// instrument_state 8), header.proto, marketdata.proto. `scanRecord` returns false where it does
// not read the record exactly as protobuf would (Instrument payloads, unknown fields, repeated
// message fields, truncation, invalid UTF-8): the caller decodes those fully.
import { type EventHeader, SUPPORTED_SCHEMA_VERSIONS } from '@volstream/contracts';
import { Kind, type Levels, type MarketDataScan } from './record-scan.ts';

const GIVE_UP = new Error('order-book record scan: not handled');
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const TWO_POW_32 = 4_294_967_296;

// Scratch shared by the reading functions (single-threaded, never re-entered).
let buf: Uint8Array = new Uint8Array(0);
let pos = 0;
// Doubles are read through an 8-byte scratch (no DataView per record; little-endian hosts: V8 on
// x86-64 and arm64, checked at load).
const f64 = new Float64Array(1);
const f64Bytes = new Uint8Array(f64.buffer);
f64[0] = 1;
if (f64Bytes[7] !== 0x3f) throw new Error('Expected a little-endian host, was big-endian');
let hi = 0;

function varint(): number {
  let lo = 0;
  let high = 0;
  let shift = 0;
  let b: number;
  do {
    if (pos >= buf.length || shift > 63) throw GIVE_UP;
    b = buf[pos++]!;
    if (shift < 28) lo |= (b & 0x7f) << shift;
    else if (shift === 28) {
      lo |= (b & 0x0f) << 28;
      high |= (b & 0x7f) >>> 4;
    } else high |= (b & 0x7f) << (shift - 32);
    shift += 7;
  } while (b & 0x80);
  hi = high >>> 0;
  return lo >>> 0;
}

/** A uint64/int64 varint as a double (exact below 2^53; sequences and ms times are far below). */
function uint64(): number {
  const lo = varint();
  return hi * TWO_POW_32 + lo;
}

function double(): number {
  if (pos + 8 > buf.length) throw GIVE_UP;
  const b = buf;
  const p = pos;
  f64Bytes[0] = b[p]!;
  f64Bytes[1] = b[p + 1]!;
  f64Bytes[2] = b[p + 2]!;
  f64Bytes[3] = b[p + 3]!;
  f64Bytes[4] = b[p + 4]!;
  f64Bytes[5] = b[p + 5]!;
  f64Bytes[6] = b[p + 6]!;
  f64Bytes[7] = b[p + 7]!;
  pos = p + 8;
  return f64[0]!;
}

function end(): number {
  const len = varint();
  const e = pos + len;
  if (hi !== 0 || e > buf.length) throw GIVE_UP;
  return e;
}

function wire(tag: number, type: number): void {
  if ((tag & 7) !== type) throw GIVE_UP;
}

// Interned strings by FNV-1a of their bytes; a hit is checked byte by byte against the string.
const interned = new Map<number, string>();
const MAX_INTERNED = 100_000;

/** A string field; `intern` for the ones that repeat (not event ids: each is new). */
function text(intern = true): string {
  const e = end();
  const start = pos;
  let h = 0x811c9dc5;
  let ascii = true;
  for (let i = start; i < e; i++) {
    const c = buf[i]!;
    if (c >= 0x80) ascii = false;
    h = Math.imul(h ^ c, 0x01000193);
  }
  pos = e;
  if (!ascii) {
    try {
      return utf8.decode(buf.subarray(start, e));
    } catch {
      throw GIVE_UP;
    }
  }
  if (!intern) return latin1(start, e);
  const known = interned.get(h);
  if (known !== undefined && known.length === e - start) {
    let same = true;
    for (let i = 0; i < known.length; i++) {
      if (known.charCodeAt(i) !== buf[start + i]) {
        same = false;
        break;
      }
    }
    if (same) return known;
  }
  const s = latin1(start, e);
  if (interned.size >= MAX_INTERNED) interned.clear();
  interned.set(h, s);
  return s;
}

function latin1(start: number, e: number): string {
  let s = '';
  for (let i = start; i < e; i++) s += String.fromCharCode(buf[i]!);
  return s;
}

function skipText(): void {
  pos = end();
}

function header(s: MarketDataScan, e: number): void {
  s.hasHeader = true;
  while (pos < e) {
    const tag = varint();
    const no = tag >>> 3;
    if (no === 1) {
      wire(tag, 0);
      s.exchangeTimeMs = uint64();
    } else if (no === 7) {
      wire(tag, 0);
      s.schemaVersion = varint();
    } else if (no === 2 || no === 4 || no === 8) {
      wire(tag, 0);
      varint();
    } else if (no === 3) {
      wire(tag, 2);
      s.venue = text();
    } else if (no === 5 || no === 6 || no === 9) {
      wire(tag, 2);
      skipText(); // producer, event id (read on demand: only drop examples need it), run id
    } else throw GIVE_UP;
  }
  if (pos !== e) throw GIVE_UP;
}

function level(levels: Levels, e: number, withAction: boolean): void {
  let price = 0;
  let amount = 0;
  let action = 0;
  while (pos < e) {
    const tag = varint();
    const no = tag >>> 3;
    if (withAction && no === 1) {
      wire(tag, 0);
      action = varint() | 0;
    } else {
      wire(tag, 1);
      const k = withAction ? no - 1 : no;
      if (k === 1) price = double();
      else if (k === 2) amount = double();
      else throw GIVE_UP;
    }
  }
  if (pos !== e) throw GIVE_UP;
  levels.push(price, amount, action);
}

function book(s: MarketDataScan, e: number, delta: boolean): void {
  while (pos < e) {
    const tag = varint();
    const no = tag >>> 3;
    if (no === 1) {
      wire(tag, 2);
      s.name = text();
    } else if (no === 2 || no === 3) {
      wire(tag, 2);
      level(no === 2 ? s.bids : s.asks, end(), delta);
    } else if (no >= 4 && no <= 8) {
      wire(tag, 0);
      const v = uint64();
      if (no === 4) s.changeId = v;
      else if (no === 5) s.prevChangeId = v;
      else if (no === 6) s.seq = v;
      else if (no === 7) s.prevSeq = v;
    } else if (no === 9 && !delta) {
      wire(tag, 0);
      varint();
    } else throw GIVE_UP;
  }
  if (pos !== e) throw GIVE_UP;
}

function ticker(s: MarketDataScan, e: number): void {
  let greeks = false;
  while (pos < e) {
    const tag = varint();
    const no = tag >>> 3;
    if (no === 1 || no === 13) {
      wire(tag, 2);
      if (no === 1) s.name = text();
      else s.underlyingIndex = text();
    } else if (no === 2 || no === 17) {
      wire(tag, 0);
      varint();
    } else if (no === 15) {
      wire(tag, 2);
      if (greeks) throw GIVE_UP; // fromBinary would merge a repeated message field
      greeks = true;
      pos = end();
    } else if (no >= 3 && no <= 20) {
      wire(tag, 1);
      const v = double();
      if (no === 3) s.bestBidPrice = v;
      else if (no === 4) s.bestBidAmount = v;
      else if (no === 5) s.bestAskPrice = v;
      else if (no === 6) s.bestAskAmount = v;
      else if (no === 7) s.markPrice = v;
      else if (no === 9) s.bidIv = v;
      else if (no === 10) s.askIv = v;
      else if (no === 11) s.markIv = v;
      else if (no === 12) s.underlyingPrice = v;
      else if (no === 14) s.indexPrice = v;
      else if (no === 8 || no === 16 || no >= 18) {
        // last price, open interest, rates, settlement: not used by the books
      } else throw GIVE_UP;
    } else throw GIVE_UP;
  }
  if (pos !== e) throw GIVE_UP;
}

function indexPrice(s: MarketDataScan, e: number): void {
  while (pos < e) {
    const tag = varint();
    const no = tag >>> 3;
    if (no === 3) {
      wire(tag, 1);
      s.price = double();
    } else if (no === 1 || no === 2) {
      wire(tag, 2);
      if (no === 1) s.indexName = text();
      else s.currency = text();
    } else throw GIVE_UP;
  }
  if (pos !== e) throw GIVE_UP;
}

function instrumentState(s: MarketDataScan, e: number): void {
  while (pos < e) {
    const tag = varint();
    const no = tag >>> 3;
    if (no === 2) {
      wire(tag, 0);
      s.state = varint() | 0;
    } else if (no === 1 || no === 3) {
      wire(tag, 2);
      if (no === 1) s.name = text();
      else skipText();
    } else throw GIVE_UP;
  }
  if (pos !== e) throw GIVE_UP;
}

function payload(s: MarketDataScan, no: number, e: number): void {
  if (no === 4) {
    s.kind = Kind.Delta;
    book(s, e, true);
  } else if (no === 5) {
    s.kind = Kind.Ticker;
    ticker(s, e);
  } else if (no === 3) {
    s.kind = Kind.Snapshot;
    book(s, e, false);
  } else if (no === 6) {
    s.kind = Kind.Index;
    indexPrice(s, e);
  } else if (no === 8) {
    s.kind = Kind.State;
    instrumentState(s, e);
  } else if (no === 7) {
    s.kind = Kind.Other; // trades do not move books
    pos = e;
  } else throw GIVE_UP; // instrument (2) and anything unknown: full decode
}

function begin(record: Uint8Array): void {
  buf = record;
  pos = 0;
}

/** Fills `s` from a record's bytes; false when the caller must decode the record fully instead. */
export function scanRecord(record: Uint8Array, s: MarketDataScan): boolean {
  s.reset();
  begin(record);
  let seenPayload = false;
  try {
    while (pos < buf.length) {
      const tag = varint();
      const no = tag >>> 3;
      wire(tag, 2);
      if (no === 1) {
        if (s.hasHeader) throw GIVE_UP;
        header(s, end());
        continue;
      }
      if (seenPayload) throw GIVE_UP;
      seenPayload = true;
      const e = end();
      payload(s, no, e);
      if (pos !== e) throw GIVE_UP;
    }
    // No header or a schema version this code does not read: the full decoder says why.
    return s.hasHeader && SUPPORTED_SCHEMA_VERSIONS.has(s.schemaVersion);
  } catch (error) {
    if (error === GIVE_UP) return false;
    throw error;
  }
}

/**
 * The header of a record (what a BookTop caused by it copies), or undefined when its bytes are not
 * read here (the caller decodes the record fully). Only causes of outputs are read this way.
 */
export function recordHeader(record: Uint8Array): EventHeader | undefined {
  begin(record);
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
  try {
    while (pos < buf.length) {
      const tag = varint();
      wire(tag, 2);
      const e = end();
      if (tag >>> 3 !== 1) {
        pos = e;
        continue;
      }
      while (pos < e) {
        const t = varint();
        const no = t >>> 3;
        if (no === 1 || no === 2 || no === 4 || no === 8) {
          wire(t, 0);
          const lo = varint();
          const v = hi < 0x20_0000 ? BigInt(hi * TWO_POW_32 + lo) : (BigInt(hi) << 32n) | BigInt(lo);
          if (no === 1) h.exchangeTimeMs = BigInt.asIntN(64, v);
          else if (no === 2) h.receiveTimeNs = BigInt.asIntN(64, v);
          else if (no === 4) h.sourceSequence = v;
          else h.publishTimeNs = BigInt.asIntN(64, v);
        } else if (no === 7) {
          wire(t, 0);
          h.schemaVersion = varint();
        } else {
          wire(t, 2);
          if (no === 3) h.venue = text();
          else if (no === 5) h.producerId = text();
          else if (no === 6) h.eventId = text(false);
          else if (no === 9) h.runId = text();
          else throw GIVE_UP;
        }
      }
      if (pos !== e) throw GIVE_UP;
    }
    return h;
  } catch (error) {
    if (error === GIVE_UP) return undefined;
    throw error;
  }
}

// Pure mapping of OKX v5 market data to `volstream.marketdata.v1` contract events.
// Docs: https://www.okx.com/docs-v5/en/#order-book-trading-market-data-ws-order-book-channel ,
// #public-data-websocket-option-summary-channel , #public-data-websocket-mark-price-channel ,
// #public-data-websocket-index-tickers-channel ; units and "no value" rules: EXCHANGES.md §0, §2.
// Units are normalised here, once:
// - option prices stay in coin (BTC-USD options are inverse: PRICE_UNIT_BASE_COIN);
// - book sizes arrive in contracts and leave in coin (× the instrument's ctVal × ctMult);
// - IVs (`markVol`/`bidVol`/`askVol`) are decimals already; "" (and an IV of 0) is absent;
// - `fwdPx` is the forward the venue's IVs use → Ticker.underlying_price;
// - greeks: the `*BS` Black-Scholes values (USD; delta N(d1)), comparable with Deribit's, not the
//   premium-adjusted coin greeks.
// Every function is total: bad input gives a `Rejection`, never an exception.
import { create } from '@bufbuild/protobuf';
import {
  BookAction,
  BookDeltaSchema,
  BookSnapshotSchema,
  IndexPriceSchema,
  InstrumentState,
  LevelUpdateSchema,
  type MarketDataEvent,
  MarketDataEventSchema,
  newHeader,
  PriceLevelSchema,
  PriceUnit,
  TickerSchema,
  VenueGreeksSchema,
} from '@volstream/contracts';
import { fastEventId } from '../../event-id.ts';
import { seqBookUnsyncedMarker } from '../../unsynced-marker.ts';
import { isRejection, type Parsed, type Rejection, reject } from '../../values.ts';
import type { OkxInstrumentInfo } from './instruments.ts';
import type { OkxBookData, OkxBookLevel, OkxIndexTicker, OkxMarkPrice, OkxOptSummary } from './messages.ts';
import { type ParseContext, VENUE } from './parse-instrument.ts';
import { BAD, okxNumber, okxTimestamp, toCoin } from './values.ts';

export {
  okxState,
  type ParseContext,
  parseOkxInstrument,
  VENUE,
  validateOkxInstrument,
} from './parse-instrument.ts';
export { isRejection, type Parsed, type Rejection };

function envelope(
  kind: string,
  name: string,
  exchangeTimeMs: number,
  sequence: number,
  receiveNs: bigint,
  ctx: ParseContext,
  payload: MarketDataEvent['payload'],
): MarketDataEvent {
  return create(MarketDataEventSchema, {
    header: newHeader({
      venue: VENUE,
      producerId: ctx.producerId,
      eventId: fastEventId(VENUE, kind, name, sequence === 0 ? exchangeTimeMs : sequence),
      exchangeTimeMs,
      receiveTimeNs: receiveNs,
      sourceSequence: sequence,
    }),
    payload,
  });
}

// ---- books ----

/** A book message checked for shape: numbers parsed, sizes still in contracts. */
export interface OkxBook {
  instrument: string;
  tsMs: number;
  /** Absent on pre-2023 messages (the 2021/2022 captures have only `checksum`). */
  seqId?: number;
  /** -1 on a snapshot. */
  prevSeqId?: number;
  bids: [number, number][];
  asks: [number, number][];
}

function levels(raw: unknown, side: string, name: string): [number, number][] | Rejection {
  if (!Array.isArray(raw)) return reject('bad_value', `${side} of ${name} is not an array`);
  const out: [number, number][] = [];
  for (const level of raw as unknown[]) {
    if (!Array.isArray(level) || level.length < 2) return reject('bad_value', `${side} level of ${name}`);
    const px = okxNumber((level as OkxBookLevel)[0]);
    const sz = okxNumber((level as OkxBookLevel)[1]);
    if (typeof px !== 'number' || px <= 0)
      return reject('bad_value', `${side} price ${String(level[0])} of ${name}`);
    if (typeof sz !== 'number' || sz < 0)
      return reject('bad_value', `${side} size ${String(level[1])} of ${name}`);
    out.push([px, sz]);
  }
  return out;
}

function sequence(value: unknown, min: number): number | undefined | typeof BAD {
  if (value === undefined) return undefined;
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= min ? value : BAD;
}

/** Shape check of one `books`/`books-l2-tbt` data row. */
export function validateOkxBook(instrument: string, data: unknown): Parsed<OkxBook> {
  if (typeof data !== 'object' || data === null) return reject('bad_value', `book data of ${instrument}`);
  const d = data as Partial<OkxBookData>;
  const tsMs = okxTimestamp(d.ts);
  if (tsMs === undefined) return reject('bad_value', `book ts ${String(d.ts)} of ${instrument}`);
  const seqId = sequence(d.seqId, 0);
  const prevSeqId = sequence(d.prevSeqId, -1);
  if (seqId === BAD || prevSeqId === BAD) {
    return reject('bad_value', `seqId ${String(d.seqId)}/prevSeqId ${String(d.prevSeqId)} of ${instrument}`);
  }
  const bids = levels(d.bids, 'bid', instrument);
  if (isRejection(bids)) return bids;
  const asks = levels(d.asks, 'ask', instrument);
  if (isRejection(asks)) return asks;
  return {
    instrument,
    tsMs,
    ...(seqId === undefined ? {} : { seqId }),
    ...(prevSeqId === undefined ? {} : { prevSeqId }),
    bids,
    asks,
  };
}

function snapshotSide(side: [number, number][], size: number, descending: boolean) {
  const out = side
    .filter(([, sz]) => sz > 0)
    .map(([price, sz]) => create(PriceLevelSchema, { price, amount: toCoin(sz, size) }));
  out.sort(descending ? (a, b) => b.price - a.price : (a, b) => a.price - b.price);
  return out;
}

/** A snapshot → BookSnapshot (levels best first, amounts in coin, `seq` = seqId). */
export function parseOkxBookSnapshot(
  book: OkxBook,
  info: OkxInstrumentInfo,
  receiveNs: bigint,
  ctx: ParseContext,
): MarketDataEvent {
  const value = create(BookSnapshotSchema, {
    instrumentName: book.instrument,
    bids: snapshotSide(book.bids, info.contractSize, true),
    asks: snapshotSide(book.asks, info.contractSize, false),
  });
  if (book.seqId !== undefined) value.seq = BigInt(book.seqId);
  if (book.prevSeqId !== undefined && book.prevSeqId >= 0) value.prevSeq = BigInt(book.prevSeqId);
  return envelope('book_snapshot', book.instrument, book.tsMs, book.seqId ?? 0, receiveNs, ctx, {
    case: 'bookSnapshot',
    value,
  });
}

function updates(side: [number, number][], size: number) {
  // OKX does not say new vs changed: a size sets the level, size "0" deletes it.
  return side.map(([price, sz]) =>
    create(LevelUpdateSchema, {
      action: sz === 0 ? BookAction.DELETE : BookAction.CHANGE,
      price,
      amount: sz === 0 ? 0 : toCoin(sz, size),
    }),
  );
}

/** An in-sequence update → BookDelta (`seq` = seqId, `prev_seq` = prevSeqId). */
export function parseOkxBookDelta(
  book: OkxBook,
  info: OkxInstrumentInfo,
  receiveNs: bigint,
  ctx: ParseContext,
): MarketDataEvent {
  const value = create(BookDeltaSchema, {
    instrumentName: book.instrument,
    bids: updates(book.bids, info.contractSize),
    asks: updates(book.asks, info.contractSize),
  });
  if (book.seqId !== undefined) value.seq = BigInt(book.seqId);
  if (book.prevSeqId !== undefined && book.prevSeqId >= 0) value.prevSeq = BigInt(book.prevSeqId);
  return envelope('book_delta', book.instrument, book.tsMs, book.seqId ?? 0, receiveNs, ctx, {
    case: 'bookDelta',
    value,
  });
}

/**
 * The unsynced marker (shared builder, src/unsynced-marker.ts); `prev_seq` carries the last good
 * seqId. A negative seqId (OKX's -1, "none") is not carried.
 */
export function okxBookUnsyncedMarker(
  instrument: string,
  lastSeqId: number | undefined,
  exchangeTimeMs: number,
  receiveNs: bigint,
  ctx: ParseContext,
): MarketDataEvent {
  const last = lastSeqId !== undefined && lastSeqId >= 0 ? lastSeqId : undefined;
  return seqBookUnsyncedMarker(VENUE, ctx.producerId, instrument, last, exchangeTimeMs, receiveNs);
}

// ---- opt-summary, mark-price → one Ticker ----

/** The normalised fields of one opt-summary row (absent = OKX sent ""). */
export interface OkxSummary {
  tsMs: number;
  markIv?: number;
  bidIv?: number;
  askIv?: number;
  forward?: number;
  delta?: number;
  gamma?: number;
  vega?: number;
  theta?: number;
}

const SUMMARY_FIELDS = [
  ['markVol', 'markIv'],
  ['bidVol', 'bidIv'],
  ['askVol', 'askIv'],
  ['fwdPx', 'forward'],
  ['deltaBS', 'delta'],
  ['gammaBS', 'gamma'],
  ['vegaBS', 'vega'],
  ['thetaBS', 'theta'],
] as const;

/** One `opt-summary` row → normalised fields, or a rejection (negative IV/forward, junk). */
export function parseOkxOptSummary(row: unknown): Parsed<OkxSummary & { instrument: string }> {
  if (typeof row !== 'object' || row === null) return reject('bad_value', 'opt-summary row is not an object');
  const r = row as Partial<OkxOptSummary> & Record<string, unknown>;
  if (typeof r.instId !== 'string' || r.instId === '') return reject('bad_value', 'opt-summary instId');
  const tsMs = okxTimestamp(r.ts);
  if (tsMs === undefined) return reject('bad_value', `opt-summary ts of ${r.instId}`);
  const out: OkxSummary & { instrument: string } = { instrument: r.instId, tsMs };
  for (const [wire, field] of SUMMARY_FIELDS) {
    const v = okxNumber(r[wire]);
    if (v === BAD) return reject('bad_value', `opt-summary ${wire} ${String(r[wire])} of ${r.instId}`);
    if (v === undefined) continue;
    const priceLike = field === 'markIv' || field === 'bidIv' || field === 'askIv' || field === 'forward';
    if (priceLike && v < 0) return reject('bad_value', `opt-summary ${wire} ${v} of ${r.instId}`);
    // An IV or forward of 0 is OKX's "none" (e.g. bidVol "0" without a bid), never a value.
    if (priceLike && v === 0) continue;
    out[field] = v;
  }
  return out;
}

/** One `mark-price` row → mark price in coin (inverse options), or a rejection. */
export function parseOkxMarkPrice(
  row: unknown,
): Parsed<{ instrument: string; tsMs: number; markPrice: number }> {
  if (typeof row !== 'object' || row === null) return reject('bad_value', 'mark-price row is not an object');
  const r = row as Partial<OkxMarkPrice>;
  if (typeof r.instId !== 'string' || r.instId === '') return reject('bad_value', 'mark-price instId');
  const tsMs = okxTimestamp(r.ts);
  if (tsMs === undefined) return reject('bad_value', `mark-price ts of ${r.instId}`);
  const markPrice = okxNumber(r.markPx);
  if (typeof markPrice !== 'number' || markPrice < 0) {
    return reject('bad_value', `markPx ${String(r.markPx)} of ${r.instId}`);
  }
  return { instrument: r.instId, tsMs, markPrice };
}

/**
 * The Ticker of an instrument from the latest opt-summary fields, mark price and index: OKX
 * splits what Deribit sends in one ticker over three channels, and downstream replaces a ticker's
 * fields as a whole, so the feed merges the latest of each and publishes the merged state.
 */
export function buildOkxTicker(
  info: OkxInstrumentInfo,
  summary: OkxSummary | undefined,
  markPrice: number | undefined,
  indexPrice: number | undefined,
  exchangeTimeMs: number,
  receiveNs: bigint,
  ctx: ParseContext,
): MarketDataEvent {
  const t = create(TickerSchema, {
    instrumentName: info.name,
    priceUnit: info.inverse ? PriceUnit.BASE_COIN : PriceUnit.QUOTE_CURRENCY,
    underlyingIndex: info.family,
    state: InstrumentState.OPEN,
  });
  if (markPrice !== undefined) t.markPrice = markPrice;
  if (indexPrice !== undefined) t.indexPrice = indexPrice;
  if (summary !== undefined) {
    if (summary.markIv !== undefined) t.markIv = summary.markIv;
    if (summary.bidIv !== undefined) t.bidIv = summary.bidIv;
    if (summary.askIv !== undefined) t.askIv = summary.askIv;
    if (summary.forward !== undefined) t.underlyingPrice = summary.forward;
    const g = create(VenueGreeksSchema);
    if (summary.delta !== undefined) g.delta = summary.delta;
    if (summary.gamma !== undefined) g.gamma = summary.gamma;
    if (summary.vega !== undefined) g.vega = summary.vega;
    if (summary.theta !== undefined) g.theta = summary.theta;
    t.greeks = g;
  }
  return envelope('ticker', info.name, exchangeTimeMs, 0, receiveNs, ctx, { case: 'ticker', value: t });
}

// ---- index ----

/** `index-tickers` row → IndexPrice (key `okx:BTC-USD`). */
export function parseOkxIndex(row: unknown, receiveNs: bigint, ctx: ParseContext): Parsed<MarketDataEvent> {
  if (typeof row !== 'object' || row === null) return reject('bad_value', 'index row is not an object');
  const r = row as Partial<OkxIndexTicker>;
  if (typeof r.instId !== 'string' || !/^[A-Z0-9]+-[A-Z0-9]+$/.test(r.instId)) {
    return reject('bad_value', `index instId ${String(r.instId)}`);
  }
  const tsMs = okxTimestamp(r.ts);
  if (tsMs === undefined) return reject('bad_value', `index ts of ${r.instId}`);
  const price = okxNumber(r.idxPx);
  if (typeof price !== 'number' || price <= 0)
    return reject('bad_value', `idxPx ${String(r.idxPx)} of ${r.instId}`);
  const value = create(IndexPriceSchema, {
    indexName: r.instId,
    currency: r.instId.split('-')[0]!,
    price,
  });
  return envelope('index', r.instId, tsMs, 0, receiveNs, ctx, { case: 'indexPrice', value });
}

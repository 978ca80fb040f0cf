// Pure mapping of Binance European Options market data to `volstream.marketdata.v1` events.
// Docs: https://developers.binance.com/docs/derivatives/option/websocket-market-streams (Diff Book
// Depth, Mark Price, Index Price), https://developers.binance.com/docs/derivatives/option/market-data/Order-Book ;
// units and "no value" rules: EXCHANGES.md §0.2, §4. Units are normalised here, once:
// - linear options: prices stay in USDT (PRICE_UNIT_QUOTE_CURRENCY);
// - quantities arrive in contracts and leave in coin (× the symbol's `unit`);
// - IVs (`vo`, `b`, `a`) are decimals already; "-1.0" (no quote) and "0" are absent;
// - a best price "0.000" is "no quote": absent; greeks as sent (USDT, delta N(d1));
// - Binance sends no forward: `underlying_price` stays absent, `index_price` is `i`.
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
import type { BinanceInstrumentInfo } from './instruments.ts';
import type { BinanceDepthSnapshot, BinanceDepthUpdate, BinanceIndex, BinanceMarkPrice } from './messages.ts';
import { type ParseContext, VENUE } from './parse-instrument.ts';
import { BAD, binanceInteger, binanceNumber, toCoin } from './values.ts';

export {
  binanceState,
  type ParseContext,
  parseBinanceInstrument,
  VENUE,
  validateBinanceSymbol,
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

/** A diff event checked for shape: numbers parsed, quantities still in contracts. */
export interface BinanceDepth {
  instrument: string;
  eventTimeMs: number;
  /** First update id; absent on the 2023 layout (then `pu + 1` is assumed by the sequencer). */
  first?: number;
  last: number;
  prevLast: number;
  bids: [number, number][];
  asks: [number, number][];
}

/** A REST snapshot checked for shape. */
export interface BinanceBookSnapshot {
  instrument: string;
  timeMs: number;
  lastUpdateId: number;
  bids: [number, number][];
  asks: [number, number][];
}

function levels(raw: unknown, side: string, name: string): [number, number][] | Rejection {
  if (!Array.isArray(raw)) return reject('bad_value', `${side} of ${name} is not an array`);
  const out: [number, number][] = [];
  for (const level of raw as unknown[]) {
    if (!Array.isArray(level) || level.length < 2) return reject('bad_value', `${side} level of ${name}`);
    const px = binanceNumber(level[0]);
    const qty = binanceNumber(level[1]);
    if (typeof px !== 'number' || px <= 0)
      return reject('bad_value', `${side} price ${String(level[0])} of ${name}`);
    if (typeof qty !== 'number' || qty < 0) {
      return reject('bad_value', `${side} quantity ${String(level[1])} of ${name}`);
    }
    out.push([px, qty]);
  }
  return out;
}

/** Shape check of one depth event (`data` of `<symbol>@depth@100ms`). */
export function validateBinanceDepth(data: unknown): Parsed<BinanceDepth> {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return reject('bad_value', 'depth data is not an object');
  }
  const d = data as Partial<BinanceDepthUpdate>;
  if (typeof d.s !== 'string' || d.s === '') return reject('bad_value', 'depth symbol');
  const name = d.s;
  const eventTimeMs = binanceInteger(d.E);
  if (eventTimeMs === undefined || eventTimeMs === 0) return reject('bad_value', `depth E of ${name}`);
  const last = binanceInteger(d.u);
  const prevLast = binanceInteger(d.pu);
  const first = d.U === undefined ? undefined : binanceInteger(d.U);
  if (last === undefined || prevLast === undefined || (d.U !== undefined && first === undefined)) {
    return reject('bad_value', `depth U/u/pu ${String(d.U)}/${String(d.u)}/${String(d.pu)} of ${name}`);
  }
  if (first !== undefined && first > last)
    return reject('bad_value', `depth U ${first} > u ${last} of ${name}`);
  const bids = levels(d.b, 'bid', name);
  if (isRejection(bids)) return bids;
  const asks = levels(d.a, 'ask', name);
  if (isRejection(asks)) return asks;
  return {
    instrument: name,
    eventTimeMs,
    ...(first === undefined ? {} : { first }),
    last,
    prevLast,
    bids,
    asks,
  };
}

/** Shape check of a REST depth snapshot reply. */
export function validateBinanceDepthSnapshot(instrument: string, body: unknown): Parsed<BinanceBookSnapshot> {
  if (typeof body !== 'object' || body === null)
    return reject('bad_value', `depth snapshot of ${instrument}`);
  const b = body as Partial<BinanceDepthSnapshot>;
  const lastUpdateId = binanceInteger(b.u);
  if (lastUpdateId === undefined)
    return reject('bad_value', `depth snapshot u ${String(b.u)} of ${instrument}`);
  const timeMs = binanceInteger(b.T) ?? 0;
  const bids = levels(b.bids, 'bid', instrument);
  if (isRejection(bids)) return bids;
  const asks = levels(b.asks, 'ask', instrument);
  if (isRejection(asks)) return asks;
  return { instrument, timeMs, lastUpdateId, bids, asks };
}

function snapshotSide(side: [number, number][], unit: number, descending: boolean) {
  const out = side
    .filter(([, qty]) => qty > 0)
    .map(([price, qty]) => create(PriceLevelSchema, { price, amount: toCoin(qty, unit) }));
  out.sort(descending ? (a, b) => b.price - a.price : (a, b) => a.price - b.price);
  return out;
}

/** A REST snapshot → BookSnapshot (levels best first, amounts in coin, `seq` = lastUpdateId). */
export function parseBinanceBookSnapshot(
  snap: BinanceBookSnapshot,
  info: BinanceInstrumentInfo,
  exchangeTimeMs: number,
  receiveNs: bigint,
  ctx: ParseContext,
): MarketDataEvent {
  const value = create(BookSnapshotSchema, {
    instrumentName: snap.instrument,
    bids: snapshotSide(snap.bids, info.unit, true),
    asks: snapshotSide(snap.asks, info.unit, false),
    seq: BigInt(snap.lastUpdateId),
  });
  const time = snap.timeMs > 0 ? snap.timeMs : exchangeTimeMs;
  return envelope('book_snapshot', snap.instrument, time, snap.lastUpdateId, receiveNs, ctx, {
    case: 'bookSnapshot',
    value,
  });
}

function updates(side: [number, number][], unit: number) {
  // Binance sends absolute quantities: a quantity sets the level, "0" removes it.
  return side.map(([price, qty]) =>
    create(LevelUpdateSchema, {
      action: qty === 0 ? BookAction.DELETE : BookAction.CHANGE,
      price,
      amount: qty === 0 ? 0 : toCoin(qty, unit),
    }),
  );
}

/**
 * An in-sequence diff → BookDelta (`seq` = u). `prevSeq` is what the book continues from: the
 * event's `pu`, or the snapshot's lastUpdateId for the first event applied after a snapshot.
 */
export function parseBinanceBookDelta(
  depth: BinanceDepth,
  info: BinanceInstrumentInfo,
  prevSeq: number,
  receiveNs: bigint,
  ctx: ParseContext,
): MarketDataEvent {
  const value = create(BookDeltaSchema, {
    instrumentName: depth.instrument,
    bids: updates(depth.bids, info.unit),
    asks: updates(depth.asks, info.unit),
    seq: BigInt(depth.last),
    prevSeq: BigInt(prevSeq),
  });
  if (depth.first !== undefined) value.firstSeq = BigInt(depth.first);
  return envelope('book_delta', depth.instrument, depth.eventTimeMs, depth.last, receiveNs, ctx, {
    case: 'bookDelta',
    value,
  });
}

/** The unsynced marker (shared builder, src/unsynced-marker.ts); `prev_seq` carries the last good lastUpdateId. */
export function binanceBookUnsyncedMarker(
  instrument: string,
  lastUpdateId: number | undefined,
  exchangeTimeMs: number,
  receiveNs: bigint,
  ctx: ParseContext,
): MarketDataEvent {
  return seqBookUnsyncedMarker(VENUE, ctx.producerId, instrument, lastUpdateId, exchangeTimeMs, receiveNs);
}

// ---- optionMarkPrice → Ticker ----

/** `[wire, kind]`: iv → absent at -1 and 0; price → absent at 0, never negative; any → as sent. */
const MARK_FIELDS = [
  ['vo', 'iv'],
  ['b', 'iv'],
  ['a', 'iv'],
  ['mp', 'price'],
  ['i', 'price'],
  ['bo', 'price'],
  ['ao', 'price'],
  ['bq', 'price'],
  ['aq', 'price'],
  ['P', 'price'],
  ['rf', 'any'],
  ['d', 'any'],
  ['t', 'any'],
  ['g', 'any'],
  ['v', 'any'],
] as const;

type MarkWire = (typeof MARK_FIELDS)[number][0];

/** The symbol of a mark-price row (to find the instrument before parsing), or undefined. */
export function markPriceSymbol(row: unknown): string | undefined {
  if (typeof row !== 'object' || row === null) return undefined;
  const s = (row as { s?: unknown }).s;
  return typeof s === 'string' && s !== '' ? s : undefined;
}

/** One `optionMarkPrice` row → Ticker, or a rejection (junk numbers, negative prices or IVs). */
export function parseBinanceMarkPrice(
  row: unknown,
  info: BinanceInstrumentInfo,
  receiveNs: bigint,
  ctx: ParseContext,
): Parsed<MarketDataEvent> {
  if (typeof row !== 'object' || row === null) return reject('bad_value', 'mark price row is not an object');
  const r = row as Partial<BinanceMarkPrice> & Record<string, unknown>;
  const tsMs = binanceInteger(r.E);
  if (tsMs === undefined || tsMs === 0) return reject('bad_value', `mark price E of ${info.name}`);
  const v: Partial<Record<MarkWire, number>> = {};
  for (const [wire, kind] of MARK_FIELDS) {
    const n = binanceNumber(r[wire]);
    if (n === BAD) return reject('bad_value', `mark price ${wire} ${String(r[wire])} of ${info.name}`);
    if (n === undefined) continue;
    if (kind === 'iv') {
      // "-1.0" is Binance's "no IV" (no quote on that side); an IV of 0 is no value either.
      if (n === -1 || n === 0) continue;
      if (n < 0) return reject('bad_value', `mark price ${wire} ${n} of ${info.name}`);
    } else if (kind === 'price') {
      if (n < 0) return reject('bad_value', `mark price ${wire} ${n} of ${info.name}`);
      if (n === 0) continue;
    }
    v[wire] = n;
  }
  if (r.mp === undefined) return reject('bad_value', `mark price without mp for ${info.name}`);
  const t = create(TickerSchema, {
    instrumentName: info.name,
    priceUnit: PriceUnit.QUOTE_CURRENCY,
    underlyingIndex: info.underlying,
    state: InstrumentState.OPEN,
  });
  if (v.mp !== undefined) t.markPrice = v.mp;
  if (v.i !== undefined) t.indexPrice = v.i;
  if (v.vo !== undefined) t.markIv = v.vo;
  // A side's IV only with a quote on that side.
  if (v.bo !== undefined) {
    t.bestBidPrice = v.bo;
    if (v.bq !== undefined) t.bestBidAmount = toCoin(v.bq, info.unit);
    if (v.b !== undefined) t.bidIv = v.b;
  }
  if (v.ao !== undefined) {
    t.bestAskPrice = v.ao;
    if (v.aq !== undefined) t.bestAskAmount = toCoin(v.aq, info.unit);
    if (v.a !== undefined) t.askIv = v.a;
  }
  if (v.P !== undefined) t.estimatedDeliveryPrice = v.P;
  if (v.rf !== undefined) t.interestRate = v.rf;
  const g = create(VenueGreeksSchema);
  if (v.d !== undefined) g.delta = v.d;
  if (v.g !== undefined) g.gamma = v.g;
  if (v.v !== undefined) g.vega = v.v;
  if (v.t !== undefined) g.theta = v.t;
  t.greeks = g;
  return envelope('ticker', info.name, tsMs, 0, receiveNs, ctx, { case: 'ticker', value: t });
}

// ---- index ----

/** One index object (`!index@arr` element, `@optionIndexPrice`, legacy `@index`) → IndexPrice. */
export function parseBinanceIndex(
  row: unknown,
  receiveNs: bigint,
  ctx: ParseContext,
): Parsed<MarketDataEvent> {
  if (typeof row !== 'object' || row === null) return reject('bad_value', 'index row is not an object');
  const r = row as Partial<BinanceIndex>;
  if (typeof r.s !== 'string' || !/^[A-Z0-9]+(USDT|USDC|USD)$/.test(r.s)) {
    return reject('bad_value', `index symbol ${String(r.s)}`);
  }
  const tsMs = binanceInteger(r.E);
  if (tsMs === undefined || tsMs === 0) return reject('bad_value', `index E of ${r.s}`);
  const price = binanceNumber(r.p);
  if (typeof price !== 'number' || price <= 0) return reject('bad_value', `index p ${String(r.p)} of ${r.s}`);
  const value = create(IndexPriceSchema, {
    indexName: r.s,
    currency: r.s.replace(/(USDT|USDC|USD)$/, ''),
    price,
  });
  return envelope('index', r.s, tsMs, 0, receiveNs, ctx, { case: 'indexPrice', value });
}

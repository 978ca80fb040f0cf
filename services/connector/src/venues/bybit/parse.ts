// Pure mapping of Bybit v5 option market data to `volstream.marketdata.v1` contract events.
// Docs: https://bybit-exchange.github.io/docs/v5/websocket/public/orderbook ,
// https://bybit-exchange.github.io/docs/v5/websocket/public/ticker ; units and "no value" rules:
// EXCHANGES.md §0, §3. Units are normalised here, once:
// - Bybit options are linear: prices stay in the quote currency (USDC/USDT) per 1 coin
//   (PRICE_UNIT_QUOTE_CURRENCY); sizes and open interest are already in coin;
// - IVs (`bidIv`/`askIv`/`markPriceIv`) are decimals already;
// - "0" is Bybit's "no value" for the quote fields (`bidPrice`, `bidSize`, `bidIv`, and the ask
//   ones), for `lastPrice` (never traded), `predictedDeliveryPrice` (not delivering), the IVs and
//   the reference prices (`underlyingPrice`, `indexPrice`): absent, never 0. An IV is only kept
//   with a quote on its side;
// - `underlyingPrice` is the forward the venue's IVs use → Ticker.underlying_price; `indexPrice`
//   is the spot index (Bybit has no option index topic: the feed publishes IndexPrice from it);
// - greeks as sent (venue units: delta, gamma per USD, vega USD per vol point, theta USD per day).
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
import type { BybitInstrumentInfo } from './instruments.ts';
import type { BybitBookData, BybitOptionTicker } from './messages.ts';
import { type ParseContext, VENUE } from './parse-instrument.ts';
import { BAD, bybitNumber, bybitTimestamp } from './values.ts';

export {
  bybitState,
  type ParseContext,
  parseBybitInstrument,
  VENUE,
  validateBybitInstrument,
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

/** A book message checked for shape: numbers parsed, sizes in coin. */
export interface BybitBook {
  instrument: string;
  tsMs: number;
  /** Update id `u`. */
  u: number;
  /** Cross sequence `seq`, when sent. */
  seq?: number;
  bids: [number, number][];
  asks: [number, number][];
}

function levels(raw: unknown, side: string, name: string): [number, number][] | Rejection {
  if (!Array.isArray(raw)) return reject('bad_value', `${side} of ${name} is not an array`);
  const out: [number, number][] = [];
  for (const level of raw as unknown[]) {
    if (!Array.isArray(level) || level.length < 2) return reject('bad_value', `${side} level of ${name}`);
    const px = bybitNumber(level[0]);
    const sz = bybitNumber(level[1]);
    if (typeof px !== 'number' || px <= 0)
      return reject('bad_value', `${side} price ${String(level[0])} of ${name}`);
    if (typeof sz !== 'number' || sz < 0)
      return reject('bad_value', `${side} size ${String(level[1])} of ${name}`);
    out.push([px, sz]);
  }
  return out;
}

/** Shape check of one `orderbook.{depth}.{symbol}` push's data for the topic's symbol. */
export function validateBybitBook(symbol: string, ts: unknown, data: unknown): Parsed<BybitBook> {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return reject('bad_value', `book data of ${symbol}`);
  }
  const d = data as Partial<BybitBookData>;
  if (d.s !== symbol) return reject('bad_value', `book s ${String(d.s)} on the topic of ${symbol}`);
  const tsMs = bybitTimestamp(ts);
  if (tsMs === undefined || typeof ts !== 'number')
    return reject('bad_value', `book ts ${String(ts)} of ${symbol}`);
  if (typeof d.u !== 'number' || !Number.isSafeInteger(d.u) || d.u < 0) {
    return reject('bad_value', `book u ${String(d.u)} of ${symbol}`);
  }
  if (d.seq !== undefined && (typeof d.seq !== 'number' || !Number.isSafeInteger(d.seq) || d.seq < 0)) {
    return reject('bad_value', `book seq ${String(d.seq)} of ${symbol}`);
  }
  const bids = levels(d.b, 'bid', symbol);
  if (isRejection(bids)) return bids;
  const asks = levels(d.a, 'ask', symbol);
  if (isRejection(asks)) return asks;
  return { instrument: symbol, tsMs, u: d.u, ...(d.seq === undefined ? {} : { seq: d.seq }), bids, asks };
}

function snapshotSide(side: [number, number][], descending: boolean) {
  const out = side
    .filter(([, sz]) => sz > 0)
    .map(([price, amount]) => create(PriceLevelSchema, { price, amount }));
  out.sort(descending ? (a, b) => b.price - a.price : (a, b) => a.price - b.price);
  return out;
}

/** A snapshot → BookSnapshot (levels best first, amounts in coin, `seq` = u, `depth` of the topic). */
export function parseBybitBookSnapshot(
  book: BybitBook,
  depth: number | undefined,
  receiveNs: bigint,
  ctx: ParseContext,
): MarketDataEvent {
  const value = create(BookSnapshotSchema, {
    instrumentName: book.instrument,
    bids: snapshotSide(book.bids, true),
    asks: snapshotSide(book.asks, false),
    seq: BigInt(book.u),
  });
  if (depth !== undefined) value.depth = depth;
  return envelope('book_snapshot', book.instrument, book.tsMs, book.u, receiveNs, ctx, {
    case: 'bookSnapshot',
    value,
  });
}

function updates(side: [number, number][]) {
  // Bybit does not say new vs changed: a size sets the level, size "0" deletes it.
  return side.map(([price, amount]) =>
    create(LevelUpdateSchema, {
      action: amount === 0 ? BookAction.DELETE : BookAction.CHANGE,
      price,
      amount,
    }),
  );
}

/**
 * An in-sequence delta → BookDelta (`seq` = u, `prev_seq` = the previous message's u, which
 * the sequencer checked is u − 1).
 */
export function parseBybitBookDelta(
  book: BybitBook,
  prevU: number,
  receiveNs: bigint,
  ctx: ParseContext,
): MarketDataEvent {
  const value = create(BookDeltaSchema, {
    instrumentName: book.instrument,
    bids: updates(book.bids),
    asks: updates(book.asks),
    seq: BigInt(book.u),
    prevSeq: BigInt(prevU),
  });
  return envelope('book_delta', book.instrument, book.tsMs, book.u, receiveNs, ctx, {
    case: 'bookDelta',
    value,
  });
}

/** The unsynced marker (shared builder, src/unsynced-marker.ts); `prev_seq` carries the last good lastU. */
export function bybitBookUnsyncedMarker(
  instrument: string,
  lastU: number | undefined,
  exchangeTimeMs: number,
  receiveNs: bigint,
  ctx: ParseContext,
): MarketDataEvent {
  return seqBookUnsyncedMarker(VENUE, ctx.producerId, instrument, lastU, exchangeTimeMs, receiveNs);
}

// ---- tickers ----

type Field = keyof BybitOptionTicker;

/** A number field: absent when missing or (with `zeroIsNone`) "0"; BAD when junk or negative. */
function field(
  r: Record<string, unknown>,
  name: Field,
  zeroIsNone: boolean,
  signed = false,
): number | undefined | typeof BAD {
  const v = bybitNumber(r[name]);
  if (v === BAD || v === undefined) return v;
  if (!signed && v < 0) return BAD;
  return zeroIsNone && v === 0 ? undefined : v;
}

/** Wire field → [Ticker field, "0" is no value, may be negative]. */
const PRICE_FIELDS = [
  ['markPrice', 'markPrice', false],
  ['lastPrice', 'lastPrice', true],
  ['markPriceIv', 'markIv', true],
  ['underlyingPrice', 'underlyingPrice', true],
  ['indexPrice', 'indexPrice', true],
  ['openInterest', 'openInterest', false],
  ['predictedDeliveryPrice', 'estimatedDeliveryPrice', true],
] as const;

const QUOTE_SIDES = [
  ['bidPrice', 'bidSize', 'bidIv', 'bestBidPrice', 'bestBidAmount', 'bidIv'],
  ['askPrice', 'askSize', 'askIv', 'bestAskPrice', 'bestAskAmount', 'askIv'],
] as const;

const GREEKS = ['delta', 'gamma', 'vega', 'theta'] as const;

/**
 * One `tickers.{symbol}` push's data → Ticker, or a rejection (junk or negative values, a symbol
 * that is not the topic's). `tsMs` is the push's `ts`.
 */
export function parseBybitTicker(
  data: unknown,
  tsMs: number,
  info: BybitInstrumentInfo,
  receiveNs: bigint,
  ctx: ParseContext,
): Parsed<MarketDataEvent> {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return reject('bad_value', `ticker data of ${info.name}`);
  }
  const r = data as Record<string, unknown>;
  if (r.symbol !== info.name)
    return reject('bad_value', `ticker symbol ${String(r.symbol)} on the topic of ${info.name}`);
  const t = create(TickerSchema, {
    instrumentName: info.name,
    priceUnit: info.inverse ? PriceUnit.BASE_COIN : PriceUnit.QUOTE_CURRENCY,
    underlyingIndex: info.currency,
    state: InstrumentState.OPEN,
  });
  for (const [wire, target, zeroIsNone] of PRICE_FIELDS) {
    const v = field(r, wire, zeroIsNone);
    if (v === BAD) return reject('bad_value', `ticker ${wire} ${String(r[wire])} of ${info.name}`);
    if (v !== undefined) t[target] = v;
  }
  for (const [px, sz, iv, tPx, tSz, tIv] of QUOTE_SIDES) {
    const price = field(r, px, true);
    const size = field(r, sz, true);
    const vol = field(r, iv, true);
    if (price === BAD || size === BAD || vol === BAD) {
      return reject(
        'bad_value',
        `ticker ${px}/${sz}/${iv} ${String(r[px])}/${String(r[sz])}/${String(r[iv])} of ${info.name}`,
      );
    }
    // A side is quoted only with both a price and a size; its IV only means something then.
    if (price === undefined || size === undefined) continue;
    t[tPx] = price;
    t[tSz] = size;
    if (vol !== undefined) t[tIv] = vol;
  }
  const g = create(VenueGreeksSchema);
  for (const name of GREEKS) {
    const v = field(r, name, false, true);
    if (v === BAD) return reject('bad_value', `ticker ${name} ${String(r[name])} of ${info.name}`);
    if (v !== undefined) g[name] = v;
  }
  t.greeks = g;
  return envelope('ticker', info.name, tsMs, 0, receiveNs, ctx, { case: 'ticker', value: t });
}

// ---- index ----

/**
 * The spot index of a base coin from a ticker's `indexPrice` (Bybit has no option index topic).
 * Named by the coin (`BTC`): Bybit gives the index no name of its own.
 */
export function bybitIndexPrice(
  currency: string,
  price: number,
  tsMs: number,
  receiveNs: bigint,
  ctx: ParseContext,
): MarketDataEvent {
  const value = create(IndexPriceSchema, { indexName: currency, currency, price });
  const event = envelope('index', currency, tsMs, 0, receiveNs, ctx, { case: 'indexPrice', value });
  // Two tickers of one millisecond can carry two index values: the value is part of the identity.
  event.header!.eventId = fastEventId(VENUE, 'index', currency, tsMs, price);
  return event;
}

// Pure mapping of Deribit wire messages to `volstream.marketdata.v1` contract events.
// Docs: https://docs.deribit.com/#subscriptions ; units and "no value" rules in docs/EXCHANGES.md §0-1
// and docs/NORMALIZATION.md. One place normalises units, once:
// - option prices stay in coin (BTC/ETH per 1-coin option) with PRICE_UNIT_BASE_COIN and the
//   instrument flagged inverse; futures prices are USD (PRICE_UNIT_QUOTE_CURRENCY);
// - option amounts are coin (contract size 1); inverse futures amounts are USD;
// - ticker IVs are percent on the wire and decimals in the contract (76.57 -> 0.7657);
// - "no value" becomes absent: bid_iv 0, ask_iv 0 (or 500 on expired options) without a quote,
//   best prices 0, nulls, the string "expired" in estimated_delivery_price.
// Every function is total: bad input gives a `Rejection` with a drop reason, never an exception.
import { create } from '@bufbuild/protobuf';
import {
  AmountUnit,
  BookAction,
  ContractType,
  eventId,
  InstrumentKind,
  InstrumentState,
  type MarketDataEvent,
  MarketDataEventSchema,
  newHeader,
  OptionType,
  PriceUnit,
} from '@volstream/contracts';
import type { DropReason } from '../../metrics.ts';
import type { InstrumentInfo } from './instruments.ts';
import type {
  DeribitBookData,
  DeribitBookLevel,
  DeribitIndexData,
  DeribitInstrument,
  DeribitInstrumentStateData,
  DeribitTickerData,
} from './messages.ts';

export const VENUE = 'deribit';

export interface Rejection {
  readonly rejected: DropReason;
  readonly detail: string;
}

export type Parsed<T> = T | Rejection;

export function isRejection(value: unknown): value is Rejection {
  return typeof value === 'object' && value !== null && 'rejected' in value;
}

function reject(rejected: DropReason, detail: string): Rejection {
  return { rejected, detail };
}

export interface ParseContext {
  /** Id of this connector process instance, e.g. `connector-deribit-0`. */
  producerId: string;
}

// ---- value helpers: the one rule for missing values ----

/** A finite number, else undefined (null, missing, strings, NaN become absent). */
function finite(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A price or amount where 0 means "none" (Deribit best bid/ask): positive finite, else absent. */
function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

/** True when a present value is not a usable non-negative number (NaN strings, negatives). */
function badNonNegative(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  return typeof value !== 'number' || !Number.isFinite(value) || value < 0;
}

/**
 * Percent -> decimal. Deribit sends IVs with two decimals in percent; rounding at 1e-8 (six
 * decimals of percent) removes the binary noise of a bare `/ 100` (76.57 / 100 = 0.7656999999999999)
 * without losing any precision the venue has.
 */
export function percentToDecimal(percent: number): number {
  return Math.round(percent * 1e6) / 1e8;
}

function validTimestamp(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}

const STATES: Record<string, InstrumentState> = {
  created: InstrumentState.CREATED,
  started: InstrumentState.OPEN,
  open: InstrumentState.OPEN,
  closed: InstrumentState.CLOSED,
  settled: InstrumentState.SETTLED,
  terminated: InstrumentState.TERMINATED,
  deactivated: InstrumentState.DEACTIVATED,
  inactive: InstrumentState.DEACTIVATED,
};

export function normaliseState(state: unknown): InstrumentState {
  return typeof state === 'string'
    ? (STATES[state] ?? InstrumentState.UNSPECIFIED)
    : InstrumentState.UNSPECIFIED;
}

// ---- instruments ----

function settlementOf(row: DeribitInstrument): string {
  if (typeof row.settlement_currency === 'string') return row.settlement_currency;
  const style = row.future_type ?? row.instrument_type;
  return style === 'linear' ? row.quote_currency : row.base_currency;
}

/** Compact hot-path view of an instrument row (see InstrumentInfo). */
export function instrumentInfo(row: DeribitInstrument, shard: number): InstrumentInfo {
  return {
    name: row.instrument_name,
    kind: row.kind,
    currency: row.base_currency.toUpperCase(),
    inverse: settlementOf(row) === row.base_currency,
    expiryMs: row.settlement_period === 'perpetual' ? 0 : row.expiration_timestamp,
    shard,
  };
}

/** Checks the fields the connector relies on; the rest is optional and mapped when present. */
export function validateInstrument(row: unknown): Rejection | undefined {
  if (typeof row !== 'object' || row === null) return reject('bad_value', 'instrument row is not an object');
  const r = row as Partial<DeribitInstrument>;
  if (typeof r.instrument_name !== 'string' || r.instrument_name === '')
    return reject('bad_value', 'instrument_name');
  if (
    typeof r.kind !== 'string' ||
    typeof r.base_currency !== 'string' ||
    typeof r.quote_currency !== 'string'
  ) {
    return reject('bad_value', `kind/base/quote of ${r.instrument_name}`);
  }
  if (!validTimestamp(r.expiration_timestamp))
    return reject('bad_value', `expiration_timestamp of ${r.instrument_name}`);
  if (positive(r.tick_size) === undefined || positive(r.contract_size) === undefined) {
    return reject('bad_value', `tick_size/contract_size of ${r.instrument_name}`);
  }
  if (
    r.kind === 'option' &&
    (positive(r.strike) === undefined || (r.option_type !== 'call' && r.option_type !== 'put'))
  ) {
    return reject('bad_value', `strike/option_type of ${r.instrument_name}`);
  }
  return undefined;
}

function instrumentKind(row: DeribitInstrument): InstrumentKind {
  if (row.kind === 'option') return InstrumentKind.OPTION;
  if (row.kind === 'future') {
    return row.settlement_period === 'perpetual' ? InstrumentKind.PERPETUAL : InstrumentKind.FUTURE;
  }
  if (row.kind === 'spot') return InstrumentKind.SPOT;
  return InstrumentKind.UNSPECIFIED;
}

/** `public/get_instruments` row -> Instrument event (call `validateInstrument` first). */
export function parseInstrument(
  row: DeribitInstrument,
  receiveNs: bigint,
  ctx: ParseContext,
): MarketDataEvent {
  const settlement = settlementOf(row);
  const inverse = settlement === row.base_currency;
  const option = row.kind === 'option';
  const perpetual = row.settlement_period === 'perpetual';
  const created = finite(row.creation_timestamp);
  const exchangeTimeMs = created ?? 0;
  return create(MarketDataEventSchema, {
    header: newHeader({
      venue: VENUE,
      producerId: ctx.producerId,
      eventId: eventId(VENUE, 'instrument', row.instrument_name, row.expiration_timestamp, row.tick_size),
      exchangeTimeMs,
      receiveTimeNs: receiveNs,
    }),
    payload: {
      case: 'instrument',
      value: {
        instrumentName: row.instrument_name,
        kind: instrumentKind(row),
        currency: row.base_currency.toUpperCase(),
        underlying: row.price_index ?? `${row.base_currency.toLowerCase()}_usd`,
        quoteCurrency: row.quote_currency,
        settlementCurrency: settlement,
        contractType: inverse ? ContractType.INVERSE : ContractType.LINEAR,
        priceUnit: option && inverse ? PriceUnit.BASE_COIN : PriceUnit.QUOTE_CURRENCY,
        // Options are sized in coin; inverse futures in USD notional; linear futures in coin.
        amountUnit: option || !inverse ? AmountUnit.BASE_COIN : AmountUnit.QUOTE_CURRENCY,
        ...(option && row.strike !== undefined ? { strike: row.strike } : {}),
        ...(perpetual ? {} : { expiryMs: BigInt(row.expiration_timestamp) }),
        optionType:
          row.option_type === 'call'
            ? OptionType.CALL
            : row.option_type === 'put'
              ? OptionType.PUT
              : OptionType.UNSPECIFIED,
        tickSize: row.tick_size,
        tickSizeSteps: (row.tick_size_steps ?? []).map((s) => ({
          abovePrice: s.above_price,
          tickSize: s.tick_size,
        })),
        contractSize: row.contract_size,
        ...(finite(row.min_trade_amount) === undefined ? {} : { minTradeAmount: row.min_trade_amount }),
        state: row.is_active ? InstrumentState.OPEN : InstrumentState.DEACTIVATED,
        ...(created === undefined ? {} : { creationTimeMs: BigInt(created) }),
        venue: VENUE,
      },
    },
  });
}

// ---- books ----

const ACTIONS: Record<string, BookAction> = {
  new: BookAction.NEW,
  change: BookAction.CHANGE,
  delete: BookAction.DELETE,
};

/** Rejection for a malformed level list, else undefined. Prices must be > 0, amounts >= 0. */
function checkLevels(levels: unknown, side: string, name: string): Rejection | undefined {
  if (!Array.isArray(levels)) return reject('bad_value', `${side} of ${name} is not an array`);
  for (const level of levels as unknown[]) {
    if (!Array.isArray(level) || level.length < 3 || ACTIONS[level[0] as string] === undefined) {
      return reject('bad_value', `${side} level of ${name} is not [action, price, amount]`);
    }
    const price = level[1];
    const amount = level[2];
    if (typeof price !== 'number' || !Number.isFinite(price) || price <= 0) {
      return reject('bad_value', `${side} price ${String(price)} of ${name}`);
    }
    if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0) {
      return reject('bad_value', `${side} amount ${String(amount)} of ${name}`);
    }
  }
  return undefined;
}

/** Shape check of a book message before it reaches the sequencer. */
export function validateBook(data: unknown): Rejection | undefined {
  if (typeof data !== 'object' || data === null) return reject('bad_value', 'book data is not an object');
  const d = data as Partial<DeribitBookData>;
  const name = String(d.instrument_name);
  if (typeof d.instrument_name !== 'string') return reject('bad_value', 'book instrument_name');
  if (!validTimestamp(d.timestamp)) return reject('bad_value', `book timestamp of ${name}`);
  if (typeof d.change_id !== 'number' || !Number.isSafeInteger(d.change_id) || d.change_id <= 0) {
    return reject('bad_value', `change_id ${String(d.change_id)} of ${name}`);
  }
  const prev = d.prev_change_id;
  if (prev !== undefined && (typeof prev !== 'number' || !Number.isSafeInteger(prev) || prev < 0)) {
    return reject('bad_value', `prev_change_id ${String(prev)} of ${name}`);
  }
  return checkLevels(d.bids, 'bid', name) ?? checkLevels(d.asks, 'ask', name);
}

function header(
  kind: string,
  name: string,
  exchangeTimeMs: number,
  sequence: number,
  receiveNs: bigint,
  ctx: ParseContext,
) {
  return newHeader({
    venue: VENUE,
    producerId: ctx.producerId,
    eventId: eventId(VENUE, kind, name, sequence === 0 ? exchangeTimeMs : sequence),
    exchangeTimeMs,
    receiveTimeNs: receiveNs,
    sourceSequence: sequence,
  });
}

function snapshotLevels(levels: readonly DeribitBookLevel[], descending: boolean) {
  const out: { price: number; amount: number }[] = [];
  for (const level of levels)
    if (level[0] !== 'delete' && level[2] > 0) out.push({ price: level[1], amount: level[2] });
  out.sort(descending ? (a, b) => b.price - a.price : (a, b) => a.price - b.price);
  return out;
}

/** A validated snapshot (see `isSnapshotMessage`) -> BookSnapshot; bids best (highest) first. */
export function parseBookSnapshot(
  data: DeribitBookData,
  receiveNs: bigint,
  ctx: ParseContext,
): MarketDataEvent {
  return create(MarketDataEventSchema, {
    header: header('book_snapshot', data.instrument_name, data.timestamp, data.change_id, receiveNs, ctx),
    payload: {
      case: 'bookSnapshot',
      value: {
        instrumentName: data.instrument_name,
        bids: snapshotLevels(data.bids, true),
        asks: snapshotLevels(data.asks, false),
        changeId: BigInt(data.change_id),
        ...(data.prev_change_id ? { prevChangeId: BigInt(data.prev_change_id) } : {}),
      },
    },
  });
}

function updates(levels: readonly DeribitBookLevel[]) {
  const out: { action: BookAction; price: number; amount: number }[] = new Array(levels.length);
  for (let i = 0; i < levels.length; i += 1) {
    const level = levels[i]!;
    out[i] = { action: ACTIONS[level[0]]!, price: level[1], amount: level[0] === 'delete' ? 0 : level[2] };
  }
  return out;
}

/** A validated, in-sequence change -> BookDelta. */
export function parseBookDelta(data: DeribitBookData, receiveNs: bigint, ctx: ParseContext): MarketDataEvent {
  return create(MarketDataEventSchema, {
    header: header('book_delta', data.instrument_name, data.timestamp, data.change_id, receiveNs, ctx),
    payload: {
      case: 'bookDelta',
      value: {
        instrumentName: data.instrument_name,
        bids: updates(data.bids),
        asks: updates(data.asks),
        changeId: BigInt(data.change_id),
        prevChangeId: BigInt(data.prev_change_id ?? 0),
      },
    },
  });
}

/**
 * The "book not good" marker: an EMPTY snapshot WITHOUT `change_id` (a real Deribit snapshot
 * always has one). Downstream replaces its book with nothing, so no stale or gapped book is ever
 * quoted, and waits for the next real snapshot. `prev_change_id` carries the last good change_id
 * for diagnostics.
 */
export function bookUnsyncedMarker(
  instrument: string,
  lastChangeId: number | undefined,
  exchangeTimeMs: number,
  receiveNs: bigint,
  ctx: ParseContext,
): MarketDataEvent {
  return create(MarketDataEventSchema, {
    header: newHeader({
      venue: VENUE,
      producerId: ctx.producerId,
      eventId: eventId(VENUE, 'book_unsynced', instrument, lastChangeId ?? 0, receiveNs),
      exchangeTimeMs,
      receiveTimeNs: receiveNs,
      sourceSequence: lastChangeId ?? 0,
    }),
    payload: {
      case: 'bookSnapshot',
      value: {
        instrumentName: instrument,
        bids: [],
        asks: [],
        ...(lastChangeId === undefined ? {} : { prevChangeId: BigInt(lastChangeId) }),
      },
    },
  });
}

/** True for the marker above (for consumers and tests). */
export function isUnsyncedMarker(event: MarketDataEvent): boolean {
  return event.payload.case === 'bookSnapshot' && event.payload.value.changeId === undefined;
}

// ---- tickers ----

const NUMERIC_TICKER_FIELDS = [
  'mark_price',
  'best_bid_price',
  'best_bid_amount',
  'best_ask_price',
  'best_ask_amount',
  'underlying_price',
  'index_price',
  'open_interest',
  'mark_iv',
  'bid_iv',
  'ask_iv',
] as const;

/** `ticker.{instrument}.{interval}` data -> Ticker, or a rejection (NaN/negative values, crossed quote). */
export function parseTicker(
  data: DeribitTickerData,
  info: InstrumentInfo,
  receiveNs: bigint,
  ctx: ParseContext,
): Parsed<MarketDataEvent> {
  const name = data.instrument_name;
  if (!validTimestamp(data.timestamp)) return reject('bad_value', `ticker timestamp of ${name}`);
  for (const field of NUMERIC_TICKER_FIELDS) {
    if (badNonNegative(data[field]))
      return reject('bad_value', `ticker ${field} ${String(data[field])} of ${name}`);
  }
  const bid = positive(data.best_bid_price);
  const ask = positive(data.best_ask_price);
  if (bid !== undefined && ask !== undefined && bid >= ask) {
    return reject('crossed_book', `ticker bid ${bid} >= ask ${ask} of ${name}`);
  }
  const greeks = data.greeks;
  const bidIv = bid === undefined ? undefined : positive(data.bid_iv);
  const askIv = ask === undefined ? undefined : positive(data.ask_iv);
  const markIv = positive(data.mark_iv);
  const value = {
    instrumentName: name,
    priceUnit: info.kind === 'option' && info.inverse ? PriceUnit.BASE_COIN : PriceUnit.QUOTE_CURRENCY,
    underlyingIndex: typeof data.underlying_index === 'string' ? data.underlying_index : '',
    state: normaliseState(data.state),
    ...opt('bestBidPrice', bid),
    ...opt('bestBidAmount', bid === undefined ? undefined : finite(data.best_bid_amount)),
    ...opt('bestAskPrice', ask),
    ...opt('bestAskAmount', ask === undefined ? undefined : finite(data.best_ask_amount)),
    ...opt('markPrice', finite(data.mark_price)),
    ...opt('lastPrice', finite(data.last_price)),
    ...opt('bidIv', bidIv === undefined ? undefined : percentToDecimal(bidIv)),
    ...opt('askIv', askIv === undefined ? undefined : percentToDecimal(askIv)),
    ...opt('markIv', markIv === undefined ? undefined : percentToDecimal(markIv)),
    ...opt('underlyingPrice', positive(data.underlying_price)),
    ...opt('indexPrice', positive(data.index_price)),
    ...opt('openInterest', finite(data.open_interest)),
    ...opt('interestRate', finite(data.interest_rate)),
    ...opt('settlementPrice', finite(data.settlement_price)),
    ...opt('estimatedDeliveryPrice', finite(data.estimated_delivery_price)),
    ...(greeks === undefined || greeks === null
      ? {}
      : {
          greeks: {
            ...opt('delta', finite(greeks.delta)),
            ...opt('gamma', finite(greeks.gamma)),
            ...opt('vega', finite(greeks.vega)),
            ...opt('theta', finite(greeks.theta)),
            ...opt('rho', finite(greeks.rho)),
          },
        }),
  };
  return create(MarketDataEventSchema, {
    header: header('ticker', name, data.timestamp, 0, receiveNs, ctx),
    payload: { case: 'ticker', value },
  });
}

function opt<K extends string>(key: K, value: number | undefined): { [P in K]?: number } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: number };
}

// ---- index and instrument state ----

/** `deribit_price_index.{index}` data -> IndexPrice. */
export function parseIndex(
  data: DeribitIndexData,
  receiveNs: bigint,
  ctx: ParseContext,
): Parsed<MarketDataEvent> {
  if (typeof data !== 'object' || data === null || typeof data.index_name !== 'string') {
    return reject('bad_value', 'index data without index_name');
  }
  if (!validTimestamp(data.timestamp)) return reject('bad_value', `index timestamp of ${data.index_name}`);
  const price = positive(data.price);
  if (price === undefined)
    return reject('bad_value', `index price ${String(data.price)} of ${data.index_name}`);
  const currency = data.index_name.split('_')[0]!.toUpperCase();
  return create(MarketDataEventSchema, {
    header: header('index', data.index_name, data.timestamp, 0, receiveNs, ctx),
    payload: { case: 'indexPrice', value: { indexName: data.index_name, currency, price } },
  });
}

/** `instrument.state.{kind}.{currency}` data -> InstrumentStateChange. */
export function parseInstrumentState(
  data: DeribitInstrumentStateData,
  receiveNs: bigint,
  ctx: ParseContext,
): Parsed<MarketDataEvent> {
  if (typeof data !== 'object' || data === null || typeof data.instrument_name !== 'string') {
    return reject('bad_value', 'instrument state without instrument_name');
  }
  if (!validTimestamp(data.timestamp) || typeof data.state !== 'string') {
    return reject('bad_value', `instrument state timestamp/state of ${data.instrument_name}`);
  }
  return create(MarketDataEventSchema, {
    header: newHeader({
      venue: VENUE,
      producerId: ctx.producerId,
      eventId: eventId(VENUE, 'instrument_state', data.instrument_name, data.state, data.timestamp),
      exchangeTimeMs: data.timestamp,
      receiveTimeNs: receiveNs,
    }),
    payload: {
      case: 'instrumentState',
      value: {
        instrumentName: data.instrument_name,
        state: normaliseState(data.state),
        venueState: data.state,
      },
    },
  });
}

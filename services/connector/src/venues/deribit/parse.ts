// Pure mapping of Deribit market-data messages to `volstream.marketdata.v1` contract events.
// Docs: https://docs.deribit.com/#subscriptions ; units and "no value" rules in docs/EXCHANGES.md
// §0-1 and docs/NORMALIZATION.md. Units are normalised here, once:
// - option prices stay in coin (BTC/ETH per 1-coin option, PRICE_UNIT_BASE_COIN; the Instrument
//   says inverse); futures prices are USD (PRICE_UNIT_QUOTE_CURRENCY);
// - option amounts are coin (contract size 1); inverse futures amounts are USD;
// - ticker IVs are percent on the wire and decimals in the contract (76.57 -> 0.7657);
// - "no value" becomes absent: bid_iv/ask_iv without a quote (0, or 500 on expired options),
//   best prices 0, nulls, the string "expired" in estimated_delivery_price.
// Every function is total: bad input gives a `Rejection` with a drop reason, never an exception.
// Messages are cloned from templates (message-template.ts) and filled field by field: no
// init objects and no spreads on the hot path (they cost more than the JSON.parse of the frame).
import { create } from '@bufbuild/protobuf';
import {
  BookAction,
  type BookDelta,
  BookDeltaSchema,
  type BookSnapshot,
  BookSnapshotSchema,
  type EventHeader,
  EventHeaderSchema,
  IndexPriceSchema,
  InstrumentState,
  InstrumentStateChangeSchema,
  type LevelUpdate,
  LevelUpdateSchema,
  LIVE_RUN_ID,
  type MarketDataEvent,
  MarketDataEventSchema,
  newHeader,
  type PriceLevel,
  PriceLevelSchema,
  PriceUnit,
  SCHEMA_VERSION,
  TickerSchema,
  VenueGreeksSchema,
} from '@volstream/contracts';
import { EventIdCache, fastEventId } from '../../event-id.ts';
import { templateOf } from '../../message-template.ts';
import {
  badNonNegative,
  finite,
  isRejection,
  type Parsed,
  positive,
  type Rejection,
  reject,
  validTimestamp,
} from '../../values.ts';
import type { InstrumentInfo } from './instruments.ts';
import type {
  DeribitBookData,
  DeribitBookLevel,
  DeribitIndexData,
  DeribitInstrumentStateData,
  DeribitTickerData,
} from './messages.ts';
import { type ParseContext, VENUE } from './parse-instrument.ts';

export {
  instrumentInfo,
  type ParseContext,
  parseInstrument,
  VENUE,
  validateInstrument,
} from './parse-instrument.ts';
export { isRejection, type Parsed, type Rejection };

/**
 * Percent -> decimal. Deribit sends IVs with two decimals in percent; rounding at 1e-8 (six
 * decimals of percent) removes the binary noise of a bare `/ 100` (76.57 / 100 = 0.7656999999999999)
 * without losing any precision the venue has.
 */
export function percentToDecimal(percent: number): number {
  return Math.round(percent * 1e6) / 1e8;
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

/**
 * The header of a market-data event: what `newHeader` of the contracts builds (schema version,
 * live run id), filled field by field because this runs once per venue frame.
 */
const newEventHeader = templateOf(EventHeaderSchema);
const newEnvelope = templateOf(MarketDataEventSchema);
const newSnapshot = templateOf(BookSnapshotSchema);
const newDelta = templateOf(BookDeltaSchema);
const newLevel = templateOf(PriceLevelSchema);
const newUpdate = templateOf(LevelUpdateSchema);
const newTicker = templateOf(TickerSchema);
const newGreeks = templateOf(VenueGreeksSchema);

/** Per-kind event-id caches (memoised hash prefixes: same ids as `eventId`, see event-id.ts). */
const IDS = {
  book_snapshot: new EventIdCache(VENUE, 'book_snapshot'),
  book_delta: new EventIdCache(VENUE, 'book_delta'),
  ticker: new EventIdCache(VENUE, 'ticker'),
  index: new EventIdCache(VENUE, 'index'),
};

function header(
  kind: keyof typeof IDS,
  name: string,
  exchangeTimeMs: number,
  sequence: number,
  receiveNs: bigint,
  ctx: ParseContext,
): EventHeader {
  const h = newEventHeader();
  h.exchangeTimeMs = BigInt(exchangeTimeMs);
  h.receiveTimeNs = receiveNs;
  h.venue = VENUE;
  h.sourceSequence = sequence === 0 ? 0n : BigInt(sequence);
  h.producerId = ctx.producerId;
  h.eventId = IDS[kind].id(name, sequence === 0 ? exchangeTimeMs : sequence);
  h.schemaVersion = SCHEMA_VERSION;
  // publish_time_ns stays 0 here: the feed stamps it once per batch, when the batch is published.
  h.runId = LIVE_RUN_ID;
  return h;
}

function envelope(header: EventHeader, payload: MarketDataEvent['payload']): MarketDataEvent {
  const event = newEnvelope();
  event.header = header;
  event.payload = payload;
  return event;
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
  if (typeof d.instrument_name !== 'string') return reject('bad_value', 'book instrument_name');
  const name = d.instrument_name;
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

function snapshotLevels(levels: readonly DeribitBookLevel[], descending: boolean): PriceLevel[] {
  const out: PriceLevel[] = [];
  for (const level of levels) {
    if (level[0] === 'delete' || level[2] <= 0) continue;
    const l = newLevel();
    l.price = level[1];
    l.amount = level[2];
    out.push(l);
  }
  out.sort(descending ? (a, b) => b.price - a.price : (a, b) => a.price - b.price);
  return out;
}

/** A validated snapshot (see `isSnapshotMessage`) -> BookSnapshot; bids best (highest) first. */
export function parseBookSnapshot(
  data: DeribitBookData,
  receiveNs: bigint,
  ctx: ParseContext,
): MarketDataEvent {
  const value: BookSnapshot = newSnapshot();
  value.instrumentName = data.instrument_name;
  value.bids = snapshotLevels(data.bids, true);
  value.asks = snapshotLevels(data.asks, false);
  value.changeId = BigInt(data.change_id);
  if (data.prev_change_id) value.prevChangeId = BigInt(data.prev_change_id);
  return envelope(
    header('book_snapshot', data.instrument_name, data.timestamp, data.change_id, receiveNs, ctx),
    {
      case: 'bookSnapshot',
      value,
    },
  );
}

function updates(levels: readonly DeribitBookLevel[]): LevelUpdate[] {
  const out: LevelUpdate[] = new Array(levels.length);
  for (let i = 0; i < levels.length; i += 1) {
    const level = levels[i]!;
    const u = newUpdate();
    u.action = ACTIONS[level[0]]!;
    u.price = level[1];
    u.amount = level[0] === 'delete' ? 0 : level[2];
    out[i] = u;
  }
  return out;
}

/** A validated, in-sequence change -> BookDelta. */
export function parseBookDelta(data: DeribitBookData, receiveNs: bigint, ctx: ParseContext): MarketDataEvent {
  const value: BookDelta = newDelta();
  value.instrumentName = data.instrument_name;
  value.bids = updates(data.bids);
  value.asks = updates(data.asks);
  value.changeId = BigInt(data.change_id);
  value.prevChangeId = BigInt(data.prev_change_id ?? 0);
  return envelope(
    header('book_delta', data.instrument_name, data.timestamp, data.change_id, receiveNs, ctx),
    {
      case: 'bookDelta',
      value,
    },
  );
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
  const value = newSnapshot();
  value.instrumentName = instrument;
  value.bids = [];
  value.asks = [];
  if (lastChangeId !== undefined) value.prevChangeId = BigInt(lastChangeId);
  const head = newHeader({
    venue: VENUE,
    producerId: ctx.producerId,
    eventId: fastEventId(VENUE, 'book_unsynced', instrument, lastChangeId ?? 0, receiveNs),
    exchangeTimeMs,
    receiveTimeNs: receiveNs,
    sourceSequence: lastChangeId ?? 0,
  });
  return envelope(head, { case: 'bookSnapshot', value });
}

/** True for the marker above (for consumers and tests). */
export function isUnsyncedMarker(event: MarketDataEvent): boolean {
  return event.payload.case === 'bookSnapshot' && event.payload.value.changeId === undefined;
}

// ---- tickers ----

/** The first numeric ticker field that is present but not a usable number >= 0, if any. */
function badTickerField(d: DeribitTickerData): string | undefined {
  // Named reads, not a loop over key names: this runs per ticker and keyed reads are megamorphic.
  if (badNonNegative(d.mark_price)) return `mark_price ${String(d.mark_price)}`;
  if (badNonNegative(d.best_bid_price)) return `best_bid_price ${String(d.best_bid_price)}`;
  if (badNonNegative(d.best_bid_amount)) return `best_bid_amount ${String(d.best_bid_amount)}`;
  if (badNonNegative(d.best_ask_price)) return `best_ask_price ${String(d.best_ask_price)}`;
  if (badNonNegative(d.best_ask_amount)) return `best_ask_amount ${String(d.best_ask_amount)}`;
  if (badNonNegative(d.underlying_price)) return `underlying_price ${String(d.underlying_price)}`;
  if (badNonNegative(d.index_price)) return `index_price ${String(d.index_price)}`;
  if (badNonNegative(d.open_interest)) return `open_interest ${String(d.open_interest)}`;
  if (badNonNegative(d.mark_iv)) return `mark_iv ${String(d.mark_iv)}`;
  if (badNonNegative(d.bid_iv)) return `bid_iv ${String(d.bid_iv)}`;
  if (badNonNegative(d.ask_iv)) return `ask_iv ${String(d.ask_iv)}`;
  return undefined;
}

/** `ticker.{instrument}.{interval}` data -> Ticker, or a rejection (NaN/negative values, crossed quote). */
export function parseTicker(
  data: DeribitTickerData,
  info: InstrumentInfo,
  receiveNs: bigint,
  ctx: ParseContext,
): Parsed<MarketDataEvent> {
  const name = data.instrument_name;
  if (!validTimestamp(data.timestamp)) return reject('bad_value', `ticker timestamp of ${name}`);
  const bad = badTickerField(data);
  if (bad !== undefined) return reject('bad_value', `ticker ${bad} of ${name}`);
  const bid = positive(data.best_bid_price);
  const ask = positive(data.best_ask_price);
  if (bid !== undefined && ask !== undefined && bid >= ask) {
    return reject('crossed_book', `ticker bid ${bid} >= ask ${ask} of ${name}`);
  }
  const t = newTicker();
  t.instrumentName = name;
  t.priceUnit = info.kind === 'option' && info.inverse ? PriceUnit.BASE_COIN : PriceUnit.QUOTE_CURRENCY;
  t.underlyingIndex = typeof data.underlying_index === 'string' ? data.underlying_index : '';
  t.state = normaliseState(data.state);
  if (bid !== undefined) {
    t.bestBidPrice = bid;
    const amount = finite(data.best_bid_amount);
    if (amount !== undefined) t.bestBidAmount = amount;
    const iv = positive(data.bid_iv);
    if (iv !== undefined) t.bidIv = percentToDecimal(iv);
  }
  if (ask !== undefined) {
    t.bestAskPrice = ask;
    const amount = finite(data.best_ask_amount);
    if (amount !== undefined) t.bestAskAmount = amount;
    const iv = positive(data.ask_iv);
    if (iv !== undefined) t.askIv = percentToDecimal(iv);
  }
  const markIv = positive(data.mark_iv);
  if (markIv !== undefined) t.markIv = percentToDecimal(markIv);
  let v = finite(data.mark_price);
  if (v !== undefined) t.markPrice = v;
  v = finite(data.last_price);
  if (v !== undefined) t.lastPrice = v;
  v = positive(data.underlying_price);
  if (v !== undefined) t.underlyingPrice = v;
  v = positive(data.index_price);
  if (v !== undefined) t.indexPrice = v;
  v = finite(data.open_interest);
  if (v !== undefined) t.openInterest = v;
  v = finite(data.interest_rate);
  if (v !== undefined) t.interestRate = v;
  v = finite(data.settlement_price);
  if (v !== undefined) t.settlementPrice = v;
  v = finite(data.estimated_delivery_price);
  if (v !== undefined) t.estimatedDeliveryPrice = v;
  const greeks = data.greeks;
  if (typeof greeks === 'object' && greeks !== null) {
    const g = newGreeks();
    v = finite(greeks.delta);
    if (v !== undefined) g.delta = v;
    v = finite(greeks.gamma);
    if (v !== undefined) g.gamma = v;
    v = finite(greeks.vega);
    if (v !== undefined) g.vega = v;
    v = finite(greeks.theta);
    if (v !== undefined) g.theta = v;
    v = finite(greeks.rho);
    if (v !== undefined) g.rho = v;
    t.greeks = g;
  }
  return envelope(header('ticker', name, data.timestamp, 0, receiveNs, ctx), { case: 'ticker', value: t });
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
  const value = create(IndexPriceSchema);
  value.indexName = data.index_name;
  value.currency = data.index_name.split('_')[0]!.toUpperCase();
  value.price = price;
  return envelope(header('index', data.index_name, data.timestamp, 0, receiveNs, ctx), {
    case: 'indexPrice',
    value,
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
  const value = create(InstrumentStateChangeSchema);
  value.instrumentName = data.instrument_name;
  value.state = normaliseState(data.state);
  value.venueState = data.state;
  const head = newHeader({
    venue: VENUE,
    producerId: ctx.producerId,
    eventId: fastEventId(VENUE, 'instrument_state', data.instrument_name, data.state, data.timestamp),
    exchangeTimeMs: data.timestamp,
    receiveTimeNs: receiveNs,
  });
  return envelope(head, { case: 'instrumentState', value });
}

// The order-book worker as a pure transformation: marketdata events in offset order -> conflated
// top-N books (BookTop, latest per instrument per window) and forwards per expiry, both keyed
// currency:expiry. State (books, ticker fields, forwards) lives here and is rebuilt from the input
// topic (docs/PIPELINE.md). Nothing here does I/O or reads a clock except the publish time.
import {
  type BookDelta,
  type BookSnapshot,
  type EventHeader,
  InstrumentKind,
  InstrumentState,
  type MarketDataEvent,
  nowNs,
  type OrderBookEvent,
  type Ticker,
} from '@volstream/contracts';
import type { WindowResult } from '@volstream/worker-runtime';
import { type ExpiryState, futureMid, type InstrumentSlot, parityPairs } from './book-state.ts';
import { chooseForward, type ForwardChoice, parityFromPairs } from './forwards.ts';
import { InstrumentBook, type InstrumentMeta, metaFromInstrument } from './instruments.ts';
import { L2Book, validLevels } from './l2-book.ts';
import { bookTopEvent, forwardEvent, type PublishContext } from './publish.ts';

export interface OrderBookTransformOptions {
  /** Producer id written into every header (default `orderbook-worker-0`). */
  producerId?: string;
  /** N of the published top-N (default 10). */
  depth?: number;
  /** A venue forward (underlying_price) older than this vs the expiry's newest event is not used (default 30 s). */
  maxVenueForwardAgeMs?: number;
  /** Strikes nearest the money used for the put-call parity forward (default 3). */
  parityStrikes?: number;
  /** Publish-time clock, epoch ns (default nowNs; tests pin it for byte-identical output). */
  clock?: () => bigint;
}

const REMOVED_STATES = new Set([
  InstrumentState.CLOSED,
  InstrumentState.SETTLED,
  InstrumentState.TERMINATED,
  InstrumentState.DEACTIVATED,
]);

const TICKER_NUMBERS = [
  'bestBidPrice',
  'bestBidAmount',
  'bestAskPrice',
  'bestAskAmount',
  'markPrice',
  'bidIv',
  'askIv',
  'markIv',
  'underlyingPrice',
  'indexPrice',
] as const;

/** Drop reasons of this worker (counted in stats().dropped). */
export const ORDERBOOK_DROP_REASONS = [
  'bad_value',
  'crossed',
  'delta_before_snapshot',
  'duplicate',
  'gap',
  'unknown_instrument',
  'unsynced_book',
] as const;
export type OrderBookDropReason = (typeof ORDERBOOK_DROP_REASONS)[number];

export class OrderBookTransform {
  readonly #publish: PublishContext;
  readonly #depth: number;
  readonly #maxVenueAgeMs: number;
  readonly #parityStrikes: number;
  readonly #instruments = new InstrumentBook();
  readonly #slots = new Map<string, InstrumentSlot>();
  readonly #expiries = new Map<string, ExpiryState>();
  readonly #index = new Map<string, number>();
  // per-window scratch
  #dirtyBooks = new Map<InstrumentSlot, EventHeader>();
  #dirtyExpiries = new Map<ExpiryState, EventHeader>();
  #dropped: Record<string, number> = {};
  #examples: Record<string, Record<string, unknown>> = {};
  #counters: Record<string, number> = {};

  constructor(options: OrderBookTransformOptions = {}) {
    this.#depth = options.depth ?? 10;
    this.#publish = {
      producerId: options.producerId ?? 'orderbook-worker-0',
      clock: options.clock ?? nowNs,
      depth: this.#depth,
    };
    this.#maxVenueAgeMs = options.maxVenueForwardAgeMs ?? 30_000;
    this.#parityStrikes = options.parityStrikes ?? 3;
  }

  /** Applies one window of marketdata events (offset order) and returns what to publish. */
  apply(events: readonly MarketDataEvent[]): WindowResult<OrderBookEvent> {
    this.#dirtyBooks = new Map();
    this.#dirtyExpiries = new Map();
    this.#dropped = {};
    this.#examples = {};
    this.#counters = {};
    for (const event of events) this.#one(event);
    const outputs: OrderBookEvent[] = [];
    for (const [expiry, cause] of this.#dirtyExpiries) {
      const forward = this.#forwardEvent(expiry, cause);
      if (forward !== undefined) outputs.push(forward);
    }
    for (const [slot, cause] of this.#dirtyBooks) {
      const index = this.#index.get(`${slot.meta.venue}:${slot.meta.currency}`);
      outputs.push(bookTopEvent(slot, index, cause, this.#publish));
    }
    return { outputs, dropped: this.#dropped, dropExamples: this.#examples, counters: this.#counters };
  }

  /** The current top-N of a book (tests, diagnostics); undefined when the instrument has no book. */
  book(
    venue: string,
    name: string,
  ):
    | {
        bids: { price: number; amount: number }[];
        asks: { price: number; amount: number }[];
        synced: boolean;
      }
    | undefined {
    const slot = this.#slots.get(`${venue}:${name}`);
    if (slot === undefined) return undefined;
    return { ...slot.book.top(this.#depth), synced: slot.book.synced };
  }

  #drop(reason: OrderBookDropReason, context: Record<string, unknown>): void {
    this.#dropped[reason] = (this.#dropped[reason] ?? 0) + 1;
    this.#examples[reason] ??= context;
  }

  #count(name: string): void {
    this.#counters[name] = (this.#counters[name] ?? 0) + 1;
  }

  #one(event: MarketDataEvent): void {
    const header = event.header;
    if (header === undefined) return;
    const p = event.payload;
    switch (p.case) {
      case 'instrument':
        this.#instruments.set(metaFromInstrument({ ...p.value, venue: p.value.venue || header.venue }));
        return;
      case 'bookSnapshot':
        this.#snapshot(p.value, header);
        return;
      case 'bookDelta':
        this.#delta(p.value, header);
        return;
      case 'ticker':
        this.#ticker(p.value, header);
        return;
      case 'indexPrice':
        if (Number.isFinite(p.value.price) && p.value.price > 0) {
          this.#index.set(`${header.venue}:${p.value.currency}`, p.value.price);
        } else this.#drop('bad_value', { index: p.value.indexName, price: p.value.price });
        return;
      case 'instrumentState':
        if (REMOVED_STATES.has(p.value.state)) this.#remove(header.venue, p.value.instrumentName);
        return;
      default:
        return;
    }
  }

  #slot(venue: string, name: string, header: EventHeader): InstrumentSlot | undefined {
    const key = `${venue}:${name}`;
    const existing = this.#slots.get(key);
    if (existing !== undefined) return existing;
    const meta = this.#instruments.resolve(venue, name);
    if (meta === undefined || meta.kind === InstrumentKind.UNSPECIFIED) {
      this.#drop('unknown_instrument', { venue, instrument: name, eventId: header.eventId });
      return undefined;
    }
    if (meta.fromName) this.#count('instrument_from_name');
    const slot: InstrumentSlot = { meta, book: new L2Book(), ticker: {}, asOfMs: 0n };
    this.#slots.set(key, slot);
    const expiry = this.#expiryOf(meta);
    if (expiry !== undefined) {
      if (meta.kind === InstrumentKind.OPTION) expiry.options.set(name, slot);
      else if (meta.kind === InstrumentKind.FUTURE) expiry.futures.set(name, slot);
    }
    return slot;
  }

  #expiryOf(meta: InstrumentMeta): ExpiryState | undefined {
    if (meta.expiryMs === undefined) return undefined;
    const key = `${meta.venue}:${meta.currency}:${meta.expiryMs}`;
    let state = this.#expiries.get(key);
    if (state === undefined) {
      state = {
        venue: meta.venue,
        currency: meta.currency,
        expiryMs: meta.expiryMs,
        options: new Map(),
        futures: new Map(),
        newestMs: 0n,
      };
      this.#expiries.set(key, state);
    }
    return state;
  }

  #remove(venue: string, name: string): void {
    const slot = this.#slots.get(`${venue}:${name}`);
    this.#slots.delete(`${venue}:${name}`);
    this.#instruments.delete(venue, name);
    if (slot === undefined) return;
    this.#dirtyBooks.delete(slot);
    const expiry = this.#expiryOf(slot.meta);
    expiry?.options.delete(name);
    expiry?.futures.delete(name);
  }

  #touch(slot: InstrumentSlot, header: EventHeader, affectsForward: boolean): void {
    if (header.exchangeTimeMs > slot.asOfMs) slot.asOfMs = header.exchangeTimeMs;
    this.#dirtyBooks.delete(slot); // re-insert: the newest cause decides the header
    this.#dirtyBooks.set(slot, header);
    if (!affectsForward) return;
    const expiry = this.#expiryOf(slot.meta);
    if (expiry === undefined) return;
    if (header.exchangeTimeMs > expiry.newestMs) expiry.newestMs = header.exchangeTimeMs;
    this.#dirtyExpiries.delete(expiry);
    this.#dirtyExpiries.set(expiry, header);
  }

  #snapshot(s: BookSnapshot, header: EventHeader): void {
    const slot = this.#slot(header.venue, s.instrumentName, header);
    if (slot === undefined) return;
    const ctx = { instrument: s.instrumentName, eventId: header.eventId };
    // The connector's "book not good" marker: empty, without any sequence (parse.ts bookUnsyncedMarker).
    if (s.changeId === undefined && s.seq === undefined && s.bids.length === 0 && s.asks.length === 0) {
      slot.book.replace([], []);
      slot.book.synced = false;
      this.#count('unsynced_marker');
      this.#touch(slot, header, true);
      return;
    }
    if (!validLevels(s.bids) || !validLevels(s.asks)) {
      this.#drop('bad_value', ctx);
      return;
    }
    slot.book.replace(s.bids, s.asks, s.changeId, s.seq);
    if (slot.book.crossed()) {
      slot.book.synced = false;
      this.#drop('crossed', ctx);
    }
    this.#touch(slot, header, true);
  }

  #delta(d: BookDelta, header: EventHeader): void {
    const slot = this.#slot(header.venue, d.instrumentName, header);
    if (slot === undefined) return;
    const book = slot.book;
    const ctx = {
      instrument: d.instrumentName,
      changeId: d.changeId,
      prevChangeId: d.prevChangeId,
      eventId: header.eventId,
    };
    if (!book.everSynced || !book.synced) {
      this.#drop(book.everSynced ? 'unsynced_book' : 'delta_before_snapshot', ctx);
      return;
    }
    const verdict = book.check(d.changeId, d.prevChangeId, d.seq, d.prevSeq);
    if (verdict === 'duplicate') {
      this.#drop('duplicate', ctx);
      return;
    }
    if (verdict === 'gap' || !validLevels(d.bids) || !validLevels(d.asks)) {
      // A delta that cannot be applied breaks the chain: the book waits for the next snapshot.
      book.synced = false;
      this.#drop(verdict === 'gap' ? 'gap' : 'bad_value', { ...ctx, bookChangeId: book.changeId });
      this.#touch(slot, header, true);
      return;
    }
    book.apply(d.bids, d.asks, d.changeId, d.seq);
    if (book.crossed()) {
      book.synced = false;
      this.#drop('crossed', ctx);
    }
    this.#touch(slot, header, true);
  }

  #ticker(t: Ticker, header: EventHeader): void {
    for (const field of TICKER_NUMBERS) {
      const v = t[field];
      if (v !== undefined && !(Number.isFinite(v) && v >= 0)) {
        this.#drop('bad_value', { instrument: t.instrumentName, field, value: v, eventId: header.eventId });
        return;
      }
    }
    const slot = this.#slot(header.venue, t.instrumentName, header);
    if (slot === undefined) return;
    const f = slot.ticker;
    f.markPrice = t.markPrice;
    f.markIv = t.markIv;
    f.bidIv = t.bidIv;
    f.askIv = t.askIv;
    if (t.indexPrice !== undefined) f.indexPrice = t.indexPrice;
    f.underlyingPrice = t.underlyingPrice;
    const expiry = this.#expiryOf(slot.meta);
    if (expiry !== undefined && t.underlyingPrice !== undefined && t.underlyingPrice > 0) {
      const current = expiry.venueForward;
      if (current === undefined || header.exchangeTimeMs >= current.asOfMs) {
        expiry.venueForward = {
          value: t.underlyingPrice,
          asOfMs: header.exchangeTimeMs,
          underlyingIndex: t.underlyingIndex,
        };
      }
    }
    this.#touch(slot, header, true);
  }

  #choose(expiry: ExpiryState): ForwardChoice | undefined {
    const future = futureMid(expiry);
    const unit = expiry.options.values().next().value?.meta.priceUnit;
    return chooseForward({
      ...(expiry.venueForward === undefined ? {} : { venue: expiry.venueForward }),
      parity: () =>
        unit === undefined ? undefined : parityFromPairs(parityPairs(expiry), unit, this.#parityStrikes),
      ...(future === undefined ? {} : { future }),
      nowMs: expiry.newestMs,
      maxVenueAgeMs: this.#maxVenueAgeMs,
    });
  }

  #forwardEvent(expiry: ExpiryState, cause: EventHeader): OrderBookEvent | undefined {
    const choice = this.#choose(expiry);
    if (choice === undefined) return undefined;
    const last = expiry.published;
    if (last !== undefined && last.value === choice.value && last.source === choice.source) return undefined;
    expiry.published = { value: choice.value, source: choice.source };
    const index = this.#index.get(`${expiry.venue}:${expiry.currency}`);
    return forwardEvent(expiry, choice, index, cause, this.#publish);
  }
}

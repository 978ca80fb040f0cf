// The order-book worker as a pure transformation: marketdata events in offset order -> conflated
// top-N books (BookTop, latest per instrument per window) and forwards per expiry, both keyed
// currency:expiry. State (books, ticker fields, forwards) lives here and is rebuilt from the input
// topic (docs/PIPELINE.md). Nothing here does I/O or reads a clock except the publish time.
import {
  type EventHeader,
  InstrumentKind,
  type MarketDataEvent,
  nowNs,
  type OrderBookEvent,
  TOPICS,
} from '@volstream/contracts';
import { describeError, VolstreamError } from '@volstream/errors';
import type { WindowResult } from '@volstream/worker-runtime';
import { type ExpiryState, expiryForward, type InstrumentSlot } from './book-state.ts';
import { badTickerField, causeHeader, type OrderBookDropReason, REMOVED_STATES } from './input-rules.ts';
import { InstrumentBook, type InstrumentMeta, metaFromInstrument } from './instruments.ts';
import { L2Book, validLevels } from './l2-book.ts';
import { bookTopEvent, forwardEvent, type PublishContext } from './publish.ts';
import { scanRecord } from './record-reader.ts';
import { type Cause, Kind, MarketDataScan, scanEvent } from './record-scan.ts';

/**
 * An unchanged forward is published again once its as-of time moved this far (event time), so a
 * consumer's staleness check (the volatility worker drops quotes whose forward is more than 10 s
 * older) sees a forward that still holds as still current.
 */
export const FORWARD_REFRESH_MS = 2_000n;

export { ORDERBOOK_DROP_REASONS, type OrderBookDropReason } from './input-rules.ts';

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
  /**
   * Conflation cadence, ms of event time (default 0: one BookTop per touched instrument per
   * window). When > 0, an instrument's top (and an expiry's forward) is published at most once per
   * this interval of exchange time: updates in between stay pending and the latest is published
   * at the end of the first window whose newest input is that much later than the last one
   * published. A book that turns unsynced, and a first publication, go out at once.
   */
  publishIntervalMs?: number;
}

export class OrderBookTransform {
  readonly #publish: PublishContext;
  readonly #depth: number;
  readonly #maxVenueAgeMs: number;
  readonly #parityStrikes: number;
  readonly #instruments = new InstrumentBook();
  // venue -> instrument name -> slot (two lookups instead of a `venue:name` string per message)
  readonly #slots = new Map<string, Map<string, InstrumentSlot>>();
  readonly #expiries = new Map<string, ExpiryState>();
  readonly #index = new Map<string, number>();
  readonly #scan = new MarketDataScan();
  // per-window scratch; a cause is the newest input's header, or its record (header read on output)
  #dirtyBooks = new Map<InstrumentSlot, Cause>();
  #dirtyExpiries = new Map<ExpiryState, Cause>();
  #cause: Cause | undefined;
  readonly #intervalMs: number;
  /** Newest exchange time of any input so far (the cadence's clock). */
  #eventNowMs = Number.NEGATIVE_INFINITY;
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
    this.#intervalMs = options.publishIntervalMs ?? 0;
  }

  /** Applies one window of decoded marketdata events (offset order) and returns what to publish. */
  apply(events: readonly MarketDataEvent[]): WindowResult<OrderBookEvent> {
    this.#begin();
    for (const event of events) this.#decoded(event);
    return this.#finish();
  }

  /**
   * The same as `apply` on the encoded records (volstream.marketdata.v1 bytes): each record is read
   * in place into one reusable scan (docs/BENCHMARKS.md "Order-book worker"); records it does not
   * read (Instrument events, unusual encodings) are decoded fully. Same outputs, byte for byte.
   * Undecodable bytes are dropped and counted as `decode_<error code>` (the reason the run report
   * gives a bus decode failure), e.g. `decode_BUS_DECODE_FAILED`.
   */
  applyRecords(records: readonly Uint8Array[]): WindowResult<OrderBookEvent> {
    this.#begin();
    for (const record of records) {
      if (scanRecord(record, this.#scan)) {
        this.#cause = record;
        this.#one(this.#scan);
        continue;
      }
      let event: MarketDataEvent;
      try {
        event = TOPICS.marketdata.decode(record);
      } catch (error) {
        const code = error instanceof VolstreamError ? error.code : 'BUS_DECODE_FAILED';
        this.#drop(`decode_${code}`, { error: describeError(error), bytes: record.byteLength });
        continue;
      }
      this.#decoded(event);
    }
    return this.#finish();
  }

  #begin(): void {
    // With a cadence, pending tops and forwards carry over to the next window.
    if (this.#intervalMs === 0) {
      this.#dirtyBooks = new Map();
      this.#dirtyExpiries = new Map();
    }
    this.#dropped = {};
    this.#examples = {};
    this.#counters = {};
  }

  /** Whether a pending output last published at `publishedMs` is due (cadence, see options). */
  #due(publishedMs: number): boolean {
    return this.#intervalMs === 0 || this.#eventNowMs - publishedMs >= this.#intervalMs;
  }

  #finish(): WindowResult<OrderBookEvent> {
    const outputs: OrderBookEvent[] = [];
    for (const [expiry, cause] of this.#dirtyExpiries) {
      if (!this.#due(expiry.publishedAtMs)) {
        if (cause instanceof Uint8Array) this.#dirtyExpiries.set(expiry, causeHeader(cause));
        continue;
      }
      this.#dirtyExpiries.delete(expiry);
      expiry.publishedAtMs = this.#eventNowMs;
      const forward = this.#forwardEvent(expiry, causeHeader(cause));
      if (forward !== undefined) outputs.push(forward);
    }
    for (const [slot, cause] of this.#dirtyBooks) {
      if (slot.book.synced && !this.#due(slot.publishedAtMs)) {
        // Held: keep the header, not the record (which pins its whole ingress batch in memory).
        if (cause instanceof Uint8Array) this.#dirtyBooks.set(slot, causeHeader(cause));
        continue;
      }
      this.#dirtyBooks.delete(slot);
      slot.publishedAtMs = this.#eventNowMs;
      const index = this.#index.get(`${slot.meta.venue}:${slot.meta.currency}`);
      outputs.push(bookTopEvent(slot, index, causeHeader(cause), this.#publish));
    }
    this.#cause = undefined;
    return { outputs, dropped: this.#dropped, dropExamples: this.#examples, counters: this.#counters };
  }

  #decoded(event: MarketDataEvent): void {
    const header = event.header;
    if (header === undefined) return;
    const p = event.payload;
    if (p.case === 'instrument') {
      this.#instruments.set(metaFromInstrument({ ...p.value, venue: p.value.venue || header.venue }));
      return;
    }
    scanEvent(event, this.#scan);
    this.#cause = header;
    this.#one(this.#scan);
  }

  /** The current top-N of a book (tests, diagnostics); undefined when the instrument has no book. */
  book(venue: string, name: string): (ReturnType<L2Book['top']> & { synced: boolean }) | undefined {
    const slot = this.#slots.get(venue)?.get(name);
    if (slot === undefined) return undefined;
    return { ...slot.book.top(this.#depth), synced: slot.book.synced };
  }

  /** The current input's event id, for drop examples (read from the record only when needed). */
  #eventId(): string {
    const c = this.#cause;
    if (c === undefined) return '';
    return causeHeader(c).eventId;
  }

  #drop(reason: OrderBookDropReason, context: Record<string, unknown>): void {
    this.#dropped[reason] = (this.#dropped[reason] ?? 0) + 1;
    this.#examples[reason] ??= context;
  }

  #count(name: string): void {
    this.#counters[name] = (this.#counters[name] ?? 0) + 1;
  }

  #one(s: MarketDataScan): void {
    if (!s.hasHeader) return;
    if (s.exchangeTimeMs > this.#eventNowMs) this.#eventNowMs = s.exchangeTimeMs;
    switch (s.kind) {
      case Kind.Snapshot:
        this.#snapshot(s);
        return;
      case Kind.Delta:
        this.#delta(s);
        return;
      case Kind.Ticker:
        this.#ticker(s);
        return;
      case Kind.Index:
        if (Number.isFinite(s.price) && s.price > 0) this.#index.set(`${s.venue}:${s.currency}`, s.price);
        else this.#drop('bad_value', { index: s.indexName, price: s.price });
        return;
      case Kind.State:
        if (REMOVED_STATES.has(s.state)) this.#remove(s.venue, s.name);
        return;
      default:
        return;
    }
  }

  #slot(venue: string, name: string): InstrumentSlot | undefined {
    let byName = this.#slots.get(venue);
    const existing = byName?.get(name);
    if (existing !== undefined) return existing;
    const meta = this.#instruments.resolve(venue, name);
    if (meta === undefined || meta.kind === InstrumentKind.UNSPECIFIED) {
      this.#drop('unknown_instrument', { venue, instrument: name, eventId: this.#eventId() });
      return undefined;
    }
    if (meta.fromName) this.#count('instrument_from_name');
    const expiry = this.#expiryOf(meta);
    const slot: InstrumentSlot = {
      meta,
      book: new L2Book(),
      ticker: {},
      asOfMs: 0n,
      expiry,
      publishedAtMs: Number.NEGATIVE_INFINITY,
    };
    if (byName === undefined) {
      byName = new Map();
      this.#slots.set(venue, byName);
    }
    byName.set(name, slot);
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
        publishedAtMs: Number.NEGATIVE_INFINITY,
      };
      this.#expiries.set(key, state);
    }
    return state;
  }

  #remove(venue: string, name: string): void {
    const slot = this.#slots.get(venue)?.get(name);
    this.#slots.get(venue)?.delete(name);
    this.#instruments.delete(venue, name);
    if (slot === undefined) return;
    this.#dirtyBooks.delete(slot);
    const expiry = this.#expiryOf(slot.meta);
    expiry?.options.delete(name);
    expiry?.futures.delete(name);
  }

  #touch(slot: InstrumentSlot, s: MarketDataScan): void {
    const cause = this.#cause as Cause;
    const timeMs = BigInt(s.exchangeTimeMs);
    if (timeMs > slot.asOfMs) slot.asOfMs = timeMs;
    this.#dirtyBooks.delete(slot); // re-insert: the newest cause decides the header
    this.#dirtyBooks.set(slot, cause);
    const expiry = slot.expiry;
    if (expiry === undefined) return;
    if (timeMs > expiry.newestMs) expiry.newestMs = timeMs;
    this.#dirtyExpiries.delete(expiry);
    this.#dirtyExpiries.set(expiry, cause);
  }

  #snapshot(s: MarketDataScan): void {
    const slot = this.#slot(s.venue, s.name);
    if (slot === undefined) return;
    // The connector's "book not good" marker: empty, without any sequence (parse.ts bookUnsyncedMarker).
    if (s.changeId === undefined && s.seq === undefined && s.bids.n === 0 && s.asks.n === 0) {
      slot.book.clear();
      slot.book.synced = false;
      this.#count('unsynced_marker');
      this.#touch(slot, s);
      return;
    }
    if (!validLevels(s.bids) || !validLevels(s.asks)) {
      this.#drop('bad_value', { instrument: s.name, eventId: this.#eventId() });
      return;
    }
    slot.book.replace(s.bids, s.asks, s.changeId, s.seq);
    if (slot.book.crossed()) {
      slot.book.synced = false;
      this.#drop('crossed', { instrument: s.name, eventId: this.#eventId() });
    }
    this.#touch(slot, s);
  }

  #deltaContext(s: MarketDataScan): Record<string, unknown> {
    return {
      instrument: s.name,
      changeId: s.changeId === undefined ? undefined : BigInt(s.changeId),
      prevChangeId: s.prevChangeId === undefined ? undefined : BigInt(s.prevChangeId),
      eventId: this.#eventId(),
    };
  }

  #delta(s: MarketDataScan): void {
    const slot = this.#slot(s.venue, s.name);
    if (slot === undefined) return;
    const book = slot.book;
    if (!book.everSynced || !book.synced) {
      this.#drop(book.everSynced ? 'unsynced_book' : 'delta_before_snapshot', this.#deltaContext(s));
      return;
    }
    const verdict = book.check(s.changeId, s.prevChangeId, s.seq, s.prevSeq);
    if (verdict === 'duplicate') {
      this.#drop('duplicate', this.#deltaContext(s));
      return;
    }
    if (verdict === 'gap' || !validLevels(s.bids) || !validLevels(s.asks)) {
      // A delta that cannot be applied breaks the chain: the book waits for the next snapshot.
      book.synced = false;
      const bookChangeId = book.changeId === undefined ? undefined : BigInt(book.changeId);
      this.#drop(verdict === 'gap' ? 'gap' : 'bad_value', { ...this.#deltaContext(s), bookChangeId });
      this.#touch(slot, s);
      return;
    }
    book.apply(s.bids, s.asks, s.changeId, s.seq);
    if (book.crossed()) {
      book.synced = false;
      this.#drop('crossed', this.#deltaContext(s));
    }
    this.#touch(slot, s);
  }

  #ticker(s: MarketDataScan): void {
    const bad = badTickerField(s);
    if (bad !== undefined) {
      this.#drop('bad_value', {
        instrument: s.name,
        field: bad,
        value: s[bad],
        eventId: this.#eventId(),
      });
      return;
    }
    const slot = this.#slot(s.venue, s.name);
    if (slot === undefined) return;
    const f = slot.ticker;
    f.markPrice = s.markPrice;
    f.markIv = s.markIv;
    f.bidIv = s.bidIv;
    f.askIv = s.askIv;
    if (s.indexPrice !== undefined) f.indexPrice = s.indexPrice;
    f.underlyingPrice = s.underlyingPrice;
    const expiry = slot.expiry;
    if (expiry !== undefined && s.underlyingPrice !== undefined && s.underlyingPrice > 0) {
      const current = expiry.venueForward;
      const timeMs = BigInt(s.exchangeTimeMs);
      if (current === undefined || timeMs >= current.asOfMs) {
        if (current !== undefined && current.underlyingIndex === s.underlyingIndex) {
          // Updated in place: a ticker per option per 100 ms would otherwise allocate one each.
          current.value = s.underlyingPrice;
          current.asOfMs = timeMs;
        } else {
          expiry.venueForward = {
            value: s.underlyingPrice,
            asOfMs: timeMs,
            underlyingIndex: s.underlyingIndex,
          };
        }
      }
    }
    this.#touch(slot, s);
  }

  #forwardEvent(expiry: ExpiryState, cause: EventHeader): OrderBookEvent | undefined {
    const choice = expiryForward(expiry, this.#maxVenueAgeMs, this.#parityStrikes);
    if (choice === undefined) return undefined;
    const last = expiry.published;
    if (
      last !== undefined &&
      last.value === choice.value &&
      last.source === choice.source &&
      choice.asOfMs - last.asOfMs < FORWARD_REFRESH_MS
    ) {
      return undefined;
    }
    expiry.published = { value: choice.value, source: choice.source, asOfMs: choice.asOfMs };
    const index = this.#index.get(`${expiry.venue}:${expiry.currency}`);
    return forwardEvent(expiry, choice, index, cause, this.#publish);
  }
}

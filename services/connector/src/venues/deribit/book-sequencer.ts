// Sequence checking of Deribit `book.{instrument}.{interval}` channels.
// Docs: https://docs.deribit.com/#book-instrument_name-interval ("prev_change_id" continuity).
// Rules (docs/EXCHANGES.md §0.5 and §1 "Resync"):
// - change_ids are NOT consecutive: a gap is only `prev_change_id !== last change_id`;
// - like tardis-node, `type: "snapshot"`, a missing `prev_change_id` or `prev_change_id: 0` is a
//   snapshot (both a real option change with prev 0 and a snapshot carrying prev occur);
// - after a gap the book is unsynced: its deltas are refused until a new snapshot arrives.
// The connector does not keep books (the order-book worker does). To refuse crossed books it keeps
// only a compact top: the best few prices per side. When every tracked price of a side was deleted
// and deeper levels were never tracked, the side is "unknown" and no crossing check is made on it
// until the next snapshot: better to miss a check than to invent a false crossing.
import type { DeribitBookData, DeribitBookLevel } from './messages.ts';

export type BookVerdict =
  /** A snapshot that (re)starts the book: publish it. */
  | 'snapshot'
  /** A delta in sequence: publish it. */
  | 'delta'
  /** `prev_change_id` differs from the last `change_id`: the book is now unsynced. */
  | 'gap'
  /** A delta for a book that is not synced (awaiting a snapshot): drop it. */
  | 'unsynced'
  /** The message would leave the book crossed (best bid >= best ask): the book is now unsynced. */
  | 'crossed';

const TOP_DEPTH = 16;

/** Best prices of one side, best first; `truncated` when deeper prices were not tracked. */
class CompactSide {
  prices: number[] = [];
  truncated = false;

  constructor(private readonly better: (a: number, b: number) => boolean) {}

  reset(levels: readonly DeribitBookLevel[]): void {
    this.prices = [];
    this.truncated = false;
    for (const level of levels) this.apply(level);
  }

  apply(level: DeribitBookLevel): void {
    const [action, price, amount] = level;
    const at = this.prices.indexOf(price);
    if (action === 'delete' || amount === 0) {
      if (at >= 0) this.prices.splice(at, 1);
      return;
    }
    if (at >= 0) return;
    let i = 0;
    while (i < this.prices.length && this.better(this.prices[i]!, price)) i += 1;
    if (i >= TOP_DEPTH) {
      this.truncated = true;
      return;
    }
    this.prices.splice(i, 0, price);
    if (this.prices.length > TOP_DEPTH) {
      this.prices.pop();
      this.truncated = true;
    }
  }

  /** Best price, `undefined` for an empty side, `NaN` when unknown (see the file comment). */
  best(): number | undefined {
    if (this.prices.length > 0) return this.prices[0];
    return this.truncated ? Number.NaN : undefined;
  }
}

interface BookState {
  lastChangeId: number;
  synced: boolean;
  bids: CompactSide;
  asks: CompactSide;
}

export function isSnapshotMessage(data: DeribitBookData): boolean {
  return data.type === 'snapshot' || data.prev_change_id === undefined || data.prev_change_id === 0;
}

export class DeribitBookSequencer {
  readonly #books = new Map<string, BookState>();
  #synced = 0;

  /** Books currently in sequence (a gauge for the metrics). */
  get syncedCount(): number {
    return this.#synced;
  }

  isSynced(instrument: string): boolean {
    return this.#books.get(instrument)?.synced === true;
  }

  lastChangeId(instrument: string): number | undefined {
    return this.#books.get(instrument)?.lastChangeId;
  }

  /** Classifies one message and advances the book state accordingly. */
  accept(data: DeribitBookData): BookVerdict {
    const name = data.instrument_name;
    let book = this.#books.get(name);
    if (isSnapshotMessage(data)) {
      if (book === undefined) {
        book = {
          lastChangeId: 0,
          synced: false,
          bids: new CompactSide((a, b) => a > b),
          asks: new CompactSide((a, b) => a < b),
        };
        this.#books.set(name, book);
      }
      book.bids.reset(data.bids);
      book.asks.reset(data.asks);
      book.lastChangeId = data.change_id;
      if (isCrossed(book)) {
        this.#setSynced(book, false);
        return 'crossed';
      }
      this.#setSynced(book, true);
      return 'snapshot';
    }
    if (book === undefined || !book.synced) return 'unsynced';
    if (data.prev_change_id !== book.lastChangeId) {
      this.#setSynced(book, false);
      return 'gap';
    }
    for (const level of data.bids) book.bids.apply(level);
    for (const level of data.asks) book.asks.apply(level);
    book.lastChangeId = data.change_id;
    if (isCrossed(book)) {
      this.#setSynced(book, false);
      return 'crossed';
    }
    return 'delta';
  }

  /** Marks a book unsynced (dropped delta, reconnect, backpressure); true if it was synced. */
  markUnsynced(instrument: string): boolean {
    const book = this.#books.get(instrument);
    if (book === undefined || !book.synced) return false;
    this.#setSynced(book, false);
    return true;
  }

  /** Forgets an instrument (expired or delisted). */
  remove(instrument: string): void {
    const book = this.#books.get(instrument);
    if (book === undefined) return;
    if (book.synced) this.#synced -= 1;
    this.#books.delete(instrument);
  }

  #setSynced(book: BookState, synced: boolean): void {
    if (book.synced === synced) return;
    book.synced = synced;
    this.#synced += synced ? 1 : -1;
  }
}

function isCrossed(book: BookState): boolean {
  const bid = book.bids.best();
  const ask = book.asks.best();
  // NaN (unknown side) compares false, so an unknown side never reports a crossing.
  return bid !== undefined && ask !== undefined && bid >= ask;
}

// A local L2 book of one instrument, kept from a venue snapshot and the deltas that continue it.
// Sequencing: Deribit `prev_change_id == last change_id` (https://docs.deribit.com/#book-instrument_name-interval;
// change ids are not consecutive), other venues `prev_seq == last seq` (docs/NORMALIZATION.md).
// Each side is a pair of price/amount arrays kept sorted best first, so the best price is index 0
// and the top-N is a prefix: no sort per publication, no allocation per update (an option book has
// tens of levels, so a binary search plus a short splice beats a tree).
import type { Levels } from './record-scan.ts';

export type SequenceVerdict = 'continues' | 'duplicate' | 'gap';

const DELETE = 3; // BookAction.DELETE

/** One side, best first: bids descending, asks ascending. */
export class BookSide {
  readonly prices: number[] = [];
  readonly amounts: number[] = [];

  constructor(readonly descending: boolean) {}

  get size(): number {
    return this.prices.length;
  }

  clear(): void {
    this.prices.length = 0;
    this.amounts.length = 0;
  }

  /** Index of `price`, or -(insertion point) - 1 when absent. */
  #find(price: number): number {
    const p = this.prices;
    let lo = 0;
    let hi = p.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = p[mid]!;
      if (v === price) return mid;
      if (this.descending ? v > price : v < price) lo = mid + 1;
      else hi = mid - 1;
    }
    return -lo - 1;
  }

  set(price: number, amount: number): void {
    const i = this.#find(price);
    if (i >= 0) {
      this.amounts[i] = amount;
      return;
    }
    const at = -i - 1;
    this.prices.splice(at, 0, price);
    this.amounts.splice(at, 0, amount);
  }

  delete(price: number): void {
    const i = this.#find(price);
    if (i < 0) return;
    this.prices.splice(i, 1);
    this.amounts.splice(i, 1);
  }

  best(): number | undefined {
    return this.prices[0];
  }
}

export class L2Book {
  readonly bids = new BookSide(true);
  readonly asks = new BookSide(false);
  /** True between a good snapshot and the first gap / crossed state / unsynced marker. */
  synced = false;
  /** Whether a real snapshot was ever applied (a delta before that is dropped). */
  everSynced = false;
  /** Venue sequences as doubles (exact below 2^53). */
  changeId: number | undefined;
  seq: number | undefined;

  replace(bids: Levels, asks: Levels, changeId?: number, seq?: number): void {
    fill(this.bids, bids);
    fill(this.asks, asks);
    this.changeId = changeId;
    this.seq = seq;
    this.synced = true;
    this.everSynced = true;
  }

  /** Empties the book (the connector's unsynced marker). */
  clear(): void {
    this.bids.clear();
    this.asks.clear();
    this.changeId = undefined;
    this.seq = undefined;
    this.synced = true;
    this.everSynced = true;
  }

  /**
   * Whether a delta with these sequence fields continues this book. A delta at or below the
   * book's own sequence is a re-delivery (at-least-once bus) and is ignored, not a gap.
   */
  check(changeId?: number, prevChangeId?: number, seq?: number, prevSeq?: number): SequenceVerdict {
    if (changeId !== undefined && this.changeId !== undefined) {
      if (changeId <= this.changeId) return 'duplicate';
      return prevChangeId === this.changeId ? 'continues' : 'gap';
    }
    if (seq !== undefined && this.seq !== undefined) {
      if (seq <= this.seq) return 'duplicate';
      return prevSeq === undefined || prevSeq === this.seq ? 'continues' : 'gap';
    }
    // Nothing to check against (a venue without sequences): accept.
    return changeId === undefined && seq === undefined ? 'continues' : 'gap';
  }

  apply(bids: Levels, asks: Levels, changeId?: number, seq?: number): void {
    applySide(this.bids, bids);
    applySide(this.asks, asks);
    if (changeId !== undefined) this.changeId = changeId;
    if (seq !== undefined) this.seq = seq;
  }

  bestBid(): number | undefined {
    return this.bids.best();
  }

  bestAsk(): number | undefined {
    return this.asks.best();
  }

  crossed(): boolean {
    const bid = this.bids.best();
    const ask = this.asks.best();
    return bid !== undefined && ask !== undefined && bid >= ask;
  }

  /** Best `depth` levels per side, best first. */
  top(depth: number): {
    bids: { price: number; amount: number }[];
    asks: { price: number; amount: number }[];
  } {
    return { bids: topOf(this.bids, depth), asks: topOf(this.asks, depth) };
  }

  mid(): number | undefined {
    const bid = this.bids.best();
    const ask = this.asks.best();
    return bid === undefined || ask === undefined ? undefined : (bid + ask) / 2;
  }
}

function fill(side: BookSide, levels: Levels): void {
  side.clear();
  for (let i = 0; i < levels.n; i++) {
    const amount = levels.amount[i]!;
    if (amount > 0) side.set(levels.price[i]!, amount);
  }
}

function applySide(side: BookSide, updates: Levels): void {
  for (let i = 0; i < updates.n; i++) {
    const amount = updates.amount[i]!;
    if (updates.action[i] === DELETE || amount === 0) side.delete(updates.price[i]!);
    else side.set(updates.price[i]!, amount);
  }
}

function topOf(side: BookSide, depth: number): { price: number; amount: number }[] {
  const n = Math.min(depth, side.size);
  const out: { price: number; amount: number }[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = { price: side.prices[i]!, amount: side.amounts[i]! };
  return out;
}

/** True when every level has a finite positive price and a finite non-negative amount. */
export function validLevels(levels: Levels): boolean {
  for (let i = 0; i < levels.n; i++) {
    const price = levels.price[i]!;
    const amount = levels.amount[i]!;
    if (!Number.isFinite(price) || price <= 0 || !Number.isFinite(amount) || amount < 0) return false;
  }
  return true;
}

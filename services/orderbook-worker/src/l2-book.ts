// A local L2 book of one instrument, kept from a venue snapshot and the deltas that continue it.
// Sequencing: Deribit `prev_change_id == last change_id` (https://docs.deribit.com/#book-instrument_name-interval;
// change ids are not consecutive), other venues `prev_seq == last seq` (docs/NORMALIZATION.md).
import type { LevelUpdate, PriceLevel } from '@volstream/contracts';
import { BookAction } from '@volstream/contracts';

export type SequenceVerdict = 'continues' | 'duplicate' | 'gap';

export class L2Book {
  readonly bids = new Map<number, number>();
  readonly asks = new Map<number, number>();
  /** True between a good snapshot and the first gap / crossed state / unsynced marker. */
  synced = false;
  /** Whether a real snapshot was ever applied (a delta before that is dropped). */
  everSynced = false;
  changeId: bigint | undefined;
  seq: bigint | undefined;

  replace(bids: readonly PriceLevel[], asks: readonly PriceLevel[], changeId?: bigint, seq?: bigint): void {
    this.bids.clear();
    this.asks.clear();
    for (const l of bids) if (l.amount > 0) this.bids.set(l.price, l.amount);
    for (const l of asks) if (l.amount > 0) this.asks.set(l.price, l.amount);
    this.changeId = changeId;
    this.seq = seq;
    this.synced = true;
    this.everSynced = true;
  }

  /**
   * Whether a delta with these sequence fields continues this book. A delta at or below the
   * book's own sequence is a re-delivery (at-least-once bus) and is ignored, not a gap.
   */
  check(changeId?: bigint, prevChangeId?: bigint, seq?: bigint, prevSeq?: bigint): SequenceVerdict {
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

  apply(bids: readonly LevelUpdate[], asks: readonly LevelUpdate[], changeId?: bigint, seq?: bigint): void {
    applySide(this.bids, bids);
    applySide(this.asks, asks);
    if (changeId !== undefined) this.changeId = changeId;
    if (seq !== undefined) this.seq = seq;
  }

  bestBid(): number | undefined {
    let best: number | undefined;
    for (const p of this.bids.keys()) if (best === undefined || p > best) best = p;
    return best;
  }

  bestAsk(): number | undefined {
    let best: number | undefined;
    for (const p of this.asks.keys()) if (best === undefined || p < best) best = p;
    return best;
  }

  crossed(): boolean {
    const bid = this.bestBid();
    const ask = this.bestAsk();
    return bid !== undefined && ask !== undefined && bid >= ask;
  }

  /** Best `depth` levels per side, best first. */
  top(depth: number): { bids: PriceLevel[]; asks: PriceLevel[] } {
    return { bids: topOf(this.bids, depth, true), asks: topOf(this.asks, depth, false) };
  }

  mid(): number | undefined {
    const bid = this.bestBid();
    const ask = this.bestAsk();
    return bid === undefined || ask === undefined ? undefined : (bid + ask) / 2;
  }
}

function applySide(side: Map<number, number>, updates: readonly LevelUpdate[]): void {
  for (const u of updates) {
    if (u.action === BookAction.DELETE || u.amount === 0) side.delete(u.price);
    else side.set(u.price, u.amount);
  }
}

function topOf(side: Map<number, number>, depth: number, descending: boolean): PriceLevel[] {
  const prices = [...side.keys()].sort(descending ? (a, b) => b - a : (a, b) => a - b);
  return prices.slice(0, depth).map((price) => ({ price, amount: side.get(price)! }) as PriceLevel);
}

/** True when every level has a finite positive price and a finite non-negative amount. */
export function validLevels(levels: readonly { price: number; amount: number }[]): boolean {
  for (const l of levels) {
    if (!Number.isFinite(l.price) || l.price <= 0 || !Number.isFinite(l.amount) || l.amount < 0) return false;
  }
  return true;
}

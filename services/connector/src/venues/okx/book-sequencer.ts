// OKX book continuity by seqId/prevSeqId (EXCHANGES.md §0.4, §2 "Book sequencing"; docs
// https://www.okx.com/docs-v5/en/#order-book-trading-market-data-ws-order-book-channel):
// - a snapshot has prevSeqId -1 and starts the chain at its seqId;
// - an update continues the chain when its prevSeqId equals the last seqId;
// - an empty update with prevSeqId == seqId (== last) is a keep-alive: nothing to publish;
// - seqId < prevSeqId (with prevSeqId == last) is a reset after maintenance: legitimate for OKX,
//   but the sequence restarts lower, which the order-book worker would read as stale re-delivery,
//   so the connector resyncs the book from a fresh snapshot (marker + resubscribe);
// - anything else is a gap: marker, drop the following updates, resubscribe.
// The deprecated `checksum` (fixed at 0 since 2026) is never used. Messages without seqId (the
// 2021/2022 captures) cannot be checked and are passed as in sequence.
import type { OkxBook } from './parse.ts';

export type OkxBookVerdict =
  /** Snapshot: publish as BookSnapshot; the book is synced from here. */
  | 'snapshot'
  /** In-sequence update: publish as BookDelta. */
  | 'delta'
  /** Empty update with prevSeqId == seqId: liveness only, nothing published. */
  | 'keepalive'
  /** The book is waiting for a snapshot after a gap/reset: drop the update. */
  | 'unsynced'
  /** Continuity broken now: publish the unsynced marker and resubscribe. */
  | 'gap'
  /** Legitimate reset after maintenance: resync like a gap, counted separately. */
  | 'reset';

export class OkxBookSequencer {
  /** Last seqId per synced instrument; absent while waiting for a snapshot. */
  readonly #last = new Map<string, number>();
  readonly #waiting = new Set<string>();

  /** Classifies one checked book message and advances the chain. */
  accept(action: string | undefined, book: OkxBook): OkxBookVerdict {
    const name = book.instrument;
    if (action === 'snapshot') {
      this.#waiting.delete(name);
      this.#last.set(name, book.seqId ?? -1);
      return 'snapshot';
    }
    if (this.#waiting.has(name) || !this.#last.has(name)) return 'unsynced';
    const last = this.#last.get(name)!;
    const { seqId, prevSeqId } = book;
    if (seqId === undefined || prevSeqId === undefined || last < 0) return 'delta';
    if (prevSeqId !== last) return this.#break(name, 'gap');
    if (seqId === prevSeqId) {
      return book.bids.length === 0 && book.asks.length === 0 ? 'keepalive' : this.#break(name, 'gap');
    }
    if (seqId < prevSeqId) return this.#break(name, 'reset');
    this.#last.set(name, seqId);
    return 'delta';
  }

  #break(name: string, verdict: 'gap' | 'reset'): OkxBookVerdict {
    this.#last.delete(name);
    this.#waiting.add(name);
    return verdict;
  }

  /** Last good seqId (for the marker), if the book is synced. */
  lastSeq(name: string): number | undefined {
    return this.#last.get(name);
  }

  synced(name: string): boolean {
    return this.#last.has(name) && !this.#waiting.has(name);
  }

  /** The book must be resynced (reconnect): wait for a snapshot. */
  invalidate(name: string): void {
    this.#last.delete(name);
    this.#waiting.add(name);
  }

  /** Forget an instrument entirely (expired or delisted). */
  forget(name: string): void {
    this.#last.delete(name);
    this.#waiting.delete(name);
  }

  get syncedCount(): number {
    let n = 0;
    for (const name of this.#last.keys()) if (!this.#waiting.has(name)) n += 1;
    return n;
  }
}

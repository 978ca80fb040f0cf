// Bybit book continuity by the update id `u` (EXCHANGES.md §3; docs
// https://bybit-exchange.github.io/docs/v5/websocket/public/orderbook):
// - any `snapshot` replaces the book and starts the chain at its u (Bybit re-sends one by itself
//   when something goes wrong on its side; u = 1 on a snapshot is the restart case);
// - a delta continues the chain when u == last u + 1: the real captures advance u by exactly one
//   per message (2,142 linear/spot deltas in ../shared/data/bybit_v5_ws_capture_2026-08-09/, and
//   24641 → 24642 in the option sample), although Bybit's docs do not promise it;
// - a delta with u = 1 (not following u = 0) is a service restart: reset, resync;
// - any other u is a gap: marker, drop the following deltas, resubscribe for a snapshot;
// - `seq` (cross sequence) is checked when both messages carry it: it must not go backwards.
// An empty option book snapshot arrives with u = 0 (real sample), so 0 → 1 is in sequence.
import type { BybitBook } from './parse.ts';

export type BybitBookVerdict =
  /** Snapshot: publish as BookSnapshot; the book is synced from here. */
  | 'snapshot'
  /** In-sequence delta: publish as BookDelta. */
  | 'delta'
  /** The book is waiting for a snapshot after a gap/reset: drop the delta. */
  | 'unsynced'
  /** Continuity broken now: publish the unsynced marker and resubscribe. */
  | 'gap'
  /** u = 1 on a delta: Bybit restarted the book; resync like a gap, counted separately. */
  | 'reset';

interface Chain {
  u: number;
  seq: number | undefined;
}

export class BybitBookSequencer {
  /** Last u (and seq) per synced instrument; absent while waiting for a snapshot. */
  readonly #last = new Map<string, Chain>();
  readonly #waiting = new Set<string>();

  /** Classifies one checked book message and advances the chain. */
  accept(type: 'snapshot' | 'delta', book: BybitBook): BybitBookVerdict {
    const name = book.instrument;
    if (type === 'snapshot') {
      this.#waiting.delete(name);
      this.#last.set(name, { u: book.u, seq: book.seq });
      return 'snapshot';
    }
    const last = this.#last.get(name);
    if (last === undefined || this.#waiting.has(name)) return 'unsynced';
    if (book.u === last.u + 1 && (book.seq === undefined || last.seq === undefined || book.seq >= last.seq)) {
      last.u = book.u;
      if (book.seq !== undefined) last.seq = book.seq;
      return 'delta';
    }
    this.invalidate(name);
    return book.u === 1 ? 'reset' : 'gap';
  }

  /** Last good u (for the marker and a delta's prev_seq), if the book is synced. */
  lastU(name: string): number | undefined {
    return this.#last.get(name)?.u;
  }

  synced(name: string): boolean {
    return this.#last.has(name) && !this.#waiting.has(name);
  }

  /** The book must be resynced (gap, reconnect): wait for a snapshot. */
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

import assert from 'node:assert/strict';
import type { MarketDataEvent } from '@volstream/contracts';

/**
 * What a downstream order-book worker rebuilds from a `seq`/`prev_seq` venue's stream (OKX, Bybit,
 * Binance), plus soundness checks: a delta is only published on a synced book and continues its
 * seq; an unsynced marker (empty snapshot without `seq`) unsyncs the book until the next snapshot.
 * Shared by the venues' simulator integration tests (Deribit's change_id stream has
 * `BookReplicas` in book-replica.ts: different fields, and it counts deltas).
 */
export interface SeqReplicaOptions {
  /** The sequence field's name in the simulator's `books()` view (`seqId`, `u`, `lastUpdateId`). */
  readonly seqField: string;
  /** Bybit's rule: every delta's seq is the last + 1 (OKX and Binance ids are not consecutive). */
  readonly consecutive?: boolean;
}

interface SeqBook {
  synced: boolean;
  seq: bigint;
  bids: Map<number, number>;
  asks: Map<number, number>;
}

export class SeqReplicas {
  readonly books = new Map<string, SeqBook>();
  readonly violations: string[] = [];
  markers = 0;
  snapshots = 0;
  #seen = 0;

  constructor(private readonly options: SeqReplicaOptions) {}

  /** Applies the events not seen yet (the sink's list only grows). */
  update(events: readonly MarketDataEvent[]): this {
    for (; this.#seen < events.length; this.#seen += 1) this.#apply(events[this.#seen]!);
    return this;
  }

  #apply(event: MarketDataEvent): void {
    const p = event.payload;
    if (p.case === 'bookSnapshot') {
      const v = p.value;
      if (v.seq === undefined) {
        this.markers += 1;
        const book = this.books.get(v.instrumentName);
        if (book !== undefined) book.synced = false;
        return;
      }
      this.snapshots += 1;
      this.books.set(v.instrumentName, {
        synced: true,
        seq: v.seq,
        bids: new Map(v.bids.map((l) => [l.price, l.amount])),
        asks: new Map(v.asks.map((l) => [l.price, l.amount])),
      });
    } else if (p.case === 'bookDelta') {
      const v = p.value;
      const book = this.books.get(v.instrumentName);
      if (book === undefined || !book.synced) {
        this.violations.push(`delta ${v.seq} of ${v.instrumentName} on an unsynced book`);
        return;
      }
      if (this.options.consecutive === true) {
        if (v.prevSeq !== book.seq || v.seq !== book.seq + 1n) {
          this.violations.push(`delta of ${v.instrumentName}: ${v.prevSeq}→${v.seq} after ${book.seq}`);
          return;
        }
      } else if (v.prevSeq !== book.seq) {
        this.violations.push(`delta of ${v.instrumentName}: prev ${v.prevSeq} != last ${book.seq}`);
        return;
      }
      for (const [side, updates] of [
        [book.bids, v.bids],
        [book.asks, v.asks],
      ] as const) {
        for (const u of updates) {
          if (u.amount === 0) side.delete(u.price);
          else side.set(u.price, u.amount);
        }
      }
      book.seq = v.seq!;
    }
  }

  /** A synced book in the simulator's `books()` shape (best first), else undefined. */
  view(name: string): Record<string, unknown> | undefined {
    const b = this.books.get(name);
    if (b === undefined || !b.synced) return undefined;
    return {
      [this.options.seqField]: Number(b.seq),
      bids: [...b.bids].sort((x, y) => y[0] - x[0]),
      asks: [...b.asks].sort((x, y) => x[0] - y[0]),
    };
  }

  /**
   * Asserts every listed book is synced downstream and equal to the simulator's, more than ten
   * compared, and no soundness violation. Call after `feed.flush()` and `update(sink.events)`.
   */
  assertEqualTo(names: readonly string[], truth: Record<string, unknown>): void {
    let compared = 0;
    for (const name of names) {
      const mine = this.view(name);
      assert.ok(mine !== undefined, `${name} synced downstream`);
      assert.deepEqual(mine, truth[name], name);
      compared += 1;
    }
    assert.ok(compared > 10, `compared ${compared} books`);
    assert.deepEqual(this.violations, []);
  }
}

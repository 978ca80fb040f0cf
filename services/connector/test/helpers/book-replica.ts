import { BookAction, type MarketDataEvent } from '@volstream/contracts';

/**
 * What a downstream order-book worker would rebuild from the published stream, plus the check that
 * the stream is sound: per instrument, a delta is only ever published on top of a synced book and
 * continues its change_id (prev_change_id == last change_id). An unsynced marker (empty snapshot
 * without change_id) makes the book unsynced until the next real snapshot.
 */
interface Replica {
  synced: boolean;
  changeId: bigint;
  bids: Map<number, number>;
  asks: Map<number, number>;
}

export class BookReplicas {
  readonly books = new Map<string, Replica>();
  readonly violations: string[] = [];
  snapshots = 0;
  deltas = 0;
  markers = 0;

  apply(events: readonly MarketDataEvent[]): this {
    for (const event of events) this.applyOne(event);
    return this;
  }

  applyOne(event: MarketDataEvent): void {
    const p = event.payload;
    if (p.case === 'bookSnapshot') {
      const v = p.value;
      if (v.changeId === undefined) {
        this.markers += 1;
        const book = this.books.get(v.instrumentName);
        if (book !== undefined) book.synced = false;
        return;
      }
      this.snapshots += 1;
      this.books.set(v.instrumentName, {
        synced: true,
        changeId: v.changeId,
        bids: new Map(v.bids.map((l) => [l.price, l.amount])),
        asks: new Map(v.asks.map((l) => [l.price, l.amount])),
      });
    } else if (p.case === 'bookDelta') {
      this.deltas += 1;
      const v = p.value;
      const book = this.books.get(v.instrumentName);
      if (book === undefined || !book.synced) {
        this.violations.push(`delta ${v.changeId} of ${v.instrumentName} published on an unsynced book`);
        return;
      }
      if (v.prevChangeId !== book.changeId) {
        this.violations.push(`delta of ${v.instrumentName}: prev ${v.prevChangeId} != last ${book.changeId}`);
        return;
      }
      for (const [side, updates] of [
        [book.bids, v.bids],
        [book.asks, v.asks],
      ] as const) {
        for (const u of updates) {
          if (u.action === BookAction.DELETE || u.amount === 0) side.delete(u.price);
          else side.set(u.price, u.amount);
        }
      }
      book.changeId = v.changeId!;
    }
  }

  /** Best-first `[price, amount]` levels, the simulator's `books()` shape. */
  levels(
    name: string,
  ): { changeId: number; synced: boolean; bids: [number, number][]; asks: [number, number][] } | undefined {
    const book = this.books.get(name);
    if (book === undefined) return undefined;
    return {
      changeId: Number(book.changeId),
      synced: book.synced,
      bids: [...book.bids].sort((a, b) => b[0] - a[0]),
      asks: [...book.asks].sort((a, b) => a[0] - b[0]),
    };
  }
}

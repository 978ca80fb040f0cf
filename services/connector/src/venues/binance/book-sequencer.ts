// Binance diff-book continuity by U/u/pu and the REST-snapshot resync procedure (EXCHANGES.md §4;
// the options docs give none, so this is Binance's futures procedure, which the options stream's
// fields follow: https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/How-to-manage-a-local-order-book-correctly ):
// 1. subscribe `<symbol>@depth@100ms` and buffer its events;
// 2. fetch `GET /eapi/v1/depth` (its `u` is the snapshot's lastUpdateId L);
// 3. drop buffered events with u < L; the first applied event must straddle L (U ≤ L ≤ u) or
//    continue it (pu = L); if it starts after L the snapshot is older than the stream: fetch again;
// 4. from then on each event's `pu` must equal the previous event's `u`; otherwise it is a gap:
//    the book is unsynced until the next snapshot (events are buffered meanwhile).
// Update ids are per symbol and not consecutive across events, only chained by `pu`.
import type { BinanceBookSnapshot, BinanceDepth } from './parse.ts';

/** Events kept per book while its snapshot is fetched (the oldest go first past this). */
const MAX_BUFFERED = 1000;

type BookState =
  /** Waiting for a REST snapshot; events are buffered. */
  | { kind: 'buffering'; buffer: BinanceDepth[]; generation: number }
  /** Snapshot L published; waiting for the first event that reaches L. */
  | { kind: 'bridging'; snapshotId: number; generation: number }
  /** In sequence; `last` is the last applied `u`. */
  | { kind: 'synced'; last: number; generation: number };

export type BinanceDepthVerdict =
  /** In sequence: publish as BookDelta with `prev_seq` = `prev`. */
  | { kind: 'delta'; prev: number }
  /** Kept until the snapshot arrives. */
  | { kind: 'buffered' }
  /** Already contained in the snapshot (u < L): nothing to publish. */
  | { kind: 'stale' }
  /** Not followed (no subscription state): drop. */
  | { kind: 'unsynced' }
  /** Continuity broken now: publish the marker and fetch a snapshot; later events are buffered. */
  | { kind: 'gap'; last: number | undefined };

export interface BinanceSnapshotResult {
  /** False when the snapshot is older than the buffered stream: fetch again. */
  usable: boolean;
  /** Buffered events to publish after the snapshot, each with the seq it continues from. */
  deltas: { depth: BinanceDepth; prev: number }[];
  /** The book still needs a (newer) snapshot: the buffer had a gap or outran the snapshot. */
  again: boolean;
}

function crosses(depth: BinanceDepth, id: number): boolean {
  return depth.prevLast === id || ((depth.first ?? depth.prevLast + 1) <= id && depth.last >= id);
}

export class BinanceBookSequencer {
  readonly #books = new Map<string, BookState>();
  #generations = 0;

  /** Starts (or restarts) a book: buffer its events until a snapshot. Returns the generation. */
  invalidate(name: string): number {
    this.#generations += 1;
    this.#books.set(name, { kind: 'buffering', buffer: [], generation: this.#generations });
    return this.#generations;
  }

  /** The generation a snapshot request must still match when its reply arrives. */
  generation(name: string): number | undefined {
    return this.#books.get(name)?.generation;
  }

  waitingForSnapshot(name: string): boolean {
    return this.#books.get(name)?.kind === 'buffering';
  }

  /** Classifies one checked diff event and advances the book. */
  accept(depth: BinanceDepth): BinanceDepthVerdict {
    const name = depth.instrument;
    const state = this.#books.get(name);
    if (state === undefined) return { kind: 'unsynced' };
    switch (state.kind) {
      case 'buffering':
        state.buffer.push(depth);
        if (state.buffer.length > MAX_BUFFERED) state.buffer.shift();
        return { kind: 'buffered' };
      case 'bridging': {
        const id = state.snapshotId;
        if (depth.last < id) return { kind: 'stale' };
        if (!crosses(depth, id)) return this.#break(name, id);
        this.#books.set(name, { kind: 'synced', last: depth.last, generation: state.generation });
        return { kind: 'delta', prev: id };
      }
      case 'synced': {
        if (depth.prevLast !== state.last) return this.#break(name, state.last);
        const prev = state.last;
        state.last = depth.last;
        return { kind: 'delta', prev };
      }
    }
  }

  /** Applies a REST snapshot to a buffering book (check `generation` first). */
  snapshot(snap: BinanceBookSnapshot): BinanceSnapshotResult {
    const name = snap.instrument;
    const state = this.#books.get(name);
    if (state === undefined || state.kind !== 'buffering') return { usable: false, deltas: [], again: false };
    const id = snap.lastUpdateId;
    const pending = state.buffer.filter((d) => d.last >= id);
    const head = pending[0];
    if (head !== undefined && !crosses(head, id)) {
      // The stream is already past the snapshot: keep buffering and fetch a newer one.
      state.buffer = pending;
      return { usable: false, deltas: [], again: true };
    }
    const deltas: { depth: BinanceDepth; prev: number }[] = [];
    let last = id;
    for (const depth of pending) {
      if (deltas.length > 0 && depth.prevLast !== last) {
        // A gap inside the buffer: publish the snapshot and what chains, then resync again.
        this.#books.set(name, { kind: 'buffering', buffer: [], generation: state.generation });
        return { usable: true, deltas, again: true };
      }
      deltas.push({ depth, prev: last });
      last = depth.last;
    }
    this.#books.set(
      name,
      head === undefined
        ? { kind: 'bridging', snapshotId: id, generation: state.generation }
        : { kind: 'synced', last, generation: state.generation },
    );
    return { usable: true, deltas, again: false };
  }

  #break(name: string, last: number): BinanceDepthVerdict {
    this.invalidate(name);
    return { kind: 'gap', last };
  }

  /** Last good update id (for the marker), if the book is synced. */
  lastSeq(name: string): number | undefined {
    const state = this.#books.get(name);
    if (state?.kind === 'synced') return state.last;
    if (state?.kind === 'bridging') return state.snapshotId;
    return undefined;
  }

  /** True when the book was published from a snapshot and is in sequence. */
  synced(name: string): boolean {
    const kind = this.#books.get(name)?.kind;
    return kind === 'synced' || kind === 'bridging';
  }

  /** Forget an instrument entirely (expired or delisted). */
  forget(name: string): void {
    this.#books.delete(name);
  }

  get syncedCount(): number {
    let n = 0;
    for (const state of this.#books.values()) if (state.kind !== 'buffering') n += 1;
    return n;
  }
}

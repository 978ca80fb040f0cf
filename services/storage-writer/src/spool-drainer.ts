/**
 * Moves the spool into the store (docs/STORAGE.md "The spool"): oldest sealed segment first, one
 * insert per table with every row of the segment, then the segment is deleted. The open segment
 * is sealed whenever the drainer is idle and it holds something at least `lingerMs` old, so in
 * steady state each insert carries what arrived during the previous one (natural batching), and
 * during an outage segments pile up on disk, each bounded by the spool's segment size.
 *
 * A failed insert is retried by `insert` (backoff); tables of the segment already inserted are
 * not inserted again, so an outage does not create duplicate rows. After a crash the whole
 * segment is inserted again, which the ReplacingMergeTree tables make harmless.
 */

import type { SealedSegment, Spool } from './spool.ts';
import type { Row } from './store.ts';

export interface SpoolDrainerOptions {
  /** Youngest the open segment may be when an idle drainer seals it (default 200 ms). */
  lingerMs?: number;
  /** Tables in insert order (the writer's DATA_TABLES); tables not listed go after, by name. */
  tables: readonly string[];
  /** A segment that could not be read or removed (disk trouble); the drainer retries it. */
  onError?: (error: unknown, segment: SealedSegment) => void;
}

export interface SpoolDrainerStats {
  readonly segments: number;
  readonly events: number;
  readonly rows: Readonly<Record<string, number>>;
}

/** Rows per table of every record of a segment, in the order they were appended. */
export function segmentRows(
  records: readonly { rows: Partial<Record<string, Row[]>> }[],
  tables: readonly string[],
): [string, Row[]][] {
  const byTable = new Map<string, Row[]>();
  for (const record of records) {
    for (const [table, rows] of Object.entries(record.rows)) {
      if (rows === undefined || rows.length === 0) continue;
      let list = byTable.get(table);
      if (list === undefined) {
        list = [];
        byTable.set(table, list);
      }
      for (const row of rows) list.push(row);
    }
  }
  const order = (t: string): number => {
    const i = tables.indexOf(t);
    return i < 0 ? tables.length : i;
  };
  return [...byTable.entries()].sort(([a], [b]) => order(a) - order(b) || a.localeCompare(b));
}

export class SpoolDrainer {
  readonly #spool: Spool;
  readonly #insert: (table: string, rows: readonly Row[]) => Promise<void>;
  readonly #lingerMs: number;
  readonly #tables: readonly string[];
  readonly #onError: ((error: unknown, segment: SealedSegment) => void) | undefined;
  #stopping = false;
  /** Stopped without waiting for the insert in flight: its segment must then stay on disk. */
  #abandoned = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #segments = 0;
  #events = 0;
  readonly #rows: Record<string, number> = {};
  readonly #unsubscribe: () => void;

  constructor(
    spool: Spool,
    insert: (table: string, rows: readonly Row[]) => Promise<void>,
    options: SpoolDrainerOptions,
  ) {
    this.#spool = spool;
    this.#insert = insert;
    this.#lingerMs = options.lingerMs ?? 200;
    this.#tables = options.tables;
    this.#onError = options.onError;
    this.#unsubscribe = spool.onAppend(() => this.#signal());
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  #signal(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  /** Sleeps until an append, `ms` elapsed, or stop. */
  #idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#wake = undefined;
        resolve();
      }, ms);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  async #run(): Promise<void> {
    while (!this.#stopping) {
      const segment = this.#spool.oldest();
      if (segment !== undefined) {
        try {
          // False when stopping with the segment not fully inserted: it stays on disk.
          if (!(await this.#drain(segment))) return;
        } catch (error) {
          this.#onError?.(error, segment);
          await this.#idle(1_000);
        }
        continue;
      }
      const since = this.#spool.openSince();
      if (since !== undefined && (await this.#spool.seal(this.#lingerMs))) continue;
      const wait = since === undefined ? 1_000 : Math.max(1, since + this.#lingerMs - Date.now());
      await this.#idle(wait);
    }
  }

  /** Inserts one segment table by table and deletes it; false if stopped before it was done. */
  async #drain(segment: SealedSegment): Promise<boolean> {
    const records = await this.#spool.read(segment);
    for (const [table, rows] of segmentRows(records, this.#tables)) {
      try {
        await this.#insert(table, rows);
      } catch {
        // The insert gave up because the writer is stopping: keep the segment for the next start.
        return false;
      }
      this.#rows[table] = (this.#rows[table] ?? 0) + rows.length;
    }
    // Left behind by a stop that timed out: the next start (another Spool on the directory) owns
    // the segment now and inserts it again (harmless: idempotent tables).
    if (this.#abandoned) return false;
    await this.#spool.remove(segment);
    this.#segments++;
    this.#events += segment.events;
    return true;
  }

  stats(): SpoolDrainerStats {
    return { segments: this.#segments, events: this.#events, rows: { ...this.#rows } };
  }

  /**
   * After a stop that did not wait for the insert in flight: whatever that insert does later, its
   * segment is not deleted (the next start inserts it again).
   */
  abandon(): void {
    this.#abandoned = true;
  }

  /** Stops after the insert in flight (the rest of the spool stays on disk). */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#unsubscribe();
    this.#signal();
    await this.#loop;
  }
}

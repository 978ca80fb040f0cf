/**
 * The storage writer's disk spool (docs/STORAGE.md "The spool"): append-only segment files under
 * one directory, so the bus consumer can hand events off at once and inserts happen later, at
 * whatever pace the store allows, without holding them in memory.
 *
 * Layout: `seg-<seq>.open` is the segment being appended to; sealing fsyncs it and renames it to
 * `seg-<seq>-<firstAppendMs>-<events>.jsonl` (atomic), so a sealed segment's name says how many
 * events it holds and since when. Each line is one bus batch's rows: `{"ms","n","rows":{table:
 * [row...]}}`. A segment is deleted only after every row of it was inserted and acknowledged.
 *
 * fsync policy: by default a segment is fsynced when sealed (and the directory after the rename),
 * not on every append: a process crash loses nothing (appended bytes are in the page cache), a
 * power loss can lose the unsealed tail, which the in-process bus it came from would have lost
 * anyway. `fsync: 'append'` syncs every append for power-loss durability at a per-batch cost.
 * A torn last line (killed mid-write) is cut off and counted on recovery, never parsed as data.
 */
import { mkdir, open, readdir, readFile, rename, stat, statfs, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '@volstream/logging';
import type { TableRows } from './rows.ts';
import { toJsonEachRow } from './store.ts';

export interface SpoolOptions {
  /** Directory of the segment files (created if missing). */
  dir: string;
  /** A segment is sealed once it reaches this size (default 4 MiB), bounding what a drain reads. */
  segmentBytes?: number;
  /** 'seal' (default): fsync when a segment is sealed; 'append': also after every append. */
  fsync?: 'seal' | 'append';
  /**
   * Most bytes on disk (default `defaultSpoolMaxBytes`: 4 GiB or half the free space, whichever is
   * smaller). A batch that would pass it waits until inserts free room (back-pressure to the bus:
   * its handler does not resolve); one batch is always admitted into an empty spool.
   */
  maxBytes?: number;
}

export const SPOOL_MAX_BYTES_CAP = 4 * 1024 ** 3;
export const SPOOL_MIN_BYTES = 64 * 1024 ** 2;

/**
 * The default cap: 4 GiB, or half the free space of the spool's filesystem at start if that is
 * less (the store's own data and the rest of the machine keep the other half), and at least
 * 64 MiB. docs/STORAGE.md "Bounded" argues the figures.
 */
export async function defaultSpoolMaxBytes(dir: string): Promise<number> {
  try {
    const fs = await statfs(dir);
    const free = Number(fs.bavail) * Number(fs.bsize);
    return Math.max(SPOOL_MIN_BYTES, Math.min(SPOOL_MAX_BYTES_CAP, Math.floor(free / 2)));
  } catch {
    return SPOOL_MAX_BYTES_CAP;
  }
}

/** Thrown by an append that was waiting for room when the spool closed or its signal aborted. */
export class SpoolClosedError extends Error {
  constructor(message = 'spool closing: batch not spooled (it stays uncommitted on the bus)') {
    super(message);
    this.name = 'SpoolClosedError';
  }
}

export interface SpoolStats {
  /** Events appended and not yet inserted (sealed segments plus the open one). */
  readonly events: number;
  readonly bytes: number;
  readonly segments: number;
  /** Age of the oldest event not yet inserted, ms (0 when the spool is empty). */
  readonly oldestAgeMs: number;
  /** Events appended since this process opened the spool. */
  readonly appended: number;
  /** Events found in segments left by an earlier process. */
  readonly recovered: number;
  /** Torn lines cut off segments left by a killed process. */
  readonly tornRecords: number;
  /** The cap on `bytes`. */
  readonly maxBytes: number;
  /** True while a batch waits for room (the bus is being held back). */
  readonly full: boolean;
  /** Batches that had to wait for room, and the total time they waited, ms. */
  readonly fullWaits: number;
  readonly fullWaitMs: number;
}

export interface SealedSegment {
  readonly seq: number;
  readonly path: string;
  readonly bytes: number;
  readonly events: number;
  readonly firstMs: number;
}

interface OpenSegment {
  seq: number;
  path: string;
  handle: import('node:fs/promises').FileHandle;
  bytes: number;
  events: number;
  firstMs: number;
}

const SEALED = /^seg-(\d{12})-(\d+)-(\d+)\.jsonl$/;
const OPEN = /^seg-(\d{12})\.open$/;
const pad = (seq: number): string => String(seq).padStart(12, '0');

/** One spooled batch: the rows per table and how many bus events they came from. */
export interface SpoolRecord {
  readonly events: number;
  readonly appendedMs: number;
  readonly rows: TableRows;
}

export class Spool {
  readonly dir: string;
  readonly #segmentBytes: number;
  readonly #fsyncEveryAppend: boolean;
  readonly #logger: Logger;
  readonly #sealed: SealedSegment[] = [];
  /** Segments being fsynced and renamed, off the append path; counted in stats meanwhile. */
  readonly #sealing = new Set<OpenSegment>();
  #sealingDone: Promise<void> = Promise.resolve();
  #open: OpenSegment | undefined;
  #nextSeq = 1;
  #appended = 0;
  #recovered = 0;
  #torn = 0;
  /** Serialises appends, seals and close (one file handle, ordered lines). */
  #chain: Promise<void> = Promise.resolve();
  #listeners = new Set<() => void>();
  readonly #maxBytes: number;
  /** Bytes of batches admitted under the cap and not yet written. */
  #reserved = 0;
  /** Admissions in arrival order (a batch waiting for room holds back the ones after it). */
  #admissions: Promise<void> = Promise.resolve();
  /** Wakes the batch waiting for room (after a segment is removed, or on close). */
  #roomFreed: (() => void) | undefined;
  #waiting = false;
  #fullWaits = 0;
  #fullWaitMs = 0;
  #fullLogged = false;
  #closed = false;

  private constructor(options: SpoolOptions, logger: Logger, maxBytes: number) {
    this.dir = options.dir;
    this.#segmentBytes = options.segmentBytes ?? 4 * 1024 * 1024;
    this.#fsyncEveryAppend = options.fsync === 'append';
    this.#logger = logger;
    this.#maxBytes = maxBytes;
  }

  /** Opens the directory and takes over what an earlier process left: sealed and open segments. */
  static async open(options: SpoolOptions, logger: Logger): Promise<Spool> {
    await mkdir(options.dir, { recursive: true });
    const maxBytes = options.maxBytes ?? (await defaultSpoolMaxBytes(options.dir));
    const spool = new Spool(options, logger, Math.max(1, maxBytes));
    await spool.#recover();
    return spool;
  }

  async #recover(): Promise<void> {
    const names = (await readdir(this.dir)).sort();
    for (const name of names) {
      const open = OPEN.exec(name);
      if (open !== null) {
        // Left open by a crash: keep its whole lines, seal it like any other segment.
        const seq = Number(open[1]);
        const path = join(this.dir, name);
        const { events, firstMs, bytes } = await this.#repair(path);
        if (events === 0) await unlink(path);
        else this.#sealed.push(await this.#sealFile(seq, path, bytes, events, firstMs));
        this.#nextSeq = Math.max(this.#nextSeq, seq + 1);
        continue;
      }
      const m = SEALED.exec(name);
      if (m === null) continue;
      const seq = Number(m[1]);
      const path = join(this.dir, name);
      this.#sealed.push({
        seq,
        path,
        bytes: (await stat(path)).size,
        firstMs: Number(m[2]),
        events: Number(m[3]),
      });
      this.#nextSeq = Math.max(this.#nextSeq, seq + 1);
    }
    this.#sealed.sort((a, b) => a.seq - b.seq);
    this.#recovered = this.#sealed.reduce((n, s) => n + s.events, 0);
    if (this.#sealed.length > 0 || this.#torn > 0) {
      this.#logger.warn(
        { dir: this.dir, segments: this.#sealed.length, events: this.#recovered, tornRecords: this.#torn },
        'spool: resuming segments left by an earlier run (re-inserting is harmless: idempotent tables)',
      );
    }
  }

  /**
   * Cuts a torn tail (bytes after the last newline: a write cut short by a kill) off a segment
   * left open and fsyncs it; returns what its whole lines hold. A whole line that does not parse
   * (not expected from this writer) is counted and skipped here and by read(), never guessed at.
   */
  async #repair(path: string): Promise<{ events: number; firstMs: number; bytes: number }> {
    const text = await readFile(path, 'utf8');
    const whole = text.lastIndexOf('\n') + 1;
    let events = 0;
    let firstMs = 0;
    for (const line of text.slice(0, whole).split('\n')) {
      if (line === '') continue;
      try {
        const record = JSON.parse(line) as { ms: number; n: number };
        events += record.n;
        if (firstMs === 0) firstMs = record.ms;
      } catch {
        // Counted by read() when the segment is drained.
      }
    }
    const bytes = Buffer.byteLength(text.slice(0, whole));
    const handle = await open(path, 'r+');
    try {
      if (whole < text.length) {
        this.#torn++;
        await handle.truncate(bytes);
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    return { events, firstMs, bytes };
  }

  async #sealFile(
    seq: number,
    path: string,
    bytes: number,
    events: number,
    firstMs: number,
  ): Promise<SealedSegment> {
    const sealedPath = join(this.dir, `seg-${pad(seq)}-${firstMs}-${events}.jsonl`);
    await rename(path, sealedPath);
    await this.#syncDir();
    return { seq, path: sealedPath, bytes, events, firstMs };
  }

  async #syncDir(): Promise<void> {
    const dir = await open(this.dir, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#chain.then(work);
    this.#chain = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** Bytes on disk and admitted to be written. */
  #usedBytes(): number {
    let bytes = (this.#open?.bytes ?? 0) + this.#reserved;
    for (const s of this.#sealed) bytes += s.bytes;
    for (const s of this.#sealing) bytes += s.bytes;
    return bytes;
  }

  /**
   * Waits until `bytes` fit under the cap (or the spool is empty: a batch larger than the cap
   * still passes alone), then reserves them. Rejects with SpoolClosedError on close or abort.
   */
  async #admit(bytes: number, events: number, signal: AbortSignal | undefined): Promise<void> {
    const fits = (): boolean => {
      const used = this.#usedBytes();
      return used === 0 || used + bytes <= this.#maxBytes;
    };
    if (this.#closed) throw new SpoolClosedError();
    if (!fits()) {
      const since = performance.now();
      this.#waiting = true;
      this.#fullWaits++;
      if (!this.#fullLogged) {
        this.#fullLogged = true;
        const stats = this.stats();
        this.#logger.warn(
          {
            dir: this.dir,
            bytes: stats.bytes,
            maxBytes: this.#maxBytes,
            batchBytes: bytes,
            batchEvents: events,
            spooledEvents: stats.events,
            oldestAgeMs: stats.oldestAgeMs,
          },
          'spool full: holding back the bus until inserts free room (nothing is dropped; logged once, counted in stats().spool.fullWaits)',
        );
      }
      try {
        while (!fits()) {
          if (this.#closed || signal?.aborted) throw new SpoolClosedError();
          await new Promise<void>((resolve) => {
            const wake = (): void => {
              signal?.removeEventListener('abort', wake);
              this.#roomFreed = undefined;
              resolve();
            };
            this.#roomFreed = wake;
            signal?.addEventListener('abort', wake, { once: true });
          });
        }
      } finally {
        this.#waiting = false;
        this.#fullWaitMs += performance.now() - since;
      }
    }
    this.#reserved += bytes;
  }

  /**
   * Appends one batch's rows (resolves once written to the file); seals the segment when full.
   * Waits first while the spool is at its cap (`maxBytes`); `signal` ends that wait (the batch is
   * then not spooled: SpoolClosedError).
   */
  async append(rows: TableRows, events: number, nowMs = Date.now(), signal?: AbortSignal): Promise<void> {
    let body = '';
    for (const [table, list] of Object.entries(rows)) {
      if (list === undefined || list.length === 0) continue;
      // toJsonEachRow is exactly what an insert sends: the bytes inserted later are the same.
      const lines = toJsonEachRow(list);
      body += `${body === '' ? '' : ','}${JSON.stringify(table)}:[${lines.slice(0, -1).replaceAll('\n', ',')}]`;
    }
    const line = Buffer.from(`{"ms":${nowMs},"n":${events},"rows":{${body}}}\n`);
    const admitted = this.#admissions.then(() => this.#admit(line.length, events, signal));
    this.#admissions = admitted.catch(() => undefined);
    await admitted;
    return this.#serial(async () => {
      if (this.#open === undefined) {
        const seq = this.#nextSeq++;
        const path = join(this.dir, `seg-${pad(seq)}.open`);
        this.#open = { seq, path, handle: await open(path, 'a'), bytes: 0, events: 0, firstMs: nowMs };
      }
      const o = this.#open;
      try {
        await o.handle.write(line);
      } finally {
        this.#reserved -= line.length;
      }
      if (this.#fsyncEveryAppend) await o.handle.sync();
      o.bytes += line.length;
      o.events += events;
      this.#appended += events;
      // A full segment is sealed in the background: the fsync must not hold up the next append.
      if (o.bytes >= this.#segmentBytes) void this.#sealOpen();
      for (const listener of this.#listeners) listener();
    });
  }

  /**
   * Detaches the open segment at once (the next append opens a new one) and fsyncs, closes and
   * renames it; resolves when it is sealed. Seals complete in order, so `#sealed` stays sorted.
   */
  #sealOpen(): Promise<void> {
    const o = this.#open;
    if (o === undefined) return this.#sealingDone;
    this.#open = undefined;
    this.#sealing.add(o);
    const done = this.#sealingDone.then(async () => {
      try {
        await o.handle.sync();
        await o.handle.close();
        this.#sealed.push(await this.#sealFile(o.seq, o.path, o.bytes, o.events, o.firstMs));
      } catch (error) {
        // Still on disk as .open: the next start recovers it. Reported, never thrown at appends.
        this.#logger.error({ err: error, segment: o.path }, 'spool: sealing a segment failed');
      } finally {
        this.#sealing.delete(o);
      }
      for (const listener of this.#listeners) listener();
    });
    this.#sealingDone = done;
    return done;
  }

  /** Seals the open segment if it holds anything older than `minAgeMs`; true if one was sealed. */
  async seal(minAgeMs = 0, nowMs = Date.now()): Promise<boolean> {
    // Detached inside the append order, fsynced outside it (appends go on meanwhile).
    const sealing = await this.#serial(async () => {
      const o = this.#open;
      if (o === undefined || o.events === 0 || nowMs - o.firstMs < minAgeMs) return undefined;
      return { done: this.#sealOpen() };
    });
    if (sealing === undefined) return false;
    await sealing.done;
    return true;
  }

  /** The oldest sealed segment (the next to insert), if any. */
  oldest(): SealedSegment | undefined {
    return this.#sealed[0];
  }

  /** First append time of the open segment, undefined when none is open. */
  openSince(): number | undefined {
    return this.#open?.firstMs;
  }

  /** A sealed segment's batches; a line that does not parse is counted and skipped. */
  async read(segment: SealedSegment): Promise<SpoolRecord[]> {
    const text = await readFile(segment.path, 'utf8');
    const out: SpoolRecord[] = [];
    for (const line of text.split('\n')) {
      if (line === '') continue;
      try {
        const r = JSON.parse(line) as { ms: number; n: number; rows: TableRows };
        out.push({ events: r.n, appendedMs: r.ms, rows: r.rows });
      } catch {
        this.#torn++;
      }
    }
    return out;
  }

  /** Deletes a segment whose rows are all inserted and acknowledged. */
  async remove(segment: SealedSegment): Promise<void> {
    await unlink(segment.path);
    const i = this.#sealed.indexOf(segment);
    if (i >= 0) this.#sealed.splice(i, 1);
    this.#roomFreed?.();
  }

  /** Called after every append (the drainer waits on it instead of polling). */
  onAppend(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  stats(nowMs = Date.now()): SpoolStats {
    const o = this.#open;
    let events = o?.events ?? 0;
    let bytes = o?.bytes ?? 0;
    let oldest = o?.firstMs ?? Number.POSITIVE_INFINITY;
    for (const s of [...this.#sealed, ...this.#sealing]) {
      events += s.events;
      bytes += s.bytes;
      oldest = Math.min(oldest, s.firstMs);
    }
    return {
      events,
      bytes,
      segments: this.#sealed.length + this.#sealing.size + (o === undefined ? 0 : 1),
      oldestAgeMs: events === 0 ? 0 : Math.max(0, nowMs - oldest),
      appended: this.#appended,
      recovered: this.#recovered,
      tornRecords: this.#torn,
      maxBytes: this.#maxBytes,
      full: this.#waiting,
      fullWaits: this.#fullWaits,
      fullWaitMs: Math.round(this.#fullWaitMs),
    };
  }

  /**
   * Seals (fsyncs) the open segment: what is spooled waits on disk for the next start. A batch
   * still waiting for room is refused (SpoolClosedError): it was never accepted.
   */
  async close(): Promise<void> {
    this.#closed = true;
    this.#roomFreed?.();
    await this.#serial(async () => {
      void this.#sealOpen();
    });
    await this.#sealingDone;
  }
}

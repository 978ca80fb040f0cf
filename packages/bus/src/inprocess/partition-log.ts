/**
 * One partition of an in-process topic: an append-only log of encoded messages with Kafka offsets
 * (`startOffset` = oldest retained, `endOffset` = next to be written), kept as parallel arrays used
 * as a deque so appends and reads neither copy bytes nor allocate per message.
 *
 * Retention is bounded by count and bytes. When full, the oldest message is evicted only if every
 * group with a live member has committed past it (`floor`); otherwise the log reports "full" and the
 * producer waits (backpressure), so a slow consumer blocks the producer instead of losing data.
 */
export interface RetentionLimits {
  /** Most messages kept per partition (default 100,000). */
  maxMessages: number;
  /** Most value bytes kept per partition (default 64 MiB). */
  maxBytes: number;
}

export const DEFAULT_RETENTION: RetentionLimits = { maxMessages: 100_000, maxBytes: 64 * 1024 * 1024 };

/** Woken when a partition gets messages or frees space. */
export interface LogListener {
  signal(): void;
}

export class PartitionLog {
  startOffset = 0;
  endOffset = 0;
  bytes = 0;
  #head = 0;
  readonly values: Uint8Array[] = [];
  readonly keys: string[] = [];
  readonly times: number[] = [];
  /** Consumers reading this partition, woken after appends. */
  readonly readers = new Set<LogListener>();
  /** Producers waiting for space, woken after commits advance the floor. */
  readonly writers = new Set<LogListener>();
  /**
   * Lowest offset still needed by an active group (their committed offsets); set by the broker.
   * Messages below it may be evicted.
   */
  floor: () => number = () => Number.POSITIVE_INFINITY;

  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly limits: RetentionLimits,
  ) {}

  get length(): number {
    return this.endOffset - this.startOffset;
  }

  /** Index into the parallel arrays of `offset` (which must be retained). */
  indexOf(offset: number): number {
    return this.#head + (offset - this.startOffset);
  }

  /**
   * Appends unless the log is full of messages some active group still needs; returns false then
   * (nothing appended), and the caller waits on `writers`.
   */
  tryAppend(key: string, value: Uint8Array, time: number): boolean {
    const limits = this.limits;
    if (this.length >= limits.maxMessages || this.bytes + value.byteLength > limits.maxBytes) {
      if (!this.#evictFor(value.byteLength)) return false;
    }
    this.values.push(value);
    this.keys.push(key);
    this.times.push(time);
    this.bytes += value.byteLength;
    this.endOffset++;
    return true;
  }

  #evictFor(bytes: number): boolean {
    const floor = this.floor();
    const limits = this.limits;
    while (this.length > 0 && (this.length >= limits.maxMessages || this.bytes + bytes > limits.maxBytes)) {
      if (this.startOffset >= floor) return false;
      this.#dropOldest();
    }
    // Evict a little more while at it (only what every group committed), so the floor, which
    // walks the groups, is computed once per many appends rather than on every append when full.
    let extra = limits.maxMessages >> 4;
    while (extra-- > 0 && this.length > 0 && this.startOffset < floor) this.#dropOldest();
    return true;
  }

  #dropOldest(): void {
    const i = this.#head;
    this.bytes -= this.values[i]!.byteLength;
    // Release the bytes now; the slots are reclaimed in bulk by #compact.
    this.values[i] = EMPTY;
    this.#head++;
    this.startOffset++;
    if (this.#head >= 4096 && this.#head * 2 >= this.values.length) this.#compact();
  }

  #compact(): void {
    const n = this.#head;
    this.values.splice(0, n);
    this.keys.splice(0, n);
    this.times.splice(0, n);
    this.#head = 0;
  }

  /** First offset whose append time is at or after `timestampMs` (times never decrease). */
  offsetForTimestamp(timestampMs: number): number {
    let lo = this.#head;
    let hi = this.#head + this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.times[mid]! < timestampMs) lo = mid + 1;
      else hi = mid;
    }
    return this.startOffset + (lo - this.#head);
  }

  wakeReaders(): void {
    for (const r of this.readers) r.signal();
  }

  wakeWriters(): void {
    for (const w of this.writers) w.signal();
  }
}

const EMPTY = new Uint8Array(0);

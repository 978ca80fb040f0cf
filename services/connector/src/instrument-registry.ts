/**
 * The instruments a venue feed follows, by venue name, and the expiry sweep over them. Every venue
 * kept the same map-backed class under its own name; they now extend this one (the info type stays
 * the venue's, because what the hot path needs per instrument differs per venue).
 */

/** What the registry needs of a venue's instrument info. */
export interface RegisteredInstrument {
  readonly name: string;
  /** Expiry in ms; 0 when the venue gave none (never swept). */
  readonly expiryMs: number;
}

export class InstrumentRegistry<T extends RegisteredInstrument> {
  readonly #byName = new Map<string, T>();

  get size(): number {
    return this.#byName.size;
  }

  get(name: string): T | undefined {
    return this.#byName.get(name);
  }

  has(name: string): boolean {
    return this.#byName.has(name);
  }

  /** True when the instrument is new. */
  add(info: T): boolean {
    if (this.#byName.has(info.name)) return false;
    this.#byName.set(info.name, info);
    return true;
  }

  remove(name: string): T | undefined {
    const info = this.#byName.get(name);
    this.#byName.delete(name);
    return info;
  }

  /** Instruments whose expiry is at or before `nowMs`. */
  expired(nowMs: number): T[] {
    const out: T[] = [];
    for (const info of this.#byName.values()) if (info.expiryMs > 0 && info.expiryMs <= nowMs) out.push(info);
    return out;
  }

  /**
   * The expiry sweep: options expire (08:00 UTC) whether or not a listing message says so, so
   * expired instruments are forgotten by the clock; `removed` is told of each one. Returns how many.
   */
  sweepExpired(nowMs: number, removed: (info: T) => void): number {
    const gone = this.expired(nowMs);
    for (const info of gone) {
      this.#byName.delete(info.name);
      removed(info);
    }
    return gone.length;
  }

  all(): IterableIterator<T> {
    return this.#byName.values();
  }
}

// Deribit instrument list: what `public/get_instruments` returned, plus listings announced on
// `instrument.state.{kind}.{currency}` since. Docs: https://docs.deribit.com/#public-get_instruments
// A listing announced on the state channel is not invented from its name: the feed refreshes the
// list (rate-limited, 1 request per 10 s, burst 5) so every field comes from the venue.

/** What the feed needs per instrument on the hot path (a compact internal type). */
export interface InstrumentInfo {
  name: string;
  kind: string;
  /** Upper-case base coin (`BTC`). */
  currency: string;
  /** True for coin-margined (inverse) instruments: prices are in coin. */
  inverse: boolean;
  expiryMs: number;
  shard: number;
}

/** Instruments the connector tracks, by venue name. */
export class InstrumentRegistry {
  readonly #byName = new Map<string, InstrumentInfo>();

  get size(): number {
    return this.#byName.size;
  }

  get(name: string): InstrumentInfo | undefined {
    return this.#byName.get(name);
  }

  has(name: string): boolean {
    return this.#byName.has(name);
  }

  add(info: InstrumentInfo): boolean {
    if (this.#byName.has(info.name)) return false;
    this.#byName.set(info.name, info);
    return true;
  }

  remove(name: string): InstrumentInfo | undefined {
    const info = this.#byName.get(name);
    this.#byName.delete(name);
    return info;
  }

  /** Instruments whose expiry is at or before `nowMs` (swept periodically, in case a state message is lost). */
  expired(nowMs: number): InstrumentInfo[] {
    const out: InstrumentInfo[] = [];
    for (const info of this.#byName.values()) if (info.expiryMs > 0 && info.expiryMs <= nowMs) out.push(info);
    return out;
  }

  all(): IterableIterator<InstrumentInfo> {
    return this.#byName.values();
  }
}

/** True when the row is something this connector follows: options and dated/perpetual futures. */
export function isFollowedKind(kind: string): boolean {
  return kind === 'option' || kind === 'future';
}

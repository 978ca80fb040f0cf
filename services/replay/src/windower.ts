/**
 * Cuts a stream of market data into transform windows on event-time boundaries (every
 * `windowMs` of exchange time, aligned to the epoch like the surface worker's display ticks) or
 * at `maxEvents`. Only the data decides where a window ends, never the wall clock, so a replay of
 * the same data cuts the same windows every time.
 */
import type { MarketDataEvent } from '@volstream/contracts';

export const DEFAULT_WINDOW_MS = 500;
export const DEFAULT_MAX_WINDOW_EVENTS = 5_000;

export class Windower<T = MarketDataEvent> {
  readonly #windowMs: number;
  readonly #maxEvents: number;
  #current: T[] = [];
  #bucket: number | undefined;

  constructor(windowMs = DEFAULT_WINDOW_MS, maxEvents = DEFAULT_MAX_WINDOW_EVENTS) {
    this.#windowMs = Math.max(1, windowMs);
    this.#maxEvents = Math.max(1, maxEvents);
  }

  /** Adds an event; returns the window it closed, if any. */
  add(event: T & MarketDataEvent): T[] | undefined {
    return this.addAt(event, Number(event.header?.exchangeTimeMs ?? 0n));
  }

  /**
   * Adds an item whose exchange time is `exchangeTimeMs` (e.g. an encoded record with its stored
   * time, so replay cuts windows without decoding); returns the window it closed, if any.
   */
  addAt(item: T, exchangeTimeMs: number): T[] | undefined {
    const bucket = Math.floor(exchangeTimeMs / this.#windowMs);
    let closed: T[] | undefined;
    if (this.#current.length > 0 && (bucket !== this.#bucket || this.#current.length >= this.#maxEvents)) {
      closed = this.#current;
      this.#current = [];
    }
    this.#bucket = bucket;
    this.#current.push(item);
    return closed;
  }

  /** The open window (possibly empty), which is then closed. */
  flush(): T[] {
    const out = this.#current;
    this.#current = [];
    this.#bucket = undefined;
    return out;
  }
}

/** All windows of a finite list of events. */
export function windowsOf(
  events: readonly MarketDataEvent[],
  windowMs?: number,
  maxEvents?: number,
): MarketDataEvent[][] {
  const w = new Windower(windowMs, maxEvents);
  const out: MarketDataEvent[][] = [];
  for (const e of events) {
    const closed = w.add(e);
    if (closed !== undefined) out.push(closed);
  }
  const last = w.flush();
  if (last.length > 0) out.push(last);
  return out;
}

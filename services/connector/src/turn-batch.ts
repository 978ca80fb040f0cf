/**
 * Collects what is added during one event-loop turn and hands it over once, on the next turn
 * (`setImmediate`). The shards use it to coalesce a whole instrument list's subscribes (or an
 * expiry's unsubscribes) into few requests: OKX counts requests per connection and hour, Bybit
 * packs args per request, Binance paces requests per second. What a flush sends stays per venue.
 */
export class TurnBatch<T> {
  readonly #items: T[] = [];

  constructor(private readonly flush: (items: T[]) => void) {}

  add(items: readonly T[]): void {
    if (items.length === 0) return;
    const first = this.#items.length === 0;
    for (const item of items) this.#items.push(item);
    if (first) setImmediate(() => this.flush(this.#items.splice(0)));
  }
}

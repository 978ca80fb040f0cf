/**
 * Exponential backoff with "full jitter" (AWS Architecture Blog, "Exponential Backoff And Jitter",
 * 2015): delay = random(0, min(cap, base · 2^attempt)). Full jitter spreads the reconnects of many
 * connections (and many connector replicas) after a venue outage, so they do not stampede the
 * venue in lock-step and trip its per-IP connection limits.
 */
export interface BackoffOptions {
  /** First ceiling in ms (attempt 0). */
  baseMs: number;
  /** Upper bound of any delay in ms. */
  capMs: number;
  /** Uniform [0,1) source; injectable so tests are deterministic. */
  random?: () => number;
}

export class Backoff {
  #attempt = 0;
  readonly #random: () => number;

  constructor(private readonly options: BackoffOptions) {
    this.#random = options.random ?? Math.random;
  }

  /** The delay before the next attempt; each call widens the window until `capMs`. */
  next(): number {
    const ceiling = Math.min(this.options.capMs, this.options.baseMs * 2 ** Math.min(this.#attempt, 30));
    this.#attempt += 1;
    return Math.floor(this.#random() * ceiling);
  }

  /** The ceiling the next call will draw under (for logs and tests). */
  ceiling(): number {
    return Math.min(this.options.capMs, this.options.baseMs * 2 ** Math.min(this.#attempt, 30));
  }

  get attempt(): number {
    return this.#attempt;
  }

  /** Call once a connection is healthy again (subscribed and receiving). */
  reset(): void {
    this.#attempt = 0;
  }
}

/**
 * Token bucket for venue request limits (Deribit: ~3.3 subscribe requests/s, burst 10; see
 * docs/EXCHANGES.md §1 "Rate limits"). `take()` resolves when a token is available, in FIFO order,
 * with one timer for the whole queue rather than one per waiter. `penalise(ms)` empties the bucket
 * and blocks refills for a while: the answer to a `too_many_requests` (10028) reply.
 */
export interface TokenBucketOptions {
  ratePerSec: number;
  burst: number;
  now?: () => number;
}

export class TokenBucket {
  #tokens: number;
  #last: number;
  #blockedUntil = 0;
  readonly #waiters: Array<() => void> = [];
  #timer: NodeJS.Timeout | undefined;
  readonly #now: () => number;
  #closed = false;

  constructor(private readonly options: TokenBucketOptions) {
    this.#now = options.now ?? Date.now;
    this.#tokens = options.burst;
    this.#last = this.#now();
  }

  /** Resolves when one token was taken; rejects only if the bucket is closed meanwhile. */
  take(): Promise<void> {
    if (this.#waiters.length === 0 && this.tryTake()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.#waiters.push(() =>
        this.#closed ? reject(new Error('Expected an open token bucket, was closed')) : resolve(),
      );
      this.#schedule();
    });
  }

  tryTake(): boolean {
    this.#refill();
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return true;
    }
    return false;
  }

  /** Drop all tokens and refuse refills for `ms` (the venue said we went too fast). */
  penalise(ms: number): void {
    this.#tokens = 0;
    this.#blockedUntil = Math.max(this.#blockedUntil, this.#now() + ms);
    this.#last = this.#blockedUntil;
  }

  get waiting(): number {
    return this.#waiters.length;
  }

  close(): void {
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const waiter of this.#waiters.splice(0)) waiter();
  }

  #refill(): void {
    const now = this.#now();
    if (now < this.#blockedUntil) return;
    const elapsed = now - this.#last;
    if (elapsed <= 0) return;
    this.#tokens = Math.min(this.options.burst, this.#tokens + (elapsed * this.options.ratePerSec) / 1000);
    this.#last = now;
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#closed) return;
    this.#refill();
    const now = this.#now();
    const blocked = Math.max(0, this.#blockedUntil - now);
    const missing = Math.max(0, 1 - this.#tokens);
    const wait = Math.max(blocked, Math.ceil((missing * 1000) / this.options.ratePerSec));
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      while (this.#waiters.length > 0 && this.tryTake()) this.#waiters.shift()!();
      if (this.#waiters.length > 0) this.#schedule();
    }, wait);
  }
}

/**
 * A token bucket (burst capacity, refill per second), the shape of Deribit's credit-based limits
 * (https://docs.deribit.com/articles/rate-limits): each request costs one token; an empty bucket
 * means `too_many_requests`.
 */
export class TokenBucket {
  #tokens: number;
  #last: number;

  constructor(
    readonly burst: number,
    readonly perSecond: number,
    now: number,
  ) {
    this.#tokens = burst;
    this.#last = now;
  }

  take(now: number, cost = 1): boolean {
    this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#last) / 1000) * this.perSecond);
    this.#last = now;
    if (this.#tokens < cost) return false;
    this.#tokens -= cost;
    return true;
  }
}

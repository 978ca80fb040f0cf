import { timingSafeEqual } from 'node:crypto';
import { GatewayError } from './errors.ts';

/**
 * Token bucket: `ratePerSec` tokens a second, at most `burst` saved. One bucket per API key (or per
 * remote address when keys are off), shared by REST requests and stream messages of that key.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerSec: number,
    private readonly burst: number,
    now = Date.now(),
  ) {
    this.tokens = burst;
    this.last = now;
  }

  take(now = Date.now()): boolean {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.ratePerSec);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

export interface AccessOptions {
  /** Accepted API keys; empty turns authentication off (embedded default). */
  apiKeys: readonly string[];
  ratePerSec: number;
  burst: number;
  /** Stream subscriptions one key may hold over all its connections. */
  maxSubscriptionsPerKey: number;
}

/** Who a request or connection is, for rate limiting and logs (never the key itself). */
export interface Principal {
  /** "key#2" (index in the configured list) or "ip:127.0.0.1". */
  readonly id: string;
}

/** API-key check plus per-principal token buckets. */
export class AccessControl {
  private readonly keys: Buffer[];
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly subscriptions = new Map<string, number>();

  constructor(private readonly options: AccessOptions) {
    this.keys = options.apiKeys.map((k) => Buffer.from(k));
  }

  get enabled(): boolean {
    return this.keys.length > 0;
  }

  /** Identifies the caller or throws AUTH_REQUIRED / AUTH_INVALID. */
  authenticate(key: string | undefined, remote: string): Principal {
    if (!this.enabled) return { id: `ip:${remote}` };
    if (key === undefined || key === '') throw new GatewayError('AUTH_REQUIRED');
    const given = Buffer.from(key);
    const index = this.keys.findIndex((k) => k.length === given.length && timingSafeEqual(k, given));
    if (index < 0) throw new GatewayError('AUTH_INVALID');
    return { id: `key#${index}` };
  }

  /** Spends one token of the principal's bucket or throws RATE_LIMITED. */
  charge(principal: Principal, now = Date.now()): void {
    let bucket = this.buckets.get(principal.id);
    if (bucket === undefined) {
      bucket = new TokenBucket(this.options.ratePerSec, this.options.burst, now);
      this.buckets.set(principal.id, bucket);
    }
    if (!bucket.take(now)) throw new GatewayError('RATE_LIMITED', { limit: this.options.ratePerSec });
  }

  /** Counts one more subscription of the principal or throws STREAM_SUBSCRIPTION_LIMIT. */
  acquireSubscription(principal: Principal): void {
    const held = this.subscriptions.get(principal.id) ?? 0;
    if (held >= this.options.maxSubscriptionsPerKey) {
      throw new GatewayError('STREAM_SUBSCRIPTION_LIMIT', { limit: this.options.maxSubscriptionsPerKey });
    }
    this.subscriptions.set(principal.id, held + 1);
  }

  releaseSubscription(principal: Principal): void {
    const held = (this.subscriptions.get(principal.id) ?? 0) - 1;
    if (held > 0) this.subscriptions.set(principal.id, held);
    else this.subscriptions.delete(principal.id);
  }
}

/** The API key of a request: `x-api-key` header, else `?api_key=` (browsers cannot set ws headers). */
export function apiKeyOf(
  headers: Record<string, string | string[] | undefined>,
  url: string,
): string | undefined {
  const header = headers['x-api-key'];
  if (typeof header === 'string') return header;
  const query = new URL(url, 'http://x').searchParams.get('api_key');
  return query ?? undefined;
}

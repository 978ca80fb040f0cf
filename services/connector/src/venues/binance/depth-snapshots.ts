// REST order-book snapshots for the resync procedure (book-sequencer.ts): `GET
// /eapi/v1/depth?symbol=…&limit=…` → `{"T":…,"u":…,"bids":[…],"asks":[…]}`. Docs:
// https://developers.binance.com/docs/derivatives/option/market-data/Order-Book
// Requests are paced by one token bucket for the process (REST weight is counted per IP) and at
// most `concurrency` run at once; a symbol is requested at most once at a time, and a failed
// request is retried after a delay while the book still waits.
import type { Logger } from '@volstream/logging';
import { TokenBucket } from '../../token-bucket.ts';

export interface DepthSnapshotOptions {
  restUrl: string;
  limit: number;
  ratePerSec: number;
  concurrency: number;
  retryMs: number;
}

export interface DepthSnapshotHooks {
  /** Still wanted? (the book may have been forgotten or resynced meanwhile). */
  wanted(symbol: string): boolean;
  /** The reply body (not yet validated) and when it arrived. */
  received(symbol: string, body: unknown, receiveNs: bigint): void;
}

export class DepthSnapshots {
  readonly #queue: string[] = [];
  readonly #queued = new Set<string>();
  readonly #bucket: TokenBucket;
  #running = 0;
  #stopped = false;
  requests = 0;
  failures = 0;

  constructor(
    private readonly options: DepthSnapshotOptions,
    private readonly hooks: DepthSnapshotHooks,
    private readonly deps: { logger: Logger; clock: () => bigint },
  ) {
    this.#bucket = new TokenBucket({ ratePerSec: options.ratePerSec, burst: options.ratePerSec });
  }

  /** Asks for a snapshot of `symbol` (no-op while one is queued or in flight). */
  request(symbol: string): void {
    if (this.#stopped || this.#queued.has(symbol)) return;
    this.#queued.add(symbol);
    this.#queue.push(symbol);
    this.#pump();
  }

  stop(): void {
    this.#stopped = true;
    this.#bucket.close();
  }

  #pump(): void {
    while (this.#running < this.options.concurrency && this.#queue.length > 0) {
      const symbol = this.#queue.shift()!;
      this.#running += 1;
      void this.#fetch(symbol).finally(() => {
        this.#running -= 1;
        this.#queued.delete(symbol);
        this.#pump();
      });
    }
  }

  async #fetch(symbol: string): Promise<void> {
    if (!this.hooks.wanted(symbol)) return;
    try {
      await this.#bucket.take();
      if (this.#stopped || !this.hooks.wanted(symbol)) return;
      this.requests += 1;
      const url = `${this.options.restUrl}/eapi/v1/depth?symbol=${encodeURIComponent(symbol)}&limit=${this.options.limit}`;
      const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
      const body: unknown = await response.json();
      if (!response.ok) throw new Error(`HTTP ${response.status} ${JSON.stringify(body).slice(0, 200)}`);
      if (!this.#stopped) this.hooks.received(symbol, body, this.deps.clock());
    } catch (error) {
      if (this.#stopped) return;
      this.failures += 1;
      this.deps.logger.warn(
        { symbol, err: (error as Error).message },
        'Binance depth snapshot failed; retrying',
      );
      setTimeout(() => {
        if (this.hooks.wanted(symbol)) this.request(symbol);
      }, this.options.retryMs).unref();
    }
  }
}

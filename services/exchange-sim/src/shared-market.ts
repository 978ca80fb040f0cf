/**
 * One simulated market behind several venues' simulators (`volstream run --venues …`): the same
 * index path, truth surface, basis and listings for every venue, each venue quoting it in its own
 * books (venue-books.ts). Exactly one clock moves it: `start()` advances it on its own timer and
 * hands the events (index ticks, listings, expiries) to every listener. `advance()` — what a
 * single-venue simulator calls on its own loop — does nothing here, so no venue can move the
 * shared clock or swallow events the others must hear.
 */
import type { Logger } from '@volstream/logging';
import { Market, type MarketEvent, type MarketOptions } from './deribit/market.ts';

export type MarketListener = (events: MarketEvent[]) => void;

export interface SharedMarketOptions extends MarketOptions {
  /** Simulated ms per wall ms (default 1). */
  timeScale?: number;
  /** Clock period, wall ms (default: the model step, 100 ms). */
  tickMs?: number;
}

export class SharedMarket extends Market {
  readonly #listeners = new Set<MarketListener>();
  readonly #startTime: number;
  readonly #timeScale: number;
  readonly #tickMs: number;
  #wallStart = 0;
  #timer: NodeJS.Timeout | undefined;
  /** Clock ticks that threw (a listener's bug); the clock keeps running. */
  failures = 0;

  constructor(
    options: SharedMarketOptions,
    private readonly logger?: Logger,
  ) {
    super({ ...options, lazyPricing: options.lazyPricing ?? true });
    this.#startTime = options.startTime;
    this.#timeScale = options.timeScale ?? 1;
    this.#tickMs = options.tickMs ?? this.stepMs;
  }

  /** A no-op: only the shared clock (`step`, driven by `start`) moves a shared market. */
  override advance(_now: number): MarketEvent[] {
    return [];
  }

  /** Advances to `now` (simulated ms) and gives the events to every listener; returns them. */
  step(now: number): MarketEvent[] {
    const events = super.advance(now);
    if (events.length > 0) for (const listener of this.#listeners) listener(events);
    return events;
  }

  /** Registers a venue's listener; returns its removal. */
  onEvents(listener: MarketListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Simulated time now on the shared clock. */
  clockNow(wallMs = Date.now()): number {
    return this.#startTime + (wallMs - this.#wallStart) * this.#timeScale;
  }

  /** Starts the one clock (idempotent). */
  start(): void {
    if (this.#timer !== undefined) return;
    this.#wallStart = Date.now();
    this.#timer = setInterval(() => {
      try {
        this.step(this.clockNow());
      } catch (error) {
        // Logged once; the clock keeps running (a bad tick must not stop every venue).
        if (this.failures++ === 0) this.logger?.error({ err: error }, 'shared market clock tick failed');
      }
    }, this.#tickMs);
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#listeners.clear();
  }
}

/** Whether `market` is a shared one (its clock is not the caller's to move). */
export function isSharedMarket(market: Market | undefined): market is SharedMarket {
  return market instanceof SharedMarket;
}

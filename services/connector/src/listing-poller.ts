import type { Logger } from '@volstream/logging';

/**
 * The REST instrument re-poll of the venues without a usable listing channel (OKX, Bybit,
 * Binance): fetch the full list at start and every `refreshMs`, retry every second until one fetch
 * has succeeded, never run two fetches at once, and sweep expiries every minute. What is fetched and
 * how rows are applied stays in each venue's instrument-sync.ts (REST shapes and listing rules are
 * venue rules); this is the timer and retry boilerplate they all repeated.
 * Deribit refreshes on `instrument.state` messages instead (its own instrument-sync.ts).
 */
export interface ListingPollerOptions {
  /** Re-poll period; 0 = only at start. */
  readonly refreshMs: number;
  /** The warning logged when a fetch fails, e.g. 'OKX instrument list failed; retrying'. */
  readonly failureMessage: string;
}

export interface ListingPollerHooks {
  /** Fetches the full list and applies it; throws on failure. `stopped()` is true after stop(). */
  fetchAndApply(stopped: () => boolean): Promise<void>;
  /** The expiry sweep, run every minute. */
  sweepExpired(): void;
}

const SWEEP_MS = 60_000;
const RETRY_MS = 1000;

export class ListingPoller {
  /** True once one fetch succeeded. */
  loaded = false;
  /** Fetches that succeeded. */
  polls = 0;
  #timer: NodeJS.Timeout | undefined;
  #sweepTimer: NodeJS.Timeout | undefined;
  #retry: NodeJS.Timeout | undefined;
  #loading: Promise<void> | undefined;
  #stopped = false;

  constructor(
    private readonly options: ListingPollerOptions,
    private readonly hooks: ListingPollerHooks,
    private readonly logger: Logger,
  ) {}

  get stopped(): boolean {
    return this.#stopped;
  }

  start(): void {
    this.#stopped = false;
    void this.load();
    if (this.options.refreshMs > 0) {
      this.#timer = setInterval(() => void this.load(), this.options.refreshMs);
      this.#timer.unref();
    }
    this.#sweepTimer = setInterval(() => this.hooks.sweepExpired(), SWEEP_MS);
    this.#sweepTimer.unref();
  }

  stop(): void {
    this.#stopped = true;
    clearInterval(this.#timer);
    clearInterval(this.#sweepTimer);
    clearTimeout(this.#retry);
  }

  /** Fetches the list (joining a fetch in flight); retries in 1 s on failure until one succeeded. */
  load(): Promise<void> {
    this.#loading ??= this.#load().finally(() => {
      this.#loading = undefined;
    });
    return this.#loading;
  }

  async #load(): Promise<void> {
    try {
      await this.hooks.fetchAndApply(() => this.#stopped);
      this.polls += 1;
      this.loaded = true;
    } catch (error) {
      this.logger.warn({ err: (error as Error).message }, this.options.failureMessage);
      if (!this.loaded && !this.#stopped) {
        this.#retry = setTimeout(() => void this.load(), RETRY_MS);
        this.#retry.unref();
      }
    }
  }
}

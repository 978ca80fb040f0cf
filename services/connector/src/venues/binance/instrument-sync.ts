// Binance option listings: REST `GET /eapi/v1/exchangeInfo` (every underlying in one reply) at
// start and every `refreshMs`, plus an expiry sweep (options expire at 08:00 UTC whether or not a
// listing says so). Docs: https://developers.binance.com/docs/derivatives/option/market-data/Exchange-Information
// The `!optionSymbol` listing stream (EXCHANGES.md §4) is not used: its payload is not in the
// captures, and a re-poll sees the same listings with fields we can check.
import type { Logger } from '@volstream/logging';
import { ListingPoller } from '../../listing-poller.ts';
import type { Rejection } from '../../values.ts';
import {
  type BinanceInstrumentInfo,
  type BinanceInstrumentRegistry,
  binanceInstrumentInfo,
} from './instruments.ts';
import type { BinanceExchangeInfo, BinanceOptionSymbol } from './messages.ts';
import { validateBinanceSymbol } from './parse-instrument.ts';

export interface BinanceInstrumentHooks {
  registry: BinanceInstrumentRegistry;
  /** A new instrument to follow (row validated). */
  added(info: BinanceInstrumentInfo, row: BinanceOptionSymbol, receiveNs: bigint, serverTimeMs: number): void;
  /** An instrument that left the listing (expired, delisted). */
  removed(info: BinanceInstrumentInfo): void;
  reject(rejection: Rejection, where: string): void;
  /** A complete listing was applied (the feed subscribes the chain-wide streams after the first). */
  listed(): void;
}

export class BinanceInstrumentSync {
  readonly #poller: ListingPoller;

  constructor(
    private readonly options: { restUrl: string; currencies: readonly string[]; refreshMs: number },
    private readonly hooks: BinanceInstrumentHooks,
    private readonly deps: { logger: Logger; clock: () => bigint; now: () => number },
  ) {
    this.#poller = new ListingPoller(
      { refreshMs: options.refreshMs, failureMessage: 'Binance exchangeInfo failed; retrying' },
      { fetchAndApply: (stopped) => this.#fetch(stopped), sweepExpired: () => this.sweepExpired() },
      deps.logger,
    );
  }

  /** True once exchangeInfo was fetched once. */
  get loaded(): boolean {
    return this.#poller.loaded;
  }

  start(): void {
    this.#poller.start();
  }

  stop(): void {
    this.#poller.stop();
  }

  /** Forgets instruments whose expiry has passed; returns how many. */
  sweepExpired(): number {
    return this.hooks.registry.sweepExpired(this.deps.now(), (info) => this.hooks.removed(info));
  }

  /** Fetches the listing; retries in 1 s on failure until it succeeded once. */
  load(): Promise<void> {
    return this.#poller.load();
  }

  async #fetch(stopped: () => boolean): Promise<void> {
    const response = await fetch(`${this.options.restUrl}/eapi/v1/exchangeInfo`, {
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) throw new Error(`exchangeInfo: HTTP ${response.status}`);
    const body = (await response.json()) as Partial<BinanceExchangeInfo>;
    if (!Array.isArray(body.optionSymbols)) throw new Error('exchangeInfo: no optionSymbols');
    // A reply arriving after stop() is not applied (the feed's shards are closed).
    if (stopped()) return;
    this.apply(body.optionSymbols, typeof body.serverTime === 'number' ? body.serverTime : this.deps.now());
  }

  /** Applies a complete listing: new rows are followed, followed symbols missing from it dropped. */
  apply(rows: readonly unknown[], serverTimeMs = this.deps.now()): void {
    const receiveNs = this.deps.clock();
    const now = this.deps.now();
    const seen = new Set<string>();
    for (const row of rows) {
      const bad = validateBinanceSymbol(row);
      if (bad !== undefined) {
        this.hooks.reject(bad, 'exchangeInfo');
        continue;
      }
      const r = row as BinanceOptionSymbol;
      const info = binanceInstrumentInfo(r);
      if (!this.options.currencies.includes(info.currency)) continue;
      if (info.expiryMs <= now || r.status === 'CLOSE') continue;
      seen.add(info.name);
      if (this.hooks.registry.add(info)) this.hooks.added(info, r, receiveNs, serverTimeMs);
    }
    for (const info of [...this.hooks.registry.all()]) {
      if (!seen.has(info.name)) {
        this.hooks.registry.remove(info.name);
        this.hooks.removed(info);
      }
    }
    this.hooks.listed();
  }
}

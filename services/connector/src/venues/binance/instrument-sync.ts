// Binance option listings: REST `GET /eapi/v1/exchangeInfo` (every underlying in one reply) at
// start and every `refreshMs`, plus an expiry sweep (options expire at 08:00 UTC whether or not a
// listing says so). Docs: https://developers.binance.com/docs/derivatives/option/market-data/Exchange-Information
// The `!optionSymbol` listing stream (EXCHANGES.md §4) is not used: its payload is not in the
// captures, and a re-poll sees the same listings with fields we can check.
import type { Logger } from '@volstream/logging';
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
}

export class BinanceInstrumentSync {
  loaded = false;
  #timer: NodeJS.Timeout | undefined;
  #sweepTimer: NodeJS.Timeout | undefined;
  #retry: NodeJS.Timeout | undefined;
  #loading: Promise<void> | undefined;
  #stopped = false;

  constructor(
    private readonly options: { restUrl: string; currencies: readonly string[]; refreshMs: number },
    private readonly hooks: BinanceInstrumentHooks,
    private readonly deps: { logger: Logger; clock: () => bigint; now: () => number },
  ) {}

  start(): void {
    this.#stopped = false;
    void this.load();
    if (this.options.refreshMs > 0) {
      this.#timer = setInterval(() => void this.load(), this.options.refreshMs);
      this.#timer.unref();
    }
    this.#sweepTimer = setInterval(() => this.sweepExpired(), 60_000);
    this.#sweepTimer.unref();
  }

  stop(): void {
    this.#stopped = true;
    clearInterval(this.#timer);
    clearInterval(this.#sweepTimer);
    clearTimeout(this.#retry);
  }

  /** Forgets instruments whose expiry has passed; returns how many. */
  sweepExpired(): number {
    const now = this.deps.now();
    let n = 0;
    for (const info of [...this.hooks.registry.all()]) {
      if (info.expiryMs <= now) {
        this.hooks.registry.remove(info.name);
        this.hooks.removed(info);
        n += 1;
      }
    }
    return n;
  }

  /** Fetches the listing; retries in 1 s on failure until it succeeded once. */
  load(): Promise<void> {
    this.#loading ??= this.#load().finally(() => {
      this.#loading = undefined;
    });
    return this.#loading;
  }

  async #load(): Promise<void> {
    try {
      const response = await fetch(`${this.options.restUrl}/eapi/v1/exchangeInfo`, {
        signal: AbortSignal.timeout(10_000),
      });
      if (!response.ok) throw new Error(`exchangeInfo: HTTP ${response.status}`);
      const body = (await response.json()) as Partial<BinanceExchangeInfo>;
      if (!Array.isArray(body.optionSymbols)) throw new Error('exchangeInfo: no optionSymbols');
      if (this.#stopped) return;
      this.apply(body.optionSymbols, typeof body.serverTime === 'number' ? body.serverTime : this.deps.now());
      this.loaded = true;
    } catch (error) {
      this.deps.logger.warn({ err: (error as Error).message }, 'Binance exchangeInfo failed; retrying');
      if (!this.loaded && !this.#stopped) {
        this.#retry = setTimeout(() => void this.load(), 1000);
        this.#retry.unref();
      }
    }
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
  }
}

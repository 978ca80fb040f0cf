// Bybit option listings: REST `GET /v5/market/instruments-info?category=option&baseCoin=BTC`,
// cursor-paged (`limit`, `cursor` = the previous page's `nextPageCursor`, empty on the last page).
// Docs: https://bybit-exchange.github.io/docs/v5/market/instrument
// Bybit has NO listing channel for options, so new listings and delistings are found by
// re-polling the list (every `refreshMs`, 60 s by default); expiries are swept by the clock
// (08:00 UTC) whether or not a poll has noticed them yet. A row is only followed once it validates.
import type { Logger } from '@volstream/logging';
import type { Rejection } from '../../values.ts';
import {
  type BybitInstrumentInfo,
  type BybitInstrumentRegistry,
  bybitInstrumentInfo,
} from './instruments.ts';
import type { BybitInstrument, BybitRestReply } from './messages.ts';
import { validateBybitInstrument } from './parse-instrument.ts';

export interface InstrumentSyncHooks {
  registry: BybitInstrumentRegistry;
  /** A new instrument to follow (row validated). */
  added(info: BybitInstrumentInfo, row: BybitInstrument, receiveNs: bigint): void;
  /** An instrument that left the listing (expired, delisted). */
  removed(info: BybitInstrumentInfo): void;
  reject(rejection: Rejection, where: string): void;
}

/** Rows per page (Bybit allows 1..1000 for options). */
const PAGE_LIMIT = 500;
/** A listing never needs more pages than this; more means a cursor loop. */
const MAX_PAGES = 100;
/** Statuses of instruments worth following. */
const FOLLOWED = new Set(['Trading', 'PreLaunch']);

export class BybitInstrumentSync {
  loaded = false;
  polls = 0;
  #timer: NodeJS.Timeout | undefined;
  #sweepTimer: NodeJS.Timeout | undefined;
  #loading: Promise<void> | undefined;

  constructor(
    private readonly options: { restUrl: string; currencies: readonly string[]; refreshMs: number },
    private readonly hooks: InstrumentSyncHooks,
    private readonly deps: { logger: Logger; clock: () => bigint; now: () => number },
  ) {}

  start(): void {
    void this.load();
    if (this.options.refreshMs > 0) {
      this.#timer = setInterval(() => void this.load(), this.options.refreshMs);
      this.#timer.unref();
    }
    this.#sweepTimer = setInterval(() => this.sweepExpired(), 60_000);
    this.#sweepTimer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    clearInterval(this.#sweepTimer);
  }

  /** Forgets instruments whose expiry has passed; returns how many. */
  sweepExpired(): number {
    const now = this.deps.now();
    let n = 0;
    for (const info of [...this.hooks.registry.all()]) {
      if (info.expiryMs > 0 && info.expiryMs <= now) {
        this.hooks.registry.remove(info.name);
        this.hooks.removed(info);
        n += 1;
      }
    }
    return n;
  }

  /** Fetches every currency's full list; retries in 1 s on failure until it succeeds once. */
  load(): Promise<void> {
    this.#loading ??= this.#load().finally(() => {
      this.#loading = undefined;
    });
    return this.#loading;
  }

  async #load(): Promise<void> {
    try {
      for (const currency of this.options.currencies) {
        this.apply(currency, await this.#fetchAll(currency), true);
      }
      this.polls += 1;
      this.loaded = true;
    } catch (error) {
      this.deps.logger.warn({ err: (error as Error).message }, 'Bybit instrument list failed; retrying');
      if (!this.loaded) setTimeout(() => void this.load(), 1000).unref();
    }
  }

  async #fetchAll(currency: string): Promise<unknown[]> {
    const rows: unknown[] = [];
    let cursor = '';
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const url = new URL('/v5/market/instruments-info', this.options.restUrl);
      url.searchParams.set('category', 'option');
      url.searchParams.set('baseCoin', currency);
      url.searchParams.set('limit', String(PAGE_LIMIT));
      if (cursor !== '') url.searchParams.set('cursor', cursor);
      const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
      const body = (await response.json()) as BybitRestReply<unknown>;
      const list = body.result?.list;
      if (body.retCode !== 0 || !Array.isArray(list)) {
        throw new Error(
          `instruments ${currency}: retCode ${String(body.retCode)} ${String(body.retMsg ?? '')}`,
        );
      }
      rows.push(...list);
      const next = body.result?.nextPageCursor;
      if (typeof next !== 'string' || next === '' || next === cursor) return rows;
      cursor = next;
    }
    throw new Error(`instruments ${currency}: more than ${MAX_PAGES} pages`);
  }

  /**
   * Applies rows of one currency. With `complete` (a full REST list), followed instruments of that
   * currency missing from it are removed.
   */
  apply(currency: string, rows: readonly unknown[], complete: boolean): void {
    const receiveNs = this.deps.clock();
    const now = this.deps.now();
    const seen = new Set<string>();
    for (const row of rows) {
      const bad = validateBybitInstrument(row);
      if (bad !== undefined) {
        this.hooks.reject(bad, 'instruments-info');
        continue;
      }
      const r = row as BybitInstrument;
      const info = bybitInstrumentInfo(r);
      if (info.currency !== currency) continue;
      if (!FOLLOWED.has(r.status) || info.expiryMs <= now) {
        const known = this.hooks.registry.remove(info.name);
        if (known !== undefined) this.hooks.removed(known);
        continue;
      }
      seen.add(info.name);
      if (this.hooks.registry.add(info)) this.hooks.added(info, r, receiveNs);
    }
    if (!complete) return;
    for (const info of [...this.hooks.registry.all()]) {
      if (info.currency === currency && !seen.has(info.name)) {
        this.hooks.registry.remove(info.name);
        this.hooks.removed(info);
      }
    }
  }
}

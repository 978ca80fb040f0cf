// Bybit option listings: REST `GET /v5/market/instruments-info?category=option&baseCoin=BTC`,
// cursor-paged (`limit`, `cursor` = the previous page's `nextPageCursor`, empty on the last page).
// Docs: https://bybit-exchange.github.io/docs/v5/market/instrument
// Bybit has NO listing channel for options, so new listings and delistings are found by
// re-polling the list (every `refreshMs`, 60 s by default); expiries are swept by the clock
// (08:00 UTC) whether or not a poll has noticed them yet. A row is only followed once it validates.
import type { Logger } from '@volstream/logging';
import { ListingPoller } from '../../listing-poller.ts';
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
  readonly #poller: ListingPoller;

  constructor(
    private readonly options: { restUrl: string; currencies: readonly string[]; refreshMs: number },
    private readonly hooks: InstrumentSyncHooks,
    private readonly deps: { logger: Logger; clock: () => bigint; now: () => number },
  ) {
    this.#poller = new ListingPoller(
      { refreshMs: options.refreshMs, failureMessage: 'Bybit instrument list failed; retrying' },
      {
        fetchAndApply: async () => {
          for (const currency of this.options.currencies) {
            this.apply(currency, await this.#fetchAll(currency), true);
          }
        },
        sweepExpired: () => this.sweepExpired(),
      },
      deps.logger,
    );
  }

  /** True once the REST list was fetched once. */
  get loaded(): boolean {
    return this.#poller.loaded;
  }

  /** Complete fetches of the list so far. */
  get polls(): number {
    return this.#poller.polls;
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

  /** Fetches every currency's full list; retries in 1 s on failure until it succeeds once. */
  load(): Promise<void> {
    return this.#poller.load();
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

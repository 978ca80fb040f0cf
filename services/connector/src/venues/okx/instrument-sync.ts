// OKX option listings: REST `GET /api/v5/public/instruments?instType=OPTION&uly={family}` at
// start and periodically, plus the `instruments` channel (instType OPTION) pushed when listings
// change. Docs: https://www.okx.com/docs-v5/en/#public-data-rest-api-get-instruments ,
// https://www.okx.com/docs-v5/en/#public-data-websocket-instruments-channel
// A row is only followed once it validates; expired/delisted rows are forgotten.
import type { Logger } from '@volstream/logging';
import { ListingPoller } from '../../listing-poller.ts';
import type { Rejection } from '../../values.ts';
import { type OkxInstrumentInfo, type OkxInstrumentRegistry, okxInstrumentInfo } from './instruments.ts';
import type { OkxInstrument, OkxRestReply } from './messages.ts';
import { validateOkxInstrument } from './parse-instrument.ts';

export interface InstrumentSyncHooks {
  registry: OkxInstrumentRegistry;
  /** A new instrument to follow (row validated). */
  added(info: OkxInstrumentInfo, row: OkxInstrument, receiveNs: bigint): void;
  /** An instrument that left the listing (expired, delisted). */
  removed(info: OkxInstrumentInfo): void;
  reject(rejection: Rejection, where: string): void;
  /** Every family's REST list was applied (the feed subscribes the chain-wide channels after the first). */
  listed(): void;
}

export class OkxInstrumentSync {
  readonly #poller: ListingPoller;

  constructor(
    private readonly options: { restUrl: string; currencies: readonly string[]; refreshMs: number },
    private readonly hooks: InstrumentSyncHooks,
    private readonly deps: { logger: Logger; clock: () => bigint; now: () => number },
  ) {
    this.#poller = new ListingPoller(
      { refreshMs: options.refreshMs, failureMessage: 'OKX instrument list failed; retrying' },
      { fetchAndApply: () => this.#fetchAll(), sweepExpired: () => this.sweepExpired() },
      deps.logger,
    );
  }

  /** True once the REST list was fetched once. */
  get loaded(): boolean {
    return this.#poller.loaded;
  }

  families(): string[] {
    return this.options.currencies.map((c) => `${c.toUpperCase()}-USD`);
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

  /** Fetches every family's list; retries in 1 s on failure until it succeeds once. */
  load(): Promise<void> {
    return this.#poller.load();
  }

  async #fetchAll(): Promise<void> {
    for (const family of this.families()) {
      const url = `${this.options.restUrl}/api/v5/public/instruments?instType=OPTION&uly=${family}`;
      const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
      const body = (await response.json()) as OkxRestReply<unknown>;
      if (body.code !== '0' || !Array.isArray(body.data)) {
        throw new Error(`instruments ${family}: code ${String(body.code)} ${String(body.msg ?? '')}`);
      }
      this.apply(family, body.data, true);
    }
    this.hooks.listed();
  }

  /**
   * Applies rows of one family. With `complete` (a full REST list), followed instruments of that
   * family missing from it are removed; channel pushes only add or update.
   */
  apply(family: string, rows: readonly unknown[], complete: boolean): void {
    const receiveNs = this.deps.clock();
    const now = this.deps.now();
    const seen = new Set<string>();
    for (const row of rows) {
      const bad = validateOkxInstrument(row);
      if (bad !== undefined) {
        this.hooks.reject(bad, 'instruments');
        continue;
      }
      const r = row as OkxInstrument;
      const info = okxInstrumentInfo(r);
      if (info.family !== family && complete) continue;
      if (!this.options.currencies.includes(info.currency)) continue;
      const gone = r.state === 'expired' || info.expiryMs <= now;
      if (gone) {
        const known = this.hooks.registry.remove(info.name);
        if (known !== undefined) this.hooks.removed(known);
        continue;
      }
      seen.add(info.name);
      if (this.hooks.registry.add(info)) this.hooks.added(info, r, receiveNs);
    }
    if (!complete) return;
    for (const info of [...this.hooks.registry.all()]) {
      if (info.family === family && !seen.has(info.name)) {
        this.hooks.registry.remove(info.name);
        this.hooks.removed(info);
      }
    }
  }
}

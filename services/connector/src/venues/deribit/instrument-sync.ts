// Keeps the connector's instrument set equal to what Deribit lists: `public/get_instruments` at
// start and periodically (rate-limited: 1 request per 10 s, burst 5, docs/EXCHANGES.md §1),
// listings announced on `instrument.state.*` (refresh soon, so every field comes from the venue
// rather than being guessed from a name), expiries and delistings (unsubscribe, forget the book).
// Docs: https://docs.deribit.com/#public-get_instruments , https://docs.deribit.com/#instrument-state-kind-currency
import type { MarketDataEvent } from '@volstream/contracts';
import type { Logger } from '@volstream/logging';
import type { ReceiveClock } from '../../clock.ts';
import { shardOf } from '../../sharding.ts';
import { TokenBucket } from '../../token-bucket.ts';
import type { Rejection } from '../../values.ts';
import { type InstrumentRegistry, isFollowedKind } from './instruments.ts';
import type { DeribitInstrument } from './messages.ts';
import {
  instrumentInfo,
  type ParseContext,
  parseInstrument,
  validateInstrument,
} from './parse-instrument.ts';
import type { DeribitShard } from './shard.ts';
import { currencyChannels, type DeribitInterval, instrumentChannels } from './subscriptions.ts';

const REMOVED_STATES = new Set(['settled', 'closed', 'terminated', 'deactivated', 'inactive']);
const LISTED_STATES = new Set(['created', 'started', 'open']);

export interface InstrumentSyncOptions {
  currencies: readonly string[];
  includeFutures: boolean;
  interval: DeribitInterval;
  requestTimeoutMs: number;
  /** Periodic refresh; 0 disables it. */
  instrumentRefreshMs: number;
  expirySweepMs: number;
}

/** What the sync needs from the feed that owns it. */
export interface InstrumentSyncHost {
  readonly registry: InstrumentRegistry;
  readonly shards: readonly DeribitShard[];
  publish(event: MarketDataEvent, name: string): void;
  reject(rejection: Rejection, where: string): void;
  /** Forget everything kept about an instrument that is gone (book sequence, resync state). */
  forget(name: string): void;
}

export interface InstrumentSyncDeps {
  logger: Logger;
  clock: ReceiveClock;
  now: () => number;
  ctx: ParseContext;
}

export class DeribitInstrumentSync {
  readonly #bucket = new TokenBucket({ ratePerSec: 0.1, burst: 5 });
  #loaded = false;
  #loading: Promise<void> | undefined;
  #refreshTimer: NodeJS.Timeout | undefined;
  #sweepTimer: NodeJS.Timeout | undefined;
  #listingTimer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(
    private readonly options: InstrumentSyncOptions,
    private readonly host: InstrumentSyncHost,
    private readonly deps: InstrumentSyncDeps,
  ) {}

  /** True once every (currency, kind) list was fetched at least once. */
  get loaded(): boolean {
    return this.#loaded;
  }

  start(): void {
    this.#stopped = false;
    this.#sweepTimer = setInterval(() => this.#sweepExpired(), this.options.expirySweepMs);
    this.#sweepTimer.unref();
    if (this.options.instrumentRefreshMs > 0) {
      this.#refreshTimer = setInterval(() => void this.load(), this.options.instrumentRefreshMs);
      this.#refreshTimer.unref();
    }
  }

  stop(): void {
    this.#stopped = true;
    clearInterval(this.#sweepTimer);
    clearInterval(this.#refreshTimer);
    clearTimeout(this.#listingTimer);
    this.#bucket.close();
  }

  /** Fetches the lists unless a fetch is already running (then joins it). */
  load(): Promise<void> {
    if (this.#loading !== undefined) return this.#loading;
    this.#loading = this.#fetch().finally(() => {
      this.#loading = undefined;
    });
    return this.#loading;
  }

  /** Reacts to `instrument.state.*`: expiries and delistings drop, unknown listings refresh. */
  onState(name: string, state: string): void {
    if (REMOVED_STATES.has(state)) this.remove(name);
    else if (LISTED_STATES.has(state) && !this.host.registry.has(name)) this.#scheduleRefresh();
  }

  /**
   * Fetches every (currency, kind) list first and applies them together, so all shards start
   * subscribing at once instead of one currency after the other.
   */
  async #fetch(): Promise<void> {
    const kinds = this.options.includeFutures ? ['option', 'future'] : ['option'];
    const lists: [string, string, unknown[]][] = [];
    let complete = true;
    for (const currency of this.options.currencies) {
      for (const kind of kinds) {
        const shard = this.host.shards.find((s) => s.connection.isOpen);
        if (shard === undefined || this.#stopped) return;
        try {
          await this.#bucket.take();
          const rows = await shard.rpc.request<unknown>(
            'public/get_instruments',
            { currency, kind, expired: false },
            this.options.requestTimeoutMs,
          );
          if (!Array.isArray(rows)) throw new Error(`Expected an array of instruments, was ${typeof rows}`);
          lists.push([currency, kind, rows]);
        } catch (error) {
          complete = false;
          this.deps.logger.warn({ currency, kind, err: (error as Error).message }, 'get_instruments failed');
        }
      }
    }
    for (const [currency, kind, rows] of lists) this.apply(currency, kind, rows);
    if (complete && !this.#loaded) {
      this.#loaded = true;
      // Index and listing channels ride on the first shard, after the first instruments, so a
      // session's first subscribe already carries books (replays start their clock there).
      for (const currency of this.options.currencies) this.host.shards[0]!.add(currencyChannels(currency));
    } else if (!complete && !this.#stopped) {
      this.#scheduleRefresh(2000);
    }
  }

  /**
   * Applies one `get_instruments` reply (currency, kind): new instruments are published and
   * subscribed, vanished ones dropped.
   */
  apply(currency: string, kind: string, rows: unknown[]): void {
    const { registry, shards } = this.host;
    const receiveNs = this.deps.clock();
    const now = this.deps.now();
    const seen = new Set<string>();
    const perShard = new Map<number, string[]>();
    for (const row of rows) {
      const invalid = validateInstrument(row);
      if (invalid !== undefined) {
        this.host.reject(invalid, 'get_instruments');
        continue;
      }
      const r = row as DeribitInstrument;
      if (!isFollowedKind(r.kind) || r.expiration_timestamp <= now) continue;
      seen.add(r.instrument_name);
      if (registry.has(r.instrument_name)) continue;
      const info = instrumentInfo(r, shardOf(r.instrument_name, shards.length));
      registry.add(info);
      this.host.publish(parseInstrument(r, receiveNs, this.deps.ctx), r.instrument_name);
      const list = perShard.get(info.shard) ?? [];
      list.push(...instrumentChannels(info.name, info.kind, this.options.interval));
      perShard.set(info.shard, list);
    }
    for (const [index, channels] of perShard) shards[index]!.add(channels);
    // Instruments of this currency and kind that the venue no longer lists are gone.
    for (const info of [...registry.all()]) {
      if (info.currency === currency.toUpperCase() && info.kind === kind && !seen.has(info.name)) {
        this.remove(info.name);
      }
    }
  }

  remove(name: string): void {
    const info = this.host.registry.remove(name);
    if (info === undefined) return;
    this.host.forget(name);
    this.host.shards[info.shard]!.remove(instrumentChannels(name, info.kind, this.options.interval));
  }

  /** Debounced refresh (a listing was announced, or a fetch failed); the bucket enforces the limit. */
  #scheduleRefresh(delayMs = 500): void {
    if (this.#listingTimer !== undefined || this.#stopped) return;
    this.#listingTimer = setTimeout(() => {
      this.#listingTimer = undefined;
      void this.load();
    }, delayMs);
  }

  /** Expired instruments go even if their state message was lost. */
  #sweepExpired(): void {
    for (const info of this.host.registry.expired(this.deps.now())) this.remove(info.name);
  }
}

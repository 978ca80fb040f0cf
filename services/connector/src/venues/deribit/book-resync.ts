// What happens to a Deribit book that is not good any more (a gap, a crossing, a dropped socket,
// a lost publish): downstream is told at once (an unsynced marker, see parse.ts), and the book
// channel is resubscribed for a fresh snapshot (docs/EXCHANGES.md §1 "Resync": unsubscribe, then
// subscribe). A book that keeps coming back bad is retried with a growing delay, so one broken book
// cannot eat the process-wide subscribe budget every other book needs.
import type { MarketDataEvent } from '@volstream/contracts';
import type { ConnectorMetrics } from '../../metrics.ts';
import type { DeribitBookSequencer } from './book-sequencer.ts';
import type { InstrumentRegistry } from './instruments.ts';
import { bookUnsyncedMarker, type ParseContext } from './parse.ts';
import type { DeribitShard } from './shard.ts';
import { bookChannel, type DeribitInterval } from './subscriptions.ts';

export interface BookResyncDeps {
  registry: InstrumentRegistry;
  sequencer: DeribitBookSequencer;
  shards: readonly DeribitShard[];
  metrics: ConnectorMetrics;
  ctx: ParseContext;
  interval: DeribitInterval;
  backoffBaseMs: number;
  backoffCapMs: number;
  /** Publishes past the buffer limit: markers are rare (one per broken book) and must get through. */
  publishUrgent(event: MarketDataEvent): void;
  stopped(): boolean;
}

export class BookResync {
  readonly #pending = new Set<string>();
  /** Consecutive resyncs of a book without a good snapshot in between. */
  readonly #attempts = new Map<string, number>();

  constructor(private readonly deps: BookResyncDeps) {}

  /** The book lost a message or its sequence: mark it, tell downstream, resubscribe. */
  broken(name: string, exchangeTimeMs: number, receiveNs: bigint): void {
    if (this.deps.sequencer.markUnsynced(name)) this.publishUnsynced(name, exchangeTimeMs, receiveNs);
    this.request(name);
  }

  /** The sequencer already marked it unsynced (gap, crossing): tell downstream, resubscribe. */
  unsynced(name: string, exchangeTimeMs: number, receiveNs: bigint, snapshotWasBad: boolean): void {
    this.publishUnsynced(name, exchangeTimeMs, receiveNs);
    // A bad snapshot answers the pending resync: ask again (with the growing delay).
    if (snapshotWasBad) this.#pending.delete(name);
    this.request(name);
  }

  /** A good snapshot arrived. */
  synced(name: string): void {
    if (this.#pending.delete(name)) this.deps.metrics.resyncsCompleted += 1;
    this.#attempts.delete(name);
  }

  /**
   * A socket closed: its books are unsynced now and get their snapshot when the shard reconnects
   * and resubscribes everything (no separate resubscribe request).
   */
  shardClosed(shard: number, exchangeTimeMs: number, receiveNs: bigint): void {
    for (const info of this.deps.registry.all()) {
      if (info.shard !== shard || info.kind !== 'option') continue;
      if (!this.deps.sequencer.markUnsynced(info.name)) continue;
      this.publishUnsynced(info.name, exchangeTimeMs, receiveNs);
      if (!this.#pending.has(info.name)) {
        this.#pending.add(info.name);
        this.deps.metrics.resyncsRequested += 1;
      }
    }
  }

  forget(name: string): void {
    this.#pending.delete(name);
    this.#attempts.delete(name);
  }

  publishUnsynced(name: string, exchangeTimeMs: number, receiveNs: bigint): void {
    const last = this.deps.sequencer.lastChangeId(name);
    this.deps.publishUrgent(bookUnsyncedMarker(name, last, exchangeTimeMs, receiveNs, this.deps.ctx));
  }

  request(name: string): void {
    const info = this.deps.registry.get(name);
    if (info === undefined || this.#pending.has(name)) return;
    this.#pending.add(name);
    this.deps.metrics.resyncsRequested += 1;
    const attempts = this.#attempts.get(name) ?? 0;
    this.#attempts.set(name, attempts + 1);
    const channel = bookChannel(name, this.deps.interval);
    const shard = this.deps.shards[info.shard]!;
    if (attempts === 0) {
      shard.resync(channel);
      return;
    }
    const delay = Math.min(this.deps.backoffCapMs, this.deps.backoffBaseMs * 2 ** Math.min(attempts, 16));
    setTimeout(() => {
      if (!this.deps.stopped() && this.#pending.has(name)) shard.resync(channel);
    }, delay).unref();
  }
}

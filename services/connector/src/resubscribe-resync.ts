import type { MarketDataEvent } from '@volstream/contracts';
import type { Logger } from '@volstream/logging';
import type { InstrumentRegistry, RegisteredInstrument } from './instrument-registry.ts';
import type { ConnectorMetrics } from './metrics.ts';
import type { MicroBatchPublisher } from './publisher.ts';
import { shardOf } from './sharding.ts';
import { seqBookUnsyncedMarker } from './unsynced-marker.ts';

/**
 * Book resync of the venues whose fresh snapshot comes from resubscribing the book channel (OKX,
 * Bybit; rules 7 and 10 of docs/ADDING_A_VENUE.md): on a gap, a refused or failed publish, the
 * unsynced marker now and a resubscribe; on a closed socket, every synced book of that shard gets
 * its marker and waits for the snapshot the reconnect's resubscribe brings. The two feeds had the
 * same code. Deribit (book-resync.ts: growing delay) and Binance (book-sync.ts: REST snapshots
 * while the stream stays subscribed) resync differently on purpose and keep their own.
 */
export interface ResubscribeResyncDeps<I extends RegisteredInstrument> {
  /** Venue id of the markers (`okx`). */
  readonly venue: string;
  /** Venue name in log lines (`OKX`). */
  readonly label: string;
  readonly producerId: string;
  readonly registry: InstrumentRegistry<I>;
  readonly sequencer: { synced(name: string): boolean; invalidate(name: string): void };
  readonly publisher: MicroBatchPublisher<MarketDataEvent>;
  readonly metrics: ConnectorMetrics;
  readonly logger: Logger;
  readonly clock: () => bigint;
  readonly now: () => number;
  /** Sockets the books are sharded over (`shardOf(name, shardCount())`). */
  shardCount(): number;
  /** Unsubscribes and subscribes the book channel of `name` on its shard. */
  resubscribe(name: string): void;
}

export class ResubscribeResync<I extends RegisteredInstrument> {
  /** Books waiting for the snapshot of a resync (counted as completed when it arrives). */
  readonly #pending = new Set<string>();

  constructor(private readonly deps: ResubscribeResyncDeps<I>) {}

  /** Marker now, fresh snapshot by resubscribing the book. */
  request(name: string, exchangeTimeMs: number, receiveNs: bigint): void {
    const d = this.deps;
    d.publisher.pushUrgent(
      seqBookUnsyncedMarker(d.venue, d.producerId, name, undefined, exchangeTimeMs, receiveNs),
    );
    d.sequencer.invalidate(name);
    d.metrics.resyncsRequested += 1;
    this.#pending.add(name);
    d.resubscribe(name);
  }

  /** A snapshot of `name` arrived: a pending resync is completed. */
  snapshotArrived(name: string): void {
    if (this.#pending.delete(name)) this.deps.metrics.resyncsCompleted += 1;
  }

  /** The instrument is no longer followed. */
  forget(name: string): void {
    this.#pending.delete(name);
  }

  /** Every book of the closed shard is unsynced until its new snapshot (sent after resubscribing). */
  onClose(shardIndex: number, reason: string): void {
    const d = this.deps;
    d.logger.warn(
      { shard: shardIndex, reason },
      `${d.label} connection closed; its books resync on reconnect`,
    );
    const receiveNs = d.clock();
    const now = d.now();
    const shards = d.shardCount();
    for (const info of d.registry.all()) {
      if (shardOf(info.name, shards) !== shardIndex) continue;
      if (d.sequencer.synced(info.name)) {
        d.publisher.pushUrgent(
          seqBookUnsyncedMarker(d.venue, d.producerId, info.name, undefined, now, receiveNs),
        );
        d.metrics.resyncsRequested += 1;
        this.#pending.add(info.name);
      }
      d.sequencer.invalidate(info.name);
    }
  }

  /** A book event the publisher refused (backpressure): its book, if synced, resyncs. */
  refused(event: MarketDataEvent): void {
    const payload = event.payload;
    if (payload.case !== 'bookSnapshot' && payload.case !== 'bookDelta') return;
    const info = this.deps.registry.get(payload.value.instrumentName);
    if (info !== undefined && this.deps.sequencer.synced(info.name)) {
      this.request(info.name, Number(event.header?.exchangeTimeMs ?? 0), event.header!.receiveTimeNs);
    }
  }

  /** A batch the sink failed to take: counted, logged, and the synced books in it resync. */
  publishFailed(error: unknown, lost: MarketDataEvent[]): void {
    const d = this.deps;
    d.metrics.drop('publish_failed', lost.length);
    d.logger.error({ err: (error as Error).message, lost: lost.length }, 'Publishing failed; books resync');
    const receiveNs = d.clock();
    for (const event of lost) {
      const payload = event.payload;
      if (payload.case !== 'bookSnapshot' && payload.case !== 'bookDelta') continue;
      const info = d.registry.get(payload.value.instrumentName);
      if (info !== undefined && d.sequencer.synced(info.name)) this.request(info.name, d.now(), receiveNs);
    }
  }
}

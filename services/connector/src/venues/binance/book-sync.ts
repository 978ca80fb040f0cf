// Keeping Binance diff books in sequence (book-sequencer.ts) over the feed's depth sockets: which
// socket carries which book, REST snapshots when a stream goes live, after a gap and after a
// reconnect, the unsynced marker whenever a published book stops being good. Docs:
// https://developers.binance.com/docs/derivatives/option/websocket-market-streams/Diff-Book-Depth-Streams ,
// https://developers.binance.com/docs/derivatives/option/market-data/Order-Book ; EXCHANGES.md §4.
import type { MarketDataEvent } from '@volstream/contracts';
import type { Logger } from '@volstream/logging';
import type { ConnectorMetrics, DropReason } from '../../metrics.ts';
import { shardOf } from '../../sharding.ts';
import { BinanceBookSequencer } from './book-sequencer.ts';
import { type DepthSnapshotOptions, DepthSnapshots } from './depth-snapshots.ts';
import type { BinanceInstrumentInfo, BinanceInstrumentRegistry } from './instruments.ts';
import {
  type BinanceDepth,
  binanceBookUnsyncedMarker,
  isRejection,
  type ParseContext,
  parseBinanceBookDelta,
  parseBinanceBookSnapshot,
  validateBinanceDepth,
  validateBinanceDepthSnapshot,
} from './parse.ts';
import type { BinanceShard } from './shard.ts';
import { type BinanceDepthSpeed, depthStream } from './subscriptions.ts';

export interface BookSyncHooks {
  /** Publish (the feed handles backpressure). */
  push(event: MarketDataEvent, name: string): void;
  /** Publish ahead of anything buffered (markers). */
  pushUrgent(event: MarketDataEvent): void;
  drop(reason: DropReason, context: Record<string, unknown>): void;
  /** Every socket is full: open another one (undefined past the feed's socket limit). */
  extraShard(instrument: string): BinanceShard | undefined;
}

export class BinanceBookSync {
  readonly sequencer = new BinanceBookSequencer();
  readonly snapshots: DepthSnapshots;
  /** Depth stream → symbol, and the socket each symbol's stream is on. */
  readonly #streamSymbol = new Map<string, string>();
  readonly #shardOfSymbol = new Map<string, BinanceShard>();
  /** Books waiting for the snapshot of a resync (counted as completed when it arrives). */
  readonly #resyncing = new Set<string>();

  constructor(
    private readonly options: { depthSpeed: BinanceDepthSpeed; snapshots: DepthSnapshotOptions },
    private readonly shards: readonly BinanceShard[],
    private readonly registry: BinanceInstrumentRegistry,
    private readonly metrics: ConnectorMetrics,
    private readonly ctx: ParseContext,
    private readonly hooks: BookSyncHooks,
    private readonly deps: { logger: Logger; clock: () => bigint; now: () => number },
  ) {
    this.snapshots = new DepthSnapshots(
      options.snapshots,
      {
        wanted: (symbol) => registry.get(symbol) !== undefined && this.sequencer.waitingForSnapshot(symbol),
        received: (symbol, body, receiveNs) => this.#onSnapshot(symbol, body, receiveNs),
      },
      { logger: deps.logger, clock: deps.clock },
    );
  }

  stop(): void {
    this.snapshots.stop();
  }

  /** Starts following a book: its stream on a socket with room, events buffered until a snapshot. */
  follow(info: BinanceInstrumentInfo): void {
    const stream = depthStream(info.name, this.options.depthSpeed);
    const preferred = this.shards[shardOf(info.name, this.shards.length)]!;
    const shard =
      (preferred.hasRoom() ? preferred : this.shards.find((s) => s.hasRoom())) ??
      this.hooks.extraShard(info.name);
    if (shard === undefined) return;
    this.#streamSymbol.set(stream, info.name);
    this.#shardOfSymbol.set(info.name, shard);
    this.sequencer.invalidate(info.name);
    shard.add([stream]);
  }

  unfollow(info: BinanceInstrumentInfo): void {
    const stream = depthStream(info.name, this.options.depthSpeed);
    this.#shardOfSymbol.get(info.name)?.remove([stream]);
    this.#shardOfSymbol.delete(info.name);
    this.#streamSymbol.delete(stream);
    this.sequencer.forget(info.name);
    this.#resyncing.delete(info.name);
  }

  /** The venue confirmed streams: they are live, so their books' snapshots can be taken. */
  subscribed(streams: readonly string[]): void {
    for (const stream of streams) {
      const symbol = this.#streamSymbol.get(stream);
      if (symbol !== undefined && this.sequencer.waitingForSnapshot(symbol)) this.snapshots.request(symbol);
    }
  }

  /** One depth event (`data` of a depth stream frame). */
  depth(data: unknown, receiveNs: bigint): void {
    const depth = validateBinanceDepth(data);
    if (isRejection(depth)) {
      // If the bad event advanced the book, the next event's `pu` shows the gap.
      this.hooks.drop(depth.rejected, { channel: 'depth', detail: depth.detail });
      return;
    }
    const info = this.registry.get(depth.instrument);
    if (info === undefined) {
      this.hooks.drop('unknown_instrument', { stream: 'depth', instrument: depth.instrument });
      return;
    }
    const verdict = this.sequencer.accept(depth);
    switch (verdict.kind) {
      case 'delta':
        this.hooks.push(parseBinanceBookDelta(depth, info, verdict.prev, receiveNs, this.ctx), info.name);
        return;
      case 'buffered':
      case 'stale':
        // Kept for (or already inside) the snapshot: accounted for as sequencing control.
        this.metrics.controlFrames += 1;
        return;
      case 'unsynced':
        this.metrics.drop('unsynced_book');
        return;
      case 'gap':
        this.hooks.drop('book_gap', {
          instrument: info.name,
          U: depth.first,
          u: depth.last,
          pu: depth.prevLast,
          last: verdict.last,
        });
        this.#resync(info.name, verdict.last, depth.eventTimeMs, receiveNs, depth);
    }
  }

  /** A published book event was lost (backpressure, failed publish): resync that book if it was good. */
  lost(name: string, exchangeTimeMs: number, receiveNs: bigint): void {
    if (this.registry.get(name) === undefined || !this.sequencer.synced(name)) return;
    const last = this.sequencer.lastSeq(name);
    this.sequencer.invalidate(name);
    this.#resync(name, last, exchangeTimeMs, receiveNs);
  }

  /** A depth socket closed: each of its books is unsynced until its snapshot after resubscribing. */
  closed(shard: BinanceShard): void {
    const receiveNs = this.deps.clock();
    const now = this.deps.now();
    for (const [symbol, on] of this.#shardOfSymbol) {
      if (on !== shard) continue;
      if (this.sequencer.synced(symbol)) {
        const last = this.sequencer.lastSeq(symbol);
        this.hooks.pushUrgent(binanceBookUnsyncedMarker(symbol, last, now, receiveNs, this.ctx));
        this.metrics.resyncsRequested += 1;
        this.#resyncing.add(symbol);
      }
      this.sequencer.invalidate(symbol);
    }
  }

  /** Marker now, then a REST snapshot; the stream stays subscribed and its events are buffered. */
  #resync(
    name: string,
    last: number | undefined,
    exchangeTimeMs: number,
    receiveNs: bigint,
    keep?: BinanceDepth,
  ): void {
    this.hooks.pushUrgent(binanceBookUnsyncedMarker(name, last, exchangeTimeMs, receiveNs, this.ctx));
    if (!this.sequencer.waitingForSnapshot(name)) this.sequencer.invalidate(name);
    // The event that showed the gap is the first one after it: buffered for the new snapshot.
    if (keep !== undefined) this.sequencer.accept(keep);
    this.metrics.resyncsRequested += 1;
    this.#resyncing.add(name);
    this.snapshots.request(name);
  }

  #onSnapshot(symbol: string, body: unknown, receiveNs: bigint): void {
    const info = this.registry.get(symbol);
    if (info === undefined || !this.sequencer.waitingForSnapshot(symbol)) return;
    const snap = validateBinanceDepthSnapshot(symbol, body);
    if (isRejection(snap)) {
      this.hooks.drop(snap.rejected, { channel: 'depth snapshot', detail: snap.detail });
      setTimeout(() => this.snapshots.request(symbol), this.options.snapshots.retryMs).unref();
      return;
    }
    const result = this.sequencer.snapshot(snap);
    if (result.usable) {
      if (this.#resyncing.delete(symbol)) this.metrics.resyncsCompleted += 1;
      this.hooks.push(parseBinanceBookSnapshot(snap, info, this.deps.now(), receiveNs, this.ctx), symbol);
      for (const { depth, prev } of result.deltas) {
        this.hooks.push(parseBinanceBookDelta(depth, info, prev, receiveNs, this.ctx), symbol);
      }
      if (result.again) {
        // A gap inside the buffer: what chained is published, the book is unsynced again.
        const last = result.deltas.at(-1)?.depth.last ?? snap.lastUpdateId;
        this.metrics.drop('book_gap');
        this.hooks.pushUrgent(binanceBookUnsyncedMarker(symbol, last, this.deps.now(), receiveNs, this.ctx));
        this.metrics.resyncsRequested += 1;
        this.#resyncing.add(symbol);
      }
    }
    if (result.again) this.snapshots.request(symbol);
  }
}

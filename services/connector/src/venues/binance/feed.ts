// Binance European Options market-data feed: the I/O side of the connector for the fstream layout
// (sockets on `/public/` for diff books and `/market/` for mark prices and the index, live
// SUBSCRIBE, REST exchangeInfo listings, REST depth snapshots for the U/u/pu resync). It routes
// raw frames to the pure functions of parse.ts and never builds a contract message itself.
// Docs: https://developers.binance.com/docs/derivatives/option/websocket-market-streams ; protocol
// facts in EXCHANGES.md §0.3, §4.
import type { MarketDataEvent } from '@volstream/contracts';
import { type Logger, LogOnce } from '@volstream/logging';
import type { ReceiveClock } from '../../clock.ts';
import { createFeedPublisher } from '../../feed-publisher.ts';
import { pollUntil, shardCounts } from '../../feed-status.ts';
import { ConnectorMetrics, type ConnectorStats, type DropReason, snapshotStats } from '../../metrics.ts';
import type { MicroBatchPublisher } from '../../publisher.ts';
import type { EventSink } from '../../sink.ts';
import { BinanceBookSync } from './book-sync.ts';
import { BinanceInstrumentSync } from './instrument-sync.ts';
import { BinanceInstrumentRegistry } from './instruments.ts';
import {
  isRejection,
  markPriceSymbol,
  type ParseContext,
  parseBinanceIndex,
  parseBinanceInstrument,
  parseBinanceMarkPrice,
  type Rejection,
  VENUE,
} from './parse.ts';
import { BinanceShard } from './shard.ts';
import { type BinanceDepthSpeed, INDEX_STREAM, markPriceStream, streamKind } from './subscriptions.ts';

export interface BinanceFeedOptions {
  /** Combined-stream URL of the public host, `wss://fstream.binance.com/public/stream`. */
  url: string;
  /** Combined-stream URL of the market host (mark price, index). */
  marketUrl: string;
  /** REST base for exchangeInfo and depth snapshots, `https://eapi.binance.com`. */
  restUrl: string;
  currencies: readonly string[];
  /** Sockets for the depth streams at start (each holds at most `maxStreamsPerConnection`). */
  connections: number;
  /** More depth sockets open when the books need them, up to this many. */
  maxConnections: number;
  depthSpeed: BinanceDepthSpeed;
  maxStreamsPerConnection: number;
  streamsPerRequest: number;
  messagesPerSec: number;
  keepAliveAfterMs: number;
  /** A socket silent this long (no keep-alive reply either) is dead. */
  silenceMs: number;
  connectTimeoutMs: number;
  backoffBaseMs: number;
  backoffCapMs: number;
  maxBufferedEvents: number;
  instrumentRefreshMs: number;
  depthLimit: number;
  snapshotRatePerSec: number;
  snapshotConcurrency: number;
  snapshotRetryMs: number;
  producerId: string;
}

export interface BinanceFeedDeps {
  sink: EventSink;
  logger: Logger;
  clock: ReceiveClock;
  random?: () => number;
  now?: () => number;
}

export class BinanceFeed {
  readonly metrics = new ConnectorMetrics(VENUE);
  readonly registry = new BinanceInstrumentRegistry();
  /** Depth sockets (`/public/`). */
  readonly shards: BinanceShard[] = [];
  /** Mark price and index socket (`/market/`). */
  readonly marketShard: BinanceShard;
  /** Book sequencing, REST snapshots and resyncs. */
  readonly books: BinanceBookSync;
  readonly #publisher: MicroBatchPublisher<MarketDataEvent>;
  readonly #logOnce: LogOnce;
  readonly #ctx: ParseContext;
  readonly #now: () => number;
  readonly #instruments: BinanceInstrumentSync;
  #lastUnknownReload = 0;
  #marksSubscribed = false;
  #stopped = false;
  #started = false;

  constructor(
    readonly options: BinanceFeedOptions,
    private readonly deps: BinanceFeedDeps,
  ) {
    this.#now = deps.now ?? Date.now;
    this.#ctx = { producerId: options.producerId };
    this.#logOnce = new LogOnce(deps.logger);
    this.#publisher = createFeedPublisher(
      deps.sink,
      this.metrics,
      deps.clock,
      options.maxBufferedEvents,
      (error, lost) => this.#onPublishFailed(error, lost),
    );
    const count = Math.max(1, options.connections);
    for (let index = 0; index < count; index += 1) {
      this.shards.push(this.#shard(`public-${index}`, index, options.url));
    }
    this.marketShard = this.#shard('market', -1, options.marketUrl);
    // The index names an underlying, not an option: it needs no listing. The mark-price streams
    // wait for the first exchangeInfo (#subscribeMarks).
    this.marketShard.add([INDEX_STREAM]);
    this.books = new BinanceBookSync(
      {
        depthSpeed: options.depthSpeed,
        snapshots: {
          restUrl: options.restUrl,
          limit: options.depthLimit,
          ratePerSec: options.snapshotRatePerSec,
          concurrency: options.snapshotConcurrency,
          retryMs: options.snapshotRetryMs,
        },
      },
      this.shards,
      this.registry,
      this.metrics,
      this.#ctx,
      {
        push: (event, name) => this.#push(event, name),
        pushUrgent: (event) => this.#publisher.pushUrgent(event),
        drop: (reason, context) => this.#drop(reason, context),
        extraShard: (instrument) => this.#extraShard(instrument),
      },
      { logger: deps.logger, clock: deps.clock, now: this.#now },
    );
    this.#instruments = new BinanceInstrumentSync(
      { restUrl: options.restUrl, currencies: options.currencies, refreshMs: options.instrumentRefreshMs },
      {
        registry: this.registry,
        added: (info, row, receiveNs, serverTimeMs) => {
          this.#push(parseBinanceInstrument(row, receiveNs, this.#ctx, serverTimeMs), info.name);
          this.books.follow(info);
        },
        removed: (info) => this.books.unfollow(info),
        reject: (rejection, where) => this.#dropRejection(rejection, where),
        listed: () => this.#subscribeMarks(),
      },
      { logger: deps.logger, clock: deps.clock, now: this.#now },
    );
  }

  #shard(label: string, index: number, url: string): BinanceShard {
    const o = this.options;
    return new BinanceShard(
      {
        label,
        index,
        maxStreams: o.maxStreamsPerConnection,
        streamsPerRequest: o.streamsPerRequest,
        messagesPerSec: o.messagesPerSec,
        keepAliveAfterMs: o.keepAliveAfterMs,
      },
      {
        url,
        name: `${VENUE}-${label}`,
        silenceMs: o.silenceMs,
        connectTimeoutMs: o.connectTimeoutMs,
        backoffBaseMs: o.backoffBaseMs,
        backoffCapMs: o.backoffCapMs,
        stableMs: o.silenceMs,
        clock: this.deps.clock,
        logger: this.deps.logger.child({ shard: label }),
        ...(this.deps.random === undefined ? {} : { random: this.deps.random }),
      },
      this.metrics,
      this.deps.logger,
      {
        onOpen: (shard) => {
          if (shard.connection.connects > 1) this.metrics.reconnects += 1;
        },
        onFrame: (shard, text, receiveNs, bytes) => this.onFrame(shard, text, receiveNs, bytes),
        onClose: (shard, reason) => this.#onClose(shard, reason),
        onSubscribed: (_shard, streams) => this.books.subscribed(streams),
      },
    );
  }

  /** The book sequencer (whether each book is in sequence), as the other venues' feeds expose it. */
  get sequencer(): BinanceBookSync['sequencer'] {
    return this.books.sequencer;
  }

  start(): void {
    this.#started = true;
    this.#stopped = false;
    for (const shard of this.#allShards()) shard.connection.start();
    this.#instruments.start();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#instruments.stop();
    this.books.stop();
    for (const shard of this.#allShards()) shard.stopTimers();
    await Promise.all(this.#allShards().map((shard) => shard.connection.stop()));
    await this.#publisher.close();
  }

  get converged(): boolean {
    return this.#instruments.loaded && this.#allShards().every((shard) => shard.converged);
  }

  whenConverged(timeoutMs: number): Promise<void> {
    return pollUntil(() => this.converged, timeoutMs, 'the Binance feed to subscribe');
  }

  flush(): Promise<void> {
    return this.#publisher.flush();
  }

  stats(): ConnectorStats {
    return snapshotStats(this.metrics, {
      ...shardCounts(this.#allShards()),
      instruments: this.registry.size,
      booksSynced: this.books.sequencer.syncedCount,
      bufferedEvents: this.#publisher.buffered,
    });
  }

  /** Forgets expired instruments now (also runs every minute); returns how many. */
  sweepExpired(): number {
    return this.#instruments.sweepExpired();
  }

  /** Applies one exchangeInfo `optionSymbols` list (tests load rows without a socket). */
  applyInstrumentList(rows: unknown[]): void {
    this.#instruments.apply(rows);
  }

  /** Re-reads exchangeInfo now (listings and delistings). */
  refreshInstruments(): Promise<void> {
    return this.#instruments.load();
  }

  /**
   * Every depth socket holds its 200 streams: one more socket (`--connections` is a minimum), up
   * to `maxConnections`; past that the book is not followed and a warning is logged once.
   */
  #extraShard(instrument: string): BinanceShard | undefined {
    if (this.shards.length >= this.options.maxConnections) {
      this.#logOnce.warn(
        'stream_cap',
        { instrument, cap: this.options.maxStreamsPerConnection, connections: this.shards.length },
        'Binance depth streams exceed maxConnections × 200; books past it are not followed',
      );
      return undefined;
    }
    const index = this.shards.length;
    const shard = this.#shard(`public-${index}`, index, this.options.url);
    this.shards.push(shard);
    this.deps.logger.info({ connections: this.shards.length }, 'Binance depth sockets full; opening another');
    if (this.#started && !this.#stopped) shard.connection.start();
    return shard;
  }

  /**
   * Subscribes `<underlying>@optionMarkPrice` once the first exchangeInfo is applied. Each frame
   * names every option of the underlying and a new one follows every second, so nothing is lost
   * by waiting for the listing; subscribed earlier, the first rounds (thousands of good rows)
   * would be dropped as unknown symbols. After this, an unknown symbol on the stream is news (a
   * listing exchangeInfo has not shown yet): counted, dropped and a re-read asked for.
   */
  #subscribeMarks(): void {
    if (this.#marksSubscribed) return;
    this.#marksSubscribed = true;
    this.marketShard.add(this.options.currencies.map(markPriceStream));
  }

  #allShards(): BinanceShard[] {
    return [...this.shards, this.marketShard];
  }

  // ---- frames ----

  /** Handles one text frame. No exception escapes. */
  onFrame(shard: BinanceShard, text: string, receiveNs: bigint, bytes: number): void {
    this.metrics.messagesIn += 1;
    this.metrics.bytesIn += bytes;
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch {
      this.#drop('invalid_json', { shard: shard.options.label, frame: text.slice(0, 200) });
      return;
    }
    if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) {
      this.#drop('unknown_frame', { shard: shard.options.label, frame: text.slice(0, 200) });
      return;
    }
    try {
      const f = frame as { stream?: unknown; data?: unknown; result?: unknown; id?: unknown; code?: unknown };
      if (typeof f.stream === 'string' && 'data' in f) this.#onStream(f.stream, f.data, receiveNs, text);
      else if ('result' in f && typeof f.id === 'number') {
        if (shard.reply(f.id, true)) this.metrics.controlFrames += 1;
        else this.#drop('unexpected_reply', { shard: shard.options.label, id: f.id });
      } else if (f.code !== undefined || 'error' in f) this.#onError(shard, frame as Record<string, unknown>);
      else this.#drop('unknown_frame', { shard: shard.options.label, frame: text.slice(0, 200) });
    } catch (error) {
      // Parse functions are total; this is the last line of defence for a shape nobody foresaw.
      this.#drop('bad_value', {
        shard: shard.options.label,
        err: (error as Error).message,
        frame: text.slice(0, 200),
      });
    }
  }

  #onError(shard: BinanceShard, frame: Record<string, unknown>): void {
    const nested = frame.error as { code?: unknown; msg?: unknown } | undefined;
    const code = frame.code ?? nested?.code;
    const msg = frame.msg ?? nested?.msg;
    if (typeof frame.id === 'number') shard.reply(frame.id, false);
    this.#drop('error_reply', { shard: shard.options.label, code, msg });
  }

  #onStream(stream: string, data: unknown, receiveNs: bigint, text: string): void {
    switch (streamKind(stream)) {
      case 'depth':
        this.books.depth(data, receiveNs);
        return;
      case 'mark':
        if (!Array.isArray(data)) {
          this.#drop('bad_value', { stream, detail: 'optionMarkPrice data is not an array' });
          return;
        }
        if (data.length === 0) this.metrics.controlFrames += 1;
        for (const row of data) this.#onMark(row, receiveNs);
        return;
      case 'index':
        this.#onIndex(stream, data, receiveNs);
        return;
      default:
        this.#drop('unknown_channel', { stream, frame: text.slice(0, 200) });
    }
  }

  #onMark(row: unknown, receiveNs: bigint): void {
    const symbol = markPriceSymbol(row);
    const info = symbol === undefined ? undefined : this.registry.get(symbol);
    if (info === undefined) {
      this.#drop('unknown_instrument', { stream: 'optionMarkPrice', instrument: symbol });
      // A symbol the mark stream knows and we do not is probably a new listing: re-read it soon.
      const now = Date.now();
      if (symbol !== undefined && this.#instruments.loaded && now - this.#lastUnknownReload > 10_000) {
        this.#lastUnknownReload = now;
        void this.#instruments.load();
      }
      return;
    }
    const parsed = parseBinanceMarkPrice(row, info, receiveNs, this.#ctx);
    if (isRejection(parsed)) this.#dropRejection(parsed, 'optionMarkPrice');
    else this.#push(parsed, info.name);
  }

  #onIndex(stream: string, data: unknown, receiveNs: bigint): void {
    const rows = Array.isArray(data) ? data : [data];
    let published = 0;
    for (const row of rows) {
      const parsed = parseBinanceIndex(row, receiveNs, this.#ctx);
      if (isRejection(parsed)) {
        this.#dropRejection(parsed, stream);
        return;
      }
      const v = parsed.payload.value as { indexName: string; currency: string };
      // `!index@arr` carries every underlying; only the followed currencies are published.
      if (!this.options.currencies.includes(v.currency)) continue;
      this.#push(parsed, v.indexName);
      published += 1;
    }
    if (published === 0) this.metrics.controlFrames += 1;
  }

  // ---- connections ----

  /** Every book of a closed depth socket is unsynced until its snapshot after resubscribing. */
  #onClose(shard: BinanceShard, reason: string): void {
    if (this.#stopped) return;
    this.deps.logger.warn(
      { shard: shard.options.label, reason },
      'Binance connection closed; its books resync on reconnect',
    );
    this.books.closed(shard);
  }

  // ---- publishing and drops ----

  #push(event: MarketDataEvent, name: string): void {
    if (this.#publisher.push(event)) return;
    this.#drop('backpressure', { instrument: name, buffered: this.#publisher.buffered });
    const payload = event.payload;
    if (payload.case === 'bookSnapshot' || payload.case === 'bookDelta') {
      this.books.lost(
        payload.value.instrumentName,
        Number(event.header?.exchangeTimeMs ?? 0),
        event.header?.receiveTimeNs ?? this.deps.clock(),
      );
    }
  }

  #onPublishFailed(error: unknown, lost: MarketDataEvent[]): void {
    this.metrics.drop('publish_failed', lost.length);
    this.deps.logger.error(
      { err: (error as Error).message, lost: lost.length },
      'Publishing failed; books resync',
    );
    const receiveNs = this.deps.clock();
    for (const event of lost) {
      const payload = event.payload;
      if (payload.case === 'bookSnapshot' || payload.case === 'bookDelta') {
        this.books.lost(payload.value.instrumentName, this.#now(), receiveNs);
      }
    }
  }

  #dropRejection(rejection: Rejection, channel: string): void {
    this.#drop(rejection.rejected, { channel, detail: rejection.detail });
  }

  #drop(reason: DropReason, context: Record<string, unknown>): void {
    this.metrics.drop(reason);
    this.#logOnce.warn(reason, { reason, ...context }, `Dropped Binance input: ${reason}`);
  }
}

// Deribit market-data feed: the I/O side of the connector (sockets, heartbeats, subscriptions,
// sequencing, listings). It routes raw frames to the pure functions of parse.ts and never builds a
// contract message itself. Docs: https://docs.deribit.com/#subscriptions ,
// https://docs.deribit.com/#public-set_heartbeat ; protocol facts in docs/EXCHANGES.md §1.
// The event loop does only this: JSON.parse, checks, mapping, and a micro-batched publish.
import type { MarketDataEvent } from '@volstream/contracts';
import { type Logger, LogOnce } from '@volstream/logging';
import type { ReceiveClock } from '../../clock.ts';
import { createFeedPublisher } from '../../feed-publisher.ts';
import { pollUntil, shardCounts } from '../../feed-status.ts';
import { ConnectorMetrics, type ConnectorStats, type DropReason, snapshotStats } from '../../metrics.ts';
import type { MicroBatchPublisher } from '../../publisher.ts';
import type { EventSink } from '../../sink.ts';
import { TokenBucket } from '../../token-bucket.ts';
import { BookResync } from './book-resync.ts';
import { DeribitBookSequencer, isSnapshotMessage } from './book-sequencer.ts';
import { DeribitInstrumentSync } from './instrument-sync.ts';
import { InstrumentRegistry } from './instruments.ts';
import type {
  DeribitBookData,
  DeribitIndexData,
  DeribitInstrumentStateData,
  DeribitRpcError,
  DeribitRpcResult,
  DeribitTickerData,
} from './messages.ts';
import {
  isRejection,
  type ParseContext,
  parseBookDelta,
  parseBookSnapshot,
  parseIndex,
  parseInstrumentState,
  parseTicker,
  type Rejection,
  VENUE,
  validateBook,
} from './parse.ts';
import { DeribitShard } from './shard.ts';
import { channelIsFor, channelKind, type DeribitInterval } from './subscriptions.ts';

export interface DeribitFeedOptions {
  url: string;
  currencies: readonly string[];
  /** Websocket connections ("pipes") the channels are sharded over. */
  connections: number;
  interval: DeribitInterval;
  includeFutures: boolean;
  heartbeatIntervalSec: number;
  /** Silence longer than heartbeatInterval · silenceFactor means a dead socket. */
  silenceFactor: number;
  maxChannelsPerRequest: number;
  subscribeRatePerSec: number;
  subscribeBurst: number;
  tooManyRequestsPenaltyMs: number;
  requestTimeoutMs: number;
  connectTimeoutMs: number;
  backoffBaseMs: number;
  backoffCapMs: number;
  maxBufferedEvents: number;
  /** Periodic `get_instruments` refresh (listings, delistings); 0 disables it. */
  instrumentRefreshMs: number;
  /** How often expired instruments are swept out. */
  expirySweepMs: number;
  producerId: string;
}

export interface DeribitFeedDeps {
  sink: EventSink;
  logger: Logger;
  clock: ReceiveClock;
  random?: () => number;
  now?: () => number;
}

export class DeribitFeed {
  readonly metrics = new ConnectorMetrics(VENUE);
  readonly registry = new InstrumentRegistry();
  readonly sequencer = new DeribitBookSequencer();
  readonly shards: DeribitShard[];
  readonly #publisher: MicroBatchPublisher<MarketDataEvent>;
  readonly #subscribeBucket: TokenBucket;
  readonly #logOnce: LogOnce;
  readonly #ctx: ParseContext;
  readonly #resync: BookResync;
  readonly #now: () => number;
  readonly #instruments: DeribitInstrumentSync;
  #stopped = false;

  constructor(
    readonly options: DeribitFeedOptions,
    private readonly deps: DeribitFeedDeps,
  ) {
    this.#now = deps.now ?? Date.now;
    this.#ctx = { producerId: options.producerId };
    this.#logOnce = new LogOnce(deps.logger);
    this.#subscribeBucket = new TokenBucket({
      ratePerSec: options.subscribeRatePerSec,
      burst: options.subscribeBurst,
    });
    this.#publisher = createFeedPublisher(
      deps.sink,
      this.metrics,
      deps.clock,
      options.maxBufferedEvents,
      (error, lost) => this.#onPublishFailed(error, lost),
    );
    const silenceMs = options.heartbeatIntervalSec * 1000 * options.silenceFactor;
    this.shards = [];
    for (let index = 0; index < Math.max(1, options.connections); index += 1) {
      this.shards.push(
        new DeribitShard(
          {
            index,
            maxChannelsPerRequest: options.maxChannelsPerRequest,
            requestTimeoutMs: options.requestTimeoutMs,
            heartbeatIntervalSec: options.heartbeatIntervalSec,
            tooManyRequestsPenaltyMs: options.tooManyRequestsPenaltyMs,
          },
          {
            url: options.url,
            name: `${VENUE}-${index}`,
            silenceMs,
            connectTimeoutMs: options.connectTimeoutMs,
            backoffBaseMs: options.backoffBaseMs,
            backoffCapMs: options.backoffCapMs,
            stableMs: silenceMs,
            clock: deps.clock,
            logger: deps.logger.child({ shard: index }),
            ...(deps.random === undefined ? {} : { random: deps.random }),
          },
          this.#subscribeBucket,
          this.metrics,
          deps.logger,
          {
            onOpen: (shard) => this.#onOpen(shard),
            onFrame: (shard, text, receiveNs, bytes) => this.onFrame(shard, text, receiveNs, bytes),
            onClose: (shard, reason) => this.#onClose(shard, reason),
          },
        ),
      );
    }
    this.#resync = new BookResync({
      registry: this.registry,
      sequencer: this.sequencer,
      shards: this.shards,
      metrics: this.metrics,
      ctx: this.#ctx,
      interval: options.interval,
      backoffBaseMs: options.backoffBaseMs,
      backoffCapMs: options.backoffCapMs,
      publishUrgent: (event) => this.#publisher.pushUrgent(event),
      stopped: () => this.#stopped,
    });
    this.#instruments = new DeribitInstrumentSync(
      options,
      {
        registry: this.registry,
        shards: this.shards,
        publish: (event, name) => this.#push(event, name),
        reject: (rejection, where) => this.#dropRejection(rejection, where),
        forget: (name) => {
          this.sequencer.remove(name);
          this.#resync.forget(name);
        },
      },
      { logger: deps.logger, clock: deps.clock, now: this.#now, ctx: this.#ctx },
    );
  }

  start(): void {
    this.#stopped = false;
    for (const shard of this.shards) shard.connection.start();
    this.#instruments.start();
  }

  /** Closes every socket, then publishes everything already received (nothing is lost). */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#instruments.stop();
    this.#subscribeBucket.close();
    await Promise.all(this.shards.map((shard) => shard.connection.stop()));
    await this.#publisher.close();
  }

  /** True once instruments are loaded and every shard has subscribed everything it should. */
  get converged(): boolean {
    return this.#instruments.loaded && this.shards.every((shard) => shard.converged);
  }

  /** Resolves when `converged` (polling; for start-up logs and tests). */
  whenConverged(timeoutMs: number): Promise<void> {
    return pollUntil(() => this.converged, timeoutMs, 'the feed to subscribe');
  }

  /** Waits until everything received so far is published. */
  flush(): Promise<void> {
    return this.#publisher.flush();
  }

  stats(): ConnectorStats {
    return snapshotStats(this.metrics, {
      ...shardCounts(this.shards),
      instruments: this.registry.size,
      booksSynced: this.sequencer.syncedCount,
      bufferedEvents: this.#publisher.buffered,
    });
  }

  // ---- frames ----

  /** Handles one text frame (public so the benchmark can drive the same path without sockets). */
  onFrame(shard: DeribitShard, text: string, receiveNs: bigint, bytes: number): void {
    this.metrics.messagesIn += 1;
    this.metrics.bytesIn += bytes;
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch {
      this.#drop('invalid_json', { shard: shard.index, frame: text.slice(0, 200) });
      return;
    }
    if (typeof frame !== 'object' || frame === null) {
      this.#drop('unknown_frame', { shard: shard.index, frame: text.slice(0, 200) });
      return;
    }
    const message = frame as { method?: unknown; params?: unknown; id?: unknown; error?: unknown };
    if (message.method === 'subscription') {
      this.#onSubscription(shard, message.params, receiveNs, text);
    } else if (message.method === 'heartbeat') {
      this.#onHeartbeat(shard, message.params, receiveNs, text);
    } else if (message.id !== undefined && message.id !== null) {
      this.#onReply(shard, frame as DeribitRpcResult | DeribitRpcError, text);
    } else if (message.error !== undefined) {
      this.#drop(errorReason(message.error), { shard: shard.index, frame: text.slice(0, 200) });
    } else {
      this.#drop('unknown_frame', { shard: shard.index, frame: text.slice(0, 200) });
    }
  }

  #onHeartbeat(shard: DeribitShard, params: unknown, receiveNs: bigint, text: string): void {
    const type = (params as { type?: unknown } | undefined)?.type;
    if (type === 'test_request' || type === 'heartbeat') this.metrics.controlFrames += 1;
    if (type === 'test_request') {
      // Answer first, before anything else can run: an unanswered test_request closes the session.
      this.metrics.heartbeat.testRequests += 1;
      if (shard.rpc.notify('public/test', (rttMs) => this.metrics.recordHeartbeatRtt(rttMs))) {
        this.metrics.recordHeartbeatAnswer(Number(this.deps.clock() - receiveNs) / 1000);
      }
    } else if (type !== 'heartbeat') {
      this.#drop('unknown_frame', { shard: shard.index, frame: text.slice(0, 200) });
    }
  }

  #onReply(shard: DeribitShard, frame: DeribitRpcResult | DeribitRpcError, text: string): void {
    const routed = shard.rpc.handleReply(frame);
    const error = (frame as DeribitRpcError).error;
    if (routed !== undefined && routed.error === undefined) this.metrics.controlFrames += 1;
    if (routed === undefined) {
      this.#drop(error === undefined ? 'unexpected_reply' : errorReason(error), {
        shard: shard.index,
        frame: text.slice(0, 200),
      });
    } else if (routed.error !== undefined) {
      this.#drop(errorReason(routed.error), {
        shard: shard.index,
        method: routed.method,
        error: routed.error,
      });
    }
  }

  #onSubscription(shard: DeribitShard, params: unknown, receiveNs: bigint, text: string): void {
    const p = params as { channel?: unknown; data?: unknown } | undefined;
    const channel = p?.channel;
    if (typeof channel !== 'string' || typeof p?.data !== 'object' || p.data === null) {
      this.#drop('unknown_frame', { shard: shard.index, frame: text.slice(0, 200) });
      return;
    }
    switch (channelKind(channel)) {
      case 'book':
        this.#onBook(channel, p.data as DeribitBookData, receiveNs);
        return;
      case 'ticker':
        this.#onTicker(channel, p.data as DeribitTickerData, receiveNs);
        return;
      case 'index':
        this.#emit(parseIndex(p.data as DeribitIndexData, receiveNs, this.#ctx), channel);
        return;
      case 'instrument_state':
        this.#onInstrumentState(p.data as DeribitInstrumentStateData, receiveNs, channel);
        return;
      default:
        this.#drop('unknown_channel', { channel });
    }
  }

  #onBook(channel: string, data: DeribitBookData, receiveNs: bigint): void {
    const invalid = validateBook(data);
    if (invalid !== undefined) {
      // Dropping it is enough: if it mattered, the next message's prev_change_id points at it and
      // the sequencer sees a gap; if it did not advance the book, the sequence simply continues.
      this.#dropRejection(invalid, channel);
      return;
    }
    const name = data.instrument_name;
    if (!this.registry.has(name) || !channelIsFor(channel, 5, name)) {
      this.#drop('unknown_instrument', { channel, instrument: name });
      return;
    }
    switch (this.sequencer.accept(data)) {
      case 'snapshot':
        this.#resync.synced(name);
        this.#push(parseBookSnapshot(data, receiveNs, this.#ctx), name);
        return;
      case 'delta':
        this.#push(parseBookDelta(data, receiveNs, this.#ctx), name);
        return;
      case 'unsynced':
        this.metrics.drop('unsynced_book');
        return;
      case 'gap':
        this.#drop('book_gap', { instrument: name, prev: data.prev_change_id, change: data.change_id });
        this.#resync.unsynced(name, data.timestamp, receiveNs, false);
        return;
      case 'crossed':
        this.#drop('crossed_book', { instrument: name, change: data.change_id });
        this.#resync.unsynced(name, data.timestamp, receiveNs, isSnapshotMessage(data));
        return;
    }
  }

  #onTicker(channel: string, data: DeribitTickerData, receiveNs: bigint): void {
    const name = data.instrument_name;
    const info = typeof name === 'string' ? this.registry.get(name) : undefined;
    if (info === undefined || !channelIsFor(channel, 7, name)) {
      this.#drop('unknown_instrument', { channel, instrument: name });
      return;
    }
    this.#emit(parseTicker(data, info, receiveNs, this.#ctx), channel);
  }

  #onInstrumentState(data: DeribitInstrumentStateData, receiveNs: bigint, channel: string): void {
    const parsed = parseInstrumentState(data, receiveNs, this.#ctx);
    this.#emit(parsed, channel);
    if (!isRejection(parsed)) this.#instruments.onState(data.instrument_name, data.state);
  }

  // ---- connections ----

  #onOpen(shard: DeribitShard): void {
    if (shard.connection.connects > 1) this.metrics.reconnects += 1;
    if (!this.#instruments.loaded) void this.#instruments.load();
  }

  /** Every book of the shard is unsynced until its new snapshot arrives after resubscribing. */
  #onClose(shard: DeribitShard, reason: string): void {
    if (this.#stopped) return;
    this.deps.logger.warn({ shard: shard.index, reason }, 'Connection closed; its books resync on reconnect');
    this.#resync.shardClosed(shard.index, this.#now(), this.deps.clock());
  }

  /**
   * Applies one recorded `get_instruments` reply (tests and the benchmark load a list without a
   * socket); see DeribitInstrumentSync.apply.
   */
  applyInstrumentList(currency: string, kind: string, rows: unknown[]): void {
    this.#instruments.apply(currency, kind, rows);
  }

  // ---- publishing and drops ----

  #emit(parsed: MarketDataEvent | Rejection, channel: string): void {
    if (isRejection(parsed)) this.#dropRejection(parsed, channel);
    else this.#push(parsed, channel);
  }

  #push(event: MarketDataEvent, name: string): void {
    if (this.#publisher.push(event)) return;
    this.#drop('backpressure', { instrument: name, buffered: this.#publisher.buffered });
    const payload = event.payload;
    if (payload.case === 'bookSnapshot' || payload.case === 'bookDelta') {
      this.#resync.broken(
        payload.value.instrumentName,
        Number(event.header?.exchangeTimeMs ?? 0),
        event.header!.receiveTimeNs,
      );
    }
  }

  #onPublishFailed(error: unknown, lost: MarketDataEvent[]): void {
    this.metrics.drop('publish_failed', lost.length);
    this.deps.logger.error(
      { err: (error as Error).message, lost: lost.length },
      'Publishing failed; books resync',
    );
    const now = this.#now();
    const receiveNs = this.deps.clock();
    for (const event of lost) {
      const payload = event.payload;
      if (payload.case === 'bookSnapshot' || payload.case === 'bookDelta') {
        this.#resync.broken(payload.value.instrumentName, now, receiveNs);
      }
    }
  }

  #dropRejection(rejection: Rejection, channel: string): void {
    this.#drop(rejection.rejected, { channel, detail: rejection.detail });
  }

  #drop(reason: DropReason, context: Record<string, unknown>): void {
    this.metrics.drop(reason);
    this.#logOnce.warn(reason, { reason, ...context }, `Dropped venue input: ${reason}`);
  }
}

function errorReason(error: unknown): DropReason {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (code === 10028) return 'too_many_requests';
  if (code === -32600) return 'request_too_large';
  return 'error_reply';
}

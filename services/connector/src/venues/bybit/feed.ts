// Bybit option market-data feed: the I/O side of the connector for Bybit v5 (sockets, JSON
// ping/pong, subscriptions, `u` sequencing, listings by REST re-polling). It routes raw frames to
// the pure functions of parse.ts and never builds a contract message itself.
// Docs: https://bybit-exchange.github.io/docs/v5/ws/connect ; protocol facts in EXCHANGES.md §3.
import type { MarketDataEvent } from '@volstream/contracts';
import { type Logger, LogOnce } from '@volstream/logging';
import type { ReceiveClock } from '../../clock.ts';
import { createFeedPublisher } from '../../feed-publisher.ts';
import { pollUntil, shardCounts } from '../../feed-status.ts';
import { ConnectorMetrics, type ConnectorStats, type DropReason, snapshotStats } from '../../metrics.ts';
import type { MicroBatchPublisher } from '../../publisher.ts';
import { ResubscribeResync } from '../../resubscribe-resync.ts';
import { shardOf } from '../../sharding.ts';
import type { EventSink } from '../../sink.ts';
import { TokenBucket } from '../../token-bucket.ts';
import { BybitBookSequencer } from './book-sequencer.ts';
import { BybitInstrumentSync } from './instrument-sync.ts';
import { type BybitInstrumentInfo, BybitInstrumentRegistry } from './instruments.ts';
import type { BybitCommandReply } from './messages.ts';
import {
  bybitIndexPrice,
  isRejection,
  type ParseContext,
  parseBybitBookDelta,
  parseBybitBookSnapshot,
  parseBybitInstrument,
  parseBybitTicker,
  type Rejection,
  VENUE,
  validateBybitBook,
} from './parse.ts';
import { BybitShard } from './shard.ts';
import {
  type BybitBookDepth,
  bookTopic,
  instrumentTopics,
  topicDepth,
  topicKind,
  topicSymbol,
} from './subscriptions.ts';

export interface BybitFeedOptions {
  url: string;
  /** REST base for the instrument list, e.g. `https://api.bybit.com`. */
  restUrl: string;
  currencies: readonly string[];
  connections: number;
  bookDepth: BybitBookDepth;
  pingEveryMs: number;
  /** A socket silent this long (no pong either) is dead. */
  silenceMs: number;
  maxRequestChars: number;
  maxArgsPerConnection: number;
  subscribeRatePerSec: number;
  subscribeBurst: number;
  connectTimeoutMs: number;
  backoffBaseMs: number;
  backoffCapMs: number;
  maxBufferedEvents: number;
  /** Re-poll of the instrument list (Bybit has no listing channel); 0 = only at start. */
  instrumentRefreshMs: number;
  producerId: string;
}

export interface BybitFeedDeps {
  sink: EventSink;
  logger: Logger;
  clock: ReceiveClock;
  random?: () => number;
  now?: () => number;
}

export class BybitFeed {
  readonly metrics = new ConnectorMetrics(VENUE);
  readonly registry = new BybitInstrumentRegistry();
  readonly sequencer = new BybitBookSequencer();
  readonly shards: BybitShard[] = [];
  readonly #publisher: MicroBatchPublisher<MarketDataEvent>;
  readonly #bucket: TokenBucket;
  readonly #logOnce: LogOnce;
  readonly #ctx: ParseContext;
  readonly #now: () => number;
  readonly #instruments: BybitInstrumentSync;
  /** Last published index per base coin (published again only when it changes). */
  readonly #index = new Map<string, number>();
  /** Marker + resubscribe on gaps, lost publishes and closed sockets (src/resubscribe-resync.ts). */
  readonly #resyncs: ResubscribeResync<BybitInstrumentInfo>;
  #stopped = false;

  constructor(
    readonly options: BybitFeedOptions,
    deps: BybitFeedDeps,
  ) {
    this.#now = deps.now ?? Date.now;
    this.#ctx = { producerId: options.producerId };
    this.#logOnce = new LogOnce(deps.logger);
    this.#bucket = new TokenBucket({
      ratePerSec: options.subscribeRatePerSec,
      burst: options.subscribeBurst,
    });
    this.#publisher = createFeedPublisher(
      deps.sink,
      this.metrics,
      deps.clock,
      options.maxBufferedEvents,
      (error, lost) => this.#resyncs.publishFailed(error, lost),
    );
    this.#resyncs = new ResubscribeResync({
      venue: VENUE,
      label: 'Bybit',
      producerId: options.producerId,
      registry: this.registry,
      sequencer: this.sequencer,
      publisher: this.#publisher,
      metrics: this.metrics,
      logger: deps.logger,
      clock: deps.clock,
      now: this.#now,
      shardCount: () => this.shards.length,
      resubscribe: (name) => this.#shardOf(name).resubscribe(bookTopic(name, options.bookDepth)),
    });
    for (let index = 0; index < Math.max(1, options.connections); index += 1) {
      this.shards.push(
        new BybitShard(
          {
            index,
            maxRequestChars: options.maxRequestChars,
            maxArgsPerConnection: options.maxArgsPerConnection,
            pingEveryMs: options.pingEveryMs,
          },
          {
            url: options.url,
            name: `${VENUE}-${index}`,
            silenceMs: options.silenceMs,
            connectTimeoutMs: options.connectTimeoutMs,
            backoffBaseMs: options.backoffBaseMs,
            backoffCapMs: options.backoffCapMs,
            stableMs: options.silenceMs,
            clock: deps.clock,
            logger: deps.logger.child({ shard: index }),
            ...(deps.random === undefined ? {} : { random: deps.random }),
          },
          this.#bucket,
          this.metrics,
          deps.logger,
          {
            onOpen: (shard) => {
              if (shard.connection.connects > 1) this.metrics.reconnects += 1;
            },
            onFrame: (shard, text, receiveNs, bytes) => this.onFrame(shard, text, receiveNs, bytes),
            onClose: (shard, reason) => {
              if (!this.#stopped) this.#resyncs.onClose(shard.index, reason);
            },
            onFull: (shard, refused) =>
              this.#logOnce.warn(
                `full-${shard.index}`,
                { shard: shard.index, refused: refused.length, cap: options.maxArgsPerConnection },
                'Bybit connection carries its maximum of topics; raise --connections',
              ),
          },
        ),
      );
    }
    this.#instruments = new BybitInstrumentSync(
      { restUrl: options.restUrl, currencies: options.currencies, refreshMs: options.instrumentRefreshMs },
      {
        registry: this.registry,
        added: (info, row, receiveNs) => {
          this.#push(parseBybitInstrument(row, receiveNs, this.#ctx), info.name);
          this.#shardOf(info.name).add(instrumentTopics(info.name, options.bookDepth));
        },
        removed: (info) => {
          this.#shardOf(info.name).remove(instrumentTopics(info.name, options.bookDepth));
          this.sequencer.forget(info.name);
          this.#resyncs.forget(info.name);
        },
        reject: (rejection, where) => this.#dropRejection(rejection, where),
      },
      { logger: deps.logger, clock: deps.clock, now: this.#now },
    );
  }

  start(): void {
    this.#stopped = false;
    for (const shard of this.shards) shard.connection.start();
    this.#instruments.start();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#instruments.stop();
    this.#bucket.close();
    for (const shard of this.shards) shard.stopTimers();
    await Promise.all(this.shards.map((shard) => shard.connection.stop()));
    await this.#publisher.close();
  }

  get converged(): boolean {
    return this.#instruments.loaded && this.shards.every((shard) => shard.converged);
  }

  whenConverged(timeoutMs: number): Promise<void> {
    return pollUntil(() => this.converged, timeoutMs, 'the Bybit feed to subscribe');
  }

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

  /** Polls the instrument list now (also runs every `instrumentRefreshMs`). */
  refreshInstruments(): Promise<void> {
    return this.#instruments.load();
  }

  /** Forgets expired instruments now (also runs every minute); returns how many. */
  sweepExpired(): number {
    return this.#instruments.sweepExpired();
  }

  /** Applies one full instrument list (tests load rows without a server). */
  applyInstrumentList(currency: string, rows: unknown[]): void {
    this.#instruments.apply(currency, rows, true);
  }

  // ---- frames ----

  /** Handles one text frame. Heartbeats first; no exception escapes. */
  onFrame(shard: BybitShard, text: string, receiveNs: bigint, bytes: number): void {
    this.metrics.messagesIn += 1;
    this.metrics.bytesIn += bytes;
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch {
      this.#drop('invalid_json', { shard: shard.index, frame: text.slice(0, 200) });
      return;
    }
    if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) {
      this.#drop('unknown_frame', { shard: shard.index, frame: text.slice(0, 200) });
      return;
    }
    try {
      const f = frame as {
        op?: unknown;
        topic?: unknown;
        type?: unknown;
        ts?: unknown;
        data?: unknown;
        success?: unknown;
      };
      if (f.op === 'pong' || (f.op === 'ping' && (frame as BybitCommandReply).ret_msg === 'pong')) {
        this.metrics.controlFrames += 1;
        shard.pong();
      } else if (typeof f.topic === 'string' && 'data' in f) {
        this.#onPush(f.topic, f.type, f.ts, f.data, receiveNs, text);
      } else if (typeof f.success === 'boolean') {
        this.#onReply(shard, frame as BybitCommandReply);
      } else this.#drop('unknown_frame', { shard: shard.index, frame: text.slice(0, 200) });
    } catch (error) {
      // Parse functions are total; this is the last line of defence for a shape nobody foresaw.
      this.#drop('bad_value', {
        shard: shard.index,
        err: (error as Error).message,
        frame: text.slice(0, 200),
      });
    }
  }

  /** Subscribe/unsubscribe replies: option `COMMAND_RESP` or the linear/spot form. */
  #onReply(shard: BybitShard, reply: BybitCommandReply): void {
    const ok = Array.isArray(reply.data?.successTopics)
      ? reply.data.successTopics.filter((t): t is string => typeof t === 'string')
      : undefined;
    const failed = Array.isArray(reply.data?.failTopics) ? reply.data.failTopics : [];
    shard.acknowledged(reply.req_id, reply.success === true && failed.length === 0, ok);
    if (reply.success === true && failed.length === 0) {
      this.metrics.controlFrames += 1;
      return;
    }
    this.#drop('error_reply', { shard: shard.index, retMsg: reply.ret_msg, failTopics: failed.slice(0, 5) });
  }

  #onPush(topic: string, type: unknown, ts: unknown, data: unknown, receiveNs: bigint, text: string): void {
    const kind = topicKind(topic);
    if (kind === 'unknown') {
      this.#drop('unknown_channel', { topic, frame: text.slice(0, 200) });
      return;
    }
    const symbol = topicSymbol(topic);
    const info = symbol === undefined ? undefined : this.registry.get(symbol);
    if (info === undefined) {
      this.#drop('unknown_instrument', { topic });
      return;
    }
    if (kind === 'book') this.#onBook(topic, info, type, ts, data, receiveNs);
    else this.#onTicker(info, type, ts, data, receiveNs);
  }

  #onBook(
    topic: string,
    info: BybitInstrumentInfo,
    type: unknown,
    ts: unknown,
    data: unknown,
    receiveNs: bigint,
  ): void {
    if (type !== 'snapshot' && type !== 'delta') {
      this.#drop('bad_value', { topic, type });
      return;
    }
    const book = validateBybitBook(info.name, ts, data);
    if (isRejection(book)) {
      // If the bad message advanced the book, the next delta's u shows the gap.
      this.#dropRejection(book, topic);
      return;
    }
    switch (this.sequencer.accept(type, book)) {
      case 'snapshot':
        this.#resyncs.snapshotArrived(info.name);
        this.#push(parseBybitBookSnapshot(book, topicDepth(topic), receiveNs, this.#ctx), info.name);
        return;
      case 'delta':
        this.#push(parseBybitBookDelta(book, book.u - 1, receiveNs, this.#ctx), info.name);
        return;
      case 'unsynced':
        this.metrics.drop('unsynced_book');
        return;
      case 'gap':
      case 'reset':
        this.#drop('book_gap', { instrument: info.name, u: book.u, seq: book.seq, kind: 'gap or u=1 reset' });
        this.#resyncs.request(info.name, book.tsMs, receiveNs);
        return;
    }
  }

  #onTicker(info: BybitInstrumentInfo, type: unknown, ts: unknown, data: unknown, receiveNs: bigint): void {
    const tsMs = typeof ts === 'number' && Number.isSafeInteger(ts) && ts > 0 ? ts : undefined;
    // Option tickers are snapshot-only (EXCHANGES.md §3): a partial one cannot replace a Ticker.
    if (type !== 'snapshot' || tsMs === undefined) {
      this.#drop('bad_value', {
        instrument: info.name,
        type,
        ts,
        detail: 'option ticker must be a snapshot with ts',
      });
      return;
    }
    const parsed = parseBybitTicker(data, tsMs, info, receiveNs, this.#ctx);
    if (isRejection(parsed)) {
      this.#dropRejection(parsed, 'tickers');
      return;
    }
    this.#push(parsed, info.name);
    const index = (parsed.payload.value as { indexPrice?: number }).indexPrice;
    if (index !== undefined && this.#index.get(info.currency) !== index) {
      this.#index.set(info.currency, index);
      this.#push(bybitIndexPrice(info.currency, index, tsMs, receiveNs, this.#ctx), info.currency);
    }
  }

  // ---- connections ----

  #shardOf(name: string): BybitShard {
    return this.shards[shardOf(name, this.shards.length)]!;
  }

  // ---- publishing and drops ----

  #push(event: MarketDataEvent, name: string): void {
    if (this.#publisher.push(event)) return;
    this.#drop('backpressure', { instrument: name, buffered: this.#publisher.buffered });
    this.#resyncs.refused(event);
  }

  #dropRejection(rejection: Rejection, channel: string): void {
    this.#drop(rejection.rejected, { channel, detail: rejection.detail });
  }

  #drop(reason: DropReason, context: Record<string, unknown>): void {
    this.metrics.drop(reason);
    this.#logOnce.warn(reason, { reason, ...context }, `Dropped Bybit input: ${reason}`);
  }
}

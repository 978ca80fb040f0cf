// OKX market-data feed: the I/O side of the connector for OKX v5 (sockets, text ping/pong,
// subscriptions, seqId sequencing, listings). It routes raw frames to the pure functions of
// parse.ts and never builds a contract message itself. Docs: https://www.okx.com/docs-v5/en/#overview-websocket ;
// protocol facts in EXCHANGES.md §0, §2.
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
import { OkxBookSequencer } from './book-sequencer.ts';
import { OkxInstrumentSync } from './instrument-sync.ts';
import { type OkxInstrumentInfo, OkxInstrumentRegistry } from './instruments.ts';
import type { OkxArg, OkxEvent } from './messages.ts';
import {
  isRejection,
  type ParseContext,
  parseOkxBookDelta,
  parseOkxBookSnapshot,
  parseOkxIndex,
  parseOkxInstrument,
  parseOkxMarkPrice,
  parseOkxOptSummary,
  type Rejection,
  VENUE,
  validateOkxBook,
} from './parse.ts';
import { OkxShard } from './shard.ts';
import {
  bookArg,
  channelKind,
  indexArg,
  instrumentArgs,
  instrumentsArg,
  type OkxBookChannel,
  summaryArg,
} from './subscriptions.ts';
import { OkxTickerMerge } from './ticker-merge.ts';

export interface OkxFeedOptions {
  url: string;
  /** REST base for the instrument list, e.g. `https://www.okx.com`. */
  restUrl: string;
  currencies: readonly string[];
  connections: number;
  bookChannel: OkxBookChannel;
  pingAfterMs: number;
  /** A socket silent this long (no pong either) is dead. */
  silenceMs: number;
  maxArgsBytes: number;
  requestsPerHour: number;
  subscribeRatePerSec: number;
  subscribeBurst: number;
  tooManyRequestsPenaltyMs: number;
  connectTimeoutMs: number;
  backoffBaseMs: number;
  backoffCapMs: number;
  maxBufferedEvents: number;
  instrumentRefreshMs: number;
  producerId: string;
}

export interface OkxFeedDeps {
  sink: EventSink;
  logger: Logger;
  clock: ReceiveClock;
  random?: () => number;
  now?: () => number;
}

export class OkxFeed {
  readonly metrics = new ConnectorMetrics(VENUE);
  readonly registry = new OkxInstrumentRegistry();
  readonly sequencer = new OkxBookSequencer();
  readonly shards: OkxShard[] = [];
  readonly #publisher: MicroBatchPublisher<MarketDataEvent>;
  readonly #bucket: TokenBucket;
  readonly #logOnce: LogOnce;
  readonly #ctx: ParseContext;
  readonly #now: () => number;
  readonly #instruments: OkxInstrumentSync;
  readonly #tickers: OkxTickerMerge;
  /** Marker + resubscribe on gaps, lost publishes and closed sockets (src/resubscribe-resync.ts). */
  readonly #resyncs: ResubscribeResync<OkxInstrumentInfo>;
  #stopped = false;
  #summariesSubscribed = false;

  constructor(
    readonly options: OkxFeedOptions,
    deps: OkxFeedDeps,
  ) {
    this.#now = deps.now ?? Date.now;
    this.#ctx = { producerId: options.producerId };
    this.#tickers = new OkxTickerMerge(this.#ctx);
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
      label: 'OKX',
      producerId: options.producerId,
      registry: this.registry,
      sequencer: this.sequencer,
      publisher: this.#publisher,
      metrics: this.metrics,
      logger: deps.logger,
      clock: deps.clock,
      now: this.#now,
      shardCount: () => this.shards.length,
      resubscribe: (name) => this.#shardOf(name).resubscribe(bookArg(name, options.bookChannel)),
    });
    for (let index = 0; index < Math.max(1, options.connections); index += 1) {
      this.shards.push(
        new OkxShard(
          {
            index,
            maxArgsBytes: options.maxArgsBytes,
            pingAfterMs: options.pingAfterMs,
            requestsPerHour: options.requestsPerHour,
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
          },
        ),
      );
    }
    this.#instruments = new OkxInstrumentSync(
      { restUrl: options.restUrl, currencies: options.currencies, refreshMs: options.instrumentRefreshMs },
      {
        registry: this.registry,
        added: (info, row, receiveNs) => {
          this.#push(parseOkxInstrument(row, receiveNs, this.#ctx), info.name);
          this.#shardOf(info.name).add(instrumentArgs(info.name, options.bookChannel));
        },
        removed: (info) => {
          this.#shardOf(info.name).remove(instrumentArgs(info.name, options.bookChannel));
          this.sequencer.forget(info.name);
          this.#tickers.forget(info.name);
          this.#resyncs.forget(info.name);
        },
        reject: (rejection, where) => this.#dropRejection(rejection, where),
        listed: () => this.#subscribeSummaries(),
      },
      { logger: deps.logger, clock: deps.clock, now: this.#now },
    );
    // Per-family channels and listings ride on the first socket. The index names a family, not an
    // option: it needs no listing. `opt-summary` waits for the first REST list (#subscribeSummaries).
    const first = this.shards[0]!;
    first.add([...this.#instruments.families().map(indexArg), instrumentsArg()]);
  }

  /**
   * Subscribes `opt-summary` of every family once the first REST list is applied. Each push names
   * every option of the family and another follows within seconds, so nothing is lost by waiting;
   * subscribed earlier, its rows could beat the listing (OKX does not order the `instruments`
   * push before other channels) and be dropped as unknown instruments. After this, an unknown
   * option on it is news: counted and dropped.
   */
  #subscribeSummaries(): void {
    if (this.#summariesSubscribed) return;
    this.#summariesSubscribed = true;
    this.shards[0]!.add(this.#instruments.families().map(summaryArg));
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
    return pollUntil(() => this.converged, timeoutMs, 'the OKX feed to subscribe');
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

  /** Forgets expired instruments now (also runs every minute); returns how many. */
  sweepExpired(): number {
    return this.#instruments.sweepExpired();
  }

  /** Applies one instrument list (tests load a recorded REST reply without a socket). */
  applyInstrumentList(family: string, rows: unknown[]): void {
    this.#instruments.apply(family, rows, true);
  }

  // ---- frames ----

  /** Handles one text frame. Heartbeats first; no exception escapes. */
  onFrame(shard: OkxShard, text: string, receiveNs: bigint, bytes: number): void {
    this.metrics.messagesIn += 1;
    this.metrics.bytesIn += bytes;
    if (text === 'pong') {
      this.metrics.controlFrames += 1;
      shard.pong();
      return;
    }
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
      const f = frame as { event?: unknown; arg?: unknown; data?: unknown; action?: unknown };
      if (typeof f.event === 'string') this.#onEvent(shard, frame as OkxEvent, text);
      else if (typeof f.arg === 'object' && f.arg !== null && Array.isArray(f.data)) {
        this.#onPush(f.arg as OkxArg, f.action, f.data, receiveNs, text);
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

  #onEvent(shard: OkxShard, event: OkxEvent, text: string): void {
    switch (event.event) {
      case 'subscribe':
        this.metrics.controlFrames += 1;
        if (event.arg !== undefined) shard.acknowledged(event.arg);
        return;
      case 'unsubscribe':
      case 'notice':
        this.metrics.controlFrames += 1;
        return;
      case 'error': {
        // 60014 "Requests too frequent", 63999 internal errors; 60012/60018 bad requests.
        const tooMany = event.code === '60014';
        if (tooMany) this.#bucket.penalise(this.options.tooManyRequestsPenaltyMs);
        this.#drop(tooMany ? 'too_many_requests' : 'error_reply', {
          shard: shard.index,
          code: event.code,
          msg: event.msg,
        });
        return;
      }
      default:
        this.#drop('unknown_frame', { shard: shard.index, frame: text.slice(0, 200) });
    }
  }

  #onPush(arg: OkxArg, action: unknown, data: unknown[], receiveNs: bigint, text: string): void {
    const kind = channelKind(arg.channel);
    if (data.length === 0 && kind !== 'book' && kind !== 'unknown') {
      // An empty push carries no market data; counted so every frame is accounted for.
      this.metrics.controlFrames += 1;
      return;
    }
    switch (kind) {
      case 'book':
        this.#onBook(arg, action, data, receiveNs);
        return;
      case 'summary':
        for (const row of data) this.#onSummary(row, receiveNs);
        return;
      case 'mark':
        for (const row of data) this.#onMark(row, receiveNs);
        return;
      case 'index':
        for (const row of data) {
          const parsed = parseOkxIndex(row, receiveNs, this.#ctx);
          if (isRejection(parsed)) this.#dropRejection(parsed, arg.channel);
          else {
            const v = parsed.payload.value as { indexName: string; price: number };
            this.#tickers.index(v.indexName, v.price);
            this.#push(parsed, v.indexName);
          }
        }
        return;
      case 'instruments': {
        const family = (data[0] as { uly?: unknown; instFamily?: unknown } | undefined)?.uly;
        // Listing control: new rows are published as Instrument events, bad rows dropped.
        this.metrics.controlFrames += 1;
        this.#instruments.apply(typeof family === 'string' ? family : '', data, false);
        return;
      }
      default:
        this.#drop('unknown_channel', { channel: arg.channel, frame: text.slice(0, 200) });
    }
  }

  #onBook(arg: OkxArg, action: unknown, data: unknown[], receiveNs: bigint): void {
    const name = arg.instId;
    const info = typeof name === 'string' ? this.registry.get(name) : undefined;
    if (info === undefined || name === undefined) {
      this.#drop('unknown_instrument', { channel: arg.channel, instrument: name });
      return;
    }
    if ((action !== 'snapshot' && action !== 'update') || data.length !== 1) {
      this.#drop('bad_value', { instrument: name, action, rows: data.length });
      return;
    }
    const book = validateOkxBook(name, data[0]);
    if (isRejection(book)) {
      // If the bad message advanced the book, the next update's prevSeqId shows the gap.
      this.#dropRejection(book, arg.channel);
      return;
    }
    switch (this.sequencer.accept(action, book)) {
      case 'snapshot':
        this.#resyncs.snapshotArrived(name);
        this.#push(parseOkxBookSnapshot(book, info, receiveNs, this.#ctx), name);
        return;
      case 'delta':
        this.#push(parseOkxBookDelta(book, info, receiveNs, this.#ctx), name);
        return;
      case 'keepalive':
        this.metrics.controlFrames += 1;
        return;
      case 'unsynced':
        this.metrics.drop('unsynced_book');
        return;
      case 'gap':
      case 'reset': {
        const last = book.prevSeqId;
        this.#drop('book_gap', {
          instrument: name,
          seqId: book.seqId,
          prevSeqId: last,
          kind: 'gap or reset',
        });
        this.#resyncs.request(info.name, book.tsMs, receiveNs);
        return;
      }
    }
  }

  #onSummary(row: unknown, receiveNs: bigint): void {
    const parsed = parseOkxOptSummary(row);
    if (isRejection(parsed)) {
      this.#dropRejection(parsed, 'opt-summary');
      return;
    }
    const info = this.registry.get(parsed.instrument);
    if (info === undefined) {
      this.#drop('unknown_instrument', { channel: 'opt-summary', instrument: parsed.instrument });
      return;
    }
    this.#push(this.#tickers.summary(info, parsed, receiveNs), info.name);
  }

  #onMark(row: unknown, receiveNs: bigint): void {
    const parsed = parseOkxMarkPrice(row);
    if (isRejection(parsed)) {
      this.#dropRejection(parsed, 'mark-price');
      return;
    }
    const info = this.registry.get(parsed.instrument);
    if (info === undefined) {
      this.#drop('unknown_instrument', { channel: 'mark-price', instrument: parsed.instrument });
      return;
    }
    this.#push(this.#tickers.mark(info, parsed.markPrice, parsed.tsMs, receiveNs), info.name);
  }

  // ---- connections ----

  #shardOf(name: string): OkxShard {
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
    this.#logOnce.warn(reason, { reason, ...context }, `Dropped OKX input: ${reason}`);
  }
}

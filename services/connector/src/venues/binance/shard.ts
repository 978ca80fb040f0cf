// One Binance combined-stream websocket and the streams it carries. Docs:
// https://developers.binance.com/docs/derivatives/option/websocket-market-streams (Live
// Subscribing/Unsubscribing: `{"method":"SUBSCRIBE","params":[…],"id":n}` → `{"result":null,"id":n}`;
// LIST_SUBSCRIPTIONS → `{"result":[…],"id":n}`). Limits (EXCHANGES.md §4): 200 streams and 10
// incoming messages per second per connection (more closes it), so each socket paces its own
// requests. The server's websocket ping frames are answered with pongs by the `ws` client itself.
import type { Logger } from '@volstream/logging';
import { type ConnectionOptions, ManagedConnection } from '../../connection.ts';
import type { ConnectorMetrics } from '../../metrics.ts';
import { TokenBucket } from '../../token-bucket.ts';
import { TurnBatch } from '../../turn-batch.ts';
import { chunkStreams } from './subscriptions.ts';

export interface BinanceShardOptions {
  /** Label for logs: `public-0`, `market`. */
  label: string;
  index: number;
  maxStreams: number;
  streamsPerRequest: number;
  /** Requests per second this socket may send (below the venue's 10). */
  messagesPerSec: number;
  /** Send LIST_SUBSCRIPTIONS when nothing arrived for this long (quiet books send nothing). */
  keepAliveAfterMs: number;
}

export interface BinanceShardHandlers {
  onOpen(shard: BinanceShard): void;
  onFrame(shard: BinanceShard, text: string, receiveNs: bigint, bytes: number): void;
  onClose(shard: BinanceShard, reason: string): void;
  /** Streams the venue confirmed (a SUBSCRIBE reply). */
  onSubscribed(shard: BinanceShard, streams: readonly string[]): void;
}

type Method = 'SUBSCRIBE' | 'UNSUBSCRIBE' | 'LIST_SUBSCRIPTIONS';

export class BinanceShard {
  readonly connection: ManagedConnection;
  /** Everything this socket should carry. */
  readonly wanted = new Set<string>();
  /** Streams the venue confirmed on the current session. */
  readonly active = new Set<string>();
  readonly #inflight = new Map<number, { method: Method; streams: string[] }>();
  readonly #bucket: TokenBucket;
  #nextId = 1;
  /** Socket sessions so far: requests queued for a closed session are not sent on the next. */
  #session = 0;
  #lastFrameAt = 0;
  #keepAliveTimer: NodeJS.Timeout | undefined;
  #pending = Promise.resolve();
  readonly #queued = new TurnBatch<string>((streams) => {
    const queued = streams.filter((s) => this.wanted.has(s) && !this.active.has(s));
    if (this.connection.isOpen) this.#send('SUBSCRIBE', queued);
  });
  readonly #unqueued = new TurnBatch<string>((streams) => {
    const queued = streams.filter((s) => !this.wanted.has(s));
    if (this.connection.isOpen) this.#send('UNSUBSCRIBE', queued);
  });
  keepAlivesSent = 0;

  constructor(
    readonly options: BinanceShardOptions,
    connection: ConnectionOptions,
    private readonly metrics: ConnectorMetrics,
    private readonly logger: Logger,
    private readonly handlers: BinanceShardHandlers,
  ) {
    this.#bucket = new TokenBucket({ ratePerSec: options.messagesPerSec, burst: options.messagesPerSec });
    this.connection = new ManagedConnection(connection, {
      onOpen: () => {
        this.#session += 1;
        this.active.clear();
        this.#inflight.clear();
        this.#lastFrameAt = Date.now();
        this.#armKeepAlive();
        handlers.onOpen(this);
        this.#send('SUBSCRIBE', [...this.wanted]);
      },
      onFrame: (text, receiveNs, bytes) => {
        this.#lastFrameAt = Date.now();
        handlers.onFrame(this, text, receiveNs, bytes);
      },
      onClose: (reason) => {
        clearInterval(this.#keepAliveTimer);
        this.active.clear();
        this.#inflight.clear();
        handlers.onClose(this, reason);
      },
    });
  }

  get index(): number {
    return this.options.index;
  }

  /** True when every wanted stream is confirmed on an open socket. */
  get converged(): boolean {
    if (!this.connection.isOpen) return this.wanted.size === 0;
    for (const stream of this.wanted) if (!this.active.has(stream)) return false;
    return true;
  }

  /** Room for `n` more streams under the per-connection cap. */
  hasRoom(n = 1): boolean {
    return this.wanted.size + n <= this.options.maxStreams;
  }

  /** Adds streams (up to the cap; returns those refused) and subscribes them now if open. */
  add(streams: readonly string[]): string[] {
    const refused: string[] = [];
    const fresh: string[] = [];
    for (const s of streams) {
      if (this.wanted.has(s)) continue;
      if (!this.hasRoom()) {
        refused.push(s);
        continue;
      }
      this.wanted.add(s);
      fresh.push(s);
    }
    if (fresh.length === 0 || !this.connection.isOpen) return refused;
    // Coalesce the adds of one event-loop turn (a whole listing) into few requests.
    this.#queued.add(fresh);
    return refused;
  }

  /** Removes streams (delisted instruments) and unsubscribes them. */
  remove(streams: readonly string[]): void {
    const gone = streams.filter((s) => this.wanted.delete(s));
    for (const s of gone) this.active.delete(s);
    if (gone.length === 0 || !this.connection.isOpen) return;
    // An expiry removes many books one by one: one UNSUBSCRIBE for the whole event-loop turn.
    this.#unqueued.add(gone);
  }

  /**
   * A reply `{"result":…,"id":n}` or an error with an id: true when it answered one of our
   * requests on this session. Confirmed SUBSCRIBE streams become active.
   */
  reply(id: number, ok: boolean): boolean {
    const request = this.#inflight.get(id);
    if (request === undefined) return false;
    this.#inflight.delete(id);
    if (ok && request.method === 'SUBSCRIBE') {
      const confirmed = request.streams.filter((s) => this.wanted.has(s));
      for (const s of confirmed) this.active.add(s);
      if (confirmed.length > 0) this.handlers.onSubscribed(this, confirmed);
    }
    return true;
  }

  #send(method: Method, streams: readonly string[]): void {
    const chunks =
      method === 'LIST_SUBSCRIPTIONS' ? [[]] : chunkStreams(streams, this.options.streamsPerRequest);
    for (const chunk of chunks) {
      if (method !== 'LIST_SUBSCRIPTIONS' && chunk.length === 0) continue;
      const session = this.#session;
      // Requests go out in order, each after a token of this socket's bucket (10 messages/s cap).
      this.#pending = this.#pending
        .then(async () => {
          await this.#bucket.take();
          // A new session subscribes everything wanted on open; older requests are moot.
          if (session !== this.#session) return;
          const id = this.#nextId++;
          const body = method === 'LIST_SUBSCRIPTIONS' ? { method, id } : { method, params: chunk, id };
          if (this.connection.send(JSON.stringify(body))) {
            this.#inflight.set(id, { method, streams: chunk });
            if (method !== 'LIST_SUBSCRIPTIONS') this.metrics.subscribeRequests += 1;
          }
        })
        .catch((error: unknown) => {
          this.logger.debug({ shard: this.options.label, err: (error as Error).message }, 'Request not sent');
        });
    }
  }

  /** LIST_SUBSCRIPTIONS after `keepAliveAfterMs` of silence: its reply proves the socket alive. */
  #armKeepAlive(): void {
    clearInterval(this.#keepAliveTimer);
    const every = Math.max(10, Math.floor(this.options.keepAliveAfterMs / 5));
    this.#keepAliveTimer = setInterval(() => {
      if (Date.now() - this.#lastFrameAt < this.options.keepAliveAfterMs) return;
      this.#lastFrameAt = Date.now();
      this.keepAlivesSent += 1;
      this.#send('LIST_SUBSCRIPTIONS', []);
    }, every);
    this.#keepAliveTimer.unref();
  }

  stopTimers(): void {
    clearInterval(this.#keepAliveTimer);
    this.#bucket.close();
  }
}

// One OKX websocket and the subscriptions it carries. Docs:
// https://www.okx.com/docs-v5/en/#overview-websocket-subscribe ,
// https://www.okx.com/docs-v5/en/#overview-websocket-connect (text `ping` → `pong`; the server
// closes a connection silent for 30 s). Limits (EXCHANGES.md §2): 480 subscribe/unsubscribe
// requests per hour per connection, `args` ≤ 64 KB per request; requests are paced by the
// process-wide token bucket shared by every shard.
import type { Logger } from '@volstream/logging';
import { type ConnectionOptions, ManagedConnection } from '../../connection.ts';
import type { ConnectorMetrics } from '../../metrics.ts';
import type { TokenBucket } from '../../token-bucket.ts';
import { TurnBatch } from '../../turn-batch.ts';
import type { OkxArg } from './messages.ts';
import { argKey, packRequests } from './subscriptions.ts';

export interface OkxShardOptions {
  index: number;
  maxArgsBytes: number;
  /** Send `ping` when nothing arrived for this long. */
  pingAfterMs: number;
  /** Subscribe/unsubscribe requests allowed per connection per hour. */
  requestsPerHour: number;
}

export interface OkxShardHandlers {
  onOpen(shard: OkxShard): void;
  onFrame(shard: OkxShard, text: string, receiveNs: bigint, bytes: number): void;
  onClose(shard: OkxShard, reason: string): void;
}

export class OkxShard {
  readonly connection: ManagedConnection;
  /** Everything this socket should carry, by arg key. */
  readonly wanted = new Map<string, OkxArg>();
  /** Args the venue acknowledged on the current session. */
  readonly active = new Set<string>();
  #lastFrameAt = 0;
  #pingTimer: NodeJS.Timeout | undefined;
  /** Send times of this connection's requests in the last hour (OKX's per-connection limit). */
  readonly #requestTimes: number[] = [];
  #pending = Promise.resolve();
  /** A listing's adds in one turn go out in few requests (OKX counts requests per hour). */
  readonly #queued = new TurnBatch<OkxArg>((queued) => {
    if (this.connection.isOpen) this.subscribe(queued.filter((a) => this.wanted.has(argKey(a))));
  });
  pingsSent = 0;
  pongs = 0;

  constructor(
    readonly options: OkxShardOptions,
    connection: ConnectionOptions,
    private readonly bucket: TokenBucket,
    private readonly metrics: ConnectorMetrics,
    private readonly logger: Logger,
    handlers: OkxShardHandlers,
  ) {
    this.connection = new ManagedConnection(connection, {
      onOpen: () => {
        this.active.clear();
        this.#lastFrameAt = Date.now();
        this.#armPing();
        handlers.onOpen(this);
        this.subscribe([...this.wanted.values()]);
      },
      onFrame: (text, receiveNs, bytes) => {
        this.#lastFrameAt = Date.now();
        handlers.onFrame(this, text, receiveNs, bytes);
      },
      onClose: (reason) => {
        clearInterval(this.#pingTimer);
        this.active.clear();
        handlers.onClose(this, reason);
      },
    });
  }

  get index(): number {
    return this.options.index;
  }

  /** True when every wanted arg is acknowledged on an open socket. */
  get converged(): boolean {
    if (!this.connection.isOpen) return this.wanted.size === 0;
    for (const key of this.wanted.keys()) if (!this.active.has(key)) return false;
    return true;
  }

  /** Adds args to this shard and subscribes them now if the socket is open. */
  add(args: readonly OkxArg[]): void {
    const fresh = args.filter((a) => {
      const key = argKey(a);
      if (this.wanted.has(key)) return false;
      this.wanted.set(key, a);
      return true;
    });
    if (fresh.length === 0 || !this.connection.isOpen) return;
    // Coalesce the adds of one event-loop turn (a whole instrument list) into few requests:
    // OKX counts requests per connection and hour (480), not args.
    this.#queued.add(fresh);
  }

  /** Removes args (delisted instruments) and unsubscribes them. */
  remove(args: readonly OkxArg[]): void {
    const gone = args.filter((a) => this.wanted.delete(argKey(a)));
    for (const a of gone) this.active.delete(argKey(a));
    if (gone.length > 0 && this.connection.isOpen) this.#send('unsubscribe', gone);
  }

  /** Resubscribes one arg for a fresh snapshot (a book gap or reset). */
  resubscribe(arg: OkxArg): void {
    if (!this.connection.isOpen) return;
    this.active.delete(argKey(arg));
    this.#send('unsubscribe', [arg]);
    this.#send('subscribe', [arg]);
  }

  subscribe(args: readonly OkxArg[]): void {
    if (args.length > 0) this.#send('subscribe', args);
  }

  /** `{event:"subscribe",arg}` received. */
  acknowledged(arg: OkxArg): void {
    const key = argKey(arg);
    if (this.wanted.has(key)) this.active.add(key);
  }

  /** Answers the venue's text heartbeat bookkeeping: a `pong` arrived. */
  pong(): void {
    this.pongs += 1;
  }

  #send(op: 'subscribe' | 'unsubscribe', args: readonly OkxArg[]): void {
    for (const chunk of packRequests(args, this.options.maxArgsBytes)) {
      // Requests go out in order on this socket, each after one token of the shared bucket.
      this.#pending = this.#pending.then(async () => {
        await this.#withinHourlyLimit();
        await this.bucket.take();
        if (this.connection.send(JSON.stringify({ op, args: chunk }))) {
          this.metrics.subscribeRequests += 1;
          this.#requestTimes.push(Date.now());
        }
      });
      this.#pending = this.#pending.catch((error: unknown) => {
        this.logger.debug({ shard: this.index, err: (error as Error).message }, 'Subscribe request not sent');
      });
    }
  }

  async #withinHourlyLimit(): Promise<void> {
    const hour = 3_600_000;
    for (;;) {
      const now = Date.now();
      while (this.#requestTimes.length > 0 && this.#requestTimes[0]! <= now - hour)
        this.#requestTimes.shift();
      if (this.#requestTimes.length < this.options.requestsPerHour) return;
      const wait = this.#requestTimes[0]! + hour - now;
      this.logger.warn({ shard: this.index, waitMs: wait }, 'OKX hourly subscribe limit reached; waiting');
      await new Promise((resolve) => setTimeout(resolve, Math.min(wait, 60_000)));
    }
  }

  /** Text `ping` after `pingAfterMs` of silence; the connection's silence check kills dead sockets. */
  #armPing(): void {
    clearInterval(this.#pingTimer);
    const every = Math.max(10, Math.floor(this.options.pingAfterMs / 5));
    this.#pingTimer = setInterval(() => {
      if (Date.now() - this.#lastFrameAt >= this.options.pingAfterMs && this.connection.send('ping')) {
        this.pingsSent += 1;
        this.#lastFrameAt = Date.now();
      }
    }, every);
    this.#pingTimer.unref();
  }

  stopTimers(): void {
    clearInterval(this.#pingTimer);
  }
}

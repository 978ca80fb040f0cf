// One Bybit option websocket and the topics it carries. Docs:
// https://bybit-exchange.github.io/docs/v5/ws/connect (ping every 20 s; option acks and pongs in
// EXCHANGES.md §3: `{"success":true,"data":{"successTopics":[…],"failTopics":[…]},
// "type":"COMMAND_RESP"}` and `{"args":["<ms>"],"op":"pong"}`). Limits: at most 2,000 args per
// option connection, each request's `args` under 21,000 characters; requests are paced by the
// process-wide token bucket shared by every shard.
import type { Logger } from '@volstream/logging';
import { type ConnectionOptions, ManagedConnection } from '../../connection.ts';
import type { ConnectorMetrics } from '../../metrics.ts';
import type { TokenBucket } from '../../token-bucket.ts';
import { TurnBatch } from '../../turn-batch.ts';
import { packRequests } from './subscriptions.ts';

export interface BybitShardOptions {
  index: number;
  maxRequestChars: number;
  maxArgsPerConnection: number;
  /** `{"op":"ping"}` period. */
  pingEveryMs: number;
}

export interface BybitShardHandlers {
  onOpen(shard: BybitShard): void;
  onFrame(shard: BybitShard, text: string, receiveNs: bigint, bytes: number): void;
  onClose(shard: BybitShard, reason: string): void;
  /** Topics refused because the connection is full (2,000 args). */
  onFull(shard: BybitShard, refused: readonly string[]): void;
}

export class BybitShard {
  readonly connection: ManagedConnection;
  /** Everything this socket should carry. */
  readonly wanted = new Set<string>();
  /** Topics the venue acknowledged on the current session. */
  readonly active = new Set<string>();
  #pingTimer: NodeJS.Timeout | undefined;
  #pending = Promise.resolve();
  readonly #queued = new TurnBatch<string>((queued) => {
    if (this.connection.isOpen)
      this.#send(
        'subscribe',
        queued.filter((t) => this.wanted.has(t)),
      );
  });
  #nextReq = 1;
  /** Subscribe requests awaiting their reply, by req_id (for replies without `successTopics`). */
  readonly #requests = new Map<string, readonly string[]>();
  /** Send times of the pings in flight, oldest first (the option pong carries no req_id). */
  readonly #pingsInFlight: number[] = [];
  pingsSent = 0;
  pongs = 0;

  constructor(
    readonly options: BybitShardOptions,
    connection: ConnectionOptions,
    private readonly bucket: TokenBucket,
    private readonly metrics: ConnectorMetrics,
    private readonly logger: Logger,
    private readonly handlers: BybitShardHandlers,
  ) {
    this.connection = new ManagedConnection(connection, {
      onOpen: () => {
        this.active.clear();
        this.#requests.clear();
        this.#pingsInFlight.length = 0;
        this.#armPing();
        handlers.onOpen(this);
        this.#send('subscribe', [...this.wanted]);
      },
      onFrame: (text, receiveNs, bytes) => handlers.onFrame(this, text, receiveNs, bytes),
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

  /** True when every wanted topic is acknowledged on an open socket. */
  get converged(): boolean {
    if (!this.connection.isOpen) return this.wanted.size === 0;
    for (const topic of this.wanted) if (!this.active.has(topic)) return false;
    return true;
  }

  /** Adds topics (up to the connection's cap) and subscribes them now if the socket is open. */
  add(topics: readonly string[]): void {
    const fresh: string[] = [];
    const refused: string[] = [];
    for (const t of topics) {
      if (this.wanted.has(t)) continue;
      if (this.wanted.size >= this.options.maxArgsPerConnection) {
        refused.push(t);
        continue;
      }
      this.wanted.add(t);
      fresh.push(t);
    }
    if (refused.length > 0) this.handlers.onFull(this, refused);
    if (fresh.length === 0 || !this.connection.isOpen) return;
    // Coalesce the adds of one event-loop turn (a whole instrument list) into few requests.
    this.#queued.add(fresh);
  }

  /** Removes topics (delisted instruments) and unsubscribes them. */
  remove(topics: readonly string[]): void {
    const gone = topics.filter((t) => this.wanted.delete(t));
    for (const t of gone) this.active.delete(t);
    if (gone.length > 0 && this.connection.isOpen) this.#send('unsubscribe', gone);
  }

  /** Resubscribes one topic for a fresh snapshot (a book gap or reset). */
  resubscribe(topic: string): void {
    if (!this.connection.isOpen) return;
    this.active.delete(topic);
    this.#send('unsubscribe', [topic]);
    this.#send('subscribe', [topic]);
  }

  /**
   * A command reply. The option form lists `successTopics`; the linear/spot form only says
   * `success` and echoes `req_id`, which names the topics of our request. Wanted topics confirmed
   * either way become active.
   */
  acknowledged(reqId: unknown, success: boolean, successTopics: readonly string[] | undefined): void {
    const requested = typeof reqId === 'string' ? this.#requests.get(reqId) : undefined;
    if (typeof reqId === 'string') this.#requests.delete(reqId);
    const topics = successTopics ?? (success ? (requested ?? []) : []);
    for (const t of topics) if (this.wanted.has(t)) this.active.add(t);
  }

  /** A pong arrived: round trip of the oldest ping in flight. */
  pong(): void {
    this.pongs += 1;
    const sentAt = this.#pingsInFlight.shift();
    if (sentAt !== undefined) this.metrics.recordHeartbeatRtt(Date.now() - sentAt);
  }

  #send(op: 'subscribe' | 'unsubscribe', topics: readonly string[]): void {
    if (topics.length === 0) return;
    for (const chunk of packRequests(topics, this.options.maxRequestChars)) {
      // Requests go out in order on this socket, each after one token of the shared bucket.
      this.#pending = this.#pending.then(async () => {
        await this.bucket.take();
        const req = `${op === 'subscribe' ? 's' : 'u'}${this.index}-${this.#nextReq++}`;
        if (this.connection.send(JSON.stringify({ req_id: req, op, args: chunk }))) {
          this.metrics.subscribeRequests += 1;
          if (op === 'subscribe') this.#requests.set(req, chunk);
        }
      });
      this.#pending = this.#pending.catch((error: unknown) => {
        this.logger.debug({ shard: this.index, err: (error as Error).message }, 'Subscribe request not sent');
      });
    }
  }

  /** `{"op":"ping"}` every `pingEveryMs`, whatever else arrives (Bybit's recommendation). */
  #armPing(): void {
    clearInterval(this.#pingTimer);
    this.#pingTimer = setInterval(() => {
      const req = `p${this.index}-${this.#nextReq++}`;
      if (this.connection.send(JSON.stringify({ req_id: req, op: 'ping' }))) {
        this.pingsSent += 1;
        this.#pingsInFlight.push(Date.now());
        if (this.#pingsInFlight.length > 16) this.#pingsInFlight.shift();
      }
    }, this.options.pingEveryMs);
    this.#pingTimer.unref();
  }

  stopTimers(): void {
    clearInterval(this.#pingTimer);
  }
}

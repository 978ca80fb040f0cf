// One Deribit websocket of the connector ("pipe") and the channels it carries.
// Docs: https://docs.deribit.com/#public-subscribe , https://docs.deribit.com/#public-unsubscribe ,
// https://docs.deribit.com/#public-set_heartbeat . Limits: docs/EXCHANGES.md §1 (≤ 250 channels
// per request, ~3.3 subscribe requests/s burst 10 shared by the process, 10028 closes the session).
import type { Logger } from '@volstream/logging';
import { type ConnectionOptions, ManagedConnection } from '../../connection.ts';
import type { ConnectorMetrics } from '../../metrics.ts';
import type { TokenBucket } from '../../token-bucket.ts';
import { DeribitRpc, DeribitRpcRejected } from './rpc.ts';

/** Requests of one socket awaiting their reply at the same time. */
const MAX_IN_FLIGHT = 8;

export interface ShardOptions {
  index: number;
  maxChannelsPerRequest: number;
  requestTimeoutMs: number;
  heartbeatIntervalSec: number;
  /** How long subscribing pauses after a 10028 too_many_requests. */
  tooManyRequestsPenaltyMs: number;
}

export interface ShardEvents {
  onOpen(shard: DeribitShard): void;
  onFrame(shard: DeribitShard, text: string, receiveNs: bigint, bytes: number): void;
  onClose(shard: DeribitShard, reason: string): void;
}

/**
 * Desired channels are the truth; the socket converges to them. After every (re)connect the shard
 * re-sends `set_heartbeat` and subscribes everything desired again, in requests of at most
 * `maxChannelsPerRequest` channels, each paced by the process-wide subscribe token bucket. Book
 * resyncs are an unsubscribe + subscribe of the book channel (a new subscribe brings a snapshot).
 * One async worker per shard sends these requests, so there is never more than one request of a
 * shard in flight and the order unsubscribe-then-subscribe holds.
 */
export class DeribitShard {
  readonly connection: ManagedConnection;
  rpc: DeribitRpc;
  readonly desired = new Set<string>();
  readonly active = new Set<string>();
  readonly #toSubscribe = new Set<string>();
  readonly #toUnsubscribe = new Set<string>();
  readonly #toResync = new Set<string>();
  #working = false;
  #maxPerRequest: number;
  #sessionReady = false;

  constructor(
    readonly options: ShardOptions,
    connectionOptions: ConnectionOptions,
    private readonly bucket: TokenBucket,
    private readonly metrics: ConnectorMetrics,
    private readonly logger: Logger,
    events: ShardEvents,
  ) {
    this.#maxPerRequest = options.maxChannelsPerRequest;
    this.rpc = new DeribitRpc((text) => this.connection.send(text));
    this.connection = new ManagedConnection(connectionOptions, {
      onOpen: () => {
        this.rpc = new DeribitRpc((text) => this.connection.send(text));
        this.active.clear();
        this.#toResync.clear();
        this.#toUnsubscribe.clear();
        this.#toSubscribe.clear();
        for (const channel of this.desired) this.#toSubscribe.add(channel);
        // A new session starts from the configured request size again (see −32600 below).
        this.#maxPerRequest = options.maxChannelsPerRequest;
        this.#sessionReady = false;
        events.onOpen(this);
        void this.#startSession();
      },
      onFrame: (text, receiveNs, bytes) => events.onFrame(this, text, receiveNs, bytes),
      onClose: (reason) => {
        this.rpc.failAll(reason);
        this.active.clear();
        this.#sessionReady = false;
        events.onClose(this, reason);
      },
    });
  }

  get index(): number {
    return this.options.index;
  }

  /** True when every desired channel is confirmed subscribed on the current session. */
  get converged(): boolean {
    return (
      this.#sessionReady &&
      this.connection.isOpen &&
      !this.#working &&
      this.#toSubscribe.size === 0 &&
      this.#toResync.size === 0 &&
      this.#toUnsubscribe.size === 0
    );
  }

  add(channels: Iterable<string>): void {
    for (const channel of channels) {
      if (this.desired.has(channel)) continue;
      this.desired.add(channel);
      this.#toSubscribe.add(channel);
    }
    this.#kick();
  }

  remove(channels: Iterable<string>): void {
    for (const channel of channels) {
      if (!this.desired.delete(channel)) continue;
      this.#toSubscribe.delete(channel);
      this.#toResync.delete(channel);
      if (this.active.delete(channel)) this.#toUnsubscribe.add(channel);
    }
    this.#kick();
  }

  /**
   * Unsubscribe + subscribe a channel to get a fresh snapshot. Always both: a channel whose
   * subscribe is still in flight is subscribed on the venue already, and a second subscribe of a
   * subscribed channel brings no snapshot.
   */
  resync(channel: string): void {
    if (!this.desired.has(channel)) return;
    this.#toSubscribe.delete(channel);
    this.#toResync.add(channel);
    this.#kick();
  }

  async #startSession(): Promise<void> {
    try {
      await this.rpc.request(
        'public/set_heartbeat',
        { interval: this.options.heartbeatIntervalSec },
        this.options.requestTimeoutMs,
      );
    } catch (error) {
      // Without heartbeats the silence detector still guards the socket; keep subscribing.
      this.logger.warn({ shard: this.index, err: (error as Error).message }, 'set_heartbeat failed');
    }
    this.#sessionReady = true;
    this.#kick();
  }

  #kick(): void {
    if (this.#working || !this.#sessionReady || !this.connection.isOpen) return;
    this.#working = true;
    void this.#work().finally(() => {
      this.#working = false;
      if (this.#hasWork() && this.#sessionReady && this.connection.isOpen) this.#kick();
    });
  }

  #hasWork(): boolean {
    return this.#toResync.size > 0 || this.#toUnsubscribe.size > 0 || this.#toSubscribe.size > 0;
  }

  /**
   * Pipelines up to MAX_IN_FLIGHT requests per socket (the venue answers in order), each paced by
   * the shared token bucket: a restart subscribes thousands of channels in a few hundred ms of
   * wire time instead of one round trip per 250 channels.
   */
  async #work(): Promise<void> {
    const inFlight = new Set<Promise<void>>();
    while (this.#hasWork() && this.connection.isOpen && this.#sessionReady) {
      if (inFlight.size >= MAX_IN_FLIGHT) {
        await Promise.race(inFlight);
        continue;
      }
      try {
        await this.bucket.take();
      } catch {
        break;
      }
      if (!this.connection.isOpen || !this.#hasWork()) break;
      const request = this.#next();
      inFlight.add(request);
      void request.finally(() => inFlight.delete(request));
    }
    await Promise.all(inFlight);
  }

  /** Sends the most urgent request: resyncs first, then removals, then new subscriptions. */
  #next(): Promise<void> {
    if (this.#toResync.size > 0) {
      const channels = take(this.#toResync, this.#maxPerRequest);
      // Subscribe again right behind the unsubscribe, whatever its answer: the venue handles a
      // socket's requests in order, and the channel must not be lost if the unsubscribe fails.
      for (const channel of channels) {
        this.active.delete(channel);
        if (this.desired.has(channel)) this.#toSubscribe.add(channel);
      }
      return this.#send('public/unsubscribe', channels).then(() => {});
    }
    if (this.#toUnsubscribe.size > 0) {
      return this.#send('public/unsubscribe', take(this.#toUnsubscribe, this.#maxPerRequest)).then(() => {});
    }
    const channels = take(this.#toSubscribe, this.#maxPerRequest);
    return this.#send('public/subscribe', channels).then((result) => {
      if (result !== undefined) {
        for (const channel of result) if (this.desired.has(channel)) this.active.add(channel);
        if (result.length < channels.length) {
          this.logger.warn(
            { shard: this.index, asked: channels.length, confirmed: result.length },
            'Venue confirmed fewer channels than asked',
          );
        }
      } else if (this.connection.isOpen) {
        for (const channel of channels) {
          if (this.desired.has(channel) && !this.active.has(channel)) this.#toSubscribe.add(channel);
        }
        this.#kick();
      }
    });
  }

  /** One request (already paced); the channels it confirmed, or undefined when it failed. */
  async #send(method: string, channels: string[]): Promise<string[] | undefined> {
    if (!this.connection.isOpen) return undefined;
    if (method === 'public/subscribe') this.metrics.subscribeRequests += 1;
    try {
      const result = await this.rpc.request<unknown>(method, { channels }, this.options.requestTimeoutMs);
      return Array.isArray(result) ? result.filter((c): c is string => typeof c === 'string') : [];
    } catch (error) {
      if (error instanceof DeribitRpcRejected && error.code === 10028) {
        // too_many_requests: Deribit closes the session next; pause everybody's subscribing.
        this.bucket.penalise(this.options.tooManyRequestsPenaltyMs);
      } else if (error instanceof DeribitRpcRejected && error.code === -32600 && channels.length > 1) {
        // request entity too large: halve the request size of this socket for this session.
        this.#maxPerRequest = Math.max(1, Math.floor(channels.length / 2));
      } else {
        this.logger.warn({ shard: this.index, method, err: (error as Error).message }, 'Request failed');
      }
      return undefined;
    }
  }
}

function take(set: Set<string>, n: number): string[] {
  const out: string[] = [];
  for (const item of set) {
    if (out.length >= n) break;
    out.push(item);
  }
  for (const item of out) set.delete(item);
  return out;
}

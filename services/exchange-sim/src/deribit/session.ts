/**
 * One client connection: its subscriptions, heartbeat state, rate-limit buckets, fault flags and
 * the frames waiting for the end of the tick. Frames are written straight to the upgraded TCP
 * socket (ws-frame.ts), batched into one write per tick; `ws` still parses what the client sends.
 * A connection whose unsent bytes exceed `maxBufferedBytes` is dropped, as exchanges drop slow
 * consumers; below that, the market feed pauses while any socket is above a high-water mark, so
 * asking for more than a client can read slows the feed instead of losing messages.
 */
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { TokenBucket } from '../rate-limit.ts';
import type { Subscriber } from './channels.ts';

export interface SessionLimits {
  subscribe: { burst: number; perSecond: number };
  requests: { burst: number; perSecond: number };
  instruments: { burst: number; perSecond: number };
  maxBufferedBytes: number;
}

export interface SessionStats {
  framesSent: number;
  bytesSent: number;
  deltasDropped: number;
  requests: number;
}

export class Session implements Subscriber {
  readonly subs = new Set<string>();
  readonly stats: SessionStats = { framesSent: 0, bytesSent: 0, deltasDropped: 0, requests: 0 };
  readonly subscribeBucket: TokenBucket;
  readonly requestBucket: TokenBucket;
  readonly instrumentsBucket: TokenBucket;
  /** Heartbeat interval in ms, undefined when disabled. */
  heartbeatMs: number | undefined;
  nextHeartbeatAt = 0;
  /** When the next plain `heartbeat` message is due (half-way between test_requests). */
  nextBeatAt = 0;
  awaitingTest = false;
  /** Whether anything was sent since the last heartbeat check (to skip idle `heartbeat` messages). */
  sentSinceBeat = false;
  // Faults.
  dropDeltas = 0;
  silent = false;
  stalledUntil = 0;
  forcedError: { code: number; message: string } | undefined;
  closed = false;
  #pending: Buffer[] = [];
  #pendingBytes = 0;

  constructor(
    readonly id: number,
    readonly ws: WebSocket,
    readonly socket: Socket,
    readonly limits: SessionLimits,
    now: number,
  ) {
    this.subscribeBucket = new TokenBucket(limits.subscribe.burst, limits.subscribe.perSecond, now);
    this.requestBucket = new TokenBucket(limits.requests.burst, limits.requests.perSecond, now);
    this.instrumentsBucket = new TokenBucket(limits.instruments.burst, limits.instruments.perSecond, now);
  }

  push(frame: Buffer, droppable: boolean): boolean {
    if (this.closed || this.silent) return false;
    if (droppable && this.dropDeltas > 0) {
      this.dropDeltas--;
      this.stats.deltasDropped++;
      return false;
    }
    this.#pending.push(frame);
    this.#pendingBytes += frame.length;
    // A stalled session queues in memory; past the limit it is dropped like a slow consumer.
    if (this.#pendingBytes > this.limits.maxBufferedBytes) this.#overflow();
    return true;
  }

  /** Writes pending frames in one socket write; false when the session had to be dropped. */
  flush(now: number): boolean {
    if (this.closed || this.#pending.length === 0 || now < this.stalledUntil) return !this.closed;
    const data =
      this.#pending.length === 1 ? this.#pending[0]! : Buffer.concat(this.#pending, this.#pendingBytes);
    this.stats.framesSent += this.#pending.length;
    this.stats.bytesSent += data.length;
    this.#pending = [];
    this.#pendingBytes = 0;
    this.sentSinceBeat = true;
    if (this.socket.writableLength > this.limits.maxBufferedBytes) {
      this.#overflow();
      return false;
    }
    this.socket.write(data);
    return true;
  }

  /** Bytes accepted by the socket but not yet sent to the peer. */
  socketBacklog(): number {
    return this.socket.writableLength;
  }

  pendingFrames(): number {
    return this.#pending.length;
  }

  /** Set by the server to count and log slow-consumer drops. */
  onOverflow: () => void = () => {};

  #overflow(): void {
    if (this.closed) return;
    this.onOverflow();
    this.terminate();
  }

  /** Drops the TCP connection without a close frame (what a crashed venue or a kicked client sees). */
  terminate(): void {
    if (this.closed) return;
    this.closed = true;
    this.#pending = [];
    this.ws.terminate();
  }

  /** Sends pending frames, then a close frame. */
  close(code = 1000, reason = ''): void {
    if (this.closed) return;
    this.flush(Number.POSITIVE_INFINITY);
    this.closed = true;
    this.ws.close(code, reason);
  }
}

import {
  create,
  type ServerMessage,
  ServerMessageSchema,
  type Smile,
  type Surface,
} from '@volstream/contracts';
import type { Logger } from '@volstream/logging';
import type { WebSocket } from 'ws';
import type { AccessControl, Principal } from '../auth.ts';
import { CLOSE_CODES, GatewayError } from '../errors.ts';
import type { GatewayMetrics } from '../metrics.ts';
import type { StateChange, StateStore } from '../state-store.ts';
import { decodeClient, encodeServer, encodeUpdate, type WireFormat } from './codec.ts';
import { type Filter, matchSmile, toFilter, viewChange, viewSurface } from './filter.ts';

export interface StreamLimits {
  /** Largest accepted client message, bytes. */
  maxMessageBytes: number;
  maxSubscriptions: number;
  /** Above this many buffered bytes a client gets conflated updates (latest per key only). */
  conflateAboveBytes: number;
  /** A client with more buffered than this is disconnected (SLOW_CONSUMER). */
  maxBufferedBytes: number;
  /** A client congested (above conflateAboveBytes) for longer than this is disconnected. */
  maxBehindMs: number;
  /** Malformed messages tolerated before the connection is closed (BAD_CLIENT). */
  maxBadMessages: number;
}

type Payload = { smile: Smile } | { surface: Surface };

interface Subscription {
  readonly id: string;
  readonly filter: Filter;
  sequence: bigint;
}

const SUBSCRIPTION_ID = /^[A-Za-z0-9_.:-]{1,64}$/;

/**
 * One websocket client: its subscriptions, their sequence numbers and its backpressure. Updates are
 * sent at once while the socket's buffer is small; above `conflateAboveBytes` they wait in a map
 * keyed by (subscription, state key) where a newer update replaces an older one, and are flushed
 * when the buffer drains. Sequences are assigned when a frame is actually sent, so they stay
 * contiguous through conflation. Nothing here ever waits on the client: the store's fan-out only
 * does map writes for a congested client.
 */
export class StreamSession {
  private readonly subs = new Map<string, Subscription>();
  private readonly pending = new Map<string, { sub: Subscription; payload: Payload }>();
  private congestedSince = 0;
  private drainTimer: NodeJS.Timeout | undefined;
  private badMessages = 0;
  private closed = false;
  private readonly unlisten: () => void;

  constructor(
    private readonly ws: WebSocket,
    private readonly format: WireFormat,
    private readonly principal: Principal,
    private readonly store: StateStore,
    private readonly access: AccessControl,
    private readonly metrics: GatewayMetrics,
    private readonly limits: StreamLimits,
    private readonly log: Logger,
    private readonly onDispose: () => void = () => {},
  ) {
    // A failure while serving one client closes that client; it never reaches the feed (which
    // would retry the batch) or the other clients.
    this.unlisten = store.onChange((change) => {
      try {
        this.onChange(change);
      } catch (error) {
        this.log.error({ err: error }, 'stream update failed; closing the connection');
        this.close(1011, 'internal error');
      }
    });
    ws.on('message', (data, isBinary) => this.onMessage(data as Buffer, isBinary));
    ws.on('close', () => this.dispose());
    ws.on('error', (error) => this.log.debug({ err: error }, 'websocket error'));
  }

  get subscriptionCount(): number {
    return this.subs.size;
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    try {
      if (data.length > this.limits.maxMessageBytes) {
        throw new GatewayError('STREAM_MESSAGE_TOO_LARGE', {
          limit: this.limits.maxMessageBytes,
          size: data.length,
        });
      }
      this.access.charge(this.principal);
      const message = decodeClient(
        isBinary ? new Uint8Array(data.buffer, data.byteOffset, data.length) : data.toString('utf8'),
      );
      const kind = message.kind;
      if (kind.case === 'subscribe') this.subscribe(kind.value.subscriptionId, kind.value.filter);
      else if (kind.case === 'unsubscribe') this.unsubscribe(kind.value.subscriptionId);
      else if (kind.case === 'resync') this.resync(kind.value.subscriptionId);
      else throw new GatewayError('STREAM_BAD_MESSAGE', { detail: 'a ClientMessage with no kind set' });
    } catch (error) {
      this.reject(error);
    }
  }

  private reject(error: unknown): void {
    const gw = error instanceof GatewayError ? error : new GatewayError('INTERNAL');
    if (gw.code === 'RATE_LIMITED') this.metrics.counters.rateLimited += 1;
    else this.metrics.counters.wsBadMessages += 1;
    if (gw.code === 'INTERNAL') this.log.error({ err: error }, 'stream message failed');
    else if (this.badMessages === 0)
      this.log.warn({ code: gw.code, detail: gw.message }, 'client message rejected');
    this.badMessages += 1;
    const subscriptionId = (error as { subscriptionId?: string }).subscriptionId ?? '';
    this.sendServer(
      create(ServerMessageSchema, {
        kind: { case: 'error', value: { code: gw.code, message: gw.message, subscriptionId } },
      }),
    );
    if (this.badMessages > this.limits.maxBadMessages)
      this.close(CLOSE_CODES.BAD_CLIENT, 'too many rejected messages');
  }

  private subscribe(id: string, rawFilter: Parameters<typeof toFilter>[0]): void {
    checkId(id);
    if (this.subs.has(id)) throw withId(new GatewayError('STREAM_DUPLICATE_SUBSCRIPTION', { id }), id);
    if (this.subs.size >= this.limits.maxSubscriptions) {
      throw withId(
        new GatewayError('STREAM_SUBSCRIPTION_LIMIT', { limit: this.limits.maxSubscriptions }),
        id,
      );
    }
    let filter: Filter;
    try {
      filter = toFilter(rawFilter);
      this.access.acquireSubscription(this.principal);
    } catch (error) {
      throw withId(error, id);
    }
    const sub: Subscription = { id, filter, sequence: 0n };
    this.subs.set(id, sub);
    this.sendSnapshot(sub);
  }

  private unsubscribe(id: string): void {
    if (!this.subs.delete(id)) throw withId(new GatewayError('STREAM_UNKNOWN_SUBSCRIPTION', { id }), id);
    this.access.releaseSubscription(this.principal);
    for (const [key, entry] of this.pending) if (entry.sub.id === id) this.pending.delete(key);
    this.sendServer(
      create(ServerMessageSchema, { kind: { case: 'unsubscribed', value: { subscriptionId: id } } }),
    );
  }

  private resync(id: string): void {
    const sub = this.subs.get(id);
    if (sub === undefined) throw withId(new GatewayError('STREAM_UNKNOWN_SUBSCRIPTION', { id }), id);
    // Queued updates are older than the snapshot about to be sent.
    for (const [key, entry] of this.pending) if (entry.sub === sub) this.pending.delete(key);
    this.sendSnapshot(sub);
  }

  private sendSnapshot(sub: Subscription): void {
    const surfaces: Surface[] = [];
    for (const s of this.store.allSurfaces()) {
      const view = viewSurface(sub.filter, s);
      if (view !== undefined) surfaces.push(view);
    }
    const smiles = this.store.allSmiles().filter((s) => matchSmile(sub.filter, s));
    sub.sequence += 1n;
    this.sendServer(
      create(ServerMessageSchema, {
        kind: {
          case: 'snapshot',
          value: { subscriptionId: sub.id, sequence: sub.sequence, surfaces, smiles },
        },
      }),
    );
  }

  private onChange(change: StateChange): void {
    if (this.closed || this.subs.size === 0) return;
    for (const sub of this.subs.values()) {
      const payload = viewChange(sub.filter, change);
      if (payload === undefined) continue;
      if (this.pending.size > 0 || this.congested()) {
        const key = `${sub.id}\u0000${change.key}`;
        if (this.pending.has(key)) this.metrics.counters.wsConflated += 1;
        this.pending.set(key, { sub, payload });
        this.scheduleDrain();
      } else {
        this.sendUpdate(sub, payload);
      }
    }
    this.checkBehind();
  }

  /** True while the socket holds more than the conflation threshold; tracks since when. */
  private congested(): boolean {
    const over = this.ws.bufferedAmount > this.limits.conflateAboveBytes;
    if (over && this.congestedSince === 0) this.congestedSince = Date.now();
    if (!over) this.congestedSince = 0;
    return over;
  }

  private checkBehind(): void {
    if (this.closed) return;
    const buffered = this.ws.bufferedAmount;
    const behindMs = this.congestedSince === 0 ? 0 : Date.now() - this.congestedSince;
    if (buffered > this.limits.maxBufferedBytes || behindMs > this.limits.maxBehindMs) {
      this.metrics.counters.wsSlowDisconnects += 1;
      this.log.warn({ buffered, behindMs }, 'slow client disconnected');
      this.close(CLOSE_CODES.SLOW_CONSUMER, 'slow consumer: too far behind');
    }
  }

  private scheduleDrain(): void {
    if (this.drainTimer !== undefined || this.closed) return;
    this.drainTimer = setTimeout(() => {
      this.drainTimer = undefined;
      this.drain();
    }, 25);
  }

  private drain(): void {
    if (this.closed) return;
    while (this.pending.size > 0 && !this.congested()) {
      const [key, entry] = this.pending.entries().next().value as [
        string,
        { sub: Subscription; payload: Payload },
      ];
      this.pending.delete(key);
      if (this.subs.get(entry.sub.id) === entry.sub) this.sendUpdate(entry.sub, entry.payload);
    }
    this.checkBehind();
    if (this.pending.size > 0) this.scheduleDrain();
  }

  private sendUpdate(sub: Subscription, payload: Payload): void {
    sub.sequence += 1n;
    this.sendFrame(encodeUpdate(this.format, sub.id, sub.sequence, payload));
  }

  private sendServer(message: ServerMessage): void {
    this.sendFrame(encodeServer(this.format, message));
  }

  private sendFrame(frame: Uint8Array | string): void {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return;
    this.ws.send(frame, { binary: typeof frame !== 'string' });
    this.metrics.counters.wsFramesSent += 1;
    this.metrics.counters.wsBytesSent += typeof frame === 'string' ? Buffer.byteLength(frame) : frame.length;
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.ws.close(code, reason);
    this.dispose();
    // A client that does not read will not complete the closing handshake either.
    setTimeout(() => this.ws.terminate(), 1000).unref();
  }

  private dispose(): void {
    if (this.closed) return;
    this.closed = true;
    this.unlisten();
    if (this.drainTimer !== undefined) clearTimeout(this.drainTimer);
    this.pending.clear();
    for (const _ of this.subs.values()) this.access.releaseSubscription(this.principal);
    this.subs.clear();
    this.onDispose();
  }
}

function checkId(id: string): void {
  if (!SUBSCRIPTION_ID.test(id)) {
    throw new GatewayError('STREAM_BAD_MESSAGE', {
      detail: 'a subscriptionId that is not 1-64 of [A-Za-z0-9_.:-]',
    });
  }
}

function withId(error: unknown, id: string): unknown {
  if (error instanceof GatewayError) Object.assign(error, { subscriptionId: id });
  return error;
}

import { fromBinary, type MessageInitShape, toBinary } from '@bufbuild/protobuf';
import {
  ClientMessageSchema,
  create,
  ServerMessageSchema,
  type Snapshot,
  type StreamError,
  type StreamFilterSchema,
  type Update,
} from '@volstream/contracts';
import { OPEN, resolveWebSocket, type WebSocketConstructor, type WebSocketLike } from './websocket.ts';

export type StreamFilterInit = MessageInitShape<typeof StreamFilterSchema>;

export interface SubscriptionHandlers {
  /** The matching state, on subscribe, after a resync and after every reconnect. */
  onSnapshot?(snapshot: Snapshot): void;
  /** One changed smile or surface; sequences are checked before this is called. */
  onUpdate?(update: Update): void;
  /** The gateway rejected something about this subscription (stable `code`, docs/API.md). */
  onError?(error: StreamError): void;
}

export interface StreamClientOptions {
  /** ws://host:port (the /v1/stream path is added when missing). */
  url: string;
  /** Sent as ?api_key= (browsers cannot set websocket headers). */
  apiKey?: string;
  /** Default: globalThis.WebSocket, else the `ws` package (Node 20 has no global WebSocket). */
  WebSocket?: WebSocketConstructor;
  /** First reconnect delay; doubles per failed attempt up to maxReconnectDelayMs (jittered ±20 %). */
  minReconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
  onOpen?(): void;
  onClose?(code: number, reason: string): void;
  /** Connection-level errors (StreamError without a subscription). */
  onError?(error: StreamError): void;
}

export interface StreamStats {
  connects: number;
  reconnects: number;
  snapshots: number;
  updates: number;
  /** Sequence gaps detected (each answered with a Resync). */
  gaps: number;
}

interface Sub {
  readonly id: string;
  readonly filter: StreamFilterInit;
  readonly handlers: SubscriptionHandlers;
  /** Sequence of the last frame applied; undefined while waiting for a snapshot. */
  last: bigint | undefined;
}

export interface ClientSubscription {
  readonly id: string;
  unsubscribe(): void;
}

/**
 * Protobuf stream client: reconnects with exponential backoff, resubscribes everything after a
 * reconnect, and on a sequence gap drops updates and sends a Resync until the fresh snapshot
 * arrives, so handlers only ever see a snapshot followed by contiguous updates.
 */
export class StreamClient {
  readonly stats: StreamStats = { connects: 0, reconnects: 0, snapshots: 0, updates: 0, gaps: 0 };
  private readonly subs = new Map<string, Sub>();
  private ws: WebSocketLike | undefined;
  private ctor: WebSocketConstructor | undefined;
  private attempt = 0;
  private closed = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private nextId = 1;

  constructor(private readonly options: StreamClientOptions) {}

  /** Opens the connection; resolves on the first open (later drops reconnect by themselves). */
  async connect(): Promise<void> {
    this.ctor = await resolveWebSocket(this.options.WebSocket);
    await new Promise<void>((resolve, reject) => {
      this.open(resolve, reject);
    });
  }

  subscribe(
    filter: StreamFilterInit,
    handlers: SubscriptionHandlers,
    id = `sub-${this.nextId++}`,
  ): ClientSubscription {
    if (this.subs.has(id)) throw new Error(`Expected a new subscription id, was '${id}' (already used)`);
    const sub: Sub = { id, filter, handlers, last: undefined };
    this.subs.set(id, sub);
    this.sendSubscribe(sub);
    return {
      id,
      unsubscribe: () => {
        if (!this.subs.delete(id)) return;
        this.send(
          create(ClientMessageSchema, { kind: { case: 'unsubscribe', value: { subscriptionId: id } } }),
        );
      },
    };
  }

  /** Asks for a fresh snapshot of one subscription (the client does this itself on a gap). */
  resync(id: string): void {
    const sub = this.subs.get(id);
    if (sub === undefined) return;
    sub.last = undefined;
    this.send(create(ClientMessageSchema, { kind: { case: 'resync', value: { subscriptionId: id } } }));
  }

  get connected(): boolean {
    return this.ws?.readyState === OPEN;
  }

  close(): void {
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.ws?.close(1000, 'client closed');
  }

  private url(): string {
    const url = new URL(this.options.url);
    if (url.pathname === '/' || url.pathname === '') url.pathname = '/v1/stream';
    if (this.options.apiKey !== undefined) url.searchParams.set('api_key', this.options.apiKey);
    return url.toString();
  }

  private open(onFirstOpen?: () => void, onFirstFail?: (error: Error) => void): void {
    const Ctor = this.ctor;
    if (Ctor === undefined || this.closed) return;
    const ws = new Ctor(this.url());
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    let opened = false;
    ws.onopen = () => {
      opened = true;
      this.stats.connects += 1;
      if (this.stats.connects > 1) this.stats.reconnects += 1;
      this.attempt = 0;
      for (const sub of this.subs.values()) {
        sub.last = undefined;
        this.sendSubscribe(sub);
      }
      this.options.onOpen?.();
      onFirstOpen?.();
    };
    ws.onmessage = (event) => this.onFrame(event.data);
    ws.onerror = () => {};
    ws.onclose = (event) => {
      if (this.ws === ws) this.ws = undefined;
      this.options.onClose?.(event.code, event.reason);
      if (!opened && onFirstFail !== undefined && this.stats.connects === 0) {
        onFirstFail(new Error(`Expected the gateway websocket to open, was closed (${event.code})`));
        return;
      }
      this.scheduleReconnect();
    };
  }

  private scheduleReconnect(): void {
    if (this.closed) return;
    const min = this.options.minReconnectDelayMs ?? 250;
    const max = this.options.maxReconnectDelayMs ?? 10_000;
    const base = Math.min(max, min * 2 ** this.attempt);
    this.attempt += 1;
    const delay = base * (0.8 + 0.4 * Math.random());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.open();
    }, delay);
  }

  private onFrame(data: unknown): void {
    if (typeof data === 'string') return; // the SDK speaks protobuf only
    const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : (data as Uint8Array);
    const message = fromBinary(ServerMessageSchema, bytes);
    const kind = message.kind;
    if (kind.case === 'snapshot') {
      const sub = this.subs.get(kind.value.subscriptionId);
      if (sub === undefined) return;
      sub.last = kind.value.sequence;
      this.stats.snapshots += 1;
      sub.handlers.onSnapshot?.(kind.value);
    } else if (kind.case === 'update') {
      const sub = this.subs.get(kind.value.subscriptionId);
      if (sub === undefined || sub.last === undefined) return; // unknown, or waiting for a snapshot
      if (kind.value.sequence !== sub.last + 1n) {
        this.stats.gaps += 1;
        this.resync(sub.id);
        return;
      }
      sub.last = kind.value.sequence;
      this.stats.updates += 1;
      sub.handlers.onUpdate?.(kind.value);
    } else if (kind.case === 'error') {
      const sub = this.subs.get(kind.value.subscriptionId);
      if (sub !== undefined) sub.handlers.onError?.(kind.value);
      else this.options.onError?.(kind.value);
    }
  }

  private sendSubscribe(sub: Sub): void {
    this.send(
      create(ClientMessageSchema, {
        kind: { case: 'subscribe', value: { subscriptionId: sub.id, filter: sub.filter } },
      }),
    );
  }

  private send(message: ReturnType<typeof create<typeof ClientMessageSchema>>): void {
    if (this.ws?.readyState === OPEN) this.ws.send(toBinary(ClientMessageSchema, message));
  }
}

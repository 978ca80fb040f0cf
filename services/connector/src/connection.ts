import type { Logger } from '@volstream/logging';
import WebSocket from 'ws';
import { Backoff } from './backoff.ts';
import type { ReceiveClock } from './clock.ts';

/**
 * One websocket to a venue that keeps itself alive: it reconnects with exponential backoff and
 * full jitter after any close or error, and declares the socket dead when nothing at all arrived
 * for `silenceMs` (a half-open TCP connection never emits `close` by itself). It knows nothing
 * about the venue protocol: the owner gets `onOpen` (re-handshake and resubscribe there) and every
 * frame with its receive time, taken before anything else happens to the frame.
 */
export interface ConnectionOptions {
  url: string;
  /** Shard label for logs and metrics, e.g. `deribit-2`. */
  name: string;
  silenceMs: number;
  connectTimeoutMs: number;
  backoffBaseMs: number;
  backoffCapMs: number;
  /** A connection that stayed open this long is healthy: the backoff starts over. */
  stableMs: number;
  clock: ReceiveClock;
  logger: Logger;
  random?: () => number;
}

export interface ConnectionHandlers {
  onOpen(): void;
  onFrame(text: string, receiveNs: bigint, bytes: number): void;
  onClose(reason: string): void;
}

export class ManagedConnection {
  #ws: WebSocket | undefined;
  #stopped = true;
  #openedAt = 0;
  #sawFrame = false;
  #lastFrameAt = 0;
  #silenceTimer: NodeJS.Timeout | undefined;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #connectTimer: NodeJS.Timeout | undefined;
  readonly #backoff: Backoff;
  #connects = 0;

  constructor(
    private readonly options: ConnectionOptions,
    private readonly handlers: ConnectionHandlers,
  ) {
    this.#backoff = new Backoff({
      baseMs: options.backoffBaseMs,
      capMs: options.backoffCapMs,
      ...(options.random === undefined ? {} : { random: options.random }),
    });
  }

  get isOpen(): boolean {
    return this.#ws?.readyState === WebSocket.OPEN;
  }

  /** Successful opens so far (the first one is not a reconnect). */
  get connects(): number {
    return this.#connects;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#connect();
  }

  /** Sends a text frame; false (and nothing sent) when the socket is not open. */
  send(text: string): boolean {
    const ws = this.#ws;
    if (ws === undefined || ws.readyState !== WebSocket.OPEN) return false;
    ws.send(text);
    return true;
  }

  /** Kills the socket now (dead-peer detection, protocol violation); a reconnect follows. */
  drop(reason: string): void {
    const ws = this.#ws;
    if (ws === undefined) return;
    this.options.logger.warn({ connection: this.options.name, reason }, 'Dropping connection');
    ws.terminate();
  }

  /** Closes the socket with a normal close and stops reconnecting. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#clearTimers();
    const ws = this.#ws;
    if (ws === undefined || ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => {
        ws.terminate();
        resolve();
      }, 1000);
      ws.once('close', () => {
        clearTimeout(force);
        resolve();
      });
      if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
      else ws.close(1000, 'shutdown');
    });
  }

  #connect(): void {
    if (this.#stopped) return;
    const ws = new WebSocket(this.options.url, {
      perMessageDeflate: false,
      handshakeTimeout: this.options.connectTimeoutMs,
    });
    this.#ws = ws;
    this.#connectTimer = setTimeout(() => ws.terminate(), this.options.connectTimeoutMs);
    ws.on('open', () => {
      clearTimeout(this.#connectTimer);
      this.#connects += 1;
      this.#openedAt = Date.now();
      this.#lastFrameAt = this.#openedAt;
      this.#sawFrame = false;
      this.#armSilenceCheck();
      this.handlers.onOpen();
    });
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      // Receive time first, before decoding: it must describe the arrival, not our processing.
      const receiveNs = this.options.clock();
      this.#sawFrame = true;
      const text = isBinary ? data.toString('utf8') : data.toString();
      this.handlers.onFrame(text, receiveNs, data.length);
    });
    ws.on('error', (error) => {
      this.options.logger.warn({ connection: this.options.name, err: error.message }, 'Websocket error');
    });
    ws.on('close', (code, reasonBuffer) => {
      this.#clearTimers();
      if (this.#ws === ws) this.#ws = undefined;
      const reason = `close ${code} ${reasonBuffer.toString()}`.trim();
      this.handlers.onClose(reason);
      this.#scheduleReconnect(reason);
    });
  }

  #scheduleReconnect(reason: string): void {
    if (this.#stopped) return;
    if (this.#openedAt > 0 && Date.now() - this.#openedAt >= this.options.stableMs) this.#backoff.reset();
    this.#openedAt = 0;
    const delay = this.#backoff.next();
    this.options.logger.info({ connection: this.options.name, reason, delayMs: delay }, 'Reconnecting');
    this.#reconnectTimer = setTimeout(() => this.#connect(), delay);
  }

  /**
   * Checks every quarter of the silence window rather than re-arming a timer per frame: a flag
   * set per frame costs nothing at 10k frames/s, a `setTimeout` per frame would.
   * Time this process did not run (the check fired late: CPU starvation, a long GC pause) is not
   * the venue's silence: frames that arrived meanwhile wait unread in the socket, and timers run
   * before I/O when the loop resumes. So the window moves by the check's lateness; a dead socket is
   * still dropped after `silenceMs` of time the process ran.
   */
  #armSilenceCheck(): void {
    const every = Math.max(10, Math.floor(this.options.silenceMs / 4));
    let lastCheckAt = Date.now();
    this.#silenceTimer = setInterval(() => {
      const now = Date.now();
      this.#lastFrameAt += Math.max(0, now - lastCheckAt - every);
      lastCheckAt = now;
      if (this.#sawFrame) {
        this.#sawFrame = false;
        this.#lastFrameAt = now;
        return;
      }
      if (now - this.#lastFrameAt > this.options.silenceMs) {
        this.drop(`silent for ${now - this.#lastFrameAt} ms (limit ${this.options.silenceMs} ms)`);
      }
    }, every);
  }

  #clearTimers(): void {
    clearInterval(this.#silenceTimer);
    clearTimeout(this.#reconnectTimer);
    clearTimeout(this.#connectTimer);
    this.#silenceTimer = undefined;
    this.#reconnectTimer = undefined;
    this.#connectTimer = undefined;
  }
}

/**
 * The Deribit simulator's network face: one HTTP server on loopback carrying the websocket API
 * (`/ws/api/v2`, like wss://www.deribit.com/ws/api/v2), REST `GET /api/v2/public/get_instruments`,
 * and the control surface (`GET /truth`, `GET /stats`, `POST /faults`). One timer drives
 * everything: each tick advances the backend (market or replay), checks heartbeats, fires
 * scheduled faults and flushes every session with one socket write.
 * https://docs.deribit.com/#connection-management
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createLogger, type Logger, LogOnce } from '@volstream/logging';
import { WebSocketServer } from 'ws';
import { LoopStall } from '../loop-stall.ts';
import { textFrame } from '../ws-frame.ts';
import { Fanout } from './channels.ts';
import { applyFault } from './fault-apply.ts';
import { checkFault, type Fault, type ScheduledFault } from './faults.ts';
import { errorReply, heartbeatMessage, nowMicros, resultReply } from './protocol.ts';
import { type Backend, handleFrame, type RpcContext } from './rpc.ts';
import { Session, type SessionLimits } from './session.ts';
import type { SimFeed } from './sim-feed.ts';

export interface TickingBackend extends Backend {
  tick(simNow: number, wallMs: number): void;
}

export interface ServerOptions {
  host: string;
  port: number;
  tickMs: number;
  /** Simulated ms per wall ms. */
  timeScale: number;
  startTime: number;
  minHeartbeatMs: number;
  maxChannelsPerRequest: number;
  limits: SessionLimits;
  /** The feed pauses while a socket holds more unsent bytes than this. */
  highWaterBytes: number;
  faults: ScheduledFault[];
  logger?: Logger;
}

export interface ServerCounters {
  badRequests: number;
  rateLimited: number;
  heartbeatDrops: number;
  /** Connections dropped because their unsent bytes exceeded `maxBufferedBytes`. */
  slowConsumerDrops: number;
  connections: number;
  faultsApplied: number;
}

export class SimServer {
  readonly sessions = new Map<number, Session>();
  readonly fanout = new Fanout<Session>();
  readonly counters: ServerCounters = {
    badRequests: 0,
    rateLimited: 0,
    heartbeatDrops: 0,
    slowConsumerDrops: 0,
    connections: 0,
    faultsApplied: 0,
  };
  readonly #http: Server;
  readonly #wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  readonly #log: Logger;
  readonly #once: LogOnce;
  #backend!: TickingBackend;
  #feed: SimFeed | undefined;
  #ctx!: RpcContext;
  #timer: NodeJS.Timeout | undefined;
  #stall: LoopStall | undefined;
  #nextId = 1;
  #wallStart = Date.now();
  #schedule: { fault: Fault; everyMs: number | undefined; nextAt: number }[] = [];
  truthProvider: () => unknown = () => ({});
  statsProvider: () => unknown = () => ({});

  constructor(readonly options: ServerOptions) {
    this.#log = options.logger ?? createLogger({ service: 'exchange-sim', venue: 'deribit' });
    this.#once = new LogOnce(this.#log);
    this.#http = createServer((req, res) => {
      try {
        this.#onHttp(req, res);
      } catch (error) {
        this.#once.warn(`http-error-${req.url ?? ''}`, { err: error, url: req.url }, 'HTTP handler failed');
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: error instanceof Error ? error.message : String(error) }));
      }
    });
    this.#http.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) =>
      this.#onUpgrade(req, socket, head),
    );
  }

  setBackend(backend: TickingBackend, feed: SimFeed | undefined): void {
    this.#backend = backend;
    this.#feed = feed;
    if (feed !== undefined) feed.congested = () => this.#congested();
    this.#ctx = {
      fanout: this.fanout,
      backend,
      minHeartbeatMs: this.options.minHeartbeatMs,
      maxChannelsPerRequest: this.options.maxChannelsPerRequest,
      counters: this.counters,
      onBadRequest: (kind, context) =>
        this.#once.warn(`bad-request-${kind}`, context, 'client request rejected'),
    };
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.#http.once('error', reject);
      this.#http.listen(this.options.port, this.options.host, () => resolve());
    });
    this.#wallStart = Date.now();
    this.#schedule = this.options.faults.map((f) => ({
      fault: f.fault,
      everyMs: f.everyMs,
      nextAt: this.#wallStart + (f.everyMs ?? 0),
    }));
    this.#timer = setInterval(() => this.tick(), this.options.tickMs);
    return (this.#http.address() as AddressInfo).port;
  }

  simNow(wallMs: number): number {
    return this.options.startTime + (wallMs - this.#wallStart) * this.options.timeScale;
  }

  tick(): void {
    const wall = Date.now();
    try {
      this.#backend.tick(this.simNow(wall), wall);
      this.#heartbeats(wall);
      this.#scheduled(wall);
    } catch (error) {
      this.#once.warn('tick-failed', { err: error }, 'simulator tick failed; continuing');
    }
    for (const s of this.sessions.values()) s.flush(wall);
  }

  #congested(): boolean {
    for (const s of this.sessions.values()) {
      if (!s.closed && s.socketBacklog() > this.options.highWaterBytes) return true;
    }
    return false;
  }

  inject(fault: Fault): string {
    const problem = checkFault(fault);
    if (problem !== undefined) throw new Error(problem);
    this.counters.faultsApplied++;
    const result = applyFault(fault, { sessions: this.sessions, feed: this.#feed, wallMs: Date.now() });
    for (const s of this.sessions.values()) s.flush(Date.now());
    return result;
  }

  #scheduled(wall: number): void {
    for (const item of this.#schedule) {
      if (wall < item.nextAt) continue;
      item.nextAt = item.everyMs === undefined ? Number.POSITIVE_INFINITY : wall + item.everyMs;
      try {
        this.inject(item.fault);
      } catch (error) {
        this.#once.warn(`fault-${item.fault.type}`, { err: error }, 'scheduled fault failed');
      }
    }
  }

  /**
   * Deribit's heartbeat: a `test_request` every interval, which must be answered with `public/test`
   * before the next one or the connection is closed, and a plain `heartbeat` half-way between.
   */
  #heartbeats(wall: number): void {
    // Time this process did not run is not a client's silence (loop-stall.ts): deadlines move by it.
    this.#stall ??= new LoopStall(this.options.tickMs);
    const late = this.#stall.late(wall);
    for (const s of this.sessions.values()) {
      if (s.closed || s.heartbeatMs === undefined || s.silent) continue;
      s.nextHeartbeatAt += late;
      s.nextBeatAt += late;
      if (wall >= s.nextBeatAt) {
        s.push(textFrame(heartbeatMessage('heartbeat')), false);
        s.nextBeatAt = wall + s.heartbeatMs;
      }
      if (wall < s.nextHeartbeatAt) continue;
      if (s.awaitingTest) {
        // No public/test since the last test_request: Deribit closes the connection.
        this.counters.heartbeatDrops++;
        s.close(1000, 'heartbeat timeout');
        continue;
      }
      s.push(textFrame(heartbeatMessage('test_request')), false);
      s.awaitingTest = true;
      s.nextHeartbeatAt = wall + s.heartbeatMs;
    }
  }

  #onUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/ws/api/v2' && path !== '/ws/api/v2/') {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
      return;
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      socket.setNoDelay(true);
      const session = new Session(this.#nextId++, ws, socket, this.options.limits, Date.now());
      session.onOverflow = () => {
        this.counters.slowConsumerDrops++;
        this.#once.warn(
          'slow-consumer',
          { session: session.id },
          'dropped a connection that did not keep up',
        );
      };
      this.sessions.set(session.id, session);
      this.counters.connections++;
      ws.on('message', (data, isBinary) => {
        const wall = Date.now();
        const text = isBinary ? '' : data.toString();
        const usIn = nowMicros();
        try {
          handleFrame(this.#ctx, session, text, usIn, wall);
        } catch (error) {
          // A simulator bug must not take the process down: answer like Deribit's internal error.
          this.#once.warn(
            'rpc-internal-error',
            { err: error, frame: text.slice(0, 200) },
            'request handler failed',
          );
          session.push(textFrame(errorReply(null, { code: -32603, message: 'Internal error' }, usIn)), false);
        }
        session.flush(wall);
      });
      ws.on('error', (error) =>
        this.#once.warn('ws-error', { err: error, session: session.id }, 'websocket error'),
      );
      ws.on('close', () => {
        session.closed = true;
        for (const c of session.subs) this.fanout.remove(c, session);
        session.subs.clear();
        this.sessions.delete(session.id);
      });
    });
  }

  #onHttp(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const json = (status: number, body: string): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(body);
    };
    if (req.method === 'GET' && url.pathname === '/truth') {
      json(200, JSON.stringify(this.truthProvider()));
    } else if (req.method === 'GET' && url.pathname === '/stats') {
      json(200, JSON.stringify(this.statsProvider()));
    } else if (req.method === 'GET' && url.pathname === '/api/v2/public/get_instruments') {
      const params: Record<string, unknown> = Object.fromEntries(url.searchParams);
      if (params.expired !== undefined) params.expired = params.expired === 'true';
      const rows = this.#backend.getInstruments(params);
      if (Array.isArray(rows)) json(200, resultReply(null, rows, nowMicros()).replace('"id":null,', ''));
      else json(400, JSON.stringify({ jsonrpc: '2.0', error: rows, testnet: false }));
    } else if (req.method === 'POST' && url.pathname === '/faults') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        try {
          const body: unknown = JSON.parse(Buffer.concat(chunks).toString() || '{}');
          const faults = Array.isArray(body) ? body : [body];
          const applied = faults.map((f) => this.inject(f as Fault));
          json(200, JSON.stringify({ ok: true, applied }));
        } catch (error) {
          json(
            400,
            JSON.stringify({ ok: false, error: error instanceof Error ? error.message : String(error) }),
          );
        }
      });
    } else {
      json(404, JSON.stringify({ error: 'not found' }));
    }
  }

  async close(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    for (const s of this.sessions.values()) s.terminate();
    this.#wss.close();
    await new Promise<void>((resolve) => {
      this.#http.close(() => resolve());
      this.#http.closeAllConnections();
    });
  }
}

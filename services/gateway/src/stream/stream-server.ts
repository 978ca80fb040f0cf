import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '@volstream/logging';
import { WebSocketServer } from 'ws';
import { type AccessControl, apiKeyOf } from '../auth.ts';
import { CLOSE_CODES, GatewayError } from '../errors.ts';
import type { GatewayMetrics } from '../metrics.ts';
import type { StateStore } from '../state-store.ts';
import type { WireFormat } from './codec.ts';
import { type StreamLimits, StreamSession } from './session.ts';

export const STREAM_PATH = '/v1/stream';

/**
 * The websocket endpoint, attached to the HTTP server's `upgrade` event (no fastify plugin): the
 * API key is checked before the handshake completes, so an unauthenticated client gets a plain
 * HTTP 401 with the error body and never a socket.
 */
export class StreamServer {
  private readonly wss: WebSocketServer;
  private readonly sessions = new Set<StreamSession>();

  constructor(
    private readonly store: StateStore,
    private readonly access: AccessControl,
    private readonly metrics: GatewayMetrics,
    private readonly limits: StreamLimits,
    private readonly logger: Logger,
  ) {
    // ws's own cap is a backstop against huge frames (it closes with 1009); our lower
    // maxMessageBytes answers with a StreamError first.
    this.wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxMessageBytes * 4 });
    metrics.gauge('volstream_gateway_ws_clients', () => this.sessions.size);
  }

  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.onUpgrade(req, socket, head),
    );
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://gateway');
    if (url.pathname !== STREAM_PATH) {
      refuse(socket, new GatewayError('NOT_FOUND', { what: 'websocket endpoint', key: url.pathname }));
      return;
    }
    const format: WireFormat = url.searchParams.get('format') === 'json' ? 'json' : 'protobuf';
    let principal: ReturnType<AccessControl['authenticate']>;
    try {
      principal = this.access.authenticate(
        apiKeyOf(req.headers, req.url ?? '/'),
        req.socket.remoteAddress ?? '?',
      );
      this.access.charge(principal);
    } catch (error) {
      const gw = error instanceof GatewayError ? error : new GatewayError('INTERNAL');
      if (gw.code === 'RATE_LIMITED') this.metrics.counters.rateLimited += 1;
      else this.metrics.counters.authFailures += 1;
      refuse(socket, gw);
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.metrics.counters.wsConnections += 1;
      const log = this.logger.child({
        conn: this.metrics.counters.wsConnections,
        principal: principal.id,
        format,
      });
      // The session leaves the set when it is disposed (client close, slow-consumer or bad-client
      // close), not when the closing handshake completes: a stalled client may never complete it.
      const session: StreamSession = new StreamSession(
        ws,
        format,
        principal,
        this.store,
        this.access,
        this.metrics,
        this.limits,
        log,
        () => this.sessions.delete(session),
      );
      this.sessions.add(session);
      log.debug('stream client connected');
    });
  }

  get clients(): number {
    return this.sessions.size;
  }

  /** Closes every client (1001 going away) and the websocket server. */
  close(): void {
    for (const session of this.sessions) session.close(CLOSE_CODES.SHUTDOWN, 'gateway shutting down');
    this.sessions.clear();
    this.wss.close();
  }
}

function refuse(socket: Duplex, error: GatewayError): void {
  const body = JSON.stringify(error.toBody());
  socket.end(
    `HTTP/1.1 ${error.status} ${error.code}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

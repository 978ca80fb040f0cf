import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@volstream/logging';
import type { WebSocket, WebSocketServer } from 'ws';

/**
 * Server scaffolding the OKX, Bybit and Binance simulators repeated: listen on loopback and learn
 * the port, a server loop whose failures are logged instead of crashing the process, and the
 * shutdown order (terminate clients, close the websocket server, then the HTTP server). The venue
 * protocol (paths, frames, REST routes, pings) stays in each venue's folder. The Deribit simulator
 * has its own server (deribit/server.ts).
 */

/** Listens on host:port (0 = ephemeral) and returns the port actually bound. */
export async function listen(http: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve) => http.listen(port, host, resolve));
  return (http.address() as AddressInfo).port;
}

/** Runs `tick` every `tickMs`; an exception is logged (`<venue> simulator tick failed`), never thrown. */
export function startTickLoop(
  tickMs: number,
  tick: () => void,
  logger: Logger | undefined,
  venue: string,
): NodeJS.Timeout {
  return setInterval(() => {
    try {
      tick();
    } catch (error) {
      logger?.error({ err: (error as Error).message }, `${venue} simulator tick failed`);
    }
  }, tickMs);
}

/**
 * Terminates every client, then closes the websocket and HTTP servers. With `closeRest`, REST
 * keep-alive sockets are closed too (otherwise `close` waits for the clients to drop them).
 */
export async function closeServers(
  clients: Iterable<{ readonly ws: WebSocket }>,
  wss: WebSocketServer,
  http: Server,
  closeRest = false,
): Promise<void> {
  for (const c of clients) c.ws.terminate();
  await new Promise<void>((resolve) => wss.close(() => resolve()));
  if (closeRest) http.closeAllConnections();
  await new Promise<void>((resolve) => http.close(() => resolve()));
}

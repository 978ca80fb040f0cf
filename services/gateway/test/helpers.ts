import { once } from 'node:events';
import type { MessageInitShape } from '@bufbuild/protobuf';
import {
  type ClientMessage,
  ClientMessageSchema,
  create,
  fromBinary,
  type ServerMessage,
  ServerMessageSchema,
  type StreamFilterSchema,
  type Surface,
  type SurfaceEvent,
  SurfaceEventSchema,
  sampleEvents,
  toBinary,
} from '@volstream/contracts';
import { createLogger } from '@volstream/logging';
import WebSocket from 'ws';
import { build, type Gateway, type GatewayDeps, type GatewayOptions } from '../src/index.ts';

export const logger = createLogger({ service: 'gateway-test', level: 'silent' });

/** The contracts' sample composite surface, re-labelled (currency, venue) with a given ATM vol. */
export function surfaceOf(
  currency: string,
  venue: string,
  atmVol = 0.77,
  asOfMs = 1_700_000_000_000n,
): Surface {
  const sample = sampleEvents().surface[1];
  if (sample?.payload.case !== 'surface') throw new Error('sample surface missing');
  const surface = sample.payload.value;
  surface.currency = currency;
  surface.venue = venue;
  surface.asOfMs = asOfMs;
  for (const smile of surface.smiles) {
    smile.currency = currency;
    smile.venue = venue;
    smile.atmVol = atmVol;
  }
  for (const e of surface.expiries) e.atmVol = atmVol;
  return surface;
}

export function surfaceEvent(surface: Surface): SurfaceEvent {
  const sample = sampleEvents().surface[1];
  return create(SurfaceEventSchema, {
    ...(sample?.header === undefined ? {} : { header: sample.header }),
    payload: { case: 'surface', value: surface },
  });
}

export function smileEvent(currency: string, venue: string, atmVol: number): SurfaceEvent {
  const sample = sampleEvents().surface[0];
  if (sample?.payload.case !== 'smile') throw new Error('sample smile missing');
  const smile = sample.payload.value;
  smile.currency = currency;
  smile.venue = venue;
  smile.atmVol = atmVol;
  return sample;
}

export async function startGateway(
  options: Partial<GatewayOptions> = {},
  extra: Partial<GatewayDeps> = {},
): Promise<{ gw: Gateway; port: number; url: string }> {
  const gw = build({ logger, options, ...extra });
  const port = await gw.listen(0, '127.0.0.1');
  return { gw, port, url: `ws://127.0.0.1:${port}/v1/stream` };
}

/** A real `ws` client that decodes every server frame and lets a test await the next match. */
export class TestClient {
  readonly messages: ServerMessage[] = [];
  private waiters: { match: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void }[] = [];
  closeCode: number | undefined;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary) => {
      const message = isBinary
        ? fromBinary(ServerMessageSchema, new Uint8Array(data))
        : (JSON.parse(data.toString()) as ServerMessage);
      this.messages.push(message);
      this.waiters = this.waiters.filter((w) => {
        if (!w.match(message)) return true;
        w.resolve(message);
        return false;
      });
    });
    ws.on('close', (code) => {
      this.closeCode = code;
    });
  }

  static async connect(url: string, headers: Record<string, string> = {}): Promise<TestClient> {
    const ws = new WebSocket(url, { headers });
    await once(ws, 'open');
    return new TestClient(ws);
  }

  send(message: ClientMessage | Record<string, unknown>): void {
    if ('$typeName' in message) this.ws.send(toBinary(ClientMessageSchema, message as ClientMessage));
    else this.ws.send(JSON.stringify(message));
  }

  subscribe(id: string, filter: MessageInitShape<typeof StreamFilterSchema> = {}): void {
    this.send(
      create(ClientMessageSchema, { kind: { case: 'subscribe', value: { subscriptionId: id, filter } } }),
    );
  }

  /**
   * Resolves with the first message (already received or future) matching `match`. The deadline is
   * generous (a loaded 2-core CI machine can hold a frame back for seconds); a message that never
   * comes still fails the test with this error long before the runner's timeout.
   */
  next(match: (m: ServerMessage) => boolean, timeoutMs = 30_000): Promise<ServerMessage> {
    const seen = this.messages.find(match);
    if (seen !== undefined) {
      this.messages.splice(this.messages.indexOf(seen), 1);
      return Promise.resolve(seen);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for a server message')), timeoutMs);
      this.waiters.push({
        match,
        resolve: (m) => {
          clearTimeout(timer);
          this.messages.splice(this.messages.indexOf(m), 1);
          resolve(m);
        },
      });
    });
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    const closed = once(this.ws, 'close');
    this.ws.close();
    await closed;
  }
}

/** Resolves once `check()` holds, polling every 10 ms; rejects with `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const isKind =
  (kind: ServerMessage['kind']['case'], subscriptionId?: string) =>
  (m: ServerMessage): boolean =>
    m.kind.case === kind &&
    (subscriptionId === undefined ||
      (m.kind.value as { subscriptionId: string }).subscriptionId === subscriptionId);

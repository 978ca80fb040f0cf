import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import { type Bus, createBus, type Producer } from '@volstream/bus';
import {
  ClientMessageSchema,
  create,
  fromBinary,
  ServerMessageSchema,
  type Snapshot,
  StreamKind,
  type SurfaceEvent,
  sampleEvents,
  TOPICS,
  toBinary,
  type Update,
} from '@volstream/contracts';
import { build, type Gateway } from '@volstream/gateway';
import { createLogger } from '@volstream/logging';
import { WebSocketServer } from 'ws';
import { GatewayApiError, RestClient, StreamClient } from '../src/index.ts';

const logger = createLogger({ service: 'client-test', level: 'silent' });

/** The contracts' sample composite surface event with a chosen currency and ATM vol. */
function surfaceEvent(currency: string, atmVol: number): SurfaceEvent {
  const event = sampleEvents().surface[1];
  if (event?.payload.case !== 'surface') throw new Error('sample surface missing');
  const surface = event.payload.value;
  surface.currency = currency;
  for (const smile of surface.smiles) {
    smile.currency = currency;
    smile.atmVol = atmVol;
  }
  return event;
}

/** Polls `check` until it holds; the deadline is generous because CI runs on a loaded 2-core machine. */
function until(check: () => boolean, timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = (): void => {
      if (check()) resolve();
      else if (Date.now() - started > timeoutMs) reject(new Error('condition not met in time'));
      else setTimeout(tick, 10);
    };
    tick();
  });
}

async function startGateway(bus: Bus, port = 0): Promise<{ gw: Gateway; port: number }> {
  const gw = build({ logger, bus });
  return { gw, port: await gw.listen(port, '127.0.0.1') };
}

/**
 * A gateway on the port a previous one released (the client reconnects to the same URL). Between
 * the close and this listen another process may briefly hold the port (an outgoing connection gets
 * any free local port), so EADDRINUSE is retried until a deadline instead of failing the test.
 */
async function restartGateway(bus: Bus, port: number, timeoutMs = 30_000): Promise<Gateway> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const gw = build({ logger, bus });
    try {
      await gw.listen(port, '127.0.0.1');
      return gw;
    } catch (error) {
      await gw.close();
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

describe('client SDK against the gateway fed by the in-process bus', () => {
  let bus: Bus;
  let producer: Producer;
  before(() => {
    bus = createBus({ transport: 'inprocess' }, { logger });
    producer = bus.producer();
  });
  after(() => bus.close());

  test('REST: typed surface and smiles, errors carry the stable code', async () => {
    const { gw, port } = await startGateway(bus);
    await producer.send(TOPICS.surface, [surfaceEvent('BTC', 0.66)]);
    const rest = new RestClient({ baseUrl: `http://127.0.0.1:${port}` });
    await until(() => gw.store.counts().surfaces === 1);
    const surface = await rest.surface('BTC');
    assert.equal(typeof surface.asOfMs, 'bigint');
    assert.equal(surface.smiles[0]?.atmVol, 0.66);
    const smiles = await rest.smiles('BTC', { quotes: false });
    assert.equal(smiles[0]?.quotes.length, 0);
    assert.equal((await rest.tenors('BTC'))[0]?.tenorDays, 30);
    assert.equal(await rest.ready(), true);
    await assert.rejects(
      rest.surface('DOGE'),
      (e: unknown) => e instanceof GatewayApiError && e.code === 'NOT_FOUND' && e.status === 404,
    );
    await gw.close();
  });

  test('stream: snapshot then updates; after a gateway restart the client reconnects, resubscribes and gets a new snapshot', async () => {
    const started = await startGateway(bus);
    let gw = started.gw;
    const port = started.port;
    const snapshots: Snapshot[] = [];
    const updates: Update[] = [];
    const client = new StreamClient({
      url: `ws://127.0.0.1:${port}`,
      minReconnectDelayMs: 50,
      maxReconnectDelayMs: 200,
    });
    await client.connect();
    client.subscribe(
      { currencies: ['ETH'], kinds: [StreamKind.SURFACE] },
      {
        onSnapshot: (s) => snapshots.push(s),
        onUpdate: (u) => updates.push(u),
      },
    );
    await until(() => snapshots.length === 1);
    await producer.send(TOPICS.surface, [
      surfaceEvent('ETH', 0.81),
      surfaceEvent('BTC', 0.6),
      surfaceEvent('ETH', 0.82),
    ]);
    await until(() => updates.length === 2);
    assert.deepEqual(
      updates.map((u) => (u.payload.case === 'surface' ? u.payload.value.smiles[0]?.atmVol : undefined)),
      [0.81, 0.82],
    );

    await gw.close();
    await until(() => !client.connected);
    gw = await restartGateway(bus, port);
    await until(() => snapshots.length === 2);
    assert.equal(client.stats.reconnects, 1);
    await producer.send(TOPICS.surface, [surfaceEvent('ETH', 0.9)]);
    await until(() => updates.length === 3);
    const last = updates[2];
    assert.ok(last?.payload.case === 'surface');
    assert.equal(last.payload.value.smiles[0]?.atmVol, 0.9);
    assert.equal(
      last.sequence,
      (snapshots[1]?.sequence ?? 0n) + 1n,
      'numbering restarts from the new snapshot',
    );
    client.close();
    await gw.close();
  });
});

describe('client SDK gap handling', () => {
  test('a sequence gap drops the update, sends Resync and resumes from the fresh snapshot', async () => {
    // A scripted server: snapshot 1, update 2, update 4 (3 lost); answers the Resync with snapshot 5, update 6.
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await once(wss, 'listening');
    const resyncs: string[] = [];
    wss.on('connection', (ws) => {
      const send = (kind: Parameters<typeof create<typeof ServerMessageSchema>>[1]) =>
        ws.send(toBinary(ServerMessageSchema, create(ServerMessageSchema, kind)));
      ws.on('message', (data: Buffer) => {
        const msg = fromBinary(ClientMessageSchema, new Uint8Array(data));
        if (msg.kind.case === 'subscribe') {
          const id = msg.kind.value.subscriptionId;
          send({ kind: { case: 'snapshot', value: { subscriptionId: id, sequence: 1n } } });
          send({ kind: { case: 'update', value: { subscriptionId: id, sequence: 2n } } });
          send({ kind: { case: 'update', value: { subscriptionId: id, sequence: 4n } } });
          send({ kind: { case: 'update', value: { subscriptionId: id, sequence: 5n } } });
        } else if (msg.kind.case === 'resync') {
          resyncs.push(msg.kind.value.subscriptionId);
          send({
            kind: {
              case: 'snapshot',
              value: { subscriptionId: msg.kind.value.subscriptionId, sequence: 6n },
            },
          });
          send({
            kind: { case: 'update', value: { subscriptionId: msg.kind.value.subscriptionId, sequence: 7n } },
          });
        }
      });
    });
    const port = (wss.address() as { port: number }).port;
    const seen: string[] = [];
    const client = new StreamClient({ url: `ws://127.0.0.1:${port}` });
    await client.connect();
    client.subscribe(
      {},
      {
        onSnapshot: (s) => seen.push(`snapshot ${s.sequence}`),
        onUpdate: (u) => seen.push(`update ${u.sequence}`),
      },
      'g',
    );
    await until(() => seen.length === 4);
    assert.deepEqual(seen, ['snapshot 1', 'update 2', 'snapshot 6', 'update 7']);
    assert.deepEqual(resyncs, ['g'], 'exactly one Resync for the gap');
    assert.equal(client.stats.gaps, 1);
    client.close();
    for (const ws of wss.clients) ws.terminate();
    wss.close();
  });
});

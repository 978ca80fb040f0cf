import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import { ClientMessageSchema, create, StreamKind } from '@volstream/contracts';
import WebSocket from 'ws';
import { CLOSE_CODES, type Gateway } from '../src/index.ts';
import { isKind, smileEvent, startGateway, surfaceEvent, surfaceOf, TestClient, waitFor } from './helpers.ts';

describe('websocket /v1/stream', () => {
  let gw: Gateway;
  let url: string;
  before(async () => {
    ({ gw, url } = await startGateway({
      stream: { ...defaultLimits(), maxSubscriptions: 3, maxBadMessages: 10 },
    }));
    gw.store.apply(surfaceEvent(surfaceOf('BTC', 'composite', 0.7)));
    gw.store.apply(surfaceEvent(surfaceOf('ETH', 'composite', 0.8)));
  });
  after(() => gw.close());

  test('snapshot on subscribe, then filtered updates with contiguous sequences', async () => {
    const c = await TestClient.connect(url);
    c.subscribe('btc', { currencies: ['BTC'], kinds: [StreamKind.SURFACE] });
    const snap = await c.next(isKind('snapshot', 'btc'));
    assert.equal(snap.kind.case, 'snapshot');
    if (snap.kind.case !== 'snapshot') return;
    assert.equal(snap.kind.value.sequence, 1n);
    assert.deepEqual(
      snap.kind.value.surfaces.map((s) => s.currency),
      ['BTC'],
    );
    assert.equal(snap.kind.value.smiles.length, 0, 'kinds=[SURFACE] leaves smiles out');
    gw.store.apply(surfaceEvent(surfaceOf('ETH', 'composite', 0.81)));
    gw.store.apply(smileEvent('BTC', 'deribit', 0.5));
    gw.store.apply(surfaceEvent(surfaceOf('BTC', 'composite', 0.71)));
    gw.store.apply(surfaceEvent(surfaceOf('BTC', 'composite', 0.72)));
    const u1 = await c.next(isKind('update', 'btc'));
    const u2 = await c.next(isKind('update', 'btc'));
    assert.ok(u1.kind.case === 'update' && u2.kind.case === 'update');
    assert.equal(u1.kind.value.sequence, 2n);
    assert.equal(u2.kind.value.sequence, 3n);
    assert.ok(u1.kind.value.payload.case === 'surface' && u2.kind.value.payload.case === 'surface');
    assert.equal(u1.kind.value.payload.value.smiles[0]?.atmVol, 0.71);
    assert.equal(u2.kind.value.payload.value.smiles[0]?.atmVol, 0.72);
    assert.equal(c.messages.length, 0, 'no ETH surface and no smile reached the BTC surface subscription');
    await c.close();
  });

  test('expiry and tenor filters trim the surface; smile subscriptions get smiles of that venue', async () => {
    const c = await TestClient.connect(url);
    c.subscribe('t7', { currencies: ['BTC'], tenorDays: [7], kinds: [StreamKind.SURFACE] });
    const snap = await c.next(isKind('snapshot', 't7'));
    assert.ok(snap.kind.case === 'snapshot');
    assert.equal(snap.kind.value.surfaces[0]?.tenors.length, 0, 'the sample has only a 30-day tenor');
    assert.equal(snap.kind.value.surfaces[0]?.riskNodes.length, 0);
    c.subscribe('okx', { venues: ['okx'], kinds: [StreamKind.SMILE] });
    await c.next(isKind('snapshot', 'okx'));
    gw.store.apply(smileEvent('BTC', 'deribit', 0.5));
    gw.store.apply(smileEvent('BTC', 'okx', 0.6));
    const u = await c.next(isKind('update', 'okx'));
    assert.ok(u.kind.case === 'update' && u.kind.value.payload.case === 'smile');
    assert.equal(u.kind.value.payload.value.venue, 'okx');
    await c.close();
  });

  test('resync returns a fresh snapshot and numbering continues; unsubscribe stops updates', async () => {
    const c = await TestClient.connect(url);
    c.subscribe('s', { currencies: ['ETH'] });
    await c.next(isKind('snapshot', 's'));
    gw.store.apply(surfaceEvent(surfaceOf('ETH', 'composite', 0.82)));
    await c.next(isKind('update', 's'));
    c.send(create(ClientMessageSchema, { kind: { case: 'resync', value: { subscriptionId: 's' } } }));
    const again = await c.next(isKind('snapshot', 's'));
    assert.ok(again.kind.case === 'snapshot');
    assert.equal(again.kind.value.sequence, 3n);
    assert.equal(again.kind.value.surfaces[0]?.smiles[0]?.atmVol, 0.82);
    c.send(create(ClientMessageSchema, { kind: { case: 'unsubscribe', value: { subscriptionId: 's' } } }));
    await c.next(isKind('unsubscribed', 's'));
    gw.store.apply(surfaceEvent(surfaceOf('ETH', 'composite', 0.83)));
    // A barrier instead of a sleep: the store fans out synchronously, so an update for the removed
    // subscription would be on the socket before the answer to a message sent after the apply.
    c.send(create(ClientMessageSchema, { kind: { case: 'resync', value: { subscriptionId: 'barrier' } } }));
    await c.next(isKind('error', 'barrier'));
    assert.equal(c.messages.filter(isKind('update')).length, 0);
    await c.close();
  });

  test('JSON format: text frames in the protobuf JSON mapping, JSON client messages', async () => {
    const c = await TestClient.connect(`${url}?format=json`);
    c.send({
      subscribe: { subscriptionId: 'j', filter: { currencies: ['BTC'], kinds: ['STREAM_KIND_SURFACE'] } },
    });
    const snap = (await c.next((m) => 'snapshot' in m)) as unknown as {
      snapshot: { sequence: string; surfaces: { currency: string }[] };
    };
    assert.equal(snap.snapshot.sequence, '1');
    assert.equal(snap.snapshot.surfaces[0]?.currency, 'BTC');
    gw.store.apply(surfaceEvent(surfaceOf('BTC', 'composite', 0.73)));
    const upd = (await c.next((m) => 'update' in m)) as unknown as {
      update: { sequence: string; surface: { smiles: { atmVol: number }[]; asOfMs: string } };
    };
    assert.equal(upd.update.sequence, '2');
    assert.equal(upd.update.surface.smiles[0]?.atmVol, 0.73);
    assert.equal(typeof upd.update.surface.asOfMs, 'string');
    await c.close();
  });

  test('malformed, oversized, duplicate, invalid and over-cap messages are rejected with stable codes', async () => {
    const c = await TestClient.connect(url);
    const errorCode = async (): Promise<[string, string]> => {
      const m = await c.next(isKind('error'));
      assert.ok(m.kind.case === 'error');
      return [m.kind.value.code, m.kind.value.subscriptionId];
    };
    c.ws.send(Buffer.from([0xff, 0xff, 0xff]));
    assert.deepEqual(await errorCode(), ['STREAM_BAD_MESSAGE', '']);
    c.ws.send('{"subscribe": 42}');
    assert.deepEqual(await errorCode(), ['STREAM_BAD_MESSAGE', '']);
    c.ws.send(Buffer.alloc(20_000, 1));
    assert.deepEqual(await errorCode(), ['STREAM_MESSAGE_TOO_LARGE', '']);
    c.subscribe('v', { venues: ['Not A Venue'] });
    assert.deepEqual(await errorCode(), ['STREAM_BAD_MESSAGE', 'v']);
    c.subscribe('a');
    c.subscribe('a');
    assert.deepEqual(await errorCode(), ['STREAM_DUPLICATE_SUBSCRIPTION', 'a']);
    c.subscribe('b');
    c.subscribe('c');
    c.subscribe('d');
    assert.deepEqual(await errorCode(), ['STREAM_SUBSCRIPTION_LIMIT', 'd']);
    c.send(create(ClientMessageSchema, { kind: { case: 'resync', value: { subscriptionId: 'zz' } } }));
    assert.deepEqual(await errorCode(), ['STREAM_UNKNOWN_SUBSCRIPTION', 'zz']);
    assert.equal(c.ws.readyState, WebSocket.OPEN, 'rejections do not close the connection');
    await c.close();
  });

  test('a client that keeps sending garbage is closed with BAD_CLIENT', async () => {
    const c = await TestClient.connect(url);
    const closed = once(c.ws, 'close');
    for (let i = 0; i < 12; i++) c.ws.send('nope');
    const [code] = await closed;
    assert.equal(code, CLOSE_CODES.BAD_CLIENT);
  });
});

describe('websocket security', () => {
  test('subscriptions are capped per key across connections and released on close', async () => {
    const { gw, url } = await startGateway({ maxSubscriptionsPerKey: 2 });
    const a = await TestClient.connect(url);
    const b = await TestClient.connect(url);
    a.subscribe('1');
    await a.next(isKind('snapshot', '1'));
    b.subscribe('2');
    await b.next(isKind('snapshot', '2'));
    b.subscribe('3');
    const err = await b.next(isKind('error', '3'));
    assert.ok(err.kind.case === 'error');
    assert.equal(err.kind.value.code, 'STREAM_SUBSCRIPTION_LIMIT');
    await a.close();
    // The client sees its close before the gateway handles it: wait for the gateway's side.
    await waitFor('the gateway to drop the closed connection', () => gw.stream.clients === 1);
    b.subscribe('3');
    await b.next(isKind('snapshot', '3'));
    await b.close();
    await gw.close();
  });

  test('upgrade without or with a wrong key is refused with HTTP 401 and the code; a valid key connects', async () => {
    const { gw, url } = await startGateway({ apiKeys: ['secret-1'] });
    for (const [headers, code] of [
      [{}, 'AUTH_REQUIRED'],
      [{ 'x-api-key': 'nope' }, 'AUTH_INVALID'],
    ] as const) {
      const ws = new WebSocket(url, { headers });
      const [, res] = (await once(ws, 'unexpected-response')) as [
        unknown,
        import('node:http').IncomingMessage,
      ];
      assert.equal(res.statusCode, 401);
      let body = '';
      for await (const chunk of res) body += chunk;
      assert.equal(JSON.parse(body).code, code);
      ws.on('error', () => {});
      ws.terminate();
    }
    const ok = await TestClient.connect(`${url}?api_key=secret-1`);
    ok.subscribe('x');
    await ok.next(isKind('snapshot', 'x'));
    await ok.close();
    await gw.close();
  });

  test('stream messages spend the key’s token bucket: past the burst they get RATE_LIMITED', async () => {
    const { gw, url } = await startGateway({ ratePerSec: 0.001, burst: 4 });
    const c = await TestClient.connect(url); // the upgrade spends one token
    for (const id of ['a', 'b', 'c', 'd']) c.subscribe(id);
    const err = await c.next(isKind('error'));
    assert.ok(err.kind.case === 'error');
    assert.equal(err.kind.value.code, 'RATE_LIMITED');
    assert.equal(c.messages.filter(isKind('snapshot')).length, 3);
    await c.close();
    await gw.close();
  });
});

function defaultLimits() {
  return {
    maxMessageBytes: 16 * 1024,
    maxSubscriptions: 32,
    conflateAboveBytes: 1024 * 1024,
    maxBufferedBytes: 16 * 1024 * 1024,
    maxBehindMs: 30_000,
    maxBadMessages: 20,
  };
}

describe('update encoder', () => {
  test('the spliced protobuf update decodes to the same ServerMessage as a full encoding', async () => {
    const { encodeUpdate } = await import('../src/index.ts');
    const { fromBinary, ServerMessageSchema, toBinary, toJson } = await import('@volstream/contracts');
    const surface = surfaceOf('BTC', 'composite', 0.7);
    const frame = encodeUpdate('protobuf', 'sub-1', 300n, { surface }) as Uint8Array;
    const decoded = fromBinary(ServerMessageSchema, frame);
    const full = create(ServerMessageSchema, {
      kind: {
        case: 'update',
        value: { subscriptionId: 'sub-1', sequence: 300n, payload: { case: 'surface', value: surface } },
      },
    });
    assert.deepEqual(frame, toBinary(ServerMessageSchema, full));
    assert.ok(decoded.kind.case === 'update' && decoded.kind.value.payload.case === 'surface');
    assert.equal(decoded.kind.value.payload.value.smiles[0]?.atmVol, 0.7);
    const text = encodeUpdate('json', 'sub-"1"', 300n, { surface }) as string;
    assert.deepEqual(
      JSON.parse(text),
      toJson(ServerMessageSchema, {
        ...full,
        kind: { case: 'update', value: { ...full.kind.value, subscriptionId: 'sub-"1"' } },
      } as typeof full),
    );
  });
});

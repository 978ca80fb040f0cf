/**
 * The simulator's messages have the same keys and value types as real Deribit messages: the 2021
 * websocket capture and the tardis-node samples in ../shared/data.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { type DeribitSimulator, startDeribitSimulator } from '../src/index.ts';
import { TestClient } from './client.ts';

const DATA = new URL('../../../../shared/data/', import.meta.url);
const CAPTURE = new URL('deribit_ws_capture_2021-07-22/DERIBIT.ws.1.0.txt', DATA);
const REST = new URL('deribit_ws_capture_2021-07-22/DERIBIT.0.rest_get_instruments.txt', DATA);

type Json = Record<string, unknown>;

/** key → JSON type, recursing into objects (arrays are typed by their first element). */
function shape(value: unknown): unknown {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length === 0 ? 'array' : ['array', shape(value[0])];
  if (typeof value === 'object') {
    const out: Json = {};
    for (const [k, v] of Object.entries(value as Json)) out[k] = shape(v);
    return out;
  }
  return typeof value;
}

function recorded(): Json[] {
  return readFileSync(CAPTURE, 'utf8')
    .split('\n')
    .map((l) => /^[\d.]+: (.*)$/.exec(l)?.[1])
    .filter((x): x is string => x !== undefined)
    .map((x) => JSON.parse(x) as Json);
}

function realNotification(channelPrefix: string, type?: string): Json {
  const found = recorded().find((m) => {
    const p = m.params as { channel?: string; data?: Json } | undefined;
    return p?.channel?.startsWith(channelPrefix) === true && (type === undefined || p.data?.type === type);
  });
  assert.ok(found, `a recorded ${channelPrefix} message`);
  return found;
}

/** Statistics fields are null when an option has not traded, numbers when it has: compare loosely. */
function withoutNullables(s: unknown): unknown {
  const o = structuredClone(s) as Json;
  delete o.stats;
  delete o.last_price;
  return o;
}

describe('message shapes match real Deribit messages', () => {
  let sim: DeribitSimulator;
  let c: TestClient;
  let call: string;
  before(async () => {
    sim = await startDeribitSimulator({ seed: 'shapes', startTime: Date.UTC(2026, 2, 3, 12), rate: 2000 });
    c = await TestClient.connect(sim.url);
    const reply = await c.request('public/get_instruments', {
      currency: 'BTC',
      kind: 'option',
      expired: false,
    });
    const rows = reply.result as Json[];
    call = (
      rows.find(
        (r) => r.option_type === 'call' && (r.expiration_timestamp as number) > Date.UTC(2026, 2, 20),
      ) ?? rows[0]!
    ).instrument_name as string;
  });
  after(async () => {
    c.close();
    await sim.stop();
  });

  it('get_instruments option and future rows carry every recorded field with its type', async () => {
    const rest = readFileSync(REST, 'utf8').split('\n')[0]!;
    const realRows = (JSON.parse(rest.slice(rest.indexOf(': {') + 2)) as { result: Json[] }).result;
    for (const kind of ['option', 'future']) {
      const reply = await c.request('public/get_instruments', { currency: 'BTC', kind });
      const ours = (reply.result as Json[])[0]!;
      const real = realRows.find((r) => r.kind === kind)!;
      for (const [k, v] of Object.entries(real)) {
        assert.ok(k in ours, `${kind} row has ${k}`);
        assert.equal(typeof ours[k], typeof v, `${kind}.${k} type`);
      }
      for (const k of ['usIn', 'usOut', 'usDiff', 'testnet']) assert.ok(k in reply, `reply has ${k}`);
    }
  });

  it('subscribe reply, book snapshot/change and ticker have the recorded keys and types', async () => {
    const reply = await c.request('public/subscribe', {
      channels: [`book.${call}.raw`, `ticker.${call}.raw`],
    });
    const realReply = recorded().find((m) => m.id === 0)!;
    assert.deepEqual(Object.keys(reply), Object.keys(realReply));
    assert.deepEqual((reply.result as string[]).sort(), [`book.${call}.raw`, `ticker.${call}.raw`]);
    await c.waitFor(() => c.notifications('book.').length >= 2 && c.notifications('ticker.').length >= 1);
    const [snap, change] = c.notifications('book.');
    const realSnap = realNotification('book.', 'snapshot');
    const realChange = realNotification('book.', 'change');
    assert.deepEqual(Object.keys(snap!.data), Object.keys((realSnap.params as Json).data as Json));
    assert.deepEqual(Object.keys(change!.data), Object.keys((realChange.params as Json).data as Json));
    assert.deepEqual(
      shape({ ...snap!.data, bids: [], asks: [] }),
      shape({ ...((realSnap.params as Json).data as Json), bids: [], asks: [] }),
    );
    const level = (snap!.data.asks as unknown[])[0];
    assert.deepEqual(shape(level), shape(((realSnap.params as Json).data as { asks: unknown[] }).asks[0]));
    const ticker = c.notifications('ticker.')[0]!;
    const realTicker = (realNotification('ticker.').params as Json).data as Json;
    assert.deepEqual(Object.keys(ticker.data), Object.keys(realTicker));
    assert.deepEqual(withoutNullables(shape(ticker.data)), withoutNullables(shape(realTicker)));
    // Units: IV in percent, prices in coin, timestamps in ms.
    const t = ticker.data;
    assert.ok((t.mark_iv as number) > 5 && (t.mark_iv as number) < 500, `mark_iv ${t.mark_iv} is in percent`);
    assert.ok((t.mark_price as number) < 1, 'option mark in coin');
    assert.ok(Math.abs((t.timestamp as number) - sim.market!.now) < 10_000, 'timestamp in ms');
  });

  it('markprice.options carries every option with a decimal iv, like the real 2026 message', async () => {
    await c.request('public/subscribe', { channels: ['markprice.options.eth_usd'] });
    await c.waitFor(() => c.notifications('markprice.options').length > 0, 20_000);
    const data = c.notifications('markprice.options')[0]!.data as unknown as Json[];
    assert.equal(data.length, sim.market!.currencies.get('ETH')!.options.length);
    const real = {
      timestamp: 1785079023870,
      iv: 0.3706,
      instrument_name: 'BTC-31JUL26-67000-C',
      mark_price: 0.005,
    };
    assert.deepEqual(shape(data[0]), shape(real));
    assert.ok(
      data.every((d) => (d.iv as number) > 0.05 && (d.iv as number) < 5),
      'iv is a decimal',
    );
  });

  it('index notifications have the documented keys', async () => {
    await c.request('public/subscribe', { channels: ['deribit_price_index.btc_usd'] });
    await c.waitFor(() => c.notifications('deribit_price_index').length > 0);
    const data = c.notifications('deribit_price_index')[0]!.data;
    assert.deepEqual(Object.keys(data), ['timestamp', 'price', 'index_name']);
    assert.equal(data.index_name, 'btc_usd');
    assert.equal(typeof data.price, 'number');
  });
});

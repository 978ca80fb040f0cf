import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '@volstream/logging';
import {
  createSimulatorComponent,
  type DeribitSimulator,
  Prng,
  startDeribitSimulator,
} from '../src/index.ts';
import { TestClient } from './client.ts';

const START = Date.UTC(2026, 0, 7, 9, 30);

describe('deribit simulator protocol', () => {
  let sim: DeribitSimulator;
  before(async () => {
    sim = await startDeribitSimulator({
      seed: 'protocol',
      startTime: START,
      rate: 5000,
      currencies: ['BTC'],
    });
  });
  after(async () => {
    await sim.stop();
  });

  it('answers with usIn/usOut/usDiff/testnet and echoes the id', async () => {
    const c = await TestClient.connect(sim.url);
    const r = await c.request('public/test');
    assert.equal(r.jsonrpc, '2.0');
    assert.deepEqual(r.result, { version: '1.2.26' });
    assert.equal(typeof r.usIn, 'number');
    assert.equal(typeof r.usOut, 'number');
    assert.equal(r.usDiff, (r.usOut as number) - (r.usIn as number));
    assert.equal(r.testnet, false);
    c.close();
  });

  it('answers get_order_book, get_index_price and ticker requests', async () => {
    const c = await TestClient.connect(sim.url);
    const name = [...sim.market!.byName.keys()].find((n) => n.endsWith('-P'))!;
    const book = (await c.request('public/get_order_book', { instrument_name: name, depth: 2 }))
      .result as Record<string, unknown>;
    assert.equal(book.instrument_name, name);
    assert.equal(book.change_id, sim.books([name])[name]!.changeId);
    assert.deepEqual(book.asks, sim.books([name])[name]!.asks.slice(0, 2));
    assert.equal(book.best_ask_price, (book.asks as number[][])[0]![0]);
    const index = (await c.request('public/get_index_price', { index_name: 'btc_usd' })).result as Record<
      string,
      number
    >;
    assert.equal(index.index_price, sim.market!.currencies.get('BTC')!.index);
    const ticker = (await c.request('public/ticker', { instrument_name: name })).result as Record<
      string,
      unknown
    >;
    assert.equal(ticker.instrument_name, name);
    const missing = await c.request('public/ticker', { instrument_name: 'BTC-1JAN20-1-C' });
    assert.equal((missing.error as { code: number }).code, -32602);
    c.close();
  });

  it('rejects unknown methods, bad JSON and bad params with JSON-RPC errors', async () => {
    const c = await TestClient.connect(sim.url);
    const unknown = await c.request('public/no_such_method');
    assert.deepEqual(unknown.error, { message: 'Method not found', code: -32601 });
    c.send('{not json');
    await c.waitFor(() => c.messages.some((m) => (m.error as { code?: number })?.code === -32700));
    const bad = await c.request('public/subscribe', { channels: 'book.x' });
    assert.equal((bad.error as { code: number }).code, -32602);
    const tooMany = await c.request('public/subscribe', {
      channels: Array.from({ length: 251 }, (_, i) => `ticker.X-${i}.100ms`),
    });
    assert.deepEqual(tooMany.error, { message: 'request entity too large', code: -32600 });
    assert.equal(c.closed, false);
    c.close();
  });
});

describe('garbage from clients', () => {
  it('answers every malformed frame with an error and keeps serving', async () => {
    const sim = await startDeribitSimulator({
      seed: 'fuzz',
      currencies: ['BTC'],
      requestLimit: { burst: 1000, perSecond: 1000 },
    });
    const c = await TestClient.connect(sim.url);
    const prng = new Prng('fuzz-frames');
    const pieces = [
      '{',
      '}',
      '[',
      ']',
      '"',
      ':',
      ',',
      'null',
      '1e999',
      '"method"',
      '"params"',
      '"id"',
      'true',
      '\\u0000',
      'é',
    ];
    const frames: string[] = [
      '',
      'null',
      '[]',
      '42',
      '{"jsonrpc":"2.0"}',
      '{"id":1,"method":5}',
      '{"id":{},"method":"public/test"}',
      '{"id":2,"method":"public/subscribe","params":[1,2]}',
      '{"id":3,"method":"public/subscribe","params":{"channels":[1,2]}}',
      '{"id":4,"method":"public/set_heartbeat","params":{"interval":"x"}}',
      '{"id":5,"method":"public/get_instruments","params":{"currency":"DOGE"}}',
    ];
    for (let i = 0; i < 150; i++) {
      frames.push(
        Array.from({ length: prng.int(1, 12) }, () => pieces[prng.int(0, pieces.length - 1)]).join(''),
      );
    }
    for (const f of frames) c.send(f);
    await c.waitFor(
      () => c.messages.filter((m) => 'error' in m).length >= frames.length - 5,
      20_000,
      'error replies',
    );
    c.send({ jsonrpc: '2.0', id: 'after-garbage', method: 'public/test', params: {} });
    await c.waitFor(() => c.messages.some((m) => m.id === 'after-garbage' && m.result !== undefined), 20_000);
    assert.ok(sim.stats().counters.badRequests >= frames.length - 5);
    c.close();
    await sim.stop();
  });
});

describe('determinism over the wire', () => {
  it('two simulators with one seed and a frozen clock say the same things', async () => {
    const run = async (): Promise<unknown[]> => {
      const sim = await startDeribitSimulator({ seed: 'wire', startTime: START, timeScale: 0 });
      const c = await TestClient.connect(sim.url);
      const rows = (await c.request('public/get_instruments', { currency: 'ETH', kind: 'option' }))
        .result as {
        instrument_name: string;
      }[];
      const name = rows[rows.length >> 1]!.instrument_name;
      await c.request('public/subscribe', { channels: [`book.${name}.100ms`, `ticker.${name}.100ms`] });
      await c.waitFor(() => c.notifications().length >= 2);
      c.close();
      await sim.stop();
      return [rows, c.notifications().slice(0, 2)];
    };
    assert.deepEqual(await run(), await run());
  });
});

describe('volstream run component', () => {
  it('starts, describes itself with its URL, serves, and stops', async () => {
    const logger = createLogger({ service: 'sim-test', level: 'silent' });
    const component = createSimulatorComponent({ seed: 'component', currencies: ['BTC'] });
    assert.equal(component.name, 'sim');
    const { describe: text } = await component.start({ logger });
    const sim = component.simulator()!;
    assert.ok(text.includes(sim.url), text);
    const c = await TestClient.connect(sim.url);
    assert.deepEqual((await c.request('public/test')).result, { version: '1.2.26' });
    c.close();
    await component.stop();
    assert.equal(component.simulator(), undefined);
    await assert.rejects(TestClient.connect(sim.url));
  });
});

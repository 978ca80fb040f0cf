import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type DeribitSimulator, startDeribitSimulator } from '../src/index.ts';
import { TestClient } from './client.ts';

describe('heartbeat', () => {
  let sim: DeribitSimulator;
  before(async () => {
    sim = await startDeribitSimulator({ seed: 'hb', minHeartbeatIntervalS: 0.05, currencies: ['BTC'] });
  });
  after(async () => {
    await sim.stop();
  });

  it('refuses intervals below the minimum (Deribit: 10 s)', async () => {
    const strict = await startDeribitSimulator({ seed: 'hb2', currencies: ['BTC'] });
    const c = await TestClient.connect(strict.url);
    const r = await c.request('public/set_heartbeat', { interval: 5 });
    assert.equal((r.error as { code: number }).code, -32602);
    assert.equal((await c.request('public/set_heartbeat', { interval: 10 })).result, 'ok');
    c.close();
    await strict.stop();
  });

  it('sends test_request and keeps a client that answers with public/test', async () => {
    const c = await TestClient.connect(sim.url);
    let answered = 0;
    c.ws.on('message', (d) => {
      const m = JSON.parse(String(d)) as { method?: string; params?: { type?: string } };
      if (m.method === 'heartbeat' && m.params?.type === 'test_request') {
        answered++;
        c.send({ jsonrpc: '2.0', id: 1000 + answered, method: 'public/test', params: {} });
      }
    });
    assert.equal((await c.request('public/set_heartbeat', { interval: 0.05 })).result, 'ok');
    await c.waitFor(() => answered >= 5, 20_000, 'five test_requests');
    assert.equal(c.closed, false);
    const beats = c.messages.filter(
      (m) => m.method === 'heartbeat' && (m.params as { type: string }).type === 'heartbeat',
    );
    assert.ok(beats.length >= 4, 'plain heartbeat messages between the test_requests');
    c.close();
  });

  it('drops a silent client that does not answer test_request', async () => {
    const c = await TestClient.connect(sim.url);
    const before = sim.stats().counters.heartbeatDrops;
    await c.request('public/set_heartbeat', { interval: 0.05 });
    await c.waitFor(() => c.closed, 20_000, 'the server to close the connection');
    const requests = c.messages.filter(
      (m) => m.method === 'heartbeat' && (m.params as { type: string }).type === 'test_request',
    );
    assert.equal(requests.length, 1, 'one unanswered test_request, then the close');
    assert.equal(sim.stats().counters.heartbeatDrops, before + 1);
  });

  it('stops after public/disable_heartbeat', async () => {
    const c = await TestClient.connect(sim.url);
    await c.request('public/set_heartbeat', { interval: 0.05 });
    await c.request('public/disable_heartbeat');
    const n = c.messages.filter((m) => m.method === 'heartbeat').length;
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(c.closed, false);
    assert.equal(c.messages.filter((m) => m.method === 'heartbeat').length, n);
    c.close();
  });
});

describe('subscribe limits', () => {
  let sim: DeribitSimulator;
  let names: string[];
  before(async () => {
    sim = await startDeribitSimulator({ seed: 'limits', rate: 100, currencies: ['BTC'] });
    names = [...sim.market!.byName.keys()];
  });
  after(async () => {
    await sim.stop();
  });

  it('accepts 250 channels, refuses 251 with -32600, and skips unknown channels', async () => {
    const c = await TestClient.connect(sim.url);
    const channels = names.slice(0, 249).map((n) => `ticker.${n}.100ms`);
    const ok = await c.request('public/subscribe', {
      channels: [...channels, 'ticker.BTC-1JAN20-1-C.100ms'],
    });
    assert.equal((ok.result as string[]).length, 249, 'the unknown instrument is left out of the result');
    const big = await c.request('public/subscribe', {
      channels: names.slice(0, 251).map((n) => `book.${n}.100ms`),
    });
    assert.deepEqual(big.error, { message: 'request entity too large', code: -32600 });
    const un = await c.request('public/unsubscribe', { channels: channels.slice(0, 3) });
    assert.deepEqual(un.result, channels.slice(0, 3));
    c.close();
  });

  it('answers 10028 too_many_requests past the subscribe burst and closes the session', async () => {
    const c = await TestClient.connect(sim.url);
    // All 11 sent in one turn: one after the other with a round trip each, a loaded machine took
    // long enough for the bucket (3.3/s) to refill a token and let the 11th through.
    const pending = [];
    for (let i = 0; i < 11; i++) {
      pending.push(c.request('public/subscribe', { channels: [`ticker.${names[i]}.100ms`] }));
    }
    const replies = await Promise.all(pending);
    assert.equal(replies.filter((r) => r.result !== undefined).length, 10, 'the burst of 10 is allowed');
    assert.deepEqual(replies[10]?.error, { message: 'too_many_requests', code: 10028 });
    await c.waitFor(() => c.closed, 20_000, 'close after 10028');
  });
});

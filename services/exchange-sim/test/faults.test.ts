import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type DeribitSimulator, parseFaults, startDeribitSimulator } from '../src/index.ts';
import { settle, TestClient } from './client.ts';

function lastSessionId(sim: DeribitSimulator): number {
  return Math.max(...sim.stats().sessions.map((s) => s.id));
}

describe('faults', () => {
  let sim: DeribitSimulator;
  let option: string;
  before(async () => {
    sim = await startDeribitSimulator({ seed: 'faults', rate: 3000 });
    option = [...sim.market!.byName.keys()].filter((n) => n.startsWith('BTC') && n.endsWith('-C'))[30]!;
  });
  after(async () => {
    await sim.stop();
  });

  async function subscribed(): Promise<{ c: TestClient; id: number }> {
    const c = await TestClient.connect(sim.url);
    await c.request('public/subscribe', { channels: [`book.${option}.100ms`, `ticker.${option}.100ms`] });
    return { c, id: lastSessionId(sim) };
  }

  it('disconnects one session with a close frame or without one', async () => {
    const a = await subscribed();
    const b = await subscribed();
    sim.inject({ type: 'disconnect', mode: 'terminate', session: a.id });
    await a.c.waitFor(() => a.c.closed, 20_000, 'terminate');
    assert.equal(a.c.closeCode, 1006);
    assert.equal(b.c.closed, false, 'the other session stays');
    sim.inject({ type: 'disconnect', mode: 'close', session: b.id });
    await b.c.waitFor(() => b.c.closed, 20_000, 'close');
    assert.equal(b.c.closeCode, 1000);
  });

  it('answers the next request with the injected error; 10028 closes the session', async () => {
    const { c, id } = await subscribed();
    sim.inject({ type: 'error_reply', code: -32600, session: id });
    const r = await c.request('public/test');
    assert.equal((r.error as { code: number }).code, -32600);
    assert.deepEqual((await c.request('public/test')).result, { version: '1.2.26' });
    sim.inject({ type: 'error_reply', code: 10028, session: id });
    const r2 = await c.request('public/get_time');
    assert.deepEqual(r2.error, { message: 'too_many_requests', code: 10028 });
    await c.waitFor(() => c.closed, 20_000, 'close after 10028');
  });

  it('sends malformed frames of each kind', async () => {
    const { c, id } = await subscribed();
    await c.waitFor(() => c.notifications('book.').length > 1);
    for (const kind of [
      'invalid_json',
      'unknown_channel',
      'unknown_instrument',
      'nan_price',
      'negative_amount',
    ] as const) {
      sim.inject({ type: 'malformed', kind, session: id });
    }
    await c.waitFor(() => c.messages.some((m) => 'unparsable' in m), 20_000, 'invalid JSON');
    await c.waitFor(
      () => c.notifications('book.').some((n) => (n.data.bids as unknown[][])[0]?.[2] === -5),
      20_000,
    );
    assert.ok(c.notifications('unknown.channel').length === 1);
    assert.ok(c.notifications('book.BTC-1JAN30-1-C').length === 1);
    const nan = c.notifications('book.').find((n) => (n.data.bids as unknown[][])[0]?.[1] === 'NaN');
    assert.ok(nan, 'a NaN price');
    // The bad messages do not advance the book: the next real change continues from the last good id.
    const goodBefore = c
      .notifications(`book.${option}`)
      .filter(
        (n) =>
          n.data !== nan.data &&
          (n.data.bids as unknown[][]).every((l) => typeof l[1] === 'number' && (l[2] as number) >= 0),
      );
    const n0 = c.notifications(`book.${option}`).length;
    await c.waitFor(() => c.notifications(`book.${option}`).length > n0, 20_000);
    const next = c.notifications(`book.${option}`).at(-1)!;
    assert.equal(next.data.prev_change_id, goodBefore.at(-1)!.data.change_id);
    c.close();
  });

  it('stalls a session, then delivers what queued', async () => {
    const { c, id } = await subscribed();
    await c.waitFor(() => c.notifications('ticker.').length > 0);
    // A long stall and a short look: a timer late by up to 1.7 s (a loaded machine) still looks
    // inside the stall.
    sim.inject({ type: 'stall', ms: 2000, session: id });
    const n = c.messages.length;
    await new Promise((r) => setTimeout(r, 250));
    assert.ok(c.messages.length <= n + 2, 'nothing (or what was already in flight) during the stall');
    await c.waitFor(() => c.messages.length > n + 2, 20_000, 'messages after the stall');
    c.close();
  });

  it('silences a session but keeps its socket open', async () => {
    const { c, id } = await subscribed();
    sim.inject({ type: 'silent', session: id });
    // What was in flight before the silence arrives first (no fixed sleep: a loaded machine is slow).
    await settle(() => c.messages.length);
    const n = c.messages.length;
    c.send({ jsonrpc: '2.0', id: 99, method: 'public/test', params: {} });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(c.messages.length, n);
    assert.equal(c.closed, false);
    c.close();
  });

  it('lists and expires instruments mid-session with instrument.state events', async () => {
    const c = await TestClient.connect(sim.url);
    await c.request('public/subscribe', {
      channels: ['instrument.state.option.ETH', 'instrument.state.any.any'],
    });
    const before = (
      (await c.request('public/get_instruments', { currency: 'ETH', kind: 'option' })).result as unknown[]
    ).length;
    sim.inject({ type: 'listing', currency: 'ETH' });
    await c.waitFor(() => c.notifications('instrument.state.option.ETH').length > 0, 20_000);
    const created = c.notifications('instrument.state.option.ETH');
    assert.ok(created.every((n) => n.data.state === 'created'));
    assert.deepEqual(Object.keys(created[0]!.data), ['timestamp', 'state', 'instrument_name']);
    const afterListing = (
      (await c.request('public/get_instruments', { currency: 'ETH', kind: 'option' })).result as unknown[]
    ).length;
    assert.equal(afterListing, before + created.length);
    const first = sim.market!.currencies.get('ETH')!.expiries[0]!;
    sim.inject({ type: 'expiry', currency: 'ETH' });
    await c.waitFor(
      () => c.notifications('instrument.state.option.ETH').some((n) => n.data.state === 'settled'),
      20_000,
    );
    const closed = c.notifications('instrument.state.option.ETH').filter((n) => n.data.state === 'closed');
    assert.ok(
      closed.length > 0 &&
        closed.every((n) => (n.data.instrument_name as string).includes(`-${first.code}-`)),
    );
    assert.ok(c.notifications('instrument.state.any.any').length >= created.length + 2 * closed.length);
    c.close();
  });

  it('floods subscribers on slow_consumer', async () => {
    const { c } = await subscribed();
    const n = c.notifications('book.').length;
    sim.inject({ type: 'slow_consumer', messages: 500 });
    await c.waitFor(() => c.notifications('book.').length >= n + 500, 20_000, '500 extra book messages');
    c.close();
  });

  it('accepts faults over HTTP and rejects bad ones', async () => {
    const url = sim.truthUrl.replace('/truth', '/faults');
    const ok = await fetch(url, {
      method: 'POST',
      body: JSON.stringify([{ type: 'drop_deltas', count: 1 }]),
    });
    assert.equal(ok.status, 200);
    assert.equal(((await ok.json()) as { ok: boolean }).ok, true);
    const bad = await fetch(url, { method: 'POST', body: JSON.stringify({ type: 'nope' }) });
    assert.equal(bad.status, 400);
  });

  it('parses the CLI fault syntax', () => {
    assert.deepEqual(parseFaults('drop_deltas:count=2:every=5000,stall:ms=800,malformed:kind=crossed_book'), [
      { fault: { type: 'drop_deltas', count: 2 }, everyMs: 5000 },
      { fault: { type: 'stall', ms: 800 } },
      { fault: { type: 'malformed', kind: 'crossed_book' } },
    ]);
    assert.throws(() => parseFaults('explode'));
  });
});

describe('slow consumers', () => {
  it('drops a connection that stops reading once its unsent bytes pass maxBufferedBytes', async () => {
    const sim = await startDeribitSimulator({
      seed: 'slow',
      rate: 5000,
      currencies: ['BTC'],
      maxBufferedBytes: 512 * 1024,
      highWaterBytes: 128 * 1024,
    });
    const name = [...sim.market!.byName.keys()].filter((n) => /-[CP]$/.test(n))[20]!;
    const c = await TestClient.connect(sim.url);
    await c.request('public/subscribe', { channels: [`book.${name}.100ms`, `ticker.${name}.100ms`] });
    // Stop reading: the kernel buffers fill, then the server's socket buffer grows.
    (c.ws as unknown as { _socket: import('node:net').Socket })._socket.pause();
    for (let i = 0; i < 20 && sim.stats().counters.slowConsumerDrops === 0; i++) {
      sim.inject({ type: 'slow_consumer', messages: 2000 });
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(sim.stats().counters.slowConsumerDrops, 1);
    await c.waitFor(() => sim.stats().sessions.length === 0, 20_000, 'the session to be gone');
    await sim.stop();
  });
});

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type DeribitSimulator, parseCapture, startDeribitSimulator } from '../src/index.ts';
import { TestClient } from './client.ts';

const CAPTURE = fileURLToPath(
  new URL('../../../../shared/data/deribit_ws_capture_2021-07-22/DERIBIT.ws.1.0.txt', import.meta.url),
);

describe('replay of the 2021 Deribit capture', () => {
  const recorded = parseCapture(readFileSync(CAPTURE, 'utf8'));
  let sim: DeribitSimulator;
  before(async () => {
    sim = await startDeribitSimulator({ replay: { file: CAPTURE, speed: Number.POSITIVE_INFINITY } });
  });
  after(async () => {
    await sim.stop();
  });

  it('answers get_instruments from the recorded REST reply', async () => {
    const c = await TestClient.connect(sim.url);
    const btc = await c.request('public/get_instruments', {
      currency: 'BTC',
      kind: 'option',
      expired: false,
    });
    assert.equal((btc.result as unknown[]).length, 390);
    const eth = await c.request('public/get_instruments', { currency: 'ETH' });
    assert.equal((eth.result as unknown[]).length, 426);
    c.close();
  });

  it('emits every recorded book and ticker message, in order, to a client using the recorded subscriptions', async () => {
    assert.equal(recorded.messages.filter((m) => m.channel.startsWith('book.')).length, 46);
    assert.equal(recorded.messages.filter((m) => m.channel.startsWith('ticker.')).length, 89);
    const c = await TestClient.connect(sim.url);
    const reply = await c.request('public/subscribe', { channels: recorded.subscriptions });
    assert.equal((reply.result as string[]).length, recorded.subscriptions.length);
    await c.waitFor(
      () => sim.stats().replay?.done === true && c.notifications().length >= 135,
      20_000,
      'replay end',
    );
    const got = c.notifications();
    assert.equal(got.length, recorded.messages.length);
    got.forEach((n, i) => {
      const r = recorded.messages[i]!;
      assert.equal(n.channel, r.channel);
      assert.deepEqual(n.data, JSON.parse(r.dataJson));
    });
    const stats = sim.stats().replay!;
    assert.equal(stats.recorded.book, 46);
    assert.equal(stats.recorded.ticker, 89);
    assert.equal(stats.sent.total, 135);
    assert.equal(stats.skipped, 0);
    assert.equal(
      stats.sent.byChannel['book.ETH-30JUL21-2800-C.raw'],
      stats.recorded.byChannel['book.ETH-30JUL21-2800-C.raw'],
    );
    c.close();
  });
});

describe('replay at recorded speed with another interval', () => {
  it('rewrites the channel to the subscribed interval and keeps the recorded pacing', async () => {
    const sim = await startDeribitSimulator({ replay: { file: CAPTURE, speed: 20 } });
    const c = await TestClient.connect(sim.url);
    const started = Date.now();
    await c.request('public/subscribe', { channels: ['book.ETH-30JUL21-2800-C.100ms'] });
    await c.waitFor(() => sim.stats().replay?.done === true, 20_000, 'replay end');
    const elapsed = Date.now() - started;
    const span = recorded().at(-1)!.at - recorded()[0]!.at;
    assert.ok(elapsed >= span / 20 - 100, `took ${elapsed} ms for ${span} ms recorded at 20×`);
    const notes = c.notifications('book.');
    assert.ok(notes.length > 1);
    assert.ok(notes.every((n) => n.channel === 'book.ETH-30JUL21-2800-C.100ms'));
    assert.equal(notes[0]!.data.type, 'snapshot');
    c.close();
    await sim.stop();
  });
});

function recorded() {
  return parseCapture(readFileSync(CAPTURE, 'utf8')).messages;
}

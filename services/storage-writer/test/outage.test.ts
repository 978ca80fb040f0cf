// ClickHouse down for a while: the writer runs on the in-process bus against a real 18.16 server
// that is frozen (SIGSTOP) mid-stream. While frozen, inserts time out and are retried, offsets
// stay uncommitted so lag grows, and producing is not slowed; once the server runs again the lag
// drains to 0 and every row is stored exactly once.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { type Bus, createBus } from '@volstream/bus';
import { TOPICS } from '@volstream/contracts';
import { createLogger } from '@volstream/logging';
import { startStorageWriter } from '../src/index.ts';
import { expectedCounts, sessionEvents, type TopicEvents } from './events.ts';
import { type Backend, serverBackend } from './helpers.ts';

const logger = createLogger({ service: 'storage-writer-test', level: 'silent' });
let b: Backend & { server: { freeze(): void; thaw(): void } };
let bus: Bus;
let ev: TopicEvents;

before(async () => {
  ev = await sessionEvents(21, 40);
  b = await serverBackend();
  bus = createBus({ transport: 'inprocess' }, { logger });
});
after(async () => {
  await bus.close();
  await b.close();
});

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function finalCounts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of ['marketdata', 'vol_quotes', 'smiles', 'surfaces', 'surface_tenors']) {
    const [row] = await b.store.query<{ n: string }>(`SELECT count() AS n FROM ${t} FINAL`);
    out[t] = Number(row?.n);
  }
  return out;
}

it('a frozen server delays storage and raises lag, loses nothing, and lag recovers', async () => {
  const writer = await startStorageWriter(
    b.store,
    { bus, logger },
    { initialBackoffMs: 50, maxBackoffMs: 400, maxBatchMessages: 1000 },
  );
  const producer = bus.producer();
  const half = Math.floor(ev.marketdata.length / 2);
  await producer.send(TOPICS.marketdata, ev.marketdata.slice(0, half));
  await waitUntil('first half stored', async () => (await writer.lag()).total === 0);

  b.server.freeze();
  const t0 = performance.now();
  await producer.send(TOPICS.marketdata, ev.marketdata.slice(half));
  await producer.send(TOPICS.volatility, ev.volatility);
  await producer.send(TOPICS.surface, ev.surface);
  const sendMs = performance.now() - t0;
  // Producing (the live path) does not wait for storage.
  assert.ok(sendMs < 2_000, `sends took ${sendMs} ms while ClickHouse was frozen`);
  await waitUntil('an insert to fail', async () => writer.stats().insertFailures > 0, 20_000);
  const frozenLag = (await writer.lag()).total;
  assert.ok(frozenLag > 0, 'lag grows while ClickHouse is down');

  b.server.thaw();
  await waitUntil('lag drained', async () => (await writer.lag()).total === 0, 60_000);
  await writer.stop();
  const expected = expectedCounts(ev);
  assert.deepEqual(await finalCounts(), expected);
  const [dup] = await b.store.query<{ n: string; u: string }>(
    'SELECT count() AS n, uniqExact(event_id) AS u FROM marketdata FINAL',
  );
  assert.equal(dup?.n, dup?.u);
});

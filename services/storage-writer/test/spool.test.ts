// The storage tap of the embedded run: the writer hands batches to a disk spool at once and
// inserts from it, so a failing or stalled store never makes the producers wait, and nothing is
// lost. A real chdb store sits behind a wrapper that fails, then stalls, every insert for a while;
// the in-process bus has a small retention so that a writer which did not spool blocks the
// producers (checked too, so the fast path is not a given).
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Bus, createBus, type TopicCodec } from '@volstream/bus';
import { TOPICS } from '@volstream/contracts';
import { createLogger } from '@volstream/logging';
import {
  type ColumnType,
  type Row,
  Spool,
  type StorageWriter,
  type Store,
  startStorageWriter,
} from '../src/index.ts';
import { expectedCounts, sessionEvents, type TopicEvents } from './events.ts';
import { type Backend, chdbBackend } from './helpers.ts';

const logger = createLogger({ service: 'spool-test', level: 'silent' });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

type Mode = 'ok' | 'fail' | 'stall';

/** The real store with inserts that fail or hang while `mode` says so. */
function flakyStore(store: Store): Store & { mode: Mode; failed: number } {
  const wrapped = {
    backend: store.backend,
    mode: 'ok' as Mode,
    failed: 0,
    exec: (sql: string) => store.exec(sql),
    query: <T>(sql: string) => store.query<T>(sql),
    queryText: (sql: string, format: string) => store.queryText(sql, format),
    queryBytes: (sql: string, format: string) => store.queryBytes(sql, format),
    insertRowBinary: (table: string, columns: readonly ColumnType[], body: Uint8Array) =>
      store.insertRowBinary(table, columns, body),
    async insert(table: string, rows: readonly Row[]): Promise<void> {
      if (wrapped.mode === 'fail') {
        wrapped.failed++;
        await sleep(20);
        throw new Error('injected: insert failed');
      }
      while (wrapped.mode === 'stall') await sleep(20);
      return store.insert(table, rows);
    },
    close: () => store.close(),
  };
  return wrapped;
}

/** Publishes every event in chunks as fast as the bus takes them; returns each send's time, ms. */
async function publishAll(bus: Bus, ev: TopicEvents, timeoutMs: number): Promise<number[]> {
  const producer = bus.producer({ backpressureTimeoutMs: timeoutMs });
  const waits: number[] = [];
  const send = async <T>(topic: TopicCodec<T>, values: readonly T[]): Promise<void> => {
    for (let i = 0; i < values.length; i += 100) {
      const t0 = performance.now();
      await producer.send(topic, values.slice(i, i + 100));
      waits.push(performance.now() - t0);
      // Let the consumer run between chunks, as a live producer's event loop would.
      await new Promise((r) => setImmediate(r));
    }
  };
  await send(TOPICS.marketdata as TopicCodec<unknown>, ev.marketdata);
  await send(TOPICS.volatility as TopicCodec<unknown>, ev.volatility);
  await send(TOPICS.surface as TopicCodec<unknown>, ev.surface);
  return waits.sort((a, b) => a - b);
}

async function waitFor(
  what: string,
  ok: () => Promise<boolean> | boolean,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await sleep(50);
  }
}

async function tableCounts(
  store: Store,
): Promise<{ final: Record<string, number>; raw: Record<string, number> }> {
  const final: Record<string, number> = {};
  const raw: Record<string, number> = {};
  for (const t of ['marketdata', 'vol_quotes', 'smiles', 'surfaces', 'surface_tenors']) {
    const [f] = await store.query<{ n: string; u: string }>(
      `SELECT count() AS n, uniqExact(event_id) AS u FROM ${t} FINAL`,
    );
    assert.equal(f?.n, f?.u, `${t}: an event id stored twice`);
    final[t] = Number(f?.n);
    const [r] = await store.query<{ n: string }>(`SELECT count() AS n FROM ${t}`);
    raw[t] = Number(r?.n);
  }
  return { final, raw };
}

/**
 * Retention of 1,000 messages a partition: the session puts 1,300-2,200 on each marketdata
 * partition it uses, so a consumer that does not commit (no spool, store down) fills one and
 * blocks the producer, while a consumer that keeps moving events off never gets near it.
 */
const smallBus = (): Bus =>
  createBus({ transport: 'inprocess', retention: { maxMessages: 1_000 } }, { logger });
/**
 * What "blocked" means here: the producer's backpressure timeout. Without the spool a send waits
 * this long and fails; with it no send comes near it. The bound on the slowest send is loose
 * because the 2-core test machine is shared (a descheduled event loop is not a blocked producer);
 * the median shows the normal case.
 */
const BLOCKED_MS = 2_000;

describe('storage tap: spool between the bus and the store', () => {
  let ev: TopicEvents;
  let backend: Backend & { dataDir: string };
  let spoolDir: string;
  before(async () => {
    ev = await sessionEvents(31, 40);
    backend = await chdbBackend();
    spoolDir = mkdtempSync(join(tmpdir(), 'volstream-spool-'));
  });
  after(async () => {
    await backend?.close();
    rmSync(spoolDir, { recursive: true, force: true });
  });

  test('control: without the spool, a failing store blocks the producers (backpressure)', async () => {
    const bus = smallBus();
    const store = flakyStore(backend.store);
    store.mode = 'fail';
    const writer = await startStorageWriter(
      store,
      { bus, logger },
      { groupId: 'control', initialBackoffMs: 50 },
    );
    try {
      await assert.rejects(publishAll(bus, ev, BLOCKED_MS), { code: 'BUS_BACKPRESSURE_TIMEOUT' });
    } finally {
      await writer.stop();
      await bus.close();
    }
  });

  test('with the spool: producers never wait while inserts fail then stall; afterwards every event is stored exactly once', async (t) => {
    const bus = smallBus();
    const store = flakyStore(backend.store);
    store.mode = 'fail';
    const writer: StorageWriter = await startStorageWriter(
      store,
      { bus, logger },
      {
        groupId: 'tap',
        initialBackoffMs: 50,
        maxBackoffMs: 200,
        spool: { dir: spoolDir, segmentBytes: 256 * 1024 },
      },
    );
    try {
      const waits = await publishAll(bus, ev, BLOCKED_MS);
      const median = waits[Math.floor(waits.length / 2)] ?? 0;
      const longest = waits[waits.length - 1] ?? 0;
      t.diagnostic(
        `sends: ${waits.length}, median ${median.toFixed(3)} ms, slowest ${longest.toFixed(1)} ms`,
      );
      assert.ok(median < 5, `median send ${median.toFixed(2)} ms`);
      assert.ok(longest < BLOCKED_MS / 2, `slowest send ${longest.toFixed(1)} ms`);
      const total = ev.marketdata.length + ev.volatility.length + ev.surface.length;
      // Everything is off the bus and on disk while the store still fails.
      await waitFor('the bus to be drained into the spool', async () => {
        const lag = await writer.lag();
        return lag.total === writer.stats().spool?.events && writer.stats().messages === total;
      });
      const during = writer.stats();
      assert.ok(store.failed > 0 && during.insertFailures > 0, 'inserts failed meanwhile');
      assert.equal(during.spool?.events, total);
      assert.ok((during.spool?.bytes ?? 0) > 0 && (during.spool?.segments ?? 0) > 1);
      assert.ok((during.spool?.oldestAgeMs ?? 0) > 0);
      assert.ok(
        (await writer.lag()).partitions.some((p) => p.topic === 'storage-writer.spool' && p.lag === total),
      );

      // Then the store hangs for a while instead of failing, then recovers.
      store.mode = 'stall';
      await sleep(500);
      assert.equal(writer.stats().spool?.events, total, 'nothing inserted while stalled');
      store.mode = 'ok';
      await waitFor('the spool to drain', async () => (await writer.lag()).total === 0, 60_000);
      assert.deepEqual(readdirSync(spoolDir), [], 'inserted segments are deleted');
      const counts = await tableCounts(backend.store);
      assert.deepEqual(counts.final, expectedCounts(ev));
      // No table of a segment was inserted twice while retrying: the raw rows are exact too.
      assert.deepEqual(counts.raw, expectedCounts(ev));
      assert.equal(writer.stats().rows.marketdata, ev.marketdata.length);
    } finally {
      await writer.stop();
      await bus.close();
    }
  });
});

describe('spool segments', () => {
  test('append, seal at the segment size, read back in order, a torn line left by a kill is cut off', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'volstream-spool-unit-'));
    try {
      const spool = await Spool.open({ dir, segmentBytes: 300 }, logger);
      const row = (i: number): Row => ({ event_id: `e${i}`, n: BigInt(i), text: 'a\nb"c' });
      await spool.append({ marketdata: [row(1), row(2)] }, 2, 1000);
      await spool.append({ surfaces: [row(3)], surface_tenors: [row(4), row(5)] }, 1, 1001);
      await spool.append({ marketdata: [row(6)] }, 1, 1002);
      assert.deepEqual(
        { events: spool.stats(1100).events, oldestAgeMs: spool.stats(1100).oldestAgeMs },
        { events: 4, oldestAgeMs: 100 },
      );
      await spool.close();
      // A later process finds the segments; a torn record in a segment left open is dropped.
      const files = readdirSync(dir).sort();
      assert.ok(files.every((f) => f.endsWith('.jsonl')));
      writeFileSync(
        join(dir, 'seg-000000000099.open'),
        '{"ms":5,"n":1,"rows":{"marketdata":[{"event_id":"e7"}]}}\nnot json\n{"ms":6,"n":1,"rows":{"smiles":[{"event_id":"e8"}]}}\n',
      );
      appendFileSync(join(dir, 'seg-000000000099.open'), '{"ms":6,"n":9,"rows":{"market');
      const again = await Spool.open({ dir }, logger);
      const stats = again.stats(2000);
      assert.equal(stats.events, 6);
      assert.equal(stats.recovered, 6);
      assert.equal(stats.tornRecords, 1);
      const rows: Row[] = [];
      for (let s = again.oldest(); s !== undefined; s = again.oldest()) {
        for (const r of await again.read(s))
          for (const list of Object.values(r.rows)) rows.push(...(list ?? []));
        await again.remove(s);
      }
      assert.deepEqual(
        rows.map((r) => r.event_id),
        ['e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7', 'e8'],
      );
      // The line that is not JSON is skipped (counted), the lines after it are kept.
      assert.equal(again.stats().tornRecords, 2);
      // bigint and odd characters come back as an insert would have sent them (int64 as a string).
      assert.deepEqual(rows[0], { event_id: 'e1', n: '1', text: 'a\nb"c' });
      assert.equal(again.stats().events, 0);
      assert.ok(files.length >= 2, `sealed at the size limit: ${files.join(',')}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

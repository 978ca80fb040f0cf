// The spool's bounds: a cap on its disk use beyond which the tap holds the bus back (nothing is
// dropped: the events wait on the bus and are all stored once the store answers), logged once and
// counted; and a store whose insert never returns (a real 18.16 server frozen with SIGSTOP) does
// not hang shutdown: stop returns after its timeout, says what stays in the spool, and the next
// start stores every event exactly once.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { createBus, type TopicCodec } from '@volstream/bus';
import { TOPICS } from '@volstream/contracts';
import { createLogger } from '@volstream/logging';
import { startClickHouseServer } from '@volstream/testkit';
import {
  migrate,
  openStore,
  type Row,
  Spool,
  SpoolClosedError,
  type Store,
  startStorageWriter,
} from '../src/index.ts';
import { expectedCounts, sessionEvents, type TopicEvents } from './events.ts';
import { chdbBackend } from './helpers.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

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

/** A logger whose JSON lines are kept for the assertions. */
function capturingLogger(): { logger: ReturnType<typeof createLogger>; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    service: 'spool-bounds-test',
    level: 'info',
    destination: new Writable({
      write(chunk: Buffer, _encoding, done): void {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    }),
  });
  return { logger, lines };
}

/** The store, with inserts that wait while `stalled` and a count of inserts started. */
function gatedStore(store: Store): Store & { stalled: boolean; started: number } {
  const gated = {
    backend: store.backend,
    stalled: false,
    started: 0,
    exec: (sql: string) => store.exec(sql),
    query: <T>(sql: string) => store.query<T>(sql),
    queryText: (sql: string, format: string) => store.queryText(sql, format),
    queryBytes: (sql: string, format: string) => store.queryBytes(sql, format),
    insertRowBinary: store.insertRowBinary.bind(store),
    async insert(table: string, rows: readonly Row[]): Promise<void> {
      gated.started++;
      while (gated.stalled) await sleep(20);
      return store.insert(table, rows);
    },
    close: () => store.close(),
  };
  return gated;
}

async function publish(bus: ReturnType<typeof createBus>, ev: TopicEvents): Promise<void> {
  const producer = bus.producer();
  await producer.send(TOPICS.marketdata as TopicCodec<unknown>, ev.marketdata);
  await producer.send(TOPICS.volatility as TopicCodec<unknown>, ev.volatility);
  await producer.send(TOPICS.surface as TopicCodec<unknown>, ev.surface);
}

async function storedOnce(store: Store, ev: TopicEvents): Promise<void> {
  const counts: Record<string, number> = {};
  for (const t of ['marketdata', 'vol_quotes', 'smiles', 'surfaces', 'surface_tenors']) {
    const [f] = await store.query<{ n: string; u: string }>(
      `SELECT count() AS n, uniqExact(event_id) AS u FROM ${t} FINAL`,
    );
    assert.equal(f?.n, f?.u, `${t}: an event id stored twice`);
    counts[t] = Number(f?.n);
  }
  assert.deepEqual(counts, expectedCounts(ev));
}

const total = (ev: TopicEvents): number => ev.marketdata.length + ev.volatility.length + ev.surface.length;

describe('spool cap', () => {
  test('an append past the cap waits for room; close and abort refuse it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'volstream-spool-cap-'));
    const { logger, lines } = capturingLogger();
    try {
      const spool = await Spool.open({ dir, maxBytes: 700, segmentBytes: 250 }, logger);
      const rows = (i: number) => ({ marketdata: [{ event_id: `e${i}`, payload: 'x'.repeat(150) }] });
      await spool.append(rows(1), 1, 1_000);
      await spool.append(rows(2), 1, 1_001);
      await spool.seal();
      await spool.append(rows(3), 1, 1_002);
      assert.equal(spool.stats().full, false);
      // Each line is 223 bytes: a fourth does not fit under 700: it waits until the oldest segment is removed.
      let done = false;
      const fourth = spool.append(rows(4), 1, 1_003).then(() => {
        done = true;
      });
      await waitFor('the append to wait', () => spool.stats().full);
      assert.equal(done, false);
      assert.ok(spool.stats().bytes <= 700, `${spool.stats().bytes} bytes`);
      const oldest = spool.oldest();
      assert.ok(oldest !== undefined);
      await spool.remove(oldest);
      await fourth;
      assert.equal(spool.stats().events, 2);
      assert.equal(spool.stats().fullWaits, 1);
      // Logged once, with the context to act on.
      const full = lines.filter((l) => String(l.msg).startsWith('spool full'));
      assert.equal(full.length, 1);
      assert.equal(full[0]?.maxBytes, 700);
      assert.equal(full[0]?.dir, dir);

      // Full again: an abort and a close end the wait without spooling the batch.
      await spool.append(rows(5), 1, 1_004);
      const controller = new AbortController();
      const aborted = spool.append(rows(6), 1, 1_005, controller.signal);
      await waitFor('the append to wait', () => spool.stats().full);
      controller.abort();
      await assert.rejects(aborted, SpoolClosedError);
      const closing = assert.rejects(spool.append(rows(7), 1, 1_006), SpoolClosedError);
      await waitFor('the append to wait', () => spool.stats().full);
      await spool.close();
      await closing;
      assert.equal(spool.stats().events, 3);
      assert.equal(lines.filter((l) => String(l.msg).startsWith('spool full')).length, 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a stalled store fills the spool to its cap, then the bus holds the rest; all stored once it answers', async () => {
    const ev = await sessionEvents(33, 40);
    const backend = await chdbBackend();
    const dir = mkdtempSync(join(tmpdir(), 'volstream-spool-cap-'));
    const { logger, lines } = capturingLogger();
    const bus = createBus({ transport: 'inprocess' }, { logger });
    const store = gatedStore(backend.store);
    store.stalled = true;
    const maxBytes = 256 * 1024;
    const writer = await startStorageWriter(
      store,
      { bus, logger },
      { maxBatchMessages: 200, spool: { dir, maxBytes, segmentBytes: 64 * 1024, lingerMs: 20 } },
    );
    try {
      await publish(bus, ev);
      await waitFor('the spool to reach its cap', () => writer.stats().spool?.full === true);
      const spool = writer.stats().spool;
      assert.ok(spool !== undefined);
      assert.equal(spool.maxBytes, maxBytes);
      assert.ok(spool.bytes <= maxBytes, `${spool.bytes} bytes spooled, cap ${maxBytes}`);
      assert.ok(spool.fullWaits >= 1);
      // The rest waits on the bus: consumed less than published, and all of it counted as lag.
      assert.ok(writer.stats().messages < total(ev), `${writer.stats().messages} consumed`);
      const lag = await writer.lag();
      assert.ok(lag.total >= total(ev) - (writer.stats().rows.marketdata ?? 0));
      assert.equal(lines.filter((l) => String(l.msg).startsWith('spool full')).length, 1);

      store.stalled = false;
      await waitFor('everything stored', async () => (await writer.lag()).total === 0, 120_000);
      assert.equal(writer.stats().messages, total(ev));
      await storedOnce(backend.store, ev);
      assert.equal(writer.stats().spool?.full, false);
    } finally {
      await writer.stop();
      await bus.close();
      await backend.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('shutdown with an insert that never returns', () => {
  let server: Awaited<ReturnType<typeof startClickHouseServer>>;
  before(async () => {
    server = await startClickHouseServer();
  });
  after(async () => {
    server?.thaw();
    await server?.stop();
  });

  test('a frozen server: stop returns after its timeout, says what stays spooled, the next start stores it all once', async () => {
    const ev = await sessionEvents(35, 20);
    const dir = mkdtempSync(join(tmpdir(), 'volstream-spool-stop-'));
    // A request timeout far beyond the test: the frozen server's insert does not come back.
    const store = await openStore({ backend: 'clickhouse', url: server.url, requestTimeoutMs: 300_000 });
    await migrate(store);
    const gated = gatedStore(store);
    const { logger, lines } = capturingLogger();
    const bus = createBus({ transport: 'inprocess' }, { logger });
    server.freeze();
    const stopTimeoutMs = 1_500;
    const writer = await startStorageWriter(
      gated,
      { bus, logger },
      { spool: { dir, segmentBytes: 64 * 1024, lingerMs: 20 }, stopTimeoutMs },
    );
    try {
      await publish(bus, ev);
      await waitFor('every event spooled', () => writer.stats().messages === total(ev));
      await waitFor('an insert sent to the frozen server', () => gated.started > 0);
      const t0 = performance.now();
      await writer.stop();
      const stopMs = performance.now() - t0;
      // Bounded: its timeout plus scheduling slack on a loaded machine, not the insert's 300 s.
      assert.ok(stopMs < stopTimeoutMs + 20_000, `stop took ${stopMs} ms`);
      const said = lines.find((l) => String(l.msg).includes('stay in the spool'));
      assert.ok(said !== undefined, 'the stop says what is left');
      assert.equal(said.spooledEvents, total(ev));
      assert.equal(said.spoolDir, dir);
      assert.match(String(said.msg), new RegExp(`${total(ev)} events .* for the next start`));
      await bus.close();

      // Everything is on disk for the next start.
      const left = await Spool.open({ dir }, logger);
      assert.equal(left.stats().events, total(ev));
      await left.close();
    } finally {
      server.thaw();
    }
    // The next start, with the server running again, stores every event exactly once (the
    // abandoned insert may land too: the same rows, collapsed by FINAL).
    const bus2 = createBus({ transport: 'inprocess' }, { logger });
    const again = await startStorageWriter(store, { bus: bus2, logger }, { spool: { dir, lingerMs: 20 } });
    try {
      await waitFor('the spool drained', async () => (await again.lag()).total === 0, 120_000);
      await storedOnce(store, ev);
    } finally {
      await again.stop();
      await bus2.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

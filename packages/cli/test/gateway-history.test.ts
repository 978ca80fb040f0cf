// `volstream gateway --history clickhouse` (distributed mode): the history endpoints read the
// ClickHouse server the storage writer filled; without the flag they answer 503. A real 18.16
// server (testkit) is filled by the real writer from a simulated session's surfaces.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createBus } from '@volstream/bus';
import { TOPICS } from '@volstream/contracts';
import { createLogger } from '@volstream/logging';
import { startStorageWriter } from '@volstream/storage-writer';
import { sessionEvents } from '../../../services/storage-writer/test/events.ts';
import { type Backend, serverBackend } from '../../../services/storage-writer/test/helpers.ts';
import { listeningPort, startCli } from './cli-process.ts';

const logger = createLogger({ service: 'gateway-history-cli-test', level: 'silent' });

interface Series {
  venue: string;
  points: { t: number; v: number | null }[];
}

describe('volstream gateway --history clickhouse', () => {
  let backend: Backend & { server: { url: string } };
  let times: number[] = [];

  before(async () => {
    backend = await serverBackend();
    const ev = await sessionEvents(29, 30);
    const bus = createBus({ transport: 'inprocess' }, { logger });
    const writer = await startStorageWriter(backend.store, { bus, logger }, { topics: ['surface'] });
    await bus.producer().send(TOPICS.surface, ev.surface);
    // Generous: the server's inserts share the 2 CI cores with another test file.
    const deadline = Date.now() + 120_000;
    while ((await writer.lag()).total > 0 || writer.stats().messages < ev.surface.length) {
      assert.ok(Date.now() < deadline, 'the writer caught up');
      await new Promise((r) => setTimeout(r, 50));
    }
    await writer.stop();
    await bus.close();
    times = ev.surface.flatMap((e) =>
      e.payload.case === 'surface' &&
      e.payload.value.venue === 'deribit' &&
      e.payload.value.currency === 'BTC'
        ? [Number(e.payload.value.asOfMs)]
        : [],
    );
    assert.ok(times.length > 0, 'the session produced deribit surfaces');
  });
  after(async () => {
    await backend?.close();
  });

  it('serves the stored ATM series from the server, and 503 without --history', async () => {
    // --port 0 and the port from the log: the kernel picks it at bind time, so nothing can take it first.
    const run = startCli([
      'gateway',
      '--bus',
      'inprocess',
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--history',
      'clickhouse',
      '--clickhouse-url',
      backend.server.url,
    ]);
    try {
      await run.waitForStderr(/"msg":"gateway listening"/, 90_000);
      const base = `http://127.0.0.1:${listeningPort(run.stderr())}`;
      const status = (await (await fetch(`${base}/v1/status`)).json()) as { history: boolean };
      assert.equal(status.history, true);
      const from = Math.min(...times);
      const to = Math.max(...times) + 1;
      const res = await fetch(
        `${base}/v1/history/BTC/tenor?metric=atm_vol&tenorDays=30&venue=deribit&from=${from}&to=${to}`,
      );
      assert.equal(res.status, 200);
      const series = (await res.json()) as Series;
      assert.equal(series.venue, 'deribit');
      assert.equal(series.points.length, new Set(times).size);
      assert.ok(series.points.every((p) => p.v !== null && p.v > 0.05 && p.v < 3));
      const bad = await fetch(`${base}/v1/history/BTC/tenor?metric=atm_vol;DROP&tenorDays=30`);
      assert.equal(bad.status, 400);
    } finally {
      run.child.kill('SIGTERM');
    }
    assert.equal((await run.done).code, 0);

    const off = startCli(['gateway', '--bus', 'inprocess', '--port', '0', '--host', '127.0.0.1']);
    try {
      await off.waitForStderr(/"msg":"gateway listening"/, 90_000);
      const port2 = listeningPort(off.stderr());
      const res = await fetch(`http://127.0.0.1:${port2}/v1/history/BTC/tenor?metric=atm_vol&tenorDays=30`);
      assert.equal(res.status, 503);
      assert.equal(((await res.json()) as { code: string }).code, 'HISTORY_UNAVAILABLE');
    } finally {
      off.child.kill('SIGTERM');
    }
    assert.equal((await off.done).code, 0);
  });

  it('a wrong --clickhouse-url fails the start with a clear error', async () => {
    // Port 1 (tcpmux): privileged and never served on a test machine, so the connection is refused;
    // a port probed free earlier could be bound by another test file by the time the gateway dials it.
    const run = startCli([
      'gateway',
      '--bus',
      'inprocess',
      '--port',
      '0',
      '--history',
      'clickhouse',
      '--clickhouse-url',
      'http://127.0.0.1:1',
    ]);
    const result = await run.done;
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /ECONNREFUSED|connect|clickhouse/i);
  });
});

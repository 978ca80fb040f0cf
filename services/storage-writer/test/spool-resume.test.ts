// A spool left by a killed writer is drained on the next start: a child writer (spool mode, a
// store that never acknowledges) spools a simulated session and is killed with SIGKILL; a torn
// half-written record is added to what it left; a new writer on a real chdb store and an empty
// bus inserts everything from the spool, each event exactly once, and deletes the segments.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { createBus } from '@volstream/bus';
import { createLogger } from '@volstream/logging';
import { startStorageWriter } from '../src/index.ts';
import { expectedCounts, sessionEvents } from './events.ts';
import { chdbBackend } from './helpers.ts';

const logger = createLogger({ service: 'spool-resume-test', level: 'silent' });
const CHILD = new URL('./spool-child.ts', import.meta.url).pathname;

test('kill -9 with a full spool, restart: every spooled event is inserted once', async () => {
  const spoolDir = mkdtempSync(join(tmpdir(), 'volstream-spool-resume-'));
  const backend = await chdbBackend();
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, spoolDir, '37', '30'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    const status = await new Promise<{ spooled: number }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('child did not spool in time')), 90_000);
      const lines = createInterface({ input: child.stdout });
      lines.on('line', (line) => {
        clearTimeout(timer);
        lines.close();
        resolve(JSON.parse(line) as { spooled: number });
      });
      child.once('exit', () => reject(new Error('child exited early')));
    });
    child.kill('SIGKILL');
    await exited;
    const ev = await sessionEvents(37, 30);
    const total = ev.marketdata.length + ev.volatility.length + ev.surface.length;
    assert.equal(status.spooled, total);
    // The kill may land mid-append: make sure a torn record is there to be cut off.
    const open = readdirSync(spoolDir).find((f) => f.endsWith('.open')) ?? 'seg-999999999999.open';
    appendFileSync(join(spoolDir, open), '{"ms":1,"n":50,"rows":{"marketdata":[{"event_id":"torn"');

    const bus = createBus({ transport: 'inprocess' }, { logger });
    const writer = await startStorageWriter(backend.store, { bus, logger }, { spool: { dir: spoolDir } });
    try {
      assert.equal(writer.stats().spool?.recovered, total);
      assert.equal(writer.stats().spool?.tornRecords, 1);
      const deadline = Date.now() + 60_000;
      while ((await writer.lag()).total > 0) {
        assert.ok(Date.now() < deadline, 'spool drained in time');
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.deepEqual(readdirSync(spoolDir), []);
      const counts: Record<string, number> = {};
      for (const t of ['marketdata', 'vol_quotes', 'smiles', 'surfaces', 'surface_tenors']) {
        const [row] = await backend.store.query<{ n: string; u: string }>(
          `SELECT count() AS n, uniqExact(event_id) AS u FROM ${t} FINAL`,
        );
        assert.equal(row?.n, row?.u, `${t}: an event id stored twice`);
        counts[t] = Number(row?.n);
      }
      assert.deepEqual(counts, expectedCounts(ev));
    } finally {
      await writer.stop();
      await bus.close();
    }
  } finally {
    await backend.close();
    rmSync(spoolDir, { recursive: true, force: true });
  }
});

/**
 * `volstream run` keeps history: a short simulated run stores market data, volatility quotes and
 * surfaces in chdb at <data-dir>/data, `volstream sql` reads them back from the same directory, and
 * `volstream replay` runs over a slice of the stored range (docs/PIPELINE.md "Modes").
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from './cli-process.ts';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'volstream-run-store-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** One JSON row of `volstream sql --format json`. */
async function sqlRow(query: string): Promise<Record<string, string | number>> {
  const result = await runCli(['sql', '--data-dir', dir, '--format', 'json', query]);
  assert.equal(result.code, 0, result.stderr);
  const line = result.stdout.trim().split('\n')[0] ?? '';
  return JSON.parse(line) as Record<string, string | number>;
}

describe('volstream run stores what it produces', { timeout: 120_000 }, () => {
  it('run --for 15s on the simulator, then sql counts rows and replay reads a slice', async () => {
    const run = await runCli(['run', '--source', 'sim', '--for', '15s', '--port', '0', '--data-dir', dir]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /store: storing marketdata, volatility and surfaces in chdb at .*data/);

    for (const table of ['marketdata', 'vol_quotes', 'surfaces']) {
      const row = await sqlRow(`SELECT count() AS n FROM ${table}`);
      assert.ok(Number(row.n) > 0, `${table} should have rows, had ${row.n}`);
    }

    // The stored market data's event-time range; replay one second of it under a new run id.
    const range = await sqlRow(
      "SELECT min(exchange_time_ms) AS lo, max(exchange_time_ms) AS hi FROM marketdata WHERE run_id = 'live'",
    );
    const lo = Number(range.lo);
    const hi = Number(range.hi);
    assert.ok(hi > lo, `expected a time range, got ${lo}..${hi}`);
    const from = Math.max(lo, hi - 2_000);
    const replay = await runCli([
      'replay',
      '--data-dir',
      dir,
      '--from',
      String(from),
      '--to',
      String(from + 1_000),
      '--run-id',
      'store-test',
    ]);
    assert.equal(replay.code, 0, replay.stderr);
    const summary = JSON.parse(replay.stdout.trim()) as { runId: string; events: number };
    assert.equal(summary.runId, 'store-test');
    assert.ok(summary.events > 0, `replay should read stored events, read ${summary.events}`);
  });

  it('--no-store leaves the data dir without a store', async () => {
    const other = join(dir, 'nostore');
    const run = await runCli([
      'run',
      '--source',
      'sim',
      '--for',
      '1s',
      '--port',
      '0',
      '--no-store',
      '--data-dir',
      other,
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /store: disabled by configuration/);
    const { existsSync } = await import('node:fs');
    assert.equal(existsSync(join(other, 'data')), false);
  });
});

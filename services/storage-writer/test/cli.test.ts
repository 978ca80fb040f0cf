// `volstream sql` and `volstream replay` as a user runs them (node bin/volstream.mjs …), against
// an embedded store in a temp --data-dir and against a real 18.16 server: results on stdout,
// and a query the engine rejects → the engine's own error on stderr, exit 1.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startCli } from '../../../packages/cli/test/cli-process.ts';
import { fillLive, simulatorSession } from '../../replay/test/helpers/fill.ts';
import { MIGRATIONS, migrate, openStore } from '../src/index.ts';
import { type Backend, serverBackend } from './helpers.ts';

const events = await simulatorSession(13, 30);

describe('volstream sql / replay on the embedded store', () => {
  let dataDir: string;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'volstream-cli-'));
    // The CLI keeps the embedded store in <data-dir>/data.
    const store = await openStore({ backend: 'chdb', dataDir: join(dataDir, 'data') });
    await migrate(store);
    await fillLive(store, events);
    await store.close();
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('prints a table, CSV and JSON lines', async () => {
    const sql = 'SELECT run_id, count() AS n FROM marketdata FINAL GROUP BY run_id';
    const table = await startCli(['sql', sql, '--data-dir', dataDir]).done;
    assert.equal(table.code, 0, table.stderr);
    assert.match(
      table.stdout,
      new RegExp(`^run_id\\s+n\\n-+\\s+-+\\nlive\\s+${events.length}\\n\\(1 row\\)\\n$`),
    );
    const csv = await startCli(['sql', sql, '--data-dir', dataDir, '--format', 'csv']).done;
    assert.equal(csv.stdout, `"run_id","n"\n"live",${events.length}\n`);
    const json = await startCli(['sql', sql, '--data-dir', dataDir, '--format', 'json']).done;
    const row = JSON.parse(json.stdout) as { run_id: string; n: number | string };
    assert.equal(row.run_id, 'live');
    assert.equal(Number(row.n), events.length);
  });

  it('bad SQL: the engine error on stderr, exit 1', async () => {
    const r = await startCli(['sql', 'SELECT nope FROM surfaces', '--data-dir', dataDir]).done;
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(
      r.stderr,
      /volstream sql: chdb rejected the query:\n.*UNKNOWN_IDENTIFIER|Unknown expression identifier/s,
    );
  });

  it('replay writes a new run and reports progress with an ETA', async () => {
    const r = await startCli([
      'replay',
      '--from',
      '2026-03-02T00:00:00Z',
      '--to',
      '2026-03-03T00:00:00Z',
      '--run-id',
      'cli-run',
      '--data-dir',
      dataDir,
      '--log-level',
      'silent',
    ]).done;
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      /replay: (\d+)\/\1 events \(100\.0%\), event time 2026-03-02T09:00:\d\d\.\d+Z, \d+(\.\d)?x real time, elapsed \d+s, ETA 0s/,
    );
    const result = JSON.parse(r.stdout) as { runId: string; surfaces: number };
    assert.equal(result.runId, 'cli-run');
    const q = await startCli([
      'sql',
      "SELECT count() AS n FROM surfaces FINAL WHERE run_id = 'cli-run'",
      '--data-dir',
      dataDir,
      '--format',
      'csv',
    ]).done;
    assert.equal(q.stdout, `"n"\n${result.surfaces}\n`);
    assert.ok(result.surfaces > 0);
  });

  it('rejects a backwards range as usage error', async () => {
    const r = await startCli(['replay', '--from', '2026-03-03', '--to', '2026-03-02', '--data-dir', dataDir])
      .done;
    assert.equal(r.code, 2);
    assert.match(r.stderr, /expected --from < --to/);
  });
});

describe('volstream sql on the ClickHouse server', () => {
  let b: Backend & { server: { url: string } };
  before(async () => {
    b = await serverBackend();
  });
  after(async () => {
    await b.close();
  });

  it('answers, and passes the server error through on bad SQL', async () => {
    const args = ['--store', 'clickhouse', '--clickhouse-url', b.server.url];
    const ok = await startCli([
      'sql',
      'SELECT count() AS n FROM schema_migrations FINAL',
      ...args,
      '--format',
      'csv',
    ]).done;
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, `"n"\n${MIGRATIONS.length}\n`);
    const bad = await startCli(['sql', 'SELEC 1', ...args]).done;
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /volstream sql: clickhouse rejected the query:\nCode: 62, .*Syntax error/s);
  });
});

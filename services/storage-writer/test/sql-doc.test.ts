// Schema, migrations and every worked query of docs/SQL.md, on the embedded engine (chdb) and on
// a real 18.16 ClickHouse server: a short simulated session is stored as run "live" (market data
// + the pipeline transforms' results) and replayed with the second test fitter as "replay-alt".
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { replay } from '@volstream/replay';
import { fillLive, simulatorSession } from '../../replay/test/helpers/fill.ts';
import { MIGRATIONS, migrate } from '../src/index.ts';
import { type Backend, chdbBackend, serverBackend, sqlDocQueries } from './helpers.ts';

const ALT_FITTER = new URL('../../../packages/svi-core/pkg/test-fitters/alt_fitter.wasm', import.meta.url)
  .pathname;
const events = await simulatorSession(11, 60);

for (const open of [chdbBackend, serverBackend]) {
  describe(`storage on ${open === chdbBackend ? 'chdb' : 'the ClickHouse server'}`, () => {
    let b: Backend;
    before(async () => {
      b = await open();
      await fillLive(b.store, events);
      await replay(b.store, {
        fromMs: 0,
        toMs: 4_000_000_000_000,
        runId: 'replay-alt',
        wasmPath: ALT_FITTER,
      });
    });
    after(async () => {
      await b.close();
    });

    it('migrations are recorded once and re-running them changes nothing', async () => {
      assert.deepEqual(await migrate(b.store), []);
      const rows = await b.store.query<{ version: number }>(
        'SELECT version FROM schema_migrations FINAL ORDER BY version',
      );
      assert.deepEqual(
        rows.map((r) => Number(r.version)),
        MIGRATIONS.map((m) => m.version),
      );
    });

    it('stores every market-data event once, with its protobuf', async () => {
      const [row] = await b.store.query<{ n: string; u: string }>(
        "SELECT count() AS n, uniqExact(event_id) AS u FROM marketdata FINAL WHERE run_id = 'live'",
      );
      assert.equal(Number(row?.n), events.length);
      assert.equal(Number(row?.u), events.length);
    });

    it('a re-inserted batch is invisible to FINAL queries', async () => {
      const before = await b.store.query<{ n: string }>('SELECT count() AS n FROM surface_tenors FINAL');
      const dup = await b.store.query<Record<string, unknown>>(
        "SELECT * FROM surface_tenors WHERE run_id = 'live' ORDER BY as_of_ms LIMIT 50",
      );
      await b.store.insert('surface_tenors', dup);
      const afterRows = await b.store.query<{ n: string }>('SELECT count() AS n FROM surface_tenors FINAL');
      assert.equal(afterRows[0]?.n, before[0]?.n);
    });

    for (const q of sqlDocQueries()) {
      it(`docs/SQL.md: ${q.title}`, async () => {
        const rows = await b.store.query<Record<string, unknown>>(q.sql);
        // The composite queries are empty here (one venue, no composite); composite.test.ts checks
        // their values on a stored four-venue session.
        if (!q.title.includes('composite')) assert.ok(rows.length > 0, `no rows from:\n${q.sql}`);
      });
    }

    it('the replay with the second fitter sits beside the live run', async () => {
      const rows = await b.store.query<{ run_id: string; fitter_id: string; n: string }>(
        'SELECT run_id, fitter_id, count() AS n FROM surfaces FINAL GROUP BY run_id, fitter_id ORDER BY run_id',
      );
      assert.equal(rows.length, 2);
      assert.equal(rows[0]?.run_id, 'live');
      assert.equal(rows[1]?.run_id, 'replay-alt');
      assert.notEqual(rows[0]?.fitter_id, rows[1]?.fitter_id);
      assert.ok(Number(rows[0]?.n) > 0);
    });
  });
}

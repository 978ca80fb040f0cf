// Storage benchmarks (docs/BENCHMARKS.md "Storage"), one JSON line per figure:
// - insert throughput per table, rows/s, on chdb and on the 18.16 server, against a baseline of
//   the same rows into an ENGINE = Null copy of the table (parsing only, nothing stored);
// - storage bytes per surface (on disk, compressed, after a merge) and the extrapolation to one
//   hour of BTC + ETH surfaces at full cadence;
// - replay speed as a multiple of real time, against the bare transform chain (no storage).
// Run: node --import tsx services/storage-writer/bench/insert.bench.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replay } from '@volstream/replay';
import { startClickHouseServer } from '@volstream/testkit';
import { load } from 'svi-core';
import { PipelineChain, windowsOf } from '../../replay/src/index.ts';
import { fillLive } from '../../replay/test/helpers/fill.ts';
import {
  marketDataRows,
  migrate,
  openStore,
  type Row,
  type Store,
  surfaceRows,
  volatilityRows,
} from '../src/index.ts';
import { sessionEvents } from '../test/events.ts';

const out = (
  bench: string,
  value: number,
  unit: string,
  baseline: number,
  extra: Record<string, unknown> = {},
): void =>
  console.log(
    JSON.stringify({
      bench,
      value: Math.round(value * 100) / 100,
      unit,
      baseline: Math.round(baseline * 100) / 100,
      ratio: Math.round((value / baseline) * 1000) / 1000,
      ...extra,
    }),
  );

const ev = await sessionEvents(41, 100);
const rows: Record<string, Row[]> = {
  marketdata: [],
  vol_quotes: [],
  smiles: [],
  surfaces: [],
  surface_tenors: [],
};
const push = (r: Partial<Record<string, Row[]>>): void => {
  for (const [t, list] of Object.entries(r)) if (t in rows) rows[t]?.push(...(list ?? []));
};
for (const e of ev.marketdata) push(marketDataRows(e));
for (const e of ev.volatility) push(volatilityRows(e));
for (const e of ev.surface) push(surfaceRows(e));

/** The rows repeated with distinct event ids up to `n` rows (small tables get a real sample). */
function scaled(list: Row[], n: number): Row[] {
  const out: Row[] = [];
  for (let copy = 0; out.length < n && list.length > 0; copy++) {
    for (const r of list) out.push({ ...r, event_id: `${String(r.event_id)}#${copy}` });
  }
  return out.slice(0, Math.max(n, 1));
}

/** Best of three passes (the machine is shared), 5,000-row inserts as the writer does them. */
async function insertRate(store: Store, table: string, list: Row[]): Promise<number> {
  let best = 0;
  for (let pass = 0; pass < 3; pass++) {
    const rows = list.map((r) => ({ ...r, event_id: `${String(r.event_id)}@${pass}` }));
    const t0 = performance.now();
    for (let i = 0; i < rows.length; i += 5000) await store.insert(table, rows.slice(i, i + 5000));
    best = Math.max(best, rows.length / ((performance.now() - t0) / 1000));
  }
  return best;
}

async function throughput(store: Store, backend: string): Promise<void> {
  await migrate(store);
  for (const [table, raw] of Object.entries(rows)) {
    const list = scaled(raw, 10_000);
    await store.exec(`CREATE TABLE IF NOT EXISTS ${table}_null AS ${table} ENGINE = Null`);
    await insertRate(store, `${table}_null`, list.slice(0, 500)); // warm-up
    const base = await insertRate(store, `${table}_null`, list);
    const rate = await insertRate(store, table, list);
    out(`insert_${table}_${backend}`, rate, 'rows/s', base, {
      rows: list.length,
      baseline_is: 'ENGINE = Null',
    });
  }
}

const dir = mkdtempSync(join(tmpdir(), 'volstream-bench-'));
const chdb = await openStore({ backend: 'chdb', dataDir: dir });
await throughput(chdb, 'chdb');
const server = await startClickHouseServer();
const srv = await openStore({ backend: 'clickhouse', url: server.url });
await throughput(srv, 'server');
await srv.close();
await server.stop();
await chdb.close();
rmSync(dir, { recursive: true, force: true });

// Bytes per surface: a fresh store with one session, merged, measured on disk.
const dir2 = mkdtempSync(join(tmpdir(), 'volstream-bench-'));
const store = await openStore({ backend: 'chdb', dataDir: dir2 });
await migrate(store);
await fillLive(store, ev.marketdata);
for (const t of ['smiles', 'surfaces', 'surface_expiries', 'surface_tenors', 'marketdata'])
  await store.exec(`OPTIMIZE TABLE ${t} FINAL`);
const parts = await store.query<{ table: string; b: string }>(
  'SELECT table, sum(bytes_on_disk) AS b FROM system.parts WHERE active AND database = currentDatabase() GROUP BY table',
);
const bytes = (t: string): number => Number(parts.find((p) => p.table === t)?.b ?? 0);
const [s] = await store.query<{ n: string; e: string }>(
  "SELECT count() AS n, avg(expiries) AS e FROM surfaces FINAL WHERE run_id = 'live'",
);
const surfaceCount = Number(s?.n);
const expiries = Number(s?.e);
const surfaceBytes =
  bytes('smiles') + bytes('surfaces') + bytes('surface_expiries') + bytes('surface_tenors');
const perSurface = surfaceBytes / surfaceCount;
// Full cadence: one surface per currency per 500 ms display tick (2/s), BTC + ETH, ~12 listed
// expiries each on Deribit. Smile and expiry rows scale with the expiry count; the measured
// session has fewer expiries, so per-surface bytes are scaled by 12 / measured expiries (an
// upper bound: tenor rows and the surface row do not grow with expiries).
const hourBytes = perSurface * (12 / expiries) * 2 * 2 * 3600;
out('surface_bytes_per_surface', perSurface, 'bytes', perSurface, {
  surfaces: surfaceCount,
  expiries_per_surface: expiries,
});
out('surface_bytes_per_hour_btc_eth', hourBytes / 1e6, 'MB/h', hourBytes / 1e6, {
  method: 'measured bytes/surface x (12 / measured expiries) x 2 surfaces/s x 2 currencies x 3600 s',
});
const [md] = await store.query<{ n: string }>('SELECT count() AS n FROM marketdata FINAL');
out(
  'marketdata_bytes_per_event',
  bytes('marketdata') / Number(md?.n),
  'bytes',
  bytes('marketdata') / Number(md?.n),
);

// Replay speed versus the bare chain.
const core = await load();
const chain = new PipelineChain(core, 'bench');
const spanMs =
  Number(ev.marketdata[ev.marketdata.length - 1]?.header?.exchangeTimeMs) -
  Number(ev.marketdata.find((e) => e.payload.case !== 'instrument')?.header?.exchangeTimeMs);
const c0 = performance.now();
for (const w of windowsOf(ev.marketdata)) chain.push(w);
const chainSpeed = spanMs / (performance.now() - c0);
const r = await replay(store, { fromMs: 0, toMs: 4_000_000_000_000, runId: 'bench-replay' });
out('replay_speed_x_realtime', r.speedup, 'x real time', chainSpeed, {
  events: r.events,
  session_s: spanMs / 1000,
  events_per_s_of_session: Math.round(r.events / (spanMs / 1000)),
  baseline_is: 'transform chain alone, no storage',
});
await store.close();
rmSync(dir2, { recursive: true, force: true });

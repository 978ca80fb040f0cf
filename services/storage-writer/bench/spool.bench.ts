// Spool benchmarks (docs/STORAGE.md "The spool"), one JSON line per figure:
// - what the bus consumer pays per event in spool mode (rows + append to the segment file),
//   against the rows alone (what any writer pays before its insert);
// - drain throughput, events/s from sealed segments (4 MiB) into chdb, against inserting the same
//   rows straight from memory in bus batches of 5,000 events (the writer without a spool).
// Run: node --import tsx services/storage-writer/bench/spool.bench.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOPICS } from '@volstream/contracts';
import { createLogger } from '@volstream/logging';
import { batchRows, DATA_TABLES, migrate, openStore, Spool, segmentRows } from '../src/index.ts';
import { sessionEvents } from '../test/events.ts';

const out = (bench: string, value: number, unit: string, baseline: number): void =>
  console.log(
    JSON.stringify({
      bench,
      value: Math.round(value * 1000) / 1000,
      unit,
      baseline: Math.round(baseline * 1000) / 1000,
      ratio: Math.round((value / baseline) * 1000) / 1000,
    }),
  );

const logger = createLogger({ service: 'spool-bench', level: 'silent' });
const ev = await sessionEvents(41, 100);
const BATCH = 500;
const batches: (typeof ev.marketdata)[] = [];
for (let i = 0; i < ev.marketdata.length; i += BATCH) batches.push(ev.marketdata.slice(i, i + BATCH));
const events = ev.marketdata.length;
const dir = mkdtempSync(join(tmpdir(), 'volstream-spool-bench-'));

try {
  // Consumer side, best of 3 rounds each.
  let rowsOnly = Number.POSITIVE_INFINITY;
  let spooled = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 3; round++) {
    let t0 = performance.now();
    for (const b of batches) batchRows(TOPICS.marketdata.name, b, {});
    rowsOnly = Math.min(rowsOnly, ((performance.now() - t0) * 1000) / events);

    const spool = await Spool.open({ dir: join(dir, `consume-${round}`) }, logger);
    t0 = performance.now();
    for (const b of batches) await spool.append(batchRows(TOPICS.marketdata.name, b, {}), b.length);
    await spool.close();
    spooled = Math.min(spooled, ((performance.now() - t0) * 1000) / events);
  }
  out('spool_consume_us_per_event', spooled, 'us/event', rowsOnly);

  // Drain side: the segments of round 0 into chdb, against the same rows inserted from memory.
  const store = await openStore({ backend: 'chdb', dataDir: join(dir, 'chdb') });
  await migrate(store);
  const direct: ReturnType<typeof batchRows>[] = [];
  for (let i = 0; i < events; i += 5_000)
    direct.push(batchRows(TOPICS.marketdata.name, ev.marketdata.slice(i, i + 5_000), {}));
  let t0 = performance.now();
  for (const rows of direct) {
    for (const [table, list] of Object.entries(rows)) await store.insert(table, list ?? []);
  }
  const directRate = events / ((performance.now() - t0) / 1000);
  await store.exec('TRUNCATE TABLE marketdata');
  const spool = await Spool.open({ dir: join(dir, 'consume-0') }, logger);
  t0 = performance.now();
  for (let s = spool.oldest(); s !== undefined; s = spool.oldest()) {
    for (const [table, rows] of segmentRows(await spool.read(s), DATA_TABLES))
      await store.insert(table, rows);
    await spool.remove(s);
  }
  const drainRate = events / ((performance.now() - t0) / 1000);
  out('spool_drain_events_per_s', drainRate, 'events/s', directRate);
  await store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// Replay on the embedded store: a simulated session stored as run "live" (its market data and
// the pipeline transforms' results), replayed from storage. The default fitter reproduces the
// original surfaces byte for byte (once the run id is taken out: it is part of event ids), two
// replays are identical, and the second test fitter gives a separate run id beside the others.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fromBinary, SurfaceEventSchema, toBinary } from '@volstream/contracts';
import { migrate, openStore, type Store } from '@volstream/storage-writer';
import { type ReplayProgress, replay } from '../src/index.ts';
import { fillLive, simulatorSession } from './helpers/fill.ts';

const ALT_FITTER = new URL('../../../packages/svi-core/pkg/test-fitters/alt_fitter.wasm', import.meta.url)
  .pathname;
const ALL = { fromMs: 0, toMs: 4_000_000_000_000 };

/** Surfaces of a run in event-time order, with the run id (and the ids made from it) blanked. */
async function surfacesOf(store: Store, runId: string): Promise<string[]> {
  const rows = await store.query<{ payload: string; t: string }>(
    `SELECT payload, as_of_ms AS t FROM surfaces FINAL WHERE run_id = '${runId}'`,
  );
  return rows
    .map((r) => {
      const e = fromBinary(SurfaceEventSchema, Buffer.from(r.payload, 'base64'));
      if (e.header !== undefined) {
        e.header.runId = '';
        e.header.eventId = '';
        e.header.producerId = '';
      }
      if (e.payload.case === 'surface') {
        e.payload.value.runId = '';
        for (const s of e.payload.value.smiles) s.runId = '';
      }
      // Event time first, then the normalised bytes: a total order that ignores the run id.
      return `${String(r.t).padStart(16, '0')}:${Buffer.from(toBinary(SurfaceEventSchema, e)).toString('base64')}`;
    })
    .sort();
}

describe('replay', () => {
  let dir: string;
  let store: Store;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'volstream-replay-'));
    store = await openStore({ backend: 'chdb', dataDir: dir });
    await migrate(store);
    await fillLive(store, await simulatorSession(5, 80));
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('with the default fitter reproduces the original surfaces exactly, and twice the same bytes', async () => {
    const a = await replay(store, { ...ALL, runId: 'again-1' });
    const b = await replay(store, { ...ALL, runId: 'again-2' });
    const live = await surfacesOf(store, 'live');
    assert.ok(live.length >= 5, `only ${live.length} surfaces in the session`);
    assert.equal(a.surfaces, live.length);
    assert.deepEqual(await surfacesOf(store, 'again-1'), live);
    assert.deepEqual(await surfacesOf(store, 'again-2'), live);
    assert.equal(b.fitterId, a.fitterId);
    // Small pages: the paged reader neither skips nor repeats an event, nor reorders across pages.
    const seen: ReplayProgress[] = [];
    const paged = await replay(store, {
      ...ALL,
      runId: 'paged',
      pageSize: 997,
      insertRows: 500, // several insert batches while pages compute
      onProgress: (p) => seen.push(p),
    });
    assert.equal(paged.events, a.events);
    // Progress after every page and once at the end, counting up to every event.
    assert.ok(a.events > 3 * 997 && seen.length >= 3, `${seen.length} progress reports`);
    assert.deepEqual(
      seen.map((p) => p.events),
      [...seen.map((p) => p.events)].sort((x, y) => x - y),
    );
    assert.equal(seen.at(-1)?.events, a.events);
    assert.equal(seen.at(-1)?.totalEvents, a.events);
    assert.deepEqual(await surfacesOf(store, 'paged'), live);
  });

  it('with the second fitter writes a separate run, queryable side by side', async () => {
    const r = await replay(store, { ...ALL, runId: 'alt', wasmPath: ALT_FITTER });
    assert.match(r.fitterId, /variant/);
    const rows = await store.query<{ run_id: string; fitter_id: string; n: string }>(
      "SELECT run_id, fitter_id, count() AS n FROM smiles FINAL WHERE run_id IN ('live', 'alt') GROUP BY run_id, fitter_id ORDER BY run_id",
    );
    assert.deepEqual(
      rows.map((x) => [x.run_id, x.fitter_id]),
      [
        ['alt', r.fitterId],
        ['live', 'volstream-quant-core/qe-svi-1'],
      ],
    );
    const alt = await surfacesOf(store, 'alt');
    assert.ok(alt.length > 0);
    assert.notDeepEqual(alt, await surfacesOf(store, 'live'));
  });

  it('reads only the requested range and refuses to overwrite the source run', async () => {
    const [span] = await store.query<{ lo: string; hi: string }>(
      "SELECT min(exchange_time_ms) AS lo, max(exchange_time_ms) AS hi FROM marketdata FINAL WHERE kind != 'instrument'",
    );
    const mid = Math.floor((Number(span?.lo) + Number(span?.hi)) / 2);
    const half = await replay(store, { fromMs: Number(span?.lo), toMs: mid, runId: 'half' });
    const [n] = await store.query<{ n: string }>(
      `SELECT count() AS n FROM marketdata FINAL WHERE run_id = 'live' AND exchange_time_ms >= ${Number(span?.lo)} AND exchange_time_ms < ${mid}`,
    );
    assert.equal(half.events, Number(n?.n));
    await assert.rejects(replay(store, { ...ALL, runId: 'live' }), /must differ/);
  });
});

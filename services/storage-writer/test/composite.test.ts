// Composite surfaces and their venue disagreement in storage, on the embedded engine (chdb) and on
// a real 18.16 ClickHouse server: three snapshots of the surface worker's four-venue test input
// (one known SVI truth, different grids, calendars and forwards, a linear venue, a stale one) go
// through the surface worker and the writer's row mapping; the stored rows and the composite
// queries of docs/SQL.md must give back exactly what the surface events carried.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Surface, type SurfaceEvent, TOPICS } from '@volstream/contracts';
import { SurfaceTransform } from '@volstream/surface-worker';
import { load } from 'svi-core';
import { multiVenueSnapshot } from '../../surface-worker/test/multi-venue.ts';
import { T0 } from '../../surface-worker/test/synthetic.ts';
import { batchRows, DATA_TABLES } from '../src/index.ts';
import { type Backend, chdbBackend, serverBackend, sqlDocQueries } from './helpers.ts';

const SNAPSHOTS = [T0, T0 + 60_000, T0 + 120_000];

const core = await load();
const transform = new SurfaceTransform({ core, clockUs: () => 0, nowNs: () => 1n });
const events: SurfaceEvent[] = SNAPSHOTS.flatMap((at) => transform.process(multiVenueSnapshot(at)).outputs);
const composites: Surface[] = events.flatMap((e) =>
  e.payload.case === 'surface' && e.payload.value.venue === 'composite' ? [e.payload.value] : [],
);
const newest = composites.at(-1);

function query(title: string): string {
  const q = sqlDocQueries().find((x) => x.title === title);
  if (q === undefined) throw new Error(`docs/SQL.md has no query "${title}"`);
  return q.sql;
}

const close = (a: unknown, b: number, digits: number): boolean => Math.abs(Number(a) - b) <= 10 ** -digits;

for (const open of [chdbBackend, serverBackend]) {
  describe(`composite storage on ${open === chdbBackend ? 'chdb' : 'the ClickHouse server'}`, () => {
    let b: Backend;
    before(async () => {
      b = await open();
      const rows = batchRows(TOPICS.surface.name, events, {});
      for (const table of DATA_TABLES) {
        const r = rows[table];
        if (r !== undefined && r.length > 0) await b.store.insert(table, r);
      }
    });
    after(async () => {
      await b.close();
    });

    it('stores one disagreement row per composite surface, expiry and fresh venue listing it', async () => {
      assert.equal(composites.length, SNAPSHOTS.length, 'one composite per snapshot');
      const expected = composites.reduce(
        (n, s) => n + s.venueDisagreement.reduce((m, d) => m + d.venues.length, 0),
        0,
      );
      assert.ok(expected >= 3 * 7, `${expected} rows expected`);
      const rows = await b.store.query<{ venue: string; member_venue: string; atm_vol: number }>(
        "SELECT venue, member_venue, atm_vol FROM venue_disagreement FINAL WHERE run_id = 'live'",
      );
      assert.equal(rows.length, expected);
      assert.ok(rows.every((r) => r.venue === 'composite'));
      assert.deepEqual([...new Set(rows.map((r) => r.member_venue))].sort(), ['bybit', 'deribit', 'okx']);
      // A re-delivered surface adds nothing visible to FINAL queries.
      await b.store.insert(
        'venue_disagreement',
        batchRows(TOPICS.surface.name, events.slice(-1), {}).venue_disagreement ?? [],
      );
      const [again] = await b.store.query<{ n: string }>('SELECT count() AS n FROM venue_disagreement FINAL');
      assert.equal(Number(again?.n), expected);
    });

    it('docs/SQL.md per-expiry ATM of each venue versus the composite: the newest surface, exactly', async () => {
      assert.ok(newest !== undefined);
      const rows = await b.store.query<Record<string, unknown>>(
        query('Per-expiry ATM of each venue versus the composite'),
      );
      const want = newest.venueDisagreement.flatMap((d) => {
        const comp = newest.expiries.find((e) => e.expiryMs === d.expiryMs)?.atmVol ?? Number.NaN;
        return d.venues.map((v) => ({ venue: v.venue, atm: v.atmVol, comp, spread: d.atmVolSpread }));
      });
      assert.equal(rows.length, want.length);
      rows.forEach((r, i) => {
        const w = want[i];
        assert.ok(w !== undefined);
        assert.equal(r.member_venue, w.venue);
        const what = `${w.venue}: ${JSON.stringify(r)} vs ${JSON.stringify(w)}`;
        assert.ok(close(r.atm_venue, w.atm, 4), what);
        assert.ok(close(r.atm_composite, w.comp, 4), what);
        assert.ok(close(r.diff_vol_points, (w.atm - w.comp) * 100, 3), what);
        assert.ok(close(r.spread_vol_points, w.spread * 100, 3), what);
      });
    });

    it('docs/SQL.md venue disagreement of the composite over time: last and widest spread per minute and expiry', async () => {
      const rows = await b.store.query<Record<string, unknown>>(
        query('Venue disagreement of the composite over time'),
      );
      const want = composites.flatMap((s) =>
        s.venueDisagreement.map((d) => ({ minute: Math.floor(Number(s.asOfMs) / 60_000), d })),
      );
      assert.equal(rows.length, want.length, 'one composite per minute here: one row per surface and expiry');
      rows.forEach((r, i) => {
        const w = want[i];
        assert.ok(w !== undefined);
        assert.ok(close(r.spread_last_vol_points, w.d.atmVolSpread * 100, 3));
        assert.ok(close(r.spread_max_vol_points, w.d.atmVolSpread * 100, 3));
        assert.equal(Number(r.venues), w.d.venues.length);
      });
    });

    it('docs/SQL.md a venue versus the composite (30-day tenor): each venue in each minute with a composite', async () => {
      const rows = await b.store.query<Record<string, unknown>>(query('A venue versus the composite'));
      // The same join computed here: the newest 30-day ATM per (venue, minute) against the composite's.
      const last = new Map<string, { asOf: bigint; atm: number }>();
      for (const e of events) {
        if (e.payload.case !== 'surface') continue;
        const s = e.payload.value;
        const atm = s.tenors.find((t) => t.tenorDays === 30)?.atmVol;
        if (atm === undefined) continue;
        const key = `${Math.floor(Number(s.asOfMs) / 60_000)}|${s.venue}`;
        const prev = last.get(key);
        if (prev === undefined || s.asOfMs >= prev.asOf) last.set(key, { asOf: s.asOfMs, atm });
      }
      const want = [...last.entries()]
        .map(([key, v]) => {
          const [minute = '', venue = ''] = key.split('|');
          return { minute: Number(minute), venue, atm: v.atm, comp: last.get(`${minute}|composite`)?.atm };
        })
        .filter((w) => w.venue !== 'composite' && w.comp !== undefined)
        .sort((x, y) => x.minute - y.minute || (x.venue < y.venue ? -1 : 1));
      assert.ok(want.length >= 8, `${want.length} venue-minutes`);
      assert.deepEqual(
        rows.map((r) => r.venue),
        want.map((w) => w.venue),
      );
      rows.forEach((r, i) => {
        const w = want[i];
        assert.ok(w?.comp !== undefined);
        assert.ok(
          close(r.atm_venue, w.atm, 9) && close(r.atm_composite, w.comp, 9),
          `${r.venue} ${r.minute}`,
        );
      });
    });
  });
}

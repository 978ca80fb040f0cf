// HistoryQueries (for the gateway's history endpoints): ATM/RR/BF history and the surface at a
// time from a store filled by a simulated session; every caller value is validated, so injection
// attempts are rejected before any SQL is built.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fromBinary, SurfaceEventSchema } from '@volstream/contracts';
import { fillLive, simulatorSession } from '../../replay/test/helpers/fill.ts';
import { HistoryQueries } from '../src/index.ts';
import { type Backend, chdbBackend } from './helpers.ts';

describe('HistoryQueries', () => {
  let b: Backend;
  let h: HistoryQueries;
  const range = { currency: 'BTC', venue: 'deribit', fromMs: 0, toMs: 4_000_000_000_000 };
  before(async () => {
    b = await chdbBackend();
    await fillLive(b.store, await simulatorSession(17, 30));
    h = new HistoryQueries(b.store);
  });
  after(async () => {
    await b.close();
  });

  it('ATM, RR and BF history by tenor, oldest first', async () => {
    const atm = await h.atmHistory(range, 30);
    assert.ok(atm.length > 0);
    for (let i = 1; i < atm.length; i++) assert.ok((atm[i]?.asOfMs ?? 0) >= (atm[i - 1]?.asOfMs ?? 0));
    assert.ok(atm.every((p) => p.value === null || (p.value > 0.05 && p.value < 5)));
    assert.equal((await h.rrHistory(range, 30)).length, atm.length);
    assert.equal((await h.bfHistory(range, 30, 10)).length, atm.length);
    assert.deepEqual(await h.atmHistory({ ...range, runId: 'no-such-run' }, 30), []);
  });

  it('expiry history and server-side downsampling (one point per step, the last value in it)', async () => {
    const [e] = await b.store.query<{ x: string }>(
      "SELECT expiry_ms AS x FROM surface_expiries FINAL WHERE venue = 'deribit' GROUP BY expiry_ms ORDER BY count() DESC, x LIMIT 1",
    );
    const expiryMs = Number(e?.x);
    const full = await h.expiryHistory(range, expiryMs, 'atm_vol');
    assert.ok(full.length > 3, `expiry series has points (${full.length})`);
    assert.deepEqual(await h.expiryHistory(range, expiryMs + 1, 'rr25'), []);
    const atm = await h.atmHistory(range, 30);
    const first = atm[0]?.asOfMs ?? 0;
    const last = atm[atm.length - 1]?.asOfMs ?? 0;
    const stepMs = Math.max(2, Math.ceil((last - first + 1) / 3));
    const down = await h.tenorHistory({ ...range, fromMs: first, toMs: last + 1 }, 30, 'atm_vol', { stepMs });
    assert.ok(down.length >= 2 && down.length <= 4, `${down.length} points for 3 steps`);
    for (const p of down) {
      // Each point is the newest raw point of its step, with that point's own time.
      const bucket = Math.floor(p.asOfMs / stepMs);
      const inBucket = atm.filter((a) => Math.floor(a.asOfMs / stepMs) === bucket);
      assert.deepEqual(p, inBucket[inBucket.length - 1]);
    }
    // maxPoints caps the series whatever the range: the step grows to fit.
    const capped = await h.tenorHistory(range, 30, 'atm_vol', { maxPoints: 2 });
    assert.ok(capped.length >= 1 && capped.length <= 2);
    await assert.rejects(h.tenorHistory(range, 30, 'atm_vol', { stepMs: 0 }), { code: 'CONFIG_INVALID' });
    await assert.rejects(h.expiryHistory(range, -1, 'atm_vol'), { code: 'CONFIG_INVALID' });
  });

  it('the surface at a time is the newest at or before it', async () => {
    const atm = await h.atmHistory(range, 30);
    const at = atm[Math.floor(atm.length / 2)]?.asOfMs ?? 0;
    const bytes = await h.surfaceAt({ currency: 'BTC', venue: 'deribit', atMs: at + 1 });
    assert.ok(bytes !== undefined);
    const e = fromBinary(SurfaceEventSchema, bytes);
    assert.equal(e.payload.case, 'surface');
    assert.ok(e.payload.case === 'surface' && Number(e.payload.value.asOfMs) <= at + 1);
    assert.equal(await h.surfaceAt({ currency: 'BTC', venue: 'deribit', atMs: 0 }), undefined);
  });

  it('rejects injection attempts and bad values', async () => {
    const attempts: (() => Promise<unknown>)[] = [
      () => h.atmHistory({ ...range, currency: "BTC' OR 1=1 --" }, 30),
      () => h.atmHistory({ ...range, venue: 'deribit; DROP TABLE surfaces' }, 30),
      () => h.atmHistory({ ...range, runId: "live'); SELECT 1; --" }, 30),
      () => h.atmHistory({ ...range, fromMs: Number.NaN }, 30),
      () => h.atmHistory({ ...range, toMs: '1 OR 1' as unknown as number }, 30),
      () => h.atmHistory(range, '30 OR 1=1' as unknown as number),
      () => h.tenorHistory(range, 30, 'atm_vol FROM surfaces --' as 'atm_vol'),
      () => h.surfaceAt({ currency: 'BTC\\', atMs: 1 }),
    ];
    for (const attempt of attempts) await assert.rejects(attempt(), { code: 'CONFIG_INVALID' });
    const [n] = await b.store.query<{ n: string }>('SELECT count() AS n FROM surfaces');
    assert.ok(Number(n?.n) > 0, 'surfaces table intact');
  });
});

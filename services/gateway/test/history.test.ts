// History endpoints over a REAL chdb store (temp dir) filled by the storage writer from a
// simulated session's surface events on an in-process bus, through app.inject(). The store is
// wrapped only to count queries, so injection attempts can be shown never to reach SQL.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createBus } from '@volstream/bus';
import { type SurfaceEvent, SurfaceSchema, TOPICS, toJson } from '@volstream/contracts';
import {
  HistoryQueries,
  type StorageWriter,
  type Store,
  startStorageWriter,
} from '@volstream/storage-writer';
import { sessionEvents } from '../../storage-writer/test/events.ts';
import { type Backend, chdbBackend } from '../../storage-writer/test/helpers.ts';
import { build, type Gateway } from '../src/index.ts';
import { logger } from './helpers.ts';

/**
 * The real store, counting every call that can reach SQL (any method but close). A proxy rather
 * than a hand-written wrapper, so a method added to Store is forwarded and counted too.
 */
function counting(store: Store): Store & { queries: number } {
  let queries = 0;
  return new Proxy(store as Store & { queries: number }, {
    get(target, prop) {
      if (prop === 'queries') return queries;
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (prop !== 'close') queries++;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

describe('history endpoints (real chdb store filled by the writer)', () => {
  let backend: Backend;
  let store: Store & { queries: number };
  let gw: Gateway;
  let surfaces: SurfaceEvent[];
  let from = 0;
  let to = 0;

  before(async () => {
    const ev = await sessionEvents(23, 40);
    surfaces = ev.surface.filter((e) => e.payload.case === 'surface');
    backend = await chdbBackend();
    const bus = createBus({ transport: 'inprocess' }, { logger });
    const writer: StorageWriter = await startStorageWriter(
      backend.store,
      { bus, logger },
      { topics: ['surface'] },
    );
    await bus.producer().send(TOPICS.surface, ev.surface);
    // Generous: chdb inserts share the 2 CI cores with another test file.
    const deadline = Date.now() + 120_000;
    while ((await writer.lag()).total > 0 || writer.stats().messages < ev.surface.length) {
      assert.ok(Date.now() < deadline, 'writer caught up');
      await new Promise((r) => setTimeout(r, 50));
    }
    await writer.stop();
    await bus.close();
    const times = surfaces.map((e) => Number(e.payload.case === 'surface' ? e.payload.value.asOfMs : 0));
    from = Math.min(...times);
    to = Math.max(...times) + 1;
    store = counting(backend.store);
    const history = new HistoryQueries(store);
    gw = build({ logger, options: { history: () => history } });
  });
  after(async () => {
    await gw?.close();
    await backend?.close();
  });

  const get = (url: string) => gw.app.inject(url);

  test('tenor series: every stored surface in range, oldest first, in the documented shape', async () => {
    const res = await get(
      `/v1/history/btc/tenor?metric=atm_vol&tenorDays=30&venue=deribit&from=${from}&to=${to}`,
    );
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.deepEqual(
      { ...body, points: undefined },
      {
        currency: 'BTC',
        venue: 'deribit',
        metric: 'atm_vol',
        tenorDays: 30,
        runId: 'live',
        from,
        to,
        stepMs: null,
        points: undefined,
      },
    );
    // One point per instant: the worker can publish one as-of time twice (same values).
    const byInstant = new Map<bigint, SurfaceEvent>();
    for (const e of surfaces) {
      if (e.payload.case === 'surface' && e.payload.value.venue === 'deribit') {
        byInstant.set(e.payload.value.asOfMs, e);
      }
    }
    const deribit = [...byInstant.values()];
    assert.ok(deribit.length > 3);
    assert.equal(body.points.length, deribit.length);
    for (let i = 0; i < body.points.length; i++) {
      const s = deribit[i]?.payload.value as {
        asOfMs: bigint;
        tenors: { tenorDays: number; atmVol?: number }[];
      };
      assert.equal(body.points[i].t, Number(s.asOfMs));
      const tenor = s.tenors.find((t) => t.tenorDays === 30);
      assert.equal(body.points[i].v, tenor?.atmVol ?? null);
    }
    const rr = (await get(`/v1/history/BTC/tenor?metric=rr25&venue=deribit&from=${from}&to=${to}`)).json();
    assert.equal(rr.points.length, deribit.length);
    assert.ok(rr.points.some((p: { v: number | null }) => p.v !== null && p.v !== body.points[0].v));
  });

  test('downsampling: stepMs gives one point per step (the last in it); maxPoints caps the count', async () => {
    const full = (await get(`/v1/history/BTC/tenor?venue=deribit&from=${from}&to=${to}`)).json().points;
    const stepMs = Math.ceil((to - from) / 3);
    const res = (
      await get(`/v1/history/BTC/tenor?venue=deribit&from=${from}&to=${to}&stepMs=${stepMs}`)
    ).json();
    assert.equal(res.stepMs, stepMs);
    assert.ok(res.points.length >= 2 && res.points.length <= 4, `${res.points.length} points`);
    for (const p of res.points) {
      const inStep = full.filter((f: { t: number }) => Math.floor(f.t / stepMs) === Math.floor(p.t / stepMs));
      assert.deepEqual(p, inStep[inStep.length - 1]);
    }
    const capped = (
      await get(`/v1/history/BTC/tenor?venue=deribit&from=${from}&to=${to}&maxPoints=2`)
    ).json();
    assert.ok(capped.points.length <= 2 && capped.points.length >= 1);
    assert.ok(capped.stepMs >= (to - from) / 2);
    // A year-long range is downsampled to at most the default cap without asking.
    const year = (
      await get(`/v1/history/BTC/tenor?venue=deribit&from=${to - 365 * 86_400_000}&to=${to}`)
    ).json();
    assert.ok(year.stepMs > 1 && year.points.length >= 1 && year.points.length <= 5_000);
  });

  test('expiry series and the surface in force at an instant', async () => {
    const first = surfaces.find((e) => e.payload.case === 'surface' && e.payload.value.venue === 'deribit');
    assert.ok(first?.payload.case === 'surface');
    const expiryMs = Number(first.payload.value.expiries[0]?.expiryMs);
    const ex = (
      await get(`/v1/history/BTC/expiry?metric=rr25&expiryMs=${expiryMs}&venue=deribit&from=${from}&to=${to}`)
    ).json();
    assert.equal(ex.expiryMs, expiryMs);
    assert.equal(ex.metric, 'rr25');
    assert.ok(ex.points.length >= 1);
    assert.equal(ex.points[0].v, first.payload.value.expiries[0]?.rr25 ?? null);

    const second = surfaces.filter(
      (e) => e.payload.case === 'surface' && e.payload.value.venue === 'deribit',
    )[1];
    assert.ok(second?.payload.case === 'surface');
    const at = Number(second.payload.value.asOfMs) + 1;
    const res = await get(`/v1/history/btc/surface?at=${at}&venue=deribit`);
    assert.equal(res.statusCode, 200);
    // Same body as GET /v1/surfaces/:currency: the protobuf JSON mapping of the stored surface.
    assert.deepEqual(res.json(), toJson(SurfaceSchema, second.payload.value));
    const none = await get(`/v1/history/BTC/surface?at=${from - 1}&venue=deribit`);
    assert.equal(none.statusCode, 404);
    assert.equal(none.json().code, 'HISTORY_NOT_FOUND');
  });

  test('injection attempts and bad values: 400 BAD_REQUEST, and no query reaches the store', async () => {
    const before = store.queries;
    const bad = [
      `/v1/history/BTC/tenor?venue=deribit'%20OR%201=1--&from=${from}&to=${to}`,
      `/v1/history/BTC/tenor?venue=deribit;DROP%20TABLE%20surfaces&from=${from}&to=${to}`,
      `/v1/history/BTC/tenor?venue=deribit%20UNION%20SELECT%20payload%20FROM%20surfaces`,
      `/v1/history/BTC/tenor?runId=live'/*&venue=deribit`,
      `/v1/history/BTC/tenor?runId=live--%20comment`,
      `/v1/history/BTC'%20OR%20'1'='1/tenor`,
      `/v1/history/BTC%3B/tenor`,
      `/v1/history/BTC/tenor?metric=atm_vol%20FROM%20surfaces--`,
      `/v1/history/BTC/tenor?metric=svi_a`,
      `/v1/history/BTC/tenor?tenorDays=30%20OR%201=1`,
      `/v1/history/BTC/tenor?tenorDays=99999999999999999999999`,
      `/v1/history/BTC/tenor?from=1e400`,
      `/v1/history/BTC/tenor?from=99999999999999999999&to=1`,
      `/v1/history/BTC/tenor?from=-5`,
      `/v1/history/BTC/tenor?from=${to}&to=${from}`,
      `/v1/history/BTC/tenor?from=${from}&to=${from}`,
      `/v1/history/BTC/tenor?stepMs=0`,
      `/v1/history/BTC/tenor?stepMs=-1000`,
      `/v1/history/BTC/tenor?maxPoints=1000000`,
      `/v1/history/BTC/tenor?venue=DERIBIT`,
      `/v1/history/BTC/tenor?venue=${'a'.repeat(40)}`,
      `/v1/history/BTC/tenor?sql=SELECT%201`,
      `/v1/history/BTC/expiry?metric=atm_vol`,
      `/v1/history/BTC/expiry?expiryMs=1%3BSELECT%201`,
      `/v1/history/BTC/expiry?expiryMs=1&metric=bf25'`,
      `/v1/history/BTC/surface?at=now()`,
      `/v1/history/BTC/surface?at=1&venue=x'y`,
    ];
    for (const url of bad) {
      const res = await get(url);
      assert.equal(res.statusCode, 400, `${url}: ${res.body}`);
      assert.equal(res.json().code, 'BAD_REQUEST', url);
    }
    assert.equal(store.queries, before, 'no query ran');
    const [n] = await backend.store.query<{ n: string }>('SELECT count() AS n FROM surfaces');
    assert.ok(Number(n?.n) > 0, 'surfaces intact');
  });

  test('without a store: 503 HISTORY_UNAVAILABLE (after validation), and status says history: false', async () => {
    const bare = build({ logger });
    try {
      for (const url of [
        '/v1/history/BTC/tenor',
        '/v1/history/BTC/expiry?expiryMs=1',
        '/v1/history/BTC/surface',
      ]) {
        const res = await bare.app.inject(url);
        assert.equal(res.statusCode, 503, url);
        assert.equal(res.json().code, 'HISTORY_UNAVAILABLE');
      }
      assert.equal((await bare.app.inject('/v1/history/BTC/tenor?metric=nope')).statusCode, 400);
      assert.equal((await bare.app.inject('/v1/status')).json().history, false);
      assert.equal((await get('/v1/status')).json().history, true);
    } finally {
      await bare.close();
    }
  });

  test('a store that fails answers 503 HISTORY_UNAVAILABLE, not a 500', async () => {
    const failing = new HistoryQueries({
      ...store,
      query: () => Promise.reject(new Error('connection refused')),
    } as Store);
    const gw2 = build({ logger, options: { history: () => failing } });
    try {
      const res = await gw2.app.inject(`/v1/history/BTC/tenor?from=${from}&to=${to}`);
      assert.equal(res.statusCode, 503);
      assert.equal(res.json().code, 'HISTORY_UNAVAILABLE');
    } finally {
      await gw2.close();
    }
  });
});

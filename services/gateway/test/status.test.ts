// GET /v1/status: the source and SIMULATED flag, venues derived from the surfaces the gateway sees
// (freshness, rates, currencies) with the connector's own view laid over them, data lag,
// surfaces per second, history availability and the store backlog.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  build,
  mergeVenues,
  STALE_AFTER_MS,
  StateStore,
  StatusTracker,
  sourceFromEnv,
  type VenueStatus,
} from '../src/index.ts';
import { logger, smileEvent, surfaceEvent, surfaceOf } from './helpers.ts';

describe('StatusTracker (derived from the surface topic)', () => {
  test('venues: last event, rate over whole seconds, currencies, staleness; composite is no venue', () => {
    let now = 1_800_000_000_000;
    const store = new StateStore();
    const tracker = new StatusTracker(store, () => now);
    assert.deepEqual(tracker.venues(), []);
    assert.equal(tracker.lagMs(), null);
    // 20 surface events of deribit BTC over 10 s (2 a second), one ETH, composites alongside.
    for (let i = 0; i < 20; i++) {
      store.apply(surfaceEvent(surfaceOf('BTC', 'deribit', 0.7, BigInt(now - 250))));
      store.apply(surfaceEvent(surfaceOf('BTC', 'composite', 0.7, BigInt(now - 250))));
      now += 500;
    }
    store.apply(smileEvent('ETH', 'deribit', 0.8));
    now += 1000;
    const [deribit, ...rest] = tracker.venues();
    assert.deepEqual(rest, []);
    assert.equal(deribit?.venue, 'deribit');
    assert.equal(deribit?.connected, true);
    assert.deepEqual(deribit?.currencies, ['BTC', 'ETH']);
    assert.equal(deribit?.lastEventMs, now - 1000);
    // Rates average the 10 whole seconds before the current one: seconds 1-9 held 2 deribit
    // events (surfaces) each and second 10 the ETH smile (second 0 has left the window).
    assert.equal(deribit?.msgsPerSec, 1.9);
    assert.equal(tracker.surfacesPerSec(), 3.6);
    // Newest as-of: the last surface, 250 ms before its receipt at 9.5 s; now is 11 s.
    assert.equal(tracker.lagMs(), 1750);
    now += STALE_AFTER_MS + 1;
    assert.equal(tracker.venues()[0]?.connected, false);
    // The rate window has passed: nothing arrived in the last 10 s.
    assert.equal(tracker.venues()[0]?.msgsPerSec, 0);
    assert.equal(tracker.surfacesPerSec(), 0);
    tracker.close();
  });

  test('the connector view overrides connected and rate, keeps the newer time, unions currencies', () => {
    const derived: VenueStatus[] = [
      { venue: 'deribit', connected: true, lastEventMs: 2000, msgsPerSec: 4, currencies: ['BTC'] },
      { venue: 'okx', connected: true, lastEventMs: 1500, msgsPerSec: 2, currencies: ['BTC'] },
    ];
    const reported: VenueStatus[] = [
      { venue: 'deribit', connected: false, lastEventMs: 1000, msgsPerSec: 900, currencies: ['ETH'] },
      { venue: 'bybit', connected: true, lastEventMs: null, msgsPerSec: 0, currencies: [] },
    ];
    assert.deepEqual(mergeVenues(derived, reported), [
      { venue: 'bybit', connected: true, lastEventMs: null, msgsPerSec: 0, currencies: [] },
      { venue: 'deribit', connected: false, lastEventMs: 2000, msgsPerSec: 900, currencies: ['BTC', 'ETH'] },
      { venue: 'okx', connected: true, lastEventMs: 1500, msgsPerSec: 2, currencies: ['BTC'] },
    ]);
  });

  test('a report without time or currencies (the run board) is filled from the derived view', () => {
    const derived: VenueStatus[] = [
      { venue: 'okx', connected: true, lastEventMs: 1500, msgsPerSec: 2, currencies: ['BTC'] },
    ];
    const board = [{ venue: 'okx', source: 'sim', connected: true, msgsPerSec: 12.345, connectionsOpen: 1 }];
    assert.deepEqual(mergeVenues(derived, board), [
      { venue: 'okx', connected: true, lastEventMs: 1500, msgsPerSec: 12.35, currencies: ['BTC'] },
    ]);
    assert.deepEqual(mergeVenues([], board), [
      { venue: 'okx', connected: true, lastEventMs: null, msgsPerSec: 12.35, currencies: [] },
    ]);
  });

  test('source from the environment: sim, live, replay, else unknown', () => {
    assert.equal(sourceFromEnv({ VOLSTREAM_SOURCE: 'sim' }), 'sim');
    assert.equal(sourceFromEnv({ VOLSTREAM_SOURCE: 'replay' }), 'replay');
    assert.equal(sourceFromEnv({ VOLSTREAM_SOURCE: 'banana' }), 'unknown');
    assert.equal(sourceFromEnv({}), 'unknown');
  });
});

describe('GET /v1/status', () => {
  test('the documented shape, from surfaces alone (distributed mode)', async () => {
    const before = Date.now();
    const gw = build({ logger, options: { source: 'live' } });
    try {
      const asOf = Date.now();
      gw.store.apply(surfaceEvent(surfaceOf('BTC', 'deribit', 0.7, BigInt(asOf))));
      const res = await gw.app.inject('/v1/status');
      const answered = Date.now();
      assert.equal(res.statusCode, 200);
      const body = res.json();
      assert.deepEqual(Object.keys(body).sort(), [
        'history',
        'lag',
        'simulated',
        'source',
        'startedAtMs',
        'store',
        'surfacesPerSec',
        'venues',
      ]);
      assert.equal(body.source, 'live');
      assert.equal(body.simulated, false);
      assert.equal(body.history, false);
      assert.equal(body.store, null);
      assert.ok(body.startedAtMs >= before && body.startedAtMs <= Date.now());
      assert.equal(body.venues.length, 1);
      assert.equal(body.venues[0].venue, 'deribit');
      assert.equal(body.venues[0].connected, true);
      assert.deepEqual(body.venues[0].currencies, ['BTC']);
      assert.ok(typeof body.venues[0].msgsPerSec === 'number');
      // The lag is measured against the surface's as-of: at most the time this request took (a fixed
      // bound would fail whenever a loaded machine holds the test process back for that long).
      assert.ok(body.lag >= 0 && body.lag <= answered - asOf, `lag ${body.lag} ms`);
      assert.ok(typeof body.surfacesPerSec === 'number');
      assert.equal((await gw.app.inject('/v1/status?x=1')).statusCode, 400);
    } finally {
      await gw.close();
    }
  });

  test('embedded: source sim sets simulated; connector venues, store backlog; a failing reporter is survived', async () => {
    let fail = false;
    const gw = build({
      logger,
      options: {
        source: () => 'sim',
        venueStatus: () => {
          if (fail) throw new Error('boom');
          return [
            { venue: 'deribit', connected: true, lastEventMs: 5, msgsPerSec: 1234, currencies: ['BTC'] },
          ];
        },
        storeStatus: async () => ({
          lagEvents: 7,
          spooledEvents: 5,
          spoolBytes: 900,
          oldestAgeMs: 40,
          spoolMaxBytes: 4096,
          spoolFull: true,
        }),
      },
    });
    try {
      const body = (await gw.app.inject('/v1/status')).json();
      assert.equal(body.source, 'sim');
      assert.equal(body.simulated, true);
      assert.deepEqual(body.venues, [
        { venue: 'deribit', connected: true, lastEventMs: 5, msgsPerSec: 1234, currencies: ['BTC'] },
      ]);
      assert.deepEqual(body.store, {
        lagEvents: 7,
        spooledEvents: 5,
        spoolBytes: 900,
        oldestAgeMs: 40,
        spoolMaxBytes: 4096,
        spoolFull: true,
      });
      assert.equal(body.lag, null);
      fail = true;
      const survived = await gw.app.inject('/v1/status');
      assert.equal(survived.statusCode, 200);
      assert.deepEqual(survived.json().venues, []);
    } finally {
      await gw.close();
    }
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bannerOf, parseRunStatus, statusStateOf, venueStatusRows } from '../src/app/run-status.ts';

/** The documented `/v1/status` body of a `volstream run --source sim` (docs/API.md). */
const SIM_STATUS = {
  source: 'sim',
  simulated: true,
  startedAtMs: 1_000,
  history: true,
  venues: [
    { venue: 'okx', connected: false, lastEventMs: null, msgsPerSec: 0, currencies: [] },
    { venue: 'deribit', connected: true, lastEventMs: 9_500, msgsPerSec: 1650.5, currencies: ['BTC', 'ETH'] },
  ],
  lag: 240,
  surfacesPerSec: 4,
  store: { lagEvents: 12, spooledEvents: 0, spoolBytes: 0, oldestAgeMs: 800 },
};

describe('run status → banner and venue panel', () => {
  it('parses the documented body; venues by name', () => {
    const s = parseRunStatus(SIM_STATUS);
    assert.ok(s !== undefined);
    assert.equal(s.source, 'sim');
    assert.equal(s.simulated, true);
    assert.equal(s.history, true);
    assert.equal(s.lag, 240);
    assert.deepEqual(
      s.venues.map((v) => v.venue),
      ['deribit', 'okx'],
    );
    assert.deepEqual(s.venues[0]?.currencies, ['BTC', 'ETH']);
    assert.deepEqual(s.store, { lagEvents: 12, oldestAgeMs: 800 });
    assert.equal(parseRunStatus({ ...SIM_STATUS, store: null })?.store, null);
  });

  it('a sim source shows SIMULATED DATA; live shows no banner; replay its own', () => {
    const sim = statusStateOf(200, SIM_STATUS);
    assert.deepEqual(
      { show: bannerOf(sim, 'live').show, kind: bannerOf(sim, 'live').kind },
      { show: true, kind: 'simulated' },
      'the status wins over the served source',
    );
    assert.match(bannerOf(sim, undefined).text, /^SIMULATED DATA/);
    // "simulated" false with source sim is contradictory: the page still labels it simulated.
    assert.equal(
      bannerOf(statusStateOf(200, { ...SIM_STATUS, simulated: false }), undefined).kind,
      'simulated',
    );
    const live = statusStateOf(200, { ...SIM_STATUS, source: 'live', simulated: false });
    assert.equal(bannerOf(live, 'sim').show, false, 'live per /v1/status: no banner');
    const replay = statusStateOf(200, { ...SIM_STATUS, source: 'replay', simulated: false });
    assert.equal(bannerOf(replay, undefined).kind, 'replay');
  });

  it('404, 503 and bad bodies are "unavailable"; the served source stands in for the banner', () => {
    const missing = statusStateOf(404, { code: 'NOT_FOUND', message: 'no route' });
    assert.equal(missing.kind, 'unavailable');
    const down = statusStateOf(503, { code: 'NOT_READY' });
    assert.deepEqual(down, { kind: 'unavailable', reason: '/v1/status answered 503 NOT_READY' });
    assert.equal(statusStateOf(200, { hello: 1 }).kind, 'unavailable');
    assert.equal(statusStateOf(200, undefined).kind, 'unavailable');
    assert.equal(bannerOf(missing, 'sim').kind, 'simulated');
    assert.equal(bannerOf(missing, 'live').show, false);
    assert.equal(bannerOf({ kind: 'pending' }, 'sim').show, true);
    assert.equal(bannerOf({ kind: 'pending' }, undefined).show, false);
    // A status with source "unknown" knows less than the page: the served "sim" keeps the banner.
    const unknown = statusStateOf(200, { ...SIM_STATUS, source: 'unknown', simulated: false });
    assert.equal(bannerOf(unknown, 'sim').kind, 'simulated');
    assert.equal(bannerOf(unknown, 'live').show, false);
  });

  it('drops malformed venues, defaults bad numbers, unknown sources become "unknown"', () => {
    const s = parseRunStatus({
      source: 'mars',
      venues: [{ venue: '' }, 7, null, { venue: 'bybit', msgsPerSec: 'fast', lastEventMs: Number.NaN }],
      lag: 'x',
    });
    assert.ok(s !== undefined);
    assert.equal(s.source, 'unknown');
    assert.equal(s.simulated, false);
    assert.equal(s.lag, null);
    assert.deepEqual(s.venues, [
      { venue: 'bybit', connected: false, lastEventMs: null, msgsPerSec: 0, currencies: [] },
    ]);
  });

  it('venue rows: age of the last event; disconnected or silent > 10 s is bad, starting is not', () => {
    const s = parseRunStatus({
      ...SIM_STATUS,
      venues: [
        ...SIM_STATUS.venues,
        { venue: 'bybit', connected: true, lastEventMs: 0, msgsPerSec: 0, currencies: ['BTC'] },
        { venue: 'binance', connected: true, lastEventMs: null, msgsPerSec: 80, currencies: [] },
      ],
    });
    assert.ok(s !== undefined);
    const rows = venueStatusRows(s, 10_000);
    assert.deepEqual(
      rows.map((r) => [r.venue, r.connected, r.ageMs, r.currencies, r.bad]),
      [
        ['binance', true, null, '', false],
        ['bybit', true, 10_000, 'BTC', false],
        ['deribit', true, 500, 'BTC, ETH', false],
        ['okx', false, null, '', true],
      ],
    );
    assert.equal(venueStatusRows(s, 10_001)[1]?.bad, true, 'silent for more than 10 s');
  });
});

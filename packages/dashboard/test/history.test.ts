import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  HISTORY_RANGES,
  historyPath,
  historySeries,
  historyStateOf,
  historyStepMs,
  historyYRange,
} from '../src/app/history.ts';

describe('history series shaping', () => {
  it('sorts by time, keeps the last point per time, nulls gaps, clips to the range, x in seconds', () => {
    const s = historySeries(
      [
        { t: 3_000, v: 0.52 },
        { t: 1_000, v: 0.5 },
        { t: 2_000, v: null },
        { t: 1_000, v: 0.51 },
        { t: 9_000, v: 0.6 },
        { t: Number.NaN, v: 0.1 },
        { t: '4000', v: 0.53 },
        { t: 5_000, v: Number.POSITIVE_INFINITY },
        null,
        'junk',
      ],
      1_000,
      5_000,
    );
    assert.deepEqual(s.t, [1, 2, 3, 4, 5]);
    assert.deepEqual(s.v, [0.51, null, 0.52, 0.53, null]);
    assert.equal(s.count, 3);
  });

  it('states: 200 → series, 503 HISTORY_UNAVAILABLE and 404 → unavailable, others → error', () => {
    const ok = historyStateOf(
      200,
      {
        currency: 'BTC',
        venue: 'composite',
        metric: 'atm_vol',
        tenorDays: 30,
        runId: 'live',
        points: [{ t: 5, v: 0.5 }],
      },
      0,
      10,
    );
    assert.equal(ok.kind, 'ok');
    assert.equal(ok.kind === 'ok' && ok.series.count, 1);
    assert.equal(ok.kind === 'ok' && ok.runId, 'live');
    const none = historyStateOf(
      503,
      { code: 'HISTORY_UNAVAILABLE', message: 'History unavailable: no store configured' },
      0,
      10,
    );
    assert.deepEqual(none, {
      kind: 'unavailable',
      reason: 'history unavailable: HISTORY_UNAVAILABLE (History unavailable: no store configured)',
    });
    assert.equal(historyStateOf(404, { code: 'NOT_FOUND' }, 0, 10).kind, 'unavailable');
    assert.equal(historyStateOf(503, undefined, 0, 10).kind, 'unavailable');
    assert.deepEqual(historyStateOf(400, { code: 'BAD_REQUEST', message: 'bad tenorDays' }, 0, 10), {
      kind: 'error',
      message: 'history: 400 BAD_REQUEST (bad tenorDays)',
    });
    assert.equal(historyStateOf(200, { points: 'no' }, 0, 10).kind, 'error');
  });

  it('requests exactly the documented parameters with a step giving at most ~240 points', () => {
    const path = historyPath({
      currency: 'BTC',
      venue: 'composite',
      metric: 'rr25',
      tenorDays: 30,
      fromMs: 1_000.7,
      toMs: 3_601_000,
      stepMs: 15_000,
    });
    const url = new URL(path, 'http://x');
    assert.equal(url.pathname, '/v1/history/BTC/tenor');
    assert.deepEqual(Object.fromEntries(url.searchParams), {
      metric: 'rr25',
      tenorDays: '30',
      venue: 'composite',
      from: '1000',
      to: '3601000',
      stepMs: '15000',
    });
    for (const r of HISTORY_RANGES) {
      const step = historyStepMs(r.ms);
      assert.ok(r.ms / step <= 240, `${r.label}: ${r.ms / step} points`);
      assert.ok(r.ms / step >= 60, `${r.label}: enough points to draw a line (${r.ms / step})`);
    }
    assert.equal(historyStepMs(60 * 60_000), 15_000);
  });

  it('y range: the span padded 10 %, at least 1 vol point; no data gives a fixed range', () => {
    const [lo, hi] = historyYRange(0.5, 0.6);
    assert.ok(Math.abs(lo - 0.495) < 1e-12 && Math.abs(hi - 0.605) < 1e-12, `${lo} ${hi}`);
    const [flo, fhi] = historyYRange(0.7, 0.7);
    assert.ok(Math.abs(fhi - flo - 0.01) < 1e-12 && Math.abs((flo + fhi) / 2 - 0.7) < 1e-12);
    assert.deepEqual(historyYRange(null, null), [0, 1]);
  });
});

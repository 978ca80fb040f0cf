/**
 * The simulated tickers follow Deribit's IV convention (EXCHANGES.md §0.1: undiscounted Black-76 on
 * F = underlying_price, T = (expiry − timestamp)/365 days, coin price × F), the truth is served
 * over HTTP, and expiries happen when the clock passes 08:00 UTC.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { impliedVolInverse, init } from 'svi-core';
import { allocBatch, priceBatch } from '../src/deribit/pricing.ts';
import { type DeribitSimulator, startDeribitSimulator, type TruthSnapshot } from '../src/index.ts';
import { TestClient } from './client.ts';

const START = Date.UTC(2026, 1, 10, 7, 59, 58, 500);

describe('tickers and truth', () => {
  let sim: DeribitSimulator;
  before(async () => {
    await init();
    sim = await startDeribitSimulator({ seed: 'tt', startTime: START, rate: 5000 });
  });
  after(async () => {
    await sim.stop();
  });

  it('mark_iv inverts from mark_price with Deribit’s convention; bid_iv ≤ mark_iv ≤ ask_iv', async () => {
    const c = await TestClient.connect(sim.url);
    const rows = (await c.request('public/get_instruments', { currency: 'BTC', kind: 'option' }))
      .result as Record<string, unknown>[];
    const picked = rows.filter((_, i) => i % 9 === 0).slice(0, 60);
    await c.request('public/subscribe', {
      channels: picked.map((r) => `ticker.${r.instrument_name as string}.100ms`),
    });
    await c.waitFor(() => c.notifications('ticker.').length >= picked.length, 20_000);
    let checked = 0;
    for (const n of c.notifications('ticker.')) {
      const t = n.data;
      const row = rows.find((r) => r.instrument_name === t.instrument_name)!;
      const years = ((row.expiration_timestamp as number) - (t.timestamp as number)) / (365 * 86_400_000);
      const iv = impliedVolInverse(
        t.mark_price as number,
        t.underlying_price as number,
        row.strike as number,
        years,
        row.option_type === 'call',
      );
      if (!Number.isFinite(iv) || years < 2 / 365) continue;
      assert.ok(
        Math.abs(iv * 100 - (t.mark_iv as number)) < 0.05,
        `${t.instrument_name}: ${iv * 100} vs ${t.mark_iv}`,
      );
      if ((t.bid_iv as number) > 0) assert.ok((t.bid_iv as number) <= (t.mark_iv as number) + 0.01);
      if ((t.ask_iv as number) > 0) assert.ok((t.ask_iv as number) >= (t.mark_iv as number) - 0.01);
      checked++;
    }
    assert.ok(checked > 20, `checked ${checked} tickers`);
    c.close();
  });

  it('prices and greeks reproduce a real Deribit ticker (2021 capture, BTC-24SEP21-34000-P)', () => {
    // Recorded: mark 0.15670957, delta -0.4979, gamma 0.00004, vega 53.80944, theta -32.50023, rho -36.79578.
    const b = allocBatch(1);
    b.forward[0] = 32366.75;
    b.strike[0] = 34000;
    b.time[0] = (1632470400000 - 1626993722931) / (365 * 86_400_000);
    b.vol[0] = 0.7657;
    b.isCall[0] = 0;
    const p = priceBatch(b, 1);
    assert.ok(Math.abs(p.usd[0]! / 32366.75 - 0.15670957) < 5e-5, 'mark in coin');
    assert.ok(Math.abs(p.delta[0]! - -0.4979) < 1e-4, `delta ${p.delta[0]}`);
    assert.equal(Math.round(p.gamma[0]! * 1e5) / 1e5, 0.00004);
    assert.ok(Math.abs(p.vega[0]! - 53.80944) < 0.01, `vega ${p.vega[0]}`);
    assert.ok(Math.abs(p.theta[0]! - -32.50023) < 0.01, `theta ${p.theta[0]}`);
    assert.ok(Math.abs(p.rho[0]! - -36.79578) < 0.01, `rho ${p.rho[0]}`);
  });

  it('underlying_price equals the future’s mark for expiries that have a future', async () => {
    const c = await TestClient.connect(sim.url);
    const btc = sim.market!.currencies.get('BTC')!;
    const fut = btc.futures.find((f) => f.period !== 'perpetual')!;
    const opt = btc.options.find((o) => o.expiry === fut.expiry)!;
    await c.request('public/subscribe', {
      channels: [`ticker.${fut.name}.100ms`, `ticker.${opt.name}.100ms`],
    });
    await c.waitFor(() => c.notifications('ticker.').length >= 2);
    const f = c.notifications(`ticker.${fut.name}`)[0]!.data;
    const o = c.notifications(`ticker.${opt.name}`)[0]!.data;
    assert.equal(o.underlying_index, fut.name);
    assert.ok(Math.abs((o.underlying_price as number) - (f.mark_price as number)) <= 0.01);
    c.close();
  });

  it('serves the truth on GET /truth with 25Δ RR whose sign follows ρ', async () => {
    const res = await fetch(sim.truthUrl);
    assert.equal(res.status, 200);
    const truth = (await res.json()) as TruthSnapshot;
    assert.deepEqual(Object.keys(truth.currencies).sort(), ['BTC', 'ETH']);
    assert.equal(truth.deltaConvention, 'premium-adjusted forward delta');
    for (const cur of Object.values(truth.currencies)) {
      assert.ok(cur.expiries.length >= 10);
      for (const e of cur.expiries.filter((x) => x.years > 7 / 365)) {
        assert.ok(e.atmVol > 0.1 && e.atmVol < 3);
        assert.ok(Number.isFinite(e.rr25) && Number.isFinite(e.bf25));
        if (Math.abs(e.essvi.rho) > 0.05)
          assert.equal(Math.sign(e.rr25), Math.sign(e.essvi.rho), `${e.code} RR sign`);
        assert.ok(e.bf25 > 0, 'smile convexity gives a positive butterfly');
      }
    }
  });

  it('serves get_instruments over REST too', async () => {
    const base = sim.truthUrl.replace('/truth', '');
    const res = await fetch(`${base}/api/v2/public/get_instruments?currency=ETH&kind=future&expired=false`);
    const body = (await res.json()) as { result: { kind: string; instrument_name: string }[]; usIn: number };
    assert.ok(body.result.length >= 3 && body.result.every((r) => r.kind === 'future'));
    assert.ok(body.result.some((r) => r.instrument_name === 'ETH-PERPETUAL'));
    assert.equal(typeof body.usIn, 'number');
  });

  it('expires the daily at 08:00 UTC and lists the next calendar expiry', async () => {
    // Its own simulator, 3 s before 08:00, so the expiry cannot happen before the subscribe.
    const own = await startDeribitSimulator({
      seed: 'tt-exp',
      startTime: Date.UTC(2026, 1, 10, 7, 59, 57),
      currencies: ['BTC'],
    });
    const c = await TestClient.connect(own.url);
    await c.request('public/subscribe', { channels: ['instrument.state.any.BTC'] });
    await c.waitFor(
      () => c.notifications('instrument.state').some((n) => n.data.state === 'settled'),
      30_000,
      'the 08:00 expiry',
    );
    const states = c.notifications('instrument.state').map((n) => n.data);
    const closed = states.filter((s) => s.state === 'closed');
    assert.ok(closed.every((s) => (s.instrument_name as string).includes('-10FEB26')));
    assert.ok((closed[0]!.timestamp as number) >= Date.UTC(2026, 1, 10, 8));
    await c.waitFor(
      () => c.notifications('instrument.state').some((n) => n.data.state === 'created'),
      20_000,
      'a new listing',
    );
    assert.ok(!own.market!.byName.has(closed[0]!.instrument_name as string));
    c.close();
    await own.stop();
  });
});

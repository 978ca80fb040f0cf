import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { init, sviG } from 'svi-core';
import { buildSlices, evolveSurface, initialSurface, type Slice } from '../src/deribit/truth.ts';
import { Market, Prng, toRawSvi, totalVariance } from '../src/index.ts';

const START = Date.UTC(2026, 4, 12, 13, 5);

/** Runs a market through a fixed sequence of steps and book updates; returns everything it said. */
function script(seed: string): string[] {
  const m = new Market({ seed, startTime: START });
  const out: string[] = [];
  const names = [...m.byName.keys()].filter((_, i) => i % 37 === 0);
  for (let step = 1; step <= 15; step++) {
    out.push(JSON.stringify(m.advance(START + step * 100)));
    for (const name of names) {
      const inst = m.byName.get(name);
      if (inst !== undefined) out.push(JSON.stringify(m.updateBook(inst)), String(inst.mark));
    }
  }
  for (const cm of m.currencies.values()) out.push(String(cm.index));
  return out;
}

describe('market model', () => {
  before(async () => {
    await init();
  });

  it('is deterministic for a seed and start time, and differs across seeds', () => {
    const a = script('det-1');
    const b = script('det-1');
    assert.deepEqual(a, b);
    const c = script('det-2');
    assert.notDeepEqual(a, c);
  });

  it('gives each instrument its own random stream: books do not depend on touch order', () => {
    const a = new Market({ seed: 'order', startTime: START });
    const b = new Market({ seed: 'order', startTime: START });
    const names = [...a.byName.keys()].filter((_, i) => i % 50 === 0);
    const run = (m: Market, order: string[]): Record<string, string> => {
      const out: Record<string, string> = {};
      for (const n of order) out[n] = JSON.stringify(m.updateBook(m.byName.get(n)!));
      return out;
    };
    assert.deepEqual(run(a, names), run(b, [...names].reverse()));
  });

  it('lists Deribit-style expiries at 08:00 UTC with forwards consistent with the futures', () => {
    const m = new Market({ seed: 'cal', startTime: START });
    const btc = m.currencies.get('BTC')!;
    assert.ok(btc.expiries.length >= 10);
    for (const e of btc.expiries) {
      const d = new Date(e.timestamp);
      assert.equal(d.getUTCHours(), 8);
      assert.equal(d.getUTCMinutes(), 0);
    }
    for (const f of btc.futures) {
      if (f.period === 'perpetual') continue;
      const o = btc.options.find((x) => x.expiry === f.expiry)!;
      assert.ok(Math.abs(o.forward - f.mark) < 1e-6 * f.mark, `${f.name} mark = the options' forward`);
    }
    const strikes = btc.options
      .filter((o) => o.expiry === btc.expiries[6]!.timestamp && o.isCall)
      .map((o) => o.strike);
    assert.ok(strikes.length >= 10 && strikes.length <= 80, `a plausible strike count (${strikes.length})`);
  });

  it('lists new strikes (instrument.state created) after a large move of the forward', () => {
    const m = new Market({ seed: 'move', startTime: START, currencies: ['BTC'] });
    const btc = m.currencies.get('BTC')!;
    const before = btc.options.length;
    const maxBefore = new Map<number, number>();
    for (const o of btc.options) maxBefore.set(o.expiry, Math.max(maxBefore.get(o.expiry) ?? 0, o.strike));
    btc.index *= 1.6;
    const events = m.advance(START + 600 * m.stepMs, 600);
    const created = events.filter((e) => e.type === 'state' && e.state === 'created');
    assert.ok(created.length > 0, 'new strikes listed');
    assert.equal(btc.options.length, before + created.length);
    const fresh = m.byName.get((created[0] as { name: string }).name)!;
    assert.ok(fresh.kind === 'option' && fresh.mark > 0, 'new options are priced');
    assert.ok(fresh.strike > maxBefore.get(fresh.expiry)!, 'beyond the old grid of its expiry');
  });

  it('quotes mark IVs equal to the truth and keeps bid ≤ mark ≤ ask', () => {
    const m = new Market({ seed: 'quotes', startTime: START });
    m.advance(START + 1000);
    for (const o of m.currencies.get('ETH')!.options.slice(0, 200)) {
      m.updateBook(o);
      const bid = o.book.bestBid();
      const ask = o.book.bestAsk()!;
      assert.ok(o.book.price(ask) >= o.mark - 1e-12, `${o.name} ask ≥ mark`);
      if (bid !== undefined) assert.ok(o.book.price(bid) <= o.mark + 1e-12, `${o.name} bid ≤ mark`);
      const slice = m.currencies.get('ETH')!.slices.get(o.expiry)!;
      assert.ok(
        Math.abs(o.markIv ** 2 * o.years - totalVariance(slice, Math.log(o.strike / o.forward))) < 1e-12,
      );
    }
  });
});

function grid(): Float64Array {
  return Float64Array.from({ length: 241 }, (_, i) => -3 + i * 0.025);
}

function checkNoArbitrage(slices: Slice[], label: string): void {
  const ks = grid();
  let prev: Slice | undefined;
  for (const s of slices) {
    const g = sviG(toRawSvi(s), ks);
    for (let i = 0; i < ks.length; i++) {
      if (!(g[i]! >= -1e-9)) assert.fail(`${label}: butterfly g(${ks[i]}) = ${g[i]} < 0`);
    }
    const r = 1 + Math.abs(s.rho);
    assert.ok(s.psi < 4 / r && s.psi * s.psi <= (4 * s.theta) / r + 1e-15, `${label}: HM butterfly bounds`);
    if (prev !== undefined) {
      assert.ok(s.theta >= prev.theta, `${label}: θ non-decreasing`);
      assert.ok(s.psi * (1 - s.rho) >= prev.psi * (1 - prev.rho) - 1e-12, `${label}: ψ(1−ρ) non-decreasing`);
      assert.ok(s.psi * (1 + s.rho) >= prev.psi * (1 + prev.rho) - 1e-12, `${label}: ψ(1+ρ) non-decreasing`);
      for (const k of ks) {
        if (totalVariance(s, k) < totalVariance(prev, k) - 1e-12)
          assert.fail(`${label}: calendar w(${k}) decreases`);
      }
    }
    prev = s;
  }
}

describe('truth surface', () => {
  before(async () => {
    await init();
  });

  it('is butterfly- and calendar-arbitrage-free across seeds and as it evolves', () => {
    const m = new Market({ seed: 'arb', startTime: START, currencies: ['BTC'] });
    const expiries = m.currencies.get('BTC')!.expiries.map((e) => e.timestamp);
    for (let seed = 0; seed < 25; seed++) {
      const prng = new Prng(`arb-${seed}`);
      let state = initialSurface(seed % 2 === 0 ? 'BTC' : 'ETH', prng);
      for (let step = 0; step < 20; step++) {
        const slices = buildSlices(
          state,
          START,
          expiries,
          expiries.map(() => 60_000),
        );
        checkNoArbitrage(slices, `seed ${seed} step ${step}`);
        // Large steps (a day each) so the test covers far more movement than a session.
        state = evolveSurface(state, 1 / 365, prng, 0.03 * prng.normal());
      }
    }
  });

  it('publishes ATM vol, 25Δ RR/BF and raw SVI consistent with the slices', () => {
    const m = new Market({ seed: 'report', startTime: START });
    const btc = m.currencies.get('BTC')!;
    const slice = btc.slices.get(btc.expiries[5]!.timestamp)!;
    const raw = toRawSvi(slice);
    for (const k of [-0.5, -0.1, 0, 0.2, 0.7]) {
      const w = raw.a + raw.b * (raw.rho * (k - raw.m) + Math.sqrt((k - raw.m) ** 2 + raw.sigma ** 2));
      assert.ok(Math.abs(w - totalVariance(slice, k)) < 1e-12, 'raw SVI = eSSVI');
    }
  });
});

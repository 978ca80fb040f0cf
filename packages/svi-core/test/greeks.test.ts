// Greeks through the TypeScript API of the built module: QUANT.md §5 row 3 (normalised vega) and
// the row-6 deltas, coin greeks, the first-order coin-held IV update of QUANT.md §4, and wild
// inputs (NaN rows, never a trap).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { greeks, impliedVolInverse, init, ivUpdateCoinHeld } from 'svi-core';
import { rng } from '../src/workload.ts';
import { DEFAULT_WASM } from './helpers.ts';

const one = (forward: number, strike: number, time: number, vol: number, isCall: boolean) => ({
  forward: Float64Array.of(forward),
  strike: Float64Array.of(strike),
  time: Float64Array.of(time),
  vol: Float64Array.of(vol),
  isCall: Uint8Array.of(isCall ? 1 : 0),
});

const close = (actual: number, expected: number, tol: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: expected ${expected} ± ${tol}, was ${actual}`);

describe('greeks', () => {
  before(async () => {
    await init({ wasmPath: DEFAULT_WASM });
  });

  it('row 3: vega at F = K = 1, σ√T = 0.2 is normalised_vega(0, 0.2) (per vol point ×0.01)', () => {
    close(greeks(one(1, 1, 1, 0.2, true)).vega[0]! * 100, 0.3969525474770118, 1e-12, 'vega');
  });

  it('row 6: forward delta 0.155576707 and premium-adjusted delta 0.14959016 = Δ_f − c', () => {
    const g = greeks(one(60000, 65000, 7 / 365, 0.55, true));
    close(g.delta[0]!, 0.155576707, 1e-9, 'forward delta');
    close(g.deltaPa[0]!, 0.14959016, 1e-8, 'premium-adjusted delta');
    close(g.delta[0]! - g.deltaPa[0]!, 0.005986547023255718, 1e-12, 'Δ_f − Δ_pa = coin price');
    const coin = greeks(one(60000, 65000, 7 / 365, 0.55, true), { coin: true });
    close(coin.vega[0]!, g.vega[0]! / 60000, 1e-15, 'coin vega = USD vega / F');
    close(coin.delta[0]!, g.delta[0]!, 0, 'delta unchanged');
  });

  it('put-call: call delta − put delta = 1, same gamma and vega', () => {
    const c = greeks(one(100, 110, 0.3, 0.6, true));
    const p = greeks(one(100, 110, 0.3, 0.6, false));
    close(c.delta[0]! - p.delta[0]!, 1, 1e-14, 'delta parity');
    close(c.gamma[0]!, p.gamma[0]!, 1e-15, 'gamma');
    close(c.vega[0]!, p.vega[0]!, 1e-13, 'vega');
    assert.ok(c.theta[0]! < 0);
  });

  it('QUANT.md §4: the coin-held update after a 0.1% forward move is within 0.1 bp of re-inversion', () => {
    const [f0, k, t, v0] = [60000, 65000, 7 / 365, 0.55];
    const c = 0.005986547023255718;
    const f1 = f0 * 1.001;
    const exact = impliedVolInverse(c, f1, k, t, true);
    close((exact - v0) * 1e4, -45.25, 0.05, 'exact Δσ in bp');
    const u = ivUpdateCoinHeld({
      vol: Float64Array.of(v0),
      forwardOld: Float64Array.of(f0),
      forwardNew: Float64Array.of(f1),
      strike: Float64Array.of(k),
      time: Float64Array.of(t),
      isCall: Uint8Array.of(1),
    });
    close(u.vols[0]!, exact, 1e-5, 'linear update vs exact');
    assert.ok(u.errors[0]! > 0 && u.errors[0]! < 1e-4, `error estimate ${u.errors[0]}`);
  });

  it('wild rows give numbers or NaN, never a trap', () => {
    const r = rng(5);
    const special = [0, Number.NaN, Number.POSITIVE_INFINITY, -1, 1e-300, 1e300];
    const pick = () => (r() < 0.4 ? special[Math.floor(r() * special.length)]! : r() * 1e5);
    const n = 5000;
    const f = () => Float64Array.from({ length: n }, pick);
    const input = {
      forward: f(),
      strike: f(),
      time: f(),
      vol: f(),
      isCall: Uint8Array.from({ length: n }, () => r() * 2),
    };
    const g = greeks(input);
    assert.equal(g.theta.length, n);
    for (let i = 0; i < n; i++) {
      if (!(input.forward[i]! > 0 && Number.isFinite(input.forward[i]!)))
        assert.ok(Number.isNaN(g.delta[i]!));
    }
  });
});

// QUANT.md §5 ground-truth vectors (rows 1, 2, 4-6, 8-9; row 3 and the row-6 deltas are in
// greeks.test.ts) through the public TypeScript API of the built module.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import {
  black76,
  fitSviSlice,
  impliedVol,
  impliedVolInverse,
  impliedVols,
  init,
  sviG,
  sviGjRepair,
} from 'svi-core';
import { VOGT, VOGT_REPAIRED } from '../src/reference-vectors.ts';
import { minGOnGrid } from '../src/workload.ts';
import { DEFAULT_WASM } from './helpers.ts';

const close = (actual: number, expected: number, tol: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: expected ${expected} ± ${tol}, was ${actual}`);

describe('QUANT.md §5 reference vectors', () => {
  before(async () => {
    await init({ wasmPath: DEFAULT_WASM });
  });

  it('row 1: Black(100, 100, 0.2, 0.5) and its inversion', () => {
    const price = black76(100, 100, 0.5, 0.2, true);
    close(price, 5.637197779701664, 5.637197779701664 * 2e-15, 'price');
    close(impliedVol(price, 100, 100, 0.5, true), 0.2, 1e-12, 'iv');
    close(impliedVol(price, 100, 100, 0.5, false), 0.2, 1e-12, 'iv from the put side at the money');
  });

  it('row 2: normalised Black at x = ln(100/95), s = 0.3·√0.5', () => {
    const norm = Math.sqrt(100 * 95);
    close(black76(100, 95, 0.5, 0.3, false) / norm, 0.061296663817558904, 4e-16, 'put β');
    close(black76(100, 95, 0.5, 0.3, true) / norm, 0.11259558142181655, 4e-16, 'call β');
  });

  it('row 4: deep OTM F=1, K=1.5, σ=0.04, T=1', () => {
    const price = black76(1, 1.5, 1, 0.04, true);
    close(price / 9.010020309242865e-27, 1, 1e-9, 'price ratio');
    close(impliedVol(9.010020309242865e-27, 1, 1.5, 1, true), 0.04, 1e-10, 'iv');
  });

  it('row 5: 1-day 150% OTM call inverts to 0.8 or is flagged (NaN), never a wrong number', () => {
    const v = impliedVol(5.54236905854393e-20, 60000, 90000, 1 / 365, true);
    assert.ok(Number.isNaN(v) || Math.abs(v - 0.8) < 1e-6, `expected 0.8 or NaN, was ${v}`);
  });

  it('row 6: inverse option F=60000, K=65000, T=7/365, σ=0.55 (deltas: greeks.test.ts)', () => {
    const b = black76(60000, 65000, 7 / 365, 0.55, true);
    close(b, 359.1928213953431, 359.19 * 1e-13, 'B');
    close(b / 60000, 0.005986547023255718, 0.006 * 1e-13, 'coin price');
    close(impliedVolInverse(0.005986547023255718, 60000, 65000, 7 / 365, true), 0.55, 1e-12, 'iv from coin');
  });

  it('batch inversion agrees with the scalar path bit for bit', () => {
    const price = Float64Array.of(5.637197779701664, 0.5, 12, 359.1928213953431);
    const forward = Float64Array.of(100, 100, 100, 60000);
    const strike = Float64Array.of(100, 120, 90, 65000);
    const time = Float64Array.of(0.5, 0.25, 1, 7 / 365);
    const isCall = Uint8Array.of(1, 1, 0, 1);
    const vols = impliedVols({ price, forward, strike, time, isCall });
    for (let i = 0; i < price.length; i++) {
      assert.equal(vols[i], impliedVol(price[i]!, forward[i]!, strike[i]!, time[i]!, isCall[i] === 1));
    }
  });

  it('row 8: Vogt slice has min g ≈ −0.0329 at k ≈ 0.88 (sviG), g < 0 on about [0.642, 1.257]', () => {
    const k = Float64Array.from({ length: 6001 }, (_, i) => -1.5 + i * 0.0005);
    const g = sviG(VOGT, k);
    let iMin = 0;
    for (let i = 1; i < g.length; i++) if (g[i]! < g[iMin]!) iMin = i;
    close(g[iMin]!, -0.03286, 5e-5, 'min g');
    close(k[iMin]!, 0.879, 0.002, 'argmin k');
    const negative = k.filter((_, i) => g[i]! < 0);
    close(negative[0]!, 0.642, 0.002, 'left end of g < 0');
    close(negative[negative.length - 1]!, 1.257, 0.002, 'right end of g < 0');
  });

  it('row 9: the GJ repair of Vogt matches the published raw parameters and has min g ≈ +0.263', () => {
    const r = sviGjRepair(VOGT, 1);
    assert.ok(r !== null);
    for (const key of ['a', 'b', 'rho', 'm', 'sigma'] as const) close(r[key], VOGT_REPAIRED[key], 2e-7, key);
    const k = Float64Array.from({ length: 1201 }, (_, i) => -3 + i * 0.005);
    const minG = Math.min(...sviG(r, k));
    close(minG, 0.263, 1e-3, 'repaired min g');
    close(minGOnGrid(r), minG, 1e-12, 'TypeScript reference g agrees with the module');
  });

  it('fitting the Vogt smile returns a butterfly-free slice', () => {
    const k = Float64Array.from({ length: 41 }, (_, i) => -1 + i * 0.05);
    const w = k.map((x) => VOGT.a + VOGT.b * (VOGT.rho * (x - VOGT.m) + Math.hypot(x - VOGT.m, VOGT.sigma)));
    const fit = fitSviSlice({ k, w, time: 1 });
    assert.equal(fit.status, 'ok');
    assert.equal(fit.butterflyFree, true);
    assert.ok(fit.minG >= 0, `min g ${fit.minG}`);
    assert.ok(minGOnGrid(fit) >= -1e-12, 'independent g check');
  });
});

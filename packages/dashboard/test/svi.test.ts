import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sviCurve, sviImpliedVol, sviTotalVariance } from '../src/app/svi.ts';

// The contracts' sample smile: a = 0.0712, b = 0.1143, ρ = −0.0861, m = 0.0458, σ = 0.3112.
const P = { a: 0.0712, b: 0.1143, rho: -0.0861, m: 0.0458, sigma: 0.3112 };

describe('SVI evaluation for drawing', () => {
  it('w(k) matches the raw SVI formula at hand-computed points', () => {
    // At k = m: w = a + bσ.
    assert.ok(Math.abs(sviTotalVariance(P, P.m) - (0.0712 + 0.1143 * 0.3112)) < 1e-15);
    // At k = 0: a + b(ρ(−m) + √(m² + σ²)) = 0.0712 + 0.1143(0.00394338 + 0.31455237…).
    const expected = 0.0712 + 0.1143 * (-0.0861 * -0.0458 + Math.hypot(0.0458, 0.3112));
    assert.ok(Math.abs(sviTotalVariance(P, 0) - expected) < 1e-15);
    // Wings are asymptotically linear with slopes b(1 ± ρ).
    const slopeRight = sviTotalVariance(P, 51) - sviTotalVariance(P, 50);
    const slopeLeft = sviTotalVariance(P, -51) - sviTotalVariance(P, -50);
    assert.ok(Math.abs(slopeRight - 0.1143 * (1 - 0.0861)) < 1e-4);
    assert.ok(Math.abs(slopeLeft - 0.1143 * (1 + 0.0861)) < 1e-4);
  });

  it('vol is √(w/T); null for T ≤ 0 or w ≤ 0', () => {
    const t = 0.17366429062024352;
    assert.ok(Math.abs((sviImpliedVol(P, 0, t) ?? 0) - Math.sqrt(sviTotalVariance(P, 0) / t)) < 1e-15);
    assert.equal(sviImpliedVol(P, 0, 0), null);
    assert.equal(sviImpliedVol(P, 0, -1), null);
    assert.equal(sviImpliedVol({ ...P, a: -1 }, 0, t), null);
  });

  it('curve spans [kMin, kMax] with n points, vols decreasing then increasing around the minimum', () => {
    const c = sviCurve(P, 0.25, -0.5, 0.5, 101);
    assert.equal(c.k.length, 101);
    assert.equal(c.iv.length, 101);
    assert.equal(c.k[0], -0.5);
    assert.equal(c.k[100], 0.5);
    const vols = c.iv.map((v) => v ?? Number.NaN);
    const iMin = vols.indexOf(Math.min(...vols));
    // w'(k) = 0 at k* = m − ρσ/√(1−ρ²) ≈ 0.0727: the smile's minimum is there.
    assert.ok(Math.abs((c.k[iMin] ?? 0) - 0.0727) <= 0.006, `minimum at ${c.k[iMin]}`);
    assert.ok(vols.slice(0, iMin).every((v, i) => v > (vols[i + 1] ?? 0)));
  });
});

// Fuzz-style boundary tests: random and degenerate inputs through every exported function must
// give NaN, a reason code or a fit status, never a trap inside wasm, never a throw, never a hang.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { IV_REASONS, load, type SviCore } from 'svi-core';
import { rng } from '../src/workload.ts';
import { DEFAULT_WASM } from './helpers.ts';

const SPECIAL = [
  0,
  -0,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  -1,
  1e-300,
  1e300,
  5e-324,
];

/** A value that is special 30% of the time, else a random magnitude of either sign. */
function wild(r: () => number): number {
  if (r() < 0.3) return SPECIAL[Math.floor(r() * SPECIAL.length)]!;
  const mag = 10 ** (r() * 20 - 10);
  return r() < 0.15 ? -mag : mag;
}

function arrays(r: () => number, n: number) {
  const f = () => Float64Array.from({ length: n }, () => wild(r));
  return {
    price: f(),
    forward: f(),
    strike: f(),
    time: f(),
    vol: f(),
    isCall: Uint8Array.from({ length: n }, () => r() * 256),
  };
}

describe('fuzz: degenerate inputs never trap, throw or hang', () => {
  let core: SviCore;
  before(async () => {
    core = await load({ wasmPath: DEFAULT_WASM });
  });

  it('batch IV and Black-76 on 20,000 wild rows give finite-or-NaN results with valid reasons', () => {
    const r = rng(42);
    const a = arrays(r, 20_000);
    const { vols, reasons } = core.impliedVolsDetailed(a);
    for (let i = 0; i < vols.length; i++) {
      const v = vols[i]!;
      assert.ok(reasons[i]! < IV_REASONS.length, `reason ${reasons[i]}`);
      if (reasons[i] === 0) assert.ok(v >= 0 && !Number.isNaN(v), `ok row ${i} gave ${v}`);
      else assert.ok(Number.isNaN(v), `failed row ${i} gave ${v}`);
      if (!(a.time[i]! > 0)) assert.notEqual(reasons[i], 0, `time ${a.time[i]} accepted`);
    }
    const inv = core.impliedVolsInverseDetailed(a);
    assert.equal(inv.vols.length, a.price.length);
    const prices = core.black76s(a);
    assert.equal(prices.length, a.price.length);
  });

  it('scalar IV and Black-76 on every combination of special values', () => {
    let calls = 0;
    for (const p of SPECIAL)
      for (const f of SPECIAL)
        for (const t of SPECIAL) {
          for (const isCall of [true, false]) {
            const v = core.impliedVol(p, f, 100, t, isCall);
            assert.ok(Number.isNaN(v) || v >= 0, `iv(${p}, ${f}, 100, ${t}) = ${v}`);
            const b = core.black76(f, 100, t, p, isCall);
            assert.equal(typeof b, 'number');
            calls++;
          }
        }
    assert.equal(calls, SPECIAL.length ** 3 * 2);
  });

  it('a price below intrinsic, at the upper bound, and a non-positive time get their reason codes', () => {
    const { vols, reasons } = core.impliedVolsDetailed({
      price: Float64Array.of(1, 100, 5, 5, Number.NaN),
      forward: Float64Array.of(100, 100, 100, 100, 100),
      strike: Float64Array.of(90, 100, 100, 100, 100),
      time: Float64Array.of(1, 1, 0, -1, 1),
      isCall: Uint8Array.of(1, 1, 1, 0, 1),
    });
    assert.deepEqual(
      [...reasons].map((c) => IV_REASONS[c]),
      ['below_intrinsic', 'above_maximum', 'non_positive_time', 'non_positive_time', 'invalid_input'],
    );
    assert.ok(vols.every((v) => Number.isNaN(v)));
  });

  it('n = 0 works for every batch function', () => {
    const e = new Float64Array(0);
    const u = new Uint8Array(0);
    assert.equal(core.impliedVols({ price: e, forward: e, strike: e, time: e, isCall: u }).length, 0);
    assert.equal(core.black76s({ forward: e, strike: e, time: e, vol: e, isCall: u }).length, 0);
    assert.equal(core.sviG({ a: 0.04, b: 0.1, rho: -0.3, m: 0, sigma: 0.2 }, e).length, 0);
    assert.equal(core.fitSviSlice({ k: e, w: e, time: 1 }).status, 'too_few_points');
  });

  it('slice fits of degenerate slices return a status, never params', () => {
    const cases: Array<[string, { k: Float64Array; w: Float64Array; weights?: Float64Array; time: number }]> =
      [
        ['too_few_points', { k: Float64Array.of(0.1), w: Float64Array.of(0.04), time: 1 }],
        [
          'degenerate_strikes',
          { k: new Float64Array(10).fill(0.1), w: new Float64Array(10).fill(0.04), time: 1 },
        ],
        [
          'invalid_input',
          {
            k: Float64Array.of(0, 0.1, 0.2, Number.NaN, 0.4, 0.5),
            w: new Float64Array(6).fill(0.04),
            time: 1,
          },
        ],
        [
          'invalid_input',
          {
            k: Float64Array.of(0, 0.1, 0.2, 0.3, 0.4, 0.5),
            w: Float64Array.of(0.04, -1, 0.04, 0.04, 0.04, 0.04),
            time: 1,
          },
        ],
        [
          'invalid_input',
          {
            k: Float64Array.of(0, 0.1, 0.2, 0.3, 0.4, 0.5),
            w: Float64Array.of(0.04, 0.04, Number.POSITIVE_INFINITY, 0.04, 0.04, 0.04),
            time: 1,
          },
        ],
        [
          'invalid_time',
          { k: Float64Array.of(0, 0.1, 0.2, 0.3, 0.4, 0.5), w: new Float64Array(6).fill(0.04), time: -1 },
        ],
        [
          'invalid_time',
          {
            k: Float64Array.of(0, 0.1, 0.2, 0.3, 0.4, 0.5),
            w: new Float64Array(6).fill(0.04),
            time: Number.NaN,
          },
        ],
        [
          'too_few_points',
          {
            k: Float64Array.of(0, 0.1, 0.2, 0.3, 0.4, 0.5),
            w: new Float64Array(6).fill(0.04),
            weights: new Float64Array(6),
            time: 1,
          },
        ],
      ];
    for (const [expected, input] of cases) {
      const fit = core.fitSviSlice(input);
      assert.equal(fit.status, expected, JSON.stringify([...input.k]));
      assert.ok(Number.isNaN(fit.a) && !fit.butterflyFree);
    }
  });

  it('all quotes equal fit a flat, butterfly-free smile; all-zero variance is not claimed arbitrage-free', () => {
    const k = Float64Array.from({ length: 20 }, (_, i) => -0.5 + i * 0.05);
    const flat = core.fitSviSlice({ k, w: new Float64Array(20).fill(0.04), time: 0.5 });
    assert.equal(flat.status, 'ok');
    assert.equal(flat.butterflyFree, true);
    assert.ok(flat.rmse < 1e-6, `rmse ${flat.rmse}`);
    const zero = core.fitSviSlice({ k, w: new Float64Array(20), time: 0.5 });
    assert.ok(zero.status !== 'ok' || zero.butterflyFree === zero.minG >= 0, JSON.stringify(zero));
  });

  it('300 random slices (random sizes, extreme values) return within bounded time', () => {
    const r = rng(9);
    // CPU time, not wall time: on a loaded CI machine the wall clock of these fits reached 13 of
    // the 20 s (other processes' time); the CPU they use is what a hang or blow-up would show.
    const started = process.cpuUsage();
    let ok = 0;
    for (let s = 0; s < 300; s++) {
      const n = Math.floor(r() * 40);
      const k = Float64Array.from({ length: n }, () => (r() < 0.05 ? wild(r) : (r() - 0.5) * 4));
      const w = Float64Array.from({ length: n }, () => (r() < 0.05 ? wild(r) : r() * 2));
      const fit = core.fitSviSlice({ k, w, time: r() < 0.05 ? wild(r) : r() * 3 });
      if (fit.status === 'ok') {
        ok++;
        assert.equal(fit.butterflyFree, true);
      }
    }
    assert.ok(ok > 50, `${ok} fits succeeded`);
    const cpu = process.cpuUsage(started);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    assert.ok(cpuMs < 20_000, `fits are bounded: ${cpuMs.toFixed(0)} ms of CPU`);
  });

  it('sviG on wild parameters and k gives numbers (−∞ where w ≤ 0), never a trap', () => {
    const r = rng(3);
    for (let i = 0; i < 200; i++) {
      const p = { a: wild(r), b: wild(r), rho: wild(r), m: wild(r), sigma: wild(r) };
      const g = core.sviG(
        p,
        Float64Array.from({ length: 16 }, () => wild(r)),
      );
      assert.equal(g.length, 16);
      const repaired = core.sviGjRepair(p, wild(r));
      assert.ok(repaired === null || typeof repaired.a === 'number');
    }
  });

  it('a huge batch (1,000,000 options) grows the buffers and still inverts correctly', () => {
    const n = 1_000_000;
    const price = new Float64Array(n).fill(5.637197779701664);
    const vols = core.impliedVols({
      price,
      forward: new Float64Array(n).fill(100),
      strike: new Float64Array(n).fill(100),
      time: new Float64Array(n).fill(0.5),
      isCall: new Uint8Array(n).fill(1),
    });
    assert.ok(Math.abs(vols[0]! - 0.2) < 1e-12 && Math.abs(vols[n - 1]! - 0.2) < 1e-12);
    const small = core.impliedVols({
      price: Float64Array.of(5.637197779701664),
      forward: Float64Array.of(100),
      strike: Float64Array.of(100),
      time: Float64Array.of(0.5),
      isCall: Uint8Array.of(1),
    });
    assert.equal(small.length, 1);
  });

  it('mismatched input lengths are a programming error reported before wasm is called', () => {
    assert.throws(
      () =>
        core.impliedVols({
          price: new Float64Array(3),
          forward: new Float64Array(2),
          strike: new Float64Array(3),
          time: new Float64Array(3),
          isCall: new Uint8Array(3),
        }),
      (e: unknown) => (e as { code?: string }).code === 'QUANT_BAD_INPUT',
    );
  });
});

// Deterministic synthetic inputs shared by the tests, the benchmarks and the conformance kit:
// a mixed, crypto-realistic IV workload and smooth SVI slices with quote noise. Prices come from
// Black-76 (QUANT.md §1) evaluated by the module under test, so the round trip checks IV(B(σ)) = σ.
import type { SviCore, SviParams } from '../pkg/svi_core.js';

/** mulberry32: a tiny seeded PRNG so every run sees the same inputs. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface IvWorkload {
  price: Float64Array;
  forward: Float64Array;
  strike: Float64Array;
  time: Float64Array;
  isCall: Uint8Array;
  /** The vol each price was generated from. */
  vol: Float64Array;
}

/**
 * n options like a crypto chain: F 2k–120k, T from 1 hour to 2 years (log-uniform, short-dated
 * heavy), strikes within ±3.5 standard deviations, vols 25–150 %, mostly OTM (as quoted) with
 * some ITM. Options whose price is below 1e-12·F (no information in double precision) are
 * re-drawn, so every entry has a well-defined answer.
 */
export function ivWorkload(core: SviCore, n: number, seed = 1): IvWorkload {
  const r = rng(seed);
  const w: IvWorkload = {
    price: new Float64Array(n),
    forward: new Float64Array(n),
    strike: new Float64Array(n),
    time: new Float64Array(n),
    isCall: new Uint8Array(n),
    vol: new Float64Array(n),
  };
  for (let i = 0; i < n; ) {
    const forward = 2000 * Math.exp(r() * Math.log(60));
    const time = Math.exp(Math.log(1 / 8760) + r() * Math.log(2 * 8760));
    const vol = 0.25 + 1.25 * r();
    const z = (r() * 7 - 3.5) * vol * Math.sqrt(time);
    const strike = forward * Math.exp(z);
    const otm = r() < 0.85;
    const isCall = otm ? strike >= forward : strike < forward;
    const price = core.black76(forward, strike, time, vol, isCall);
    if (!(price > 1e-12 * forward)) continue;
    w.price[i] = price;
    w.forward[i] = forward;
    w.strike[i] = strike;
    w.time[i] = time;
    w.isCall[i] = isCall ? 1 : 0;
    w.vol[i] = vol;
    i++;
  }
  return w;
}

export interface SyntheticSlice {
  k: Float64Array;
  w: Float64Array;
  time: number;
  truth: SviParams;
}

/** Raw SVI total variance w(k) = a + b(ρ(k−m) + √((k−m)² + σ²)) (QUANT.md §2). */
export function sviTotalVariance(p: SviParams, k: number): number {
  const x = k - p.m;
  return p.a + p.b * (p.rho * x + Math.sqrt(x * x + p.sigma * p.sigma));
}

/**
 * Gatheral–Jacquier g(k) = (1 − k·w′/(2w))² − (w′²/4)(1/w + 1/4) + w″/2 (QUANT.md §2), computed in
 * TypeScript so the conformance kit does not have to trust the module it is judging.
 */
export function sviGReference(p: SviParams, k: number): number {
  const x = k - p.m;
  const r = Math.sqrt(x * x + p.sigma * p.sigma);
  const w = p.a + p.b * (p.rho * x + r);
  if (!(w > 0)) return Number.NEGATIVE_INFINITY;
  const w1 = p.b * (p.rho + x / r);
  const w2 = (p.b * p.sigma * p.sigma) / (r * r * r);
  const t = 1 - (k * w1) / (2 * w);
  return t * t - 0.25 * w1 * w1 * (1 / w + 0.25) + 0.5 * w2;
}

/** Minimum of g on `n` points of [lo, hi] (the kit's independent butterfly check). */
export function minGOnGrid(p: SviParams, lo = -3, hi = 3, n = 1201): number {
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const g = sviGReference(p, lo + ((hi - lo) * i) / (n - 1));
    if (Number.isNaN(g)) return Number.NaN;
    if (g < min) min = g;
  }
  return min;
}

/** A random butterfly-free-looking crypto slice: negative-to-positive skew, smile curvature. */
export function randomSviParams(r: () => number, time: number): SviParams {
  const atmVol = 0.35 + 0.6 * r();
  const b = (0.05 + 0.25 * r()) * Math.sqrt(time);
  const rho = -0.5 + 0.8 * r();
  const sigma = 0.05 + 0.3 * r() * Math.sqrt(Math.max(time, 0.02));
  const m = (r() - 0.5) * 0.2 * Math.sqrt(time);
  const a = Math.max(atmVol * atmVol * time - b * sigma * Math.sqrt(1 - rho * rho), 1e-4 * time);
  return { a, b, rho, m, sigma };
}

/**
 * `count` slices of `points` quotes each: k spread over ±2.5 ATM standard deviations, w from a
 * random SVI with multiplicative vol noise of `noiseVol` (e.g. 0.002 = 0.2 vol points).
 */
export function syntheticSlices(count: number, points: number, noiseVol: number, seed = 7): SyntheticSlice[] {
  const r = rng(seed);
  const slices: SyntheticSlice[] = [];
  for (let s = 0; s < count; s++) {
    const time = Math.exp(Math.log(2 / 365) + r() * Math.log(365));
    const truth = randomSviParams(r, time);
    const atm = Math.sqrt(truth.a + truth.b * truth.sigma) / Math.sqrt(time);
    const half = 2.5 * Math.max(atm, 0.3) * Math.sqrt(time);
    const k = new Float64Array(points);
    for (let i = 0; i < points; i++) k[i] = -half + (2 * half * i) / (points - 1);
    const w = k.map((x) => sviTotalVariance(truth, x));
    for (let i = 0; i < points; i++) {
      const vol = Math.sqrt(w[i]! / time) + noiseVol * (r() + r() + r() - 1.5) * 2;
      w[i] = Math.max(vol, 0.01) ** 2 * time;
    }
    slices.push({ k, w, time, truth });
  }
  return slices;
}

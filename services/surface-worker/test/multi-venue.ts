// A realistic multi-venue BTC snapshot for the composite tests (also stored by the storage-writer
// tests): four synthetic venues quoting one known raw-SVI truth (QUANT.md §2, w(k) = a + b(ρ(k − m)
// + √((k − m)² + σ²)), here T × a variance-unit slice, so slices never cross), each on its own
// forward (k = ln(K/F_venue)), strike grid, expiry calendar, spread, level bias and deterministic
// noise; one venue is USD-priced (linear), one is stale.
import type { VolatilityEvent } from '@volstream/contracts';
import type { SviParams } from 'svi-core';
import { batchEvent, type QuoteSpec, YEAR_MS } from './helpers.ts';
import { T0 } from './synthetic.ts';

const DAY_MS = 86_400_000;
/** Expiries at 08:00 UTC, 14 to 180 days after T0 (09:00 UTC). */
export const EXPIRIES = {
  d14: BigInt(T0 + 14 * DAY_MS - 3_600_000),
  d30: BigInt(T0 + 30 * DAY_MS - 3_600_000),
  d60: BigInt(T0 + 60 * DAY_MS - 3_600_000),
  d90: BigInt(T0 + 90 * DAY_MS - 3_600_000),
  d180: BigInt(T0 + 180 * DAY_MS - 3_600_000),
} as const;

/** The truth in variance units (σ² per year): ATM vol ≈ 60 %, put skew. */
const TRUTH_PER_YEAR: SviParams = { a: 0.3, b: 0.25, rho: -0.2, m: 0.02, sigma: 0.25 };

/** Raw SVI truth of a slice with time to expiry T (total variance w = T · variance-unit slice). */
export function truthParams(timeYears: number): SviParams {
  const p = TRUTH_PER_YEAR;
  return { ...p, a: p.a * timeYears, b: p.b * timeYears };
}

export function truthVol(k: number, timeYears: number): number {
  const p = truthParams(timeYears);
  const w = p.a + p.b * (p.rho * (k - p.m) + Math.sqrt((k - p.m) ** 2 + p.sigma ** 2));
  return Math.sqrt(w / timeYears);
}

export interface VenueSpec {
  venue: string;
  forward: number;
  /** Strike step, USD. */
  step: number;
  expiries: readonly bigint[];
  /** Level bias added to every IV (the venue's own disagreement), decimal. */
  bias: number;
  halfSpread: number;
  /** USD-priced (linear) rather than coin-priced (inverse). */
  linear: boolean;
  /** Both a call and a put at every strike (ITM ones are filtered out of fits), else OTM only. */
  bothSides: boolean;
  /** Age of the venue's batches relative to the snapshot time, ms. */
  ageMs: number;
}

export const VENUES: readonly VenueSpec[] = [
  {
    venue: 'deribit',
    forward: 70_000,
    step: 1_000,
    expiries: [EXPIRIES.d14, EXPIRIES.d30, EXPIRIES.d60, EXPIRIES.d90],
    bias: 0,
    halfSpread: 0.01,
    linear: false,
    bothSides: true,
    ageMs: 0,
  },
  {
    venue: 'okx',
    forward: 70_080,
    step: 2_500,
    expiries: [EXPIRIES.d14, EXPIRIES.d30],
    bias: 0.004,
    halfSpread: 0.015,
    linear: false,
    bothSides: false,
    ageMs: 200,
  },
  {
    venue: 'bybit',
    forward: 69_930,
    step: 2_000,
    expiries: [EXPIRIES.d30, EXPIRIES.d60, EXPIRIES.d180],
    bias: -0.003,
    halfSpread: 0.02,
    linear: true,
    bothSides: false,
    ageMs: 400,
  },
  // Quiet for a minute (> compositeMaxVenueAgeMs = 30 s) and 5 vol points off: it must not count.
  {
    venue: 'binance',
    forward: 70_400,
    step: 5_000,
    expiries: [EXPIRIES.d30],
    bias: 0.05,
    halfSpread: 0.02,
    linear: true,
    bothSides: false,
    ageMs: 60_000,
  },
];

/** Deterministic noise in [-1, 1) from a string seed (FNV-1a then xorshift). */
function noise(seed: string): number {
  let h = 2166136261;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 16777619);
  h ^= h << 13;
  h ^= h >>> 17;
  h ^= h << 5;
  return ((h >>> 0) / 2 ** 32) * 2 - 1;
}

/** Mid-IV noise amplitude (uniform ±0.25 vol points). */
export const NOISE = 0.0025;

/** One venue's batch for one expiry at snapshot time `atMs` (its batches are `ageMs` older). */
export function venueBatch(v: VenueSpec, expiryMs: bigint, atMs = T0): VolatilityEvent {
  const eventMs = atMs - v.ageMs;
  const t = (Number(expiryMs) - eventMs) / YEAR_MS;
  const quotes: QuoteSpec[] = [];
  const lo = Math.ceil((v.forward * 0.7) / v.step) * v.step;
  for (let strike = lo; strike <= v.forward * 1.3; strike += v.step) {
    const k = Math.log(strike / v.forward);
    const sides = v.bothSides ? [true, false] : [k >= 0];
    for (const isCall of sides) {
      const name = `${v.venue}:BTC-${expiryMs}-${strike}-${isCall ? 'C' : 'P'}`;
      const mid = truthVol(k, t) + v.bias + NOISE * noise(`${name}@${atMs}`);
      quotes.push({
        name,
        strike,
        isCall,
        bidIv: mid - v.halfSpread,
        askIv: mid + v.halfSpread,
        midIv: mid,
        bidPrice: v.linear ? 500 : 0.01,
        askPrice: v.linear ? 520 : 0.011,
        coin: !v.linear,
      });
    }
  }
  return batchEvent({ venue: v.venue, expiryMs, forward: v.forward, eventMs, timeYears: t, quotes });
}

/** Every venue's batches of a snapshot at `atMs`, venue by venue. */
export function multiVenueSnapshot(atMs = T0, venues: readonly VenueSpec[] = VENUES): VolatilityEvent[] {
  return venues.flatMap((v) => v.expiries.map((e) => venueBatch(v, e, atMs)));
}

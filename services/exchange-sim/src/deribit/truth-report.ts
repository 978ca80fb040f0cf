/**
 * The ground truth as published on GET /truth and by `truth()`: per currency and expiry the
 * forward, T, ATM vol, 25-delta risk reversal and butterfly, and the eSSVI and raw-SVI parameters.
 * Deltas are premium-adjusted forward deltas (the natural delta of coin-settled options, QUANT.md
 * §3: Δ_pa = Δ_f − c = ω(K/F)N(ωd₋)), each strike with its own smile vol; the 25Δ call is the root
 * to the right of the PA-delta maximum. RR25 = σ(25ΔC) − σ(25ΔP); BF25 = (σ₂₅C + σ₂₅P)/2 − σ_ATM
 * (ATM = forward, k = 0). Vols are decimals.
 */
import type { Market } from './market.ts';
import { allocBatch, priceBatch } from './pricing.ts';
import { atmVol, type RawSvi, type Slice, toRawSvi, truthVol } from './truth.ts';

export interface TruthExpiry {
  expiry: number;
  code: string;
  years: number;
  forward: number;
  atmVol: number;
  rr25: number;
  bf25: number;
  essvi: { theta: number; rho: number; psi: number };
  rawSvi: RawSvi;
}

export interface TruthSnapshot {
  timestamp: number;
  deltaConvention: 'premium-adjusted forward delta';
  atmConvention: 'forward (k = 0)';
  currencies: Record<string, { index: number; basis: number; expiries: TruthExpiry[] }>;
}

const GRID = 400;

/** 25Δ call and put vols of one slice from a strike grid of ±5 standard deviations. */
export function delta25Vols(slice: Slice): { call: number; put: number } {
  const sd = atmVol(slice) * Math.sqrt(slice.years);
  const n = GRID + 1;
  const calls = allocBatch(n);
  const strikes: number[] = [];
  for (let i = 0; i < n; i++) {
    const k = -5 * sd + (10 * sd * i) / GRID;
    const strike = slice.forward * Math.exp(k);
    strikes.push(strike);
    calls.forward[i] = slice.forward;
    calls.strike[i] = strike;
    calls.time[i] = slice.years;
    calls.vol[i] = truthVol(slice, strike);
    calls.isCall[i] = 1;
  }
  const puts = { ...calls, isCall: new Uint8Array(n) };
  const c = priceBatch(calls, n);
  const p = priceBatch(puts, n);
  const paCall = (i: number): number => (c.delta[i] ?? 0) - (c.usd[i] ?? 0) / slice.forward;
  const paPut = (i: number): number => (p.delta[i] ?? 0) - (p.usd[i] ?? 0) / slice.forward;
  let top = 0;
  for (let i = 1; i < n; i++) if (paCall(i) > paCall(top)) top = i;
  const callK = crossing(strikes, paCall, 0.25, top, n - 1);
  const putK = crossing(strikes, paPut, -0.25, 0, n - 1);
  return {
    call: callK === undefined ? Number.NaN : truthVol(slice, callK),
    put: putK === undefined ? Number.NaN : truthVol(slice, putK),
  };
}

/** First strike in [from, to] where f crosses the level, linearly interpolated. */
function crossing(
  strikes: number[],
  f: (i: number) => number,
  level: number,
  from: number,
  to: number,
): number | undefined {
  for (let i = from; i < to; i++) {
    const a = f(i) - level;
    const b = f(i + 1) - level;
    if (a === 0) return strikes[i];
    if (a * b < 0) {
      const w = a / (a - b);
      return (strikes[i] ?? 0) + w * ((strikes[i + 1] ?? 0) - (strikes[i] ?? 0));
    }
  }
  return undefined;
}

export function truthSnapshot(m: Market): TruthSnapshot {
  m.ensurePriced();
  const currencies: TruthSnapshot['currencies'] = {};
  for (const cm of m.currencies.values()) {
    const expiries: TruthExpiry[] = [];
    for (const exp of cm.expiries) {
      const s = cm.slices.get(exp.timestamp);
      if (s === undefined) continue;
      const atm = atmVol(s);
      const d = delta25Vols(s);
      expiries.push({
        expiry: exp.timestamp,
        code: exp.code,
        years: s.years,
        forward: s.forward,
        atmVol: atm,
        rr25: d.call - d.put,
        bf25: (d.call + d.put) / 2 - atm,
        essvi: { theta: s.theta, rho: s.rho, psi: s.psi },
        rawSvi: toRawSvi(s),
      });
    }
    currencies[cm.currency] = { index: cm.index, basis: cm.basis, expiries };
  }
  return {
    timestamp: m.now,
    deltaConvention: 'premium-adjusted forward delta',
    atmConvention: 'forward (k = 0)',
    currencies,
  };
}

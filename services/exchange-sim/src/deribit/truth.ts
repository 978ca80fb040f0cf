/**
 * The ground-truth volatility surface the simulated market quotes around: eSSVI (extended SSVI,
 * Hendriks & Martini 2019), one slice per expiry, w(k) = θ/2·(1 + ρψk/θ + √((ψk/θ + ρ)² + 1 − ρ²))
 * with k = ln(K/F), w = σ²T (QUANT.md §2 "SSVI", "eSSVI").
 *
 * No-arbitrage by construction (QUANT.md §2 eSSVI, the HM/Mingone conditions):
 * - butterfly per slice: ψ < 4/(1+|ρ|) and ψ² ≤ 4θ/(1+|ρ|);
 * - calendar between consecutive slices: θᵢ ≥ θᵢ₋₁, ψᵢ(1−ρᵢ) ≥ ψᵢ₋₁(1−ρᵢ₋₁), ψᵢ(1+ρᵢ) ≥ ψᵢ₋₁(1+ρᵢ₋₁).
 * Slices start from smooth term structures (ATM vol, ρ, and the power-law φ with γ = ½, so
 * ψ = η·√(θ/(1+θ))) and are then projected onto those constraints in expiry order, Mingone-style:
 * θᵢ ≥ pᵢθᵢ₋₁ with pᵢ = max((1+ρᵢ₋₁)/(1+ρᵢ), (1−ρᵢ₋₁)/(1−ρᵢ)), and ψᵢ clamped to [pᵢψᵢ₋₁, Cᵢ].
 */
import type { Prng } from '../prng.ts';

/** The slowly evolving state behind one currency's surface. */
export interface SurfaceState {
  /** ATM vol as T → 0 and as T → ∞ (decimals), blended with an exponential in T. */
  atmShort: number;
  atmLong: number;
  /** Term-structure decay time, years. */
  atmDecay: number;
  /** Correlation (skew) for short and long expiries. */
  rhoShort: number;
  rhoLong: number;
  /** Curvature level: ψ = η·√(θ/(1+θ)); η(1+|ρ|) ≤ 2 keeps every slice butterfly-free. */
  eta: number;
}

export interface Slice {
  expiry: number;
  /** Years to expiry (ACT/365, like Deribit's IV). */
  years: number;
  forward: number;
  /** ATM total variance θ = σ_ATM²·T. */
  theta: number;
  rho: number;
  /** ψ = θ·φ(θ). */
  psi: number;
}

export interface RawSvi {
  a: number;
  b: number;
  rho: number;
  m: number;
  sigma: number;
}

const BUTTERFLY_MARGIN = 0.995;

export function initialSurface(currency: string, prng: Prng): SurfaceState {
  const base = currency === 'ETH' ? 0.72 : 0.58;
  return {
    atmShort: base * prng.uniform(0.9, 1.2),
    atmLong: base * prng.uniform(0.95, 1.1),
    atmDecay: prng.uniform(0.05, 0.2),
    rhoShort: prng.uniform(-0.25, 0.05),
    rhoLong: prng.uniform(-0.1, 0.15),
    eta: prng.uniform(0.9, 1.3),
  };
}

function ou(x: number, mean: number, speed: number, vol: number, dtYears: number, z: number): number {
  return x + speed * (mean - x) * dtYears + vol * Math.sqrt(dtYears) * z;
}

/** One slow step of the surface state (mean-reverting walks, annualised parameters). */
export function evolveSurface(
  s: SurfaceState,
  dtYears: number,
  prng: Prng,
  spotReturn: number,
): SurfaceState {
  // Spot down -> vol up: a negative spot-vol correlation, like crypto in sell-offs.
  const shock = -0.6 * spotReturn;
  const clampRho = (r: number): number => Math.max(-0.6, Math.min(0.6, r));
  return {
    atmShort: Math.max(0.2, s.atmShort * Math.exp(ou(0, 0, 0, 0.9, dtYears, prng.normal()) + shock)),
    atmLong: Math.max(0.2, s.atmLong * Math.exp(ou(0, 0, 0, 0.4, dtYears, prng.normal()) + shock / 2)),
    atmDecay: s.atmDecay,
    rhoShort: clampRho(ou(s.rhoShort, -0.1, 2, 0.5, dtYears, prng.normal())),
    rhoLong: clampRho(ou(s.rhoLong, 0.02, 2, 0.3, dtYears, prng.normal())),
    eta: Math.max(0.5, Math.min(1.35, ou(s.eta, 1.1, 2, 0.4, dtYears, prng.normal()))),
  };
}

/** The unconstrained term structures at T years. */
function rawSlice(s: SurfaceState, years: number): { theta: number; rho: number; psi: number } {
  const w = Math.exp(-years / s.atmDecay);
  const atm = s.atmLong + (s.atmShort - s.atmLong) * w;
  const theta = atm * atm * years;
  const rho = s.rhoLong + (s.rhoShort - s.rhoLong) * w;
  const psi = s.eta * Math.sqrt(theta / (1 + theta));
  return { theta, rho, psi };
}

/**
 * Builds arbitrage-free slices for expiries sorted ascending; `forwards[i]` is the forward of
 * `expiries[i]`. Expiries at or before `now` are skipped by the caller.
 */
export function buildSlices(s: SurfaceState, now: number, expiries: number[], forwards: number[]): Slice[] {
  const out: Slice[] = [];
  let prev: Slice | undefined;
  for (let i = 0; i < expiries.length; i++) {
    const expiry = expiries[i] ?? 0;
    const years = Math.max((expiry - now) / (365 * 86_400_000), 1e-6);
    let { theta, rho, psi } = rawSlice(s, years);
    if (prev !== undefined) {
      const p = Math.max((1 + prev.rho) / (1 + rho), (1 - prev.rho) / (1 - rho));
      theta = Math.max(theta, p * prev.theta * (1 + 1e-9), prev.theta * (1 + 1e-9));
      const lower = p * prev.psi;
      const upper = butterflyCap(theta, rho);
      psi = Math.min(Math.max(psi, lower), upper);
    } else {
      psi = Math.min(psi, butterflyCap(theta, rho));
    }
    const slice: Slice = { expiry, years, forward: forwards[i] ?? Number.NaN, theta, rho, psi };
    out.push(slice);
    prev = slice;
  }
  return out;
}

function butterflyCap(theta: number, rho: number): number {
  const r = 1 + Math.abs(rho);
  return BUTTERFLY_MARGIN * Math.min(4 / r, Math.sqrt((4 * theta) / r));
}

/** eSSVI total variance at log-moneyness k = ln(K/F). */
export function totalVariance(slice: Slice, k: number): number {
  const phi = slice.psi / slice.theta;
  const r = slice.rho;
  return (slice.theta / 2) * (1 + r * phi * k + Math.sqrt((phi * k + r) ** 2 + 1 - r * r));
}

/** Black implied vol (decimal) of the truth at strike K. */
export function truthVol(slice: Slice, strike: number): number {
  return Math.sqrt(totalVariance(slice, Math.log(strike / slice.forward)) / slice.years);
}

export function atmVol(slice: Slice): number {
  return Math.sqrt(slice.theta / slice.years);
}

/** SSVI → raw SVI: a = θ(1−ρ²)/2, b = θφ/2, m = −ρ/φ, σ = √(1−ρ²)/φ (QUANT.md §2). */
export function toRawSvi(slice: Slice): RawSvi {
  const phi = slice.psi / slice.theta;
  const r = slice.rho;
  return {
    a: (slice.theta * (1 - r * r)) / 2,
    b: slice.psi / 2,
    rho: r,
    m: -r / phi,
    sigma: Math.sqrt(1 - r * r) / phi,
  };
}

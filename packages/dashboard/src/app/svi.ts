/**
 * Drawing the fitted smile from its raw SVI parameters (Gatheral 2004; QUANT.md "SVI"):
 *   w(k) = a + b(ρ(k − m) + √((k − m)² + σ²)),  σ_BS(k) = √(w(k) / T),  k = ln(K/F).
 * This is evaluation for display only; the fit itself happens in the surface worker.
 */
export interface SviParams {
  a: number;
  b: number;
  rho: number;
  m: number;
  sigma: number;
}

/** Total implied variance w(k) of raw SVI. */
export function sviTotalVariance(p: SviParams, k: number): number {
  const d = k - p.m;
  return p.a + p.b * (p.rho * d + Math.sqrt(d * d + p.sigma * p.sigma));
}

/** Implied vol √(w/T); null where w ≤ 0 or T ≤ 0 (no real vol to draw there). */
export function sviImpliedVol(p: SviParams, k: number, t: number): number | null {
  if (!(t > 0)) return null;
  const w = sviTotalVariance(p, k);
  return w > 0 && Number.isFinite(w) ? Math.sqrt(w / t) : null;
}

/** `n` evenly spaced k from kMin to kMax (both included) and the SVI vol at each. */
export function sviCurve(
  p: SviParams,
  t: number,
  kMin: number,
  kMax: number,
  n: number,
): { k: number[]; iv: (number | null)[] } {
  const k: number[] = [];
  const iv: (number | null)[] = [];
  const steps = Math.max(2, n);
  for (let i = 0; i < steps; i += 1) {
    const x = kMin + ((kMax - kMin) * i) / (steps - 1);
    k.push(x);
    iv.push(sviImpliedVol(p, x, t));
  }
  return { k, iv };
}

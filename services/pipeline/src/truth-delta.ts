/**
 * The truth's 25Δ risk reversal in forward delta, for surfaces quoted in it (USD-priced, linear
 * venues: Bybit, Binance). QUANT.md §3: forward delta Δ_f = ωN(ωd₊), d₊ = (−k + w/2)/√w with
 * k = ln(K/F) and w(k) the total variance; the 25Δ call is where N(d₊) = 0.25 (d₊ = −z),
 * the 25Δ put where N(d₊) = 0.75 (d₊ = z), z = N⁻¹(0.75). Raw SVI (Gatheral 2004):
 * w(k) = a + b(ρ(k − m) + √((k − m)² + σ²)). RR25 = σ(25ΔC) − σ(25ΔP), σ = √(w/T).
 */

export interface RawSviLike {
  a: number;
  b: number;
  rho: number;
  m: number;
  sigma: number;
}

const Z25 = 0.6744897501960817;

const w = (p: RawSviLike, k: number): number =>
  p.a + p.b * (p.rho * (k - p.m) + Math.sqrt((k - p.m) ** 2 + p.sigma ** 2));

const dPlus = (p: RawSviLike, k: number): number => {
  const v = w(p, k);
  return (-k + v / 2) / Math.sqrt(v);
};

/** k where d₊(k) = target, bisected inside the first sign change on a ±8 sd grid; NaN if none. */
function solve(p: RawSviLike, target: number): number {
  const sd = Math.sqrt(Math.max(w(p, 0), 1e-12));
  const f = (k: number): number => dPlus(p, k) - target;
  const n = 160;
  let lo = -8 * sd;
  let flo = f(lo);
  for (let i = 1; i <= n; i++) {
    const hi = -8 * sd + (16 * sd * i) / n;
    const fhi = f(hi);
    if (flo === 0) return lo;
    if (flo * fhi < 0) {
      let a = lo;
      let b = hi;
      let fa = flo;
      for (let j = 0; j < 60; j++) {
        const mid = (a + b) / 2;
        const fm = f(mid);
        if (fa * fm <= 0) b = mid;
        else {
          a = mid;
          fa = fm;
        }
      }
      return (a + b) / 2;
    }
    lo = hi;
    flo = fhi;
  }
  return Number.NaN;
}

/** RR25 in forward delta of a raw-SVI slice with time to expiry `years` (decimal vols). */
export function rr25ForwardDelta(p: RawSviLike, years: number): number {
  const kc = solve(p, -Z25);
  const kp = solve(p, Z25);
  return Math.sqrt(w(p, kc) / years) - Math.sqrt(w(p, kp) / years);
}

/**
 * Strike of a given delta at a given vol (for the delta × tenor risk nodes), Black-76 on the
 * forward. QUANT.md §3 (Reiswich & Wystup 2010): forward delta Δ_f = ωN(ωd₊); premium-adjusted
 * Δ_pa = ω(K/F)N(ωd₋), d± = (ln(F/K) ± σ²T/2)/(σ√T). The PA call delta is not monotone in strike:
 * the OTM root, right of its maximum, is taken (where e^k N(d₋) has zero slope: N(d₋) = φ(d₋)/(σ√T)).
 */

/** Standard normal CDF via erfc (Numerical Recipes' Chebyshev fit, relative error < 1.2e-7). */
export function normCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const poly =
    -z * z -
    1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t *
                  (-0.18628806 +
                    t *
                      (0.27886807 +
                        t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const erfc = t * Math.exp(poly);
  return x >= 0 ? 1 - erfc / 2 : erfc / 2;
}

function normPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}

export type DeltaConventionName = 'forward' | 'premium-adjusted';

/** Delta of an option at log-moneyness k = ln(K/F) and total vol s = σ√T. */
export function deltaAt(convention: DeltaConventionName, isCall: boolean, k: number, s: number): number {
  const dPlus = -k / s + s / 2;
  const dMinus = dPlus - s;
  if (convention === 'forward') return isCall ? normCdf(dPlus) : -normCdf(-dPlus);
  return isCall ? Math.exp(k) * normCdf(dMinus) : -Math.exp(k) * normCdf(-dMinus);
}

/** Bisection for the k in [lo, hi] where the decreasing function f crosses 0. */
function bisect(f: (k: number) => number, lo: number, hi: number): number | undefined {
  let a = lo;
  let b = hi;
  if (!(f(a) >= 0 && f(b) <= 0)) return undefined;
  for (let i = 0; i < 100 && b - a > 1e-10; i++) {
    const mid = (a + b) / 2;
    if (f(mid) >= 0) a = mid;
    else b = mid;
  }
  return (a + b) / 2;
}

/**
 * Strike with the signed delta `delta` (0.25 = 25Δ call, −0.25 = 25Δ put) at vol σ, or undefined
 * when the delta is not attained.
 */
export function strikeForDelta(
  convention: DeltaConventionName,
  delta: number,
  forward: number,
  vol: number,
  timeYears: number,
): number | undefined {
  const s = vol * Math.sqrt(timeYears);
  if (!(s > 0) || !(forward > 0)) return undefined;
  const isCall = delta > 0;
  let lo = -12 * s - 1;
  const hi = 12 * s + 1;
  if (isCall && convention === 'premium-adjusted') {
    // Slope of e^k N(d₋) in k is e^k (N(d₋) − φ(d₋)/s): positive left of the maximum.
    const slope = (k: number): number => {
      const dMinus = -k / s - s / 2;
      return normCdf(dMinus) - normPdf(dMinus) / s;
    };
    const top = bisect(slope, lo, hi);
    if (top === undefined) return undefined;
    lo = top;
  }
  const k = bisect((x) => deltaAt(convention, isCall, x, s) - delta, lo, hi);
  return k === undefined ? undefined : forward * Math.exp(k);
}

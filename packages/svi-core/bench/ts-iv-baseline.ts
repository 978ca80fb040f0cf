// The "straightforward TypeScript" implied-vol baseline the WASM core is measured against:
// undiscounted Black-76 (QUANT.md §1) with the normal CDF of Hart (1968) as given by West, "Better
// approximations to cumulative normal functions" (2005), ~1e-15 accuracy, and a safeguarded
// Newton iteration on σ (Manaster–Koehler start, bisection whenever Newton leaves the bracket).
// It is what one writes without Let's Be Rational; it is not used outside the benchmarks.

/** Φ(x), Hart 1968 double-precision algorithm (West 2005, Figure 2). */
export function normCdf(x: number): number {
  const ax = Math.abs(x);
  let c: number;
  if (ax > 37) c = 0;
  else {
    const e = Math.exp(-0.5 * ax * ax);
    if (ax < 7.07106781186547) {
      let n = 3.52624965998911e-2 * ax + 0.700383064443688;
      n = n * ax + 6.37396220353165;
      n = n * ax + 33.912866078383;
      n = n * ax + 112.079291497871;
      n = n * ax + 221.213596169931;
      n = n * ax + 220.206867912376;
      let d = 8.83883476483184e-2 * ax + 1.75566716318264;
      d = d * ax + 16.064177579207;
      d = d * ax + 86.7807322029461;
      d = d * ax + 296.564248779674;
      d = d * ax + 637.333633378831;
      d = d * ax + 793.826512519948;
      d = d * ax + 440.413735824752;
      c = (e * n) / d;
    } else {
      let b = ax + 0.65;
      b = ax + 4 / b;
      b = ax + 3 / b;
      b = ax + 2 / b;
      b = ax + 1 / b;
      c = e / b / 2.506628274631;
    }
  }
  return x > 0 ? 1 - c : c;
}

const INV_SQRT_2PI = 0.3989422804014327;

export function black76Ts(f: number, k: number, t: number, vol: number, isCall: boolean): number {
  const s = vol * Math.sqrt(t);
  const d1 = Math.log(f / k) / s + 0.5 * s;
  const d2 = d1 - s;
  return isCall ? f * normCdf(d1) - k * normCdf(d2) : k * normCdf(-d2) - f * normCdf(-d1);
}

/** Implied vol by safeguarded Newton; NaN outside (intrinsic, upper bound) or for bad input. */
export function impliedVolTs(price: number, f: number, k: number, t: number, isCall: boolean): number {
  if (!(f > 0 && k > 0 && t > 0 && price >= 0)) return Number.NaN;
  const intrinsic = Math.max(isCall ? f - k : k - f, 0);
  const upper = isCall ? f : k;
  if (!(price > intrinsic && price < upper)) return Number.NaN;
  const sqrtT = Math.sqrt(t);
  let lo = 0;
  let hi = 10;
  let vol = Math.max(Math.sqrt((2 * Math.abs(Math.log(f / k))) / t), 0.3);
  for (let i = 0; i < 100; i++) {
    const s = vol * sqrtT;
    const d1 = Math.log(f / k) / s + 0.5 * s;
    const diff = black76Ts(f, k, t, vol, isCall) - price;
    if (diff > 0) hi = vol;
    else lo = vol;
    const vega = f * INV_SQRT_2PI * Math.exp(-0.5 * d1 * d1) * sqrtT;
    let next = vol - diff / vega;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (Math.abs(next - vol) < 1e-12 * Math.max(1, vol)) return next;
    vol = next;
  }
  return vol;
}

/** Batch form with the same inputs as svi-core's impliedVols. */
export function impliedVolsTs(
  input: {
    price: Float64Array;
    forward: Float64Array;
    strike: Float64Array;
    time: Float64Array;
    isCall: Uint8Array;
  },
  out: Float64Array,
): Float64Array {
  for (let i = 0; i < out.length; i++) {
    out[i] = impliedVolTs(
      input.price[i]!,
      input.forward[i]!,
      input.strike[i]!,
      input.time[i]!,
      input.isCall[i] === 1,
    );
  }
  return out;
}

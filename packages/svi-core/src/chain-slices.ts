// Turns a recorded option chain into per-expiry smile slices ready for SVI: bid/ask/mid IV of
// every two-sided out-of-the-money quote (Deribit inverse convention B = c·F, QUANT.md §1), then
// k = ln(K/F), w = σ_mid²·T, weights 1/spread. Used by the real-data tests, the chain benchmark
// and the conformance kit.
import type { SviCore } from '../pkg/svi_core.js';
import type { ChainQuote } from './deribit-chain.ts';

export interface ChainSlice {
  currency: string;
  expiryMs: number;
  /** Median time to expiry of the slice's quotes (years). */
  time: number;
  k: Float64Array;
  w: Float64Array;
  weights: Float64Array;
  midIv: Float64Array;
  bidIv: Float64Array;
  askIv: Float64Array;
}

/** Which T to use for a quote (the 2026 collector files offer two clocks). */
export type TimeOf = (q: ChainQuote) => number;

export const quoteTime: TimeOf = (q) => q.time;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0
    ? Number.NaN
    : (s[Math.floor((s.length - 1) / 2)]! + s[Math.ceil((s.length - 1) / 2)]!) / 2;
}

/** Batch-inverts coin prices `price(q)` of `quotes` (NaN where absent or not invertible). */
export function invertCoin(
  core: SviCore,
  quotes: readonly ChainQuote[],
  price: (q: ChainQuote) => number,
  timeOf: TimeOf = quoteTime,
): Float64Array {
  const n = quotes.length;
  const input = {
    price: new Float64Array(n),
    forward: new Float64Array(n),
    strike: new Float64Array(n),
    time: new Float64Array(n),
    isCall: new Uint8Array(n),
  };
  quotes.forEach((q, i) => {
    input.price[i] = price(q);
    input.forward[i] = q.forward;
    input.strike[i] = q.strike;
    input.time[i] = timeOf(q);
    input.isCall[i] = q.isCall ? 1 : 0;
  });
  return core.impliedVolsInverse(input);
}

/**
 * Slices with at least `minQuotes` two-sided OTM quotes whose bid, ask and mid all invert.
 * OTM: calls at K ≥ F, puts at K < F (the liquid side; ITM quotes add no information).
 */
export function buildSlices(
  core: SviCore,
  quotes: readonly ChainQuote[],
  minQuotes = 8,
  timeOf: TimeOf = quoteTime,
): ChainSlice[] {
  const usable = quotes.filter(
    (q) =>
      q.bid > 0 &&
      q.ask >= q.bid &&
      q.forward > 0 &&
      q.strike > 0 &&
      timeOf(q) > 0 &&
      q.isCall === q.strike >= q.forward,
  );
  // One batch call for bid, ask and mid of every quote (3n rows): the wasm boundary is crossed once.
  const n = usable.length;
  const input = {
    price: new Float64Array(3 * n),
    forward: new Float64Array(3 * n),
    strike: new Float64Array(3 * n),
    time: new Float64Array(3 * n),
    isCall: new Uint8Array(3 * n),
  };
  for (let i = 0; i < n; i++) {
    const q = usable[i]!;
    const t = timeOf(q);
    for (let side = 0; side < 3; side++) {
      const j = side * n + i;
      input.price[j] = side === 0 ? q.bid : side === 1 ? q.ask : (q.bid + q.ask) / 2;
      input.forward[j] = q.forward;
      input.strike[j] = q.strike;
      input.time[j] = t;
      input.isCall[j] = q.isCall ? 1 : 0;
    }
  }
  const vols = core.impliedVolsInverse(input);
  const bid = vols.subarray(0, n);
  const ask = vols.subarray(n, 2 * n);
  const mid = vols.subarray(2 * n, 3 * n);
  const groups = new Map<string, number[]>();
  usable.forEach((q, i) => {
    if (!(Number.isFinite(bid[i]!) && Number.isFinite(ask[i]!) && Number.isFinite(mid[i]!))) return;
    const key = `${q.currency}:${q.expiryMs}`;
    const list = groups.get(key) ?? [];
    list.push(i);
    groups.set(key, list);
  });
  const slices: ChainSlice[] = [];
  for (const idx of groups.values()) {
    if (idx.length < minQuotes) continue;
    idx.sort((a, b) => usable[a]!.strike - usable[b]!.strike);
    const first = usable[idx[0]!]!;
    const time = median(idx.map((i) => timeOf(usable[i]!)));
    const pick = (f: (i: number) => number) => Float64Array.from(idx, f);
    slices.push({
      currency: first.currency,
      expiryMs: first.expiryMs,
      time,
      k: pick((i) => Math.log(usable[i]!.strike / usable[i]!.forward)),
      w: pick((i) => mid[i]! * mid[i]! * time),
      weights: pick((i) => 1 / Math.max(ask[i]! - bid[i]!, 0.002)),
      midIv: pick((i) => mid[i]!),
      bidIv: pick((i) => bid[i]!),
      askIv: pick((i) => ask[i]!),
    });
  }
  return slices.sort((a, b) => a.currency.localeCompare(b.currency) || a.expiryMs - b.expiryMs);
}

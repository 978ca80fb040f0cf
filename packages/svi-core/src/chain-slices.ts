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

/** Bid, ask, mid and mark IV of every quote of a chain (NaN where absent or not invertible). */
export interface ChainIvs {
  bid: Float64Array;
  ask: Float64Array;
  mid: Float64Array;
  mark: Float64Array;
}

/** All four IVs of every quote in one batch call (4n rows): the volatility worker's chain job. */
export function chainIvs(core: SviCore, quotes: readonly ChainQuote[], timeOf: TimeOf = quoteTime): ChainIvs {
  const n = quotes.length;
  const input = {
    price: new Float64Array(4 * n),
    forward: new Float64Array(4 * n),
    strike: new Float64Array(4 * n),
    time: new Float64Array(4 * n),
    isCall: new Uint8Array(4 * n),
  };
  for (let i = 0; i < n; i++) {
    const q = quotes[i]!;
    const t = timeOf(q);
    const prices = [q.bid, q.ask, (q.bid + q.ask) / 2, q.mark];
    for (let side = 0; side < 4; side++) {
      const j = side * n + i;
      input.price[j] = prices[side]!;
      input.forward[j] = q.forward;
      input.strike[j] = q.strike;
      input.time[j] = t;
      input.isCall[j] = q.isCall ? 1 : 0;
    }
  }
  const vols = core.impliedVolsInverse(input);
  return {
    bid: vols.subarray(0, n),
    ask: vols.subarray(n, 2 * n),
    mid: vols.subarray(2 * n, 3 * n),
    mark: vols.subarray(3 * n, 4 * n),
  };
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
  return slicesFromIvs(quotes, chainIvs(core, quotes, timeOf), minQuotes, timeOf);
}

/** As buildSlices, from IVs already computed by chainIvs (aligned with `quotes`). */
export function slicesFromIvs(
  quotes: readonly ChainQuote[],
  ivs: ChainIvs,
  minQuotes = 8,
  timeOf: TimeOf = quoteTime,
): ChainSlice[] {
  const { bid, ask, mid } = ivs;
  const groups = new Map<string, number[]>();
  quotes.forEach((q, i) => {
    const usable =
      q.bid > 0 &&
      q.ask >= q.bid &&
      q.forward > 0 &&
      q.strike > 0 &&
      timeOf(q) > 0 &&
      q.isCall === q.strike >= q.forward;
    if (!usable || !(Number.isFinite(bid[i]!) && Number.isFinite(ask[i]!) && Number.isFinite(mid[i]!)))
      return;
    const key = `${q.currency}:${q.expiryMs}`;
    const list = groups.get(key) ?? [];
    list.push(i);
    groups.set(key, list);
  });
  const slices: ChainSlice[] = [];
  for (const idx of groups.values()) {
    if (idx.length < minQuotes) continue;
    idx.sort((a, b) => quotes[a]!.strike - quotes[b]!.strike);
    const first = quotes[idx[0]!]!;
    const time = median(idx.map((i) => timeOf(quotes[i]!)));
    // Plain loops: Float64Array.from(iterable, fn) is several times slower in V8.
    const m = idx.length;
    const slice: ChainSlice = {
      currency: first.currency,
      expiryMs: first.expiryMs,
      time,
      k: new Float64Array(m),
      w: new Float64Array(m),
      weights: new Float64Array(m),
      midIv: new Float64Array(m),
      bidIv: new Float64Array(m),
      askIv: new Float64Array(m),
    };
    for (let j = 0; j < m; j++) {
      const i = idx[j]!;
      const q = quotes[i]!;
      slice.k[j] = Math.log(q.strike / q.forward);
      slice.w[j] = mid[i]! * mid[i]! * time;
      slice.weights[j] = 1 / Math.max(ask[i]! - bid[i]!, 0.002);
      slice.midIv[j] = mid[i]!;
      slice.bidIv[j] = bid[i]!;
      slice.askIv[j] = ask[i]!;
    }
    slices.push(slice);
  }
  return slices.sort((a, b) => a.currency.localeCompare(b.currency) || a.expiryMs - b.expiryMs);
}

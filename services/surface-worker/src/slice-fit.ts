/**
 * One expiry's SVI fit: gather the usable quotes (quote-filter.ts), decide whether anything moved
 * enough to refit, call the quant core's raw-SVI fit (quasi-explicit, QUANT.md §2 "Zeliade") and
 * accept the result only when the slice is butterfly-free: Gatheral–Jacquier g(k) ≥ 0 on a grid
 * (QUANT.md §2 "Butterfly test", Lemma 2.2), re-checked here whatever fitter module is loaded; a
 * slice that fails is repaired with the GJ jump-wings repair (QUANT.md §5 row 9) or rejected.
 * The fit starts cold: the ABI's vs_svi_fit takes no initial guess (ABI.md), and at ~30 µs a slice a
 * warm start would save little.
 */

import type { VolQuote } from '@volstream/contracts';
import type { SviCore, SviParams } from 'svi-core';
import type { SurfaceOptions } from './options.ts';
import {
  classifyQuote,
  type ExclusionReason,
  type QuoteContext,
  quoteLogMoneyness,
  quoteTimeMs,
  quoteWeight,
} from './quote-filter.ts';

/** A quote as considered by one fit: where it came from, its k and why it is (not) used. */
export interface FitQuote {
  venue: string;
  quote: VolQuote;
  k: number;
  timeMs: number;
  reason: ExclusionReason | undefined;
  /** Normalised fit weight (mean 1 over the used quotes), 0 when excluded. */
  weight: number;
}

/** The usable quotes of one fit, ready for the core, plus every quote considered. */
export interface FitInput {
  timeYears: number;
  k: Float64Array;
  w: Float64Array;
  weights: Float64Array;
  /** `venue|instrument` → [mid IV, k] of the used quotes: what a later refit is compared with. */
  fingerprint: Map<string, [number, number]>;
  quotes: FitQuote[];
  excluded: Partial<Record<ExclusionReason, number>>;
  /** The venues considered, by name: their forward and whether they were left out as stale. */
  sources: FitSource[];
}

export interface FitSource {
  venue: string;
  forward: number;
  stale: boolean;
}

export interface VenueQuotes {
  venue: string;
  quotes: Iterable<VolQuote>;
  ctx: QuoteContext;
  /** Extra weight factor of the venue (composite), 1 otherwise. */
  venueWeight: number;
  /**
   * The venue is stale for this fit (composite): its quotes are kept as excluded ('venue_stale'),
   * so they stay visible with the smile, but none is used.
   */
  stale?: boolean;
}

export function buildFitInput(
  sources: readonly VenueQuotes[],
  timeYears: number,
  o: SurfaceOptions,
): FitInput {
  const quotes: FitQuote[] = [];
  const excluded: FitInput['excluded'] = {};
  for (const src of sources) {
    for (const quote of src.quotes) {
      const reason: ExclusionReason | undefined =
        src.stale === true ? 'venue_stale' : classifyQuote(quote, src.ctx, o.filters, o.tickSize);
      const k = quoteLogMoneyness(quote, src.ctx);
      const fq: FitQuote = {
        venue: src.venue,
        quote,
        k,
        timeMs: quoteTimeMs(quote, src.ctx),
        reason,
        weight: 0,
      };
      if (reason !== undefined) excluded[reason] = (excluded[reason] ?? 0) + 1;
      quotes.push(fq);
    }
  }
  // Deterministic order whatever the arrival order: by k, then venue and name.
  quotes.sort(
    (a, b) =>
      a.k - b.k ||
      a.venue.localeCompare(b.venue) ||
      a.quote.instrumentName.localeCompare(b.quote.instrumentName),
  );
  const used = quotes.filter((q) => q.reason === undefined);
  const srcWeight = new Map(sources.map((s) => [s.venue, s]));
  const weights = new Float64Array(used.length);
  used.forEach((q, i) => {
    const src = srcWeight.get(q.venue);
    weights[i] =
      quoteWeight(o.weights, q.quote, q.k, src?.ctx.timeYears ?? timeYears) * (src?.venueWeight ?? 1);
  });
  let sum = 0;
  for (const x of weights) sum += Number.isFinite(x) && x > 0 ? x : 0;
  const mean = used.length > 0 ? sum / used.length : 1;
  const k = new Float64Array(used.length);
  const w = new Float64Array(used.length);
  const fingerprint = new Map<string, [number, number]>();
  used.forEach((q, i) => {
    const wt = weights[i] ?? 0;
    weights[i] = Number.isFinite(wt) && wt > 0 && mean > 0 ? wt / mean : 0;
    q.weight = weights[i] ?? 0;
    const mid = q.quote.midIv ?? Number.NaN;
    k[i] = q.k;
    w[i] = mid * mid * timeYears;
    fingerprint.set(`${q.venue}|${q.quote.instrumentName}`, [mid, q.k]);
  });
  const fitSources = sources
    .map((s) => ({ venue: s.venue, forward: s.ctx.forward, stale: s.stale === true }))
    .sort((a, b) => a.venue.localeCompare(b.venue));
  return { timeYears, k, w, weights, fingerprint, quotes, excluded, sources: fitSources };
}

/** What the previous accepted fit of an expiry was computed from. */
export interface FitBasis {
  timeYears: number;
  fingerprint: Map<string, [number, number]>;
}

/** Whether `input` differs from `prev` enough to refit (QUANT.md §4: < 1 bp moves are noise). */
export function inputsMoved(prev: FitBasis | undefined, input: FitInput, o: SurfaceOptions): boolean {
  if (prev === undefined) return true;
  if (prev.fingerprint.size !== input.fingerprint.size) return true;
  if (Math.abs(prev.timeYears - input.timeYears) > o.minRelativeTimeChange * prev.timeYears) return true;
  for (const [key, [mid, k]] of input.fingerprint) {
    const old = prev.fingerprint.get(key);
    if (old === undefined) return true;
    if (Math.abs(old[0] - mid) >= o.minIvChange || Math.abs(old[1] - k) >= o.minLogMoneynessChange)
      return true;
  }
  return false;
}

export interface FitOutcome {
  ok: boolean;
  status: string;
  params: SviParams;
  rmseVolPoints: number;
  rmseTotalVariance: number;
  minG: number;
  /** Where g is smallest (reported with a rejected slice). */
  minGAt: number;
  iterations: number;
  repaired: boolean;
  fitTimeUs: number;
  quotesThroughFit: number;
}

const GRID_POINTS = 601;

/** Minimum of g(k) on [min(−3, k_min), max(3, k_max)] and where it is (the butterfly check). */
export function worstG(core: SviCore, params: SviParams, kMin = -3, kMax = 3): { minG: number; k: number } {
  const lo = Math.min(-3, kMin);
  const hi = Math.max(3, kMax);
  const grid = new Float64Array(GRID_POINTS);
  for (let i = 0; i < GRID_POINTS; i++) grid[i] = lo + ((hi - lo) * i) / (GRID_POINTS - 1);
  let minG = Number.POSITIVE_INFINITY;
  let k = 0;
  core.sviG(params, grid).forEach((g, i) => {
    const v = Number.isNaN(g) ? Number.NEGATIVE_INFINITY : g;
    if (v < minG) {
      minG = v;
      k = grid[i] ?? 0;
    }
  });
  return { minG, k };
}

/** Minimum of g(k) on the check grid (≥ 0: butterfly-free), see worstG. */
export function minGOnGrid(core: SviCore, params: SviParams, kMin = -3, kMax = 3): number {
  return worstG(core, params, kMin, kMax).minG;
}

export function fitSlice(core: SviCore, input: FitInput, clockUs: () => number): FitOutcome {
  const started = clockUs();
  const r = core.fitSviSlice({ k: input.k, w: input.w, weights: input.weights, time: input.timeYears });
  let params: SviParams = { a: r.a, b: r.b, rho: r.rho, m: r.m, sigma: r.sigma };
  let repaired = r.repaired;
  const kMin = input.k[0] ?? 0;
  const kMax = input.k[input.k.length - 1] ?? 0;
  let worst = r.status === 'ok' ? worstG(core, params, kMin, kMax) : { minG: Number.NaN, k: 0 };
  if (r.status === 'ok' && !(worst.minG >= 0)) {
    const fixed = core.sviGjRepair(params, input.timeYears);
    if (fixed !== null) {
      params = fixed;
      repaired = true;
      worst = worstG(core, params, kMin, kMax);
    }
  }
  const minG = worst.minG;
  const fitTimeUs = clockUs() - started;
  const ok = r.status === 'ok' && minG >= 0;
  let through = 0;
  if (ok) {
    const fitted = core.sviW(params, input.k);
    let i = 0;
    input.quotes.forEach((q) => {
      if (q.reason !== undefined) return;
      const vol = Math.sqrt((fitted[i] ?? Number.NaN) / input.timeYears);
      if (vol >= (q.quote.bidIv ?? Number.NaN) && vol <= (q.quote.askIv ?? Number.NaN)) through++;
      i++;
    });
  }
  return {
    ok,
    status: r.status === 'ok' && !ok ? 'butterfly' : r.status,
    params,
    rmseVolPoints: r.rmseVol,
    rmseTotalVariance: r.rmse,
    minG,
    minGAt: worst.k,
    iterations: r.iterations,
    repaired,
    fitTimeUs,
    quotesThroughFit: through,
  };
}

/**
 * Independent static-arbitrage re-check of a published surface, from its published SVI parameters
 * only (the worker's own flags are not trusted). QUANT.md §5 (Gatheral–Jacquier):
 * butterfly-free ⇔ g(k) ≥ 0 for the slice's density function g of raw SVI;
 * calendar-free ⇔ w(k, T₁) ≤ w(k, T₂) for T₁ < T₂.
 * The calendar comparison covers |k| ≤ maxWingZ·√T_later (default 3 standard deviations), where
 * the later slice's quotes can be, as the surface worker documents (docs/PIPELINE.md "Calendar").
 */
import type { SviCore, SviParams } from 'svi-core';

export interface ArbitrageCount {
  butterfly: number;
  calendar: number;
  /** Worst g(k) seen below zero and worst w crossing (0 when none). */
  worstG: number;
  worstCrossing: number;
}

export interface SliceParams {
  readonly time: number;
  readonly params: SviParams;
}

const BUTTERFLY_GRID = Float64Array.from({ length: 1201 }, (_, i) => -3 + i * 0.005);
/**
 * Tolerances, far below economics: g rounding; and a total-variance crossing of 1e-6 (at T = 0.03
 * and 60 % vol that is 0.003 vol points). The surface worker repairs crossings on its own k grid,
 * so between its points a crossing of ~1e-7 can remain (measured 1.2e-7 once in the distributed
 * test); `worstCrossing` reports the largest seen whatever its size.
 */
const G_TOLERANCE = -1e-9;
const W_TOLERANCE = 1e-6;

export function checkArbitrage(core: SviCore, slices: readonly SliceParams[], maxWingZ = 3): ArbitrageCount {
  const out: ArbitrageCount = { butterfly: 0, calendar: 0, worstG: 0, worstCrossing: 0 };
  for (const s of slices) {
    const g = core.sviG(s.params, BUTTERFLY_GRID);
    let min = Number.POSITIVE_INFINITY;
    for (const x of g) if (x < min) min = x;
    if (!(min >= G_TOLERANCE)) {
      out.butterfly++;
      out.worstG = Math.min(out.worstG, Number.isFinite(min) ? min : Number.NEGATIVE_INFINITY);
    }
  }
  const sorted = [...slices].sort((a, b) => a.time - b.time);
  for (let i = 1; i < sorted.length; i++) {
    const earlier = sorted[i - 1] as SliceParams;
    const later = sorted[i] as SliceParams;
    const half = maxWingZ * Math.sqrt(later.time);
    const k = Float64Array.from({ length: 601 }, (_, j) => -half + (2 * half * j) / 600);
    const w1 = core.sviW(earlier.params, k);
    const w2 = core.sviW(later.params, k);
    let worst = 0;
    for (let j = 0; j < k.length; j++) worst = Math.max(worst, (w1[j] as number) - (w2[j] as number));
    out.worstCrossing = Math.max(out.worstCrossing, worst);
    if (worst > W_TOLERANCE) out.calendar++;
  }
  return out;
}

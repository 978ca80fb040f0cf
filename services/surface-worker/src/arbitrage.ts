/**
 * Static-arbitrage control of a surface before it is published, QUANT.md §2: every slice is
 * already butterfly-free (slice-fit.ts rejects or GJ-repairs those that are not); across expiries
 * total variance must not decrease in T at any k (∂_T w ≥ 0, slices must not cross). Crossings are
 * repaired by the minimal lift of `a` of the later slice, then re-checked (calendar and butterfly);
 * when the repair fails the surface is published unrepaired and the report says so (violations
 * with repaired = false), so a consumer is never misled. The check runs here rather than through
 * the core's checkCalendar/repairCalendar because those use a fixed k ∈ [−3, 3] (see calendarDomain).
 */

import { ArbitrageKind } from '@volstream/contracts';
import type { SviCore, SviParams } from 'svi-core';
import type { ArbitrageViolationInit } from './proto-types.ts';
import { minGOnGrid } from './slice-fit.ts';
import type { SurfaceSlice } from './surface-metrics.ts';

export interface ArbitrageOutcome {
  /** The slices to publish (calendar-repaired when that succeeded). */
  slices: SurfaceSlice[];
  /** Indices of slices whose parameters the calendar repair changed. */
  lifted: Set<number>;
  calendarViolations: number;
  /** Calendar violations left in the published slices (0 unless the repair failed). */
  residualCalendarViolations: number;
  violations: ArbitrageViolationInit[];
}

const GRID = 241;
/** Relative margin added to a lift so the repaired slices do not touch (w_i ≥ w_{i−1} strictly). */
const LIFT_MARGIN = 1e-9;

/**
 * The k-range on which slices i−1 and i must not cross: |k| ≤ maxWingZ·√T_i, where the quotes of
 * the later slice can be (the wing filter). Beyond it SVI is pure extrapolation of the wings: a
 * 1-day slice fitted from noisy quotes can have a steeper wing than the next slice and cross it at
 * k = 3 (60 standard deviations out), and lifting the next slice there would shift its ATM by many
 * vol points for a crossing no option can trade.
 */
export function calendarDomain(laterTimeYears: number, maxWingZ: number): [number, number] {
  const half = Math.max(maxWingZ * Math.sqrt(laterTimeYears), 0.05);
  return [-half, half];
}

interface Crossing {
  k: number;
  size: number;
}

/** Points of each fine grid around a near-crossing local maximum of the coarse grid. */
const REFINE = 33;
/** Rounds of zooming in on a peak (see refinePeak). */
const ZOOMS = 4;
/** Coarse-grid local maxima of w_earlier − w_later above this are refined (a crossing can hide between points). */
const NEAR_CROSSING = -1e-5;

/**
 * Largest w_{earlier}(k) − w_{later}(k) > 0 on the domain, or undefined when they do not cross.
 * The coarse grid finds the candidates; each local maximum that comes near zero is refined on a
 * fine grid between its neighbours, because the true peak of a crossing lies between grid points
 * (the coarse maximum under-states it by about h²·d''/8: a few 1e-6 of total variance on long
 * expiries, enough to leave a crossing after a lift by the coarse figure).
 */
export function worstCrossing(
  core: SviCore,
  earlier: SviParams,
  later: SviParams,
  domain: readonly [number, number],
): Crossing | undefined {
  const [lo, hi] = domain;
  const grid = Float64Array.from({ length: GRID }, (_, i) => lo + ((hi - lo) * i) / (GRID - 1));
  const we = core.sviW(earlier, grid);
  const wl = core.sviW(later, grid);
  const d = new Float64Array(GRID);
  for (let i = 0; i < GRID; i++) d[i] = (we[i] ?? 0) - (wl[i] ?? 0);
  let worst: Crossing | undefined;
  const consider = (k: number, size: number): void => {
    if (size > 0 && (worst === undefined || size > worst.size)) worst = { k, size };
  };
  for (let i = 0; i < GRID; i++) {
    const di = d[i] ?? 0;
    consider(grid[i] ?? 0, di);
    const left = i === 0 ? Number.NEGATIVE_INFINITY : (d[i - 1] ?? 0);
    const right = i === GRID - 1 ? Number.NEGATIVE_INFINITY : (d[i + 1] ?? 0);
    if (di < NEAR_CROSSING || di < left || di < right) continue;
    refinePeak(
      core,
      earlier,
      later,
      grid[Math.max(0, i - 1)] ?? lo,
      grid[Math.min(GRID - 1, i + 1)] ?? hi,
      consider,
    );
  }
  return worst;
}

/**
 * Zooms in on the peak of w_earlier − w_later in [a, b]: a fine grid, then again around its best
 * point, ZOOMS times (the spacing shrinks 16× per round, so the peak is found to ~1e-12 of total
 * variance, far below the pipeline's 1e-6 re-check tolerance).
 */
function refinePeak(
  core: SviCore,
  earlier: SviParams,
  later: SviParams,
  a: number,
  b: number,
  consider: (k: number, size: number) => void,
): void {
  let lo = a;
  let hi = b;
  for (let round = 0; round < ZOOMS; round++) {
    const fine = Float64Array.from({ length: REFINE }, (_, j) => lo + ((hi - lo) * j) / (REFINE - 1));
    const fe = core.sviW(earlier, fine);
    const fl = core.sviW(later, fine);
    let best = 0;
    let bestD = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < REFINE; j++) {
      const dj = (fe[j] ?? 0) - (fl[j] ?? 0);
      consider(fine[j] ?? 0, dj);
      if (dj > bestD) {
        bestD = dj;
        best = j;
      }
    }
    const step = (hi - lo) / (REFINE - 1);
    const centre = fine[best] ?? lo;
    lo = Math.max(a, centre - step);
    hi = Math.min(b, centre + step);
  }
}

/**
 * Calendar control in expiry order: where slice i crosses below slice i−1 on the domain, lift
 * `a` of slice i by the deficit (the minimal parallel lift; Gatheral–Jacquier's g is re-checked
 * after it, since a lift changes w/w′ ratios). A lift that breaks butterfly-freeness is undone
 * and the crossing reported unrepaired.
 */
export function controlCalendar(
  core: SviCore,
  slices: readonly SurfaceSlice[],
  maxWingZ: number,
): ArbitrageOutcome {
  const out = slices.map((s) => ({ ...s, params: { ...s.params } }));
  const lifted = new Set<number>();
  const violations: ArbitrageViolationInit[] = [];
  let residual = 0;
  for (let i = 1; i < out.length; i++) {
    const prev = out[i - 1];
    const cur = out[i];
    if (prev === undefined || cur === undefined) continue;
    const domain = calendarDomain(cur.timeYears, maxWingZ);
    const crossing = worstCrossing(core, prev.params, cur.params, domain);
    if (crossing === undefined) continue;
    const liftedParams = { ...cur.params, a: cur.params.a + crossing.size * (1 + LIFT_MARGIN) + 1e-12 };
    const ok =
      minGOnGrid(core, liftedParams) >= 0 &&
      worstCrossing(core, prev.params, liftedParams, domain) === undefined;
    if (ok) {
      cur.params = liftedParams;
      lifted.add(i);
    } else residual++;
    violations.push({
      kind: ArbitrageKind.CALENDAR,
      expiryMs: cur.expiryMs,
      otherExpiryMs: prev.expiryMs,
      logMoneyness: crossing.k,
      magnitude: crossing.size,
      repaired: ok,
    });
  }
  return {
    slices: out,
    lifted,
    calendarViolations: violations.length,
    residualCalendarViolations: residual,
    violations,
  };
}

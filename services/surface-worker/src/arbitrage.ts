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

/** Largest w_{earlier}(k) − w_{later}(k) > 0 on the domain, or undefined when they do not cross. */
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
  let worst: Crossing | undefined;
  for (let i = 0; i < GRID; i++) {
    const d = (we[i] ?? 0) - (wl[i] ?? 0);
    if (d > 0 && (worst === undefined || d > worst.size)) worst = { k: grid[i] ?? 0, size: d };
  }
  return worst;
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

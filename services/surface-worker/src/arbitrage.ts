/**
 * Static-arbitrage control of a surface before it is published, QUANT.md §2: every slice is
 * already butterfly-free (slice-fit.ts rejects or GJ-repairs those that are not); across expiries
 * total variance must not decrease in T at any k (∂_T w ≥ 0, slices must not cross). Crossings are
 * repaired with the quant core's minimal lift of `a` of the later slices (`repairCalendar`), then
 * re-checked (calendar and butterfly); when the repair fails the surface is published unrepaired
 * and the report says so (violations with repaired = false), so a consumer is never misled.
 */

import { ArbitrageKind } from '@volstream/contracts';
import type { SviCore } from 'svi-core';
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

export function controlCalendar(core: SviCore, slices: readonly SurfaceSlice[]): ArbitrageOutcome {
  const timed = slices.map((s) => ({ time: s.timeYears, params: s.params }));
  const check = core.checkCalendar(timed);
  if (check.calendarFree) {
    return {
      slices: [...slices],
      lifted: new Set(),
      calendarViolations: 0,
      residualCalendarViolations: 0,
      violations: [],
    };
  }
  const repair = core.repairCalendar(timed);
  let ok = repair.ok && core.checkCalendar(repair.slices).calendarFree;
  const lifted = new Set<number>();
  repair.lifts.forEach((lift, i) => {
    if (lift > 0) lifted.add(i);
  });
  if (ok) {
    for (const i of lifted) {
      const p = repair.slices[i]?.params;
      if (p === undefined || !(minGOnGrid(core, p) >= 0)) ok = false;
    }
  }
  const violations = check.violations.map(
    (v): ArbitrageViolationInit => ({
      kind: ArbitrageKind.CALENDAR,
      expiryMs: slices[v.later]?.expiryMs ?? 0n,
      otherExpiryMs: slices[v.earlier]?.expiryMs ?? 0n,
      logMoneyness: v.k,
      magnitude: v.size,
      repaired: ok,
    }),
  );
  if (!ok) {
    return {
      slices: [...slices],
      lifted: new Set(),
      calendarViolations: violations.length,
      residualCalendarViolations: violations.length,
      violations,
    };
  }
  const out = slices.map((s, i) => ({ ...s, params: repair.slices[i]?.params ?? s.params }));
  return {
    slices: out,
    lifted,
    calendarViolations: violations.length,
    residualCalendarViolations: 0,
    violations,
  };
}

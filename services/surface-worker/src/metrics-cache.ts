/**
 * Caches of the quant core's metric calls, which dominate a display tick once fits are skipped
 * (surfaceMetrics and tenorMetrics root-find 25Δ/10Δ strikes for every slice and tenor): a slice's
 * smile metrics depend only on its T, parameters and the delta convention, and a surface's tenor
 * view only on all of its slices, so unchanged inputs reuse the previous results.
 */
import type { SmileMetrics, SviCore } from 'svi-core';
import type { DeltaConventionName } from './delta-strike.ts';
import type { RiskNodeInit, TenorMetricsInit } from './proto-types.ts';
import { type SurfaceSlice, tenorView } from './surface-metrics.ts';

const MAX_ENTRIES = 20_000;

const sliceKey = (s: SurfaceSlice, c: DeltaConventionName): string =>
  `${c}|${s.timeYears}|${s.params.a},${s.params.b},${s.params.rho},${s.params.m},${s.params.sigma}`;

interface TenorViewResult {
  tenors: TenorMetricsInit[];
  riskNodes: RiskNodeInit[];
}

export class MetricsCache {
  readonly #slices = new Map<string, SmileMetrics>();
  readonly #views = new Map<string, { key: string; view: TenorViewResult }>();

  /** Smile metrics of every slice; one core call for the slices not seen before. */
  sliceMetrics(
    core: SviCore,
    slices: readonly SurfaceSlice[],
    convention: DeltaConventionName,
  ): SmileMetrics[] {
    const keys = slices.map((s) => sliceKey(s, convention));
    const missing = slices.filter((_, i) => !this.#slices.has(keys[i] ?? ''));
    if (missing.length > 0) {
      if (this.#slices.size > MAX_ENTRIES) this.#slices.clear();
      const computed = core.surfaceMetrics(
        missing.map((s) => ({ time: s.timeYears, params: s.params })),
        { deltaConvention: convention },
      );
      missing.forEach((s, i) => {
        const m = computed[i];
        if (m !== undefined) this.#slices.set(sliceKey(s, convention), m);
      });
    }
    return keys.map((k) => {
      const m = this.#slices.get(k);
      if (m === undefined) throw new Error('unreachable: computed above');
      return m;
    });
  }

  /** The tenor view of a surface (`surfaceId` = currency|venue), recomputed when any slice changed. */
  tenorView(
    core: SviCore,
    surfaceId: string,
    slices: readonly SurfaceSlice[],
    tenorsDays: readonly number[],
    convention: DeltaConventionName,
  ): TenorViewResult {
    const key = `${tenorsDays.join(',')}#${slices.map((s) => `${s.expiryMs}:${sliceKey(s, convention)}`).join(';')}`;
    const hit = this.#views.get(surfaceId);
    if (hit !== undefined && hit.key === key) return hit.view;
    const view = tenorView(core, slices, tenorsDays, convention);
    this.#views.set(surfaceId, { key, view });
    return view;
  }
}

/**
 * Caches of the quant core's metric calls, which dominate a display tick once fits are skipped
 * (surfaceMetrics and tenorMetrics root-find 25Δ/10Δ strikes for every slice and tenor): a slice's
 * smile metrics depend only on its T, parameters and the delta convention, and a tenor's only on
 * its bracketing slices, so unchanged inputs reuse the previous results.
 */
import type { SmileMetrics, SviCore } from 'svi-core';
import type { DeltaConventionName } from './delta-strike.ts';
import type { RiskNodeInit, TenorMetricsInit } from './proto-types.ts';
import { bracketOf, type SurfaceSlice, tenorView, tenorYears } from './surface-metrics.ts';

const MAX_ENTRIES = 20_000;

const sliceKey = (s: SurfaceSlice, c: DeltaConventionName): string =>
  `${c}|${s.timeYears}|${s.params.a},${s.params.b},${s.params.rho},${s.params.m},${s.params.sigma}`;

interface TenorViewResult {
  tenors: TenorMetricsInit[];
  riskNodes: RiskNodeInit[];
}

export class MetricsCache {
  readonly #slices = new Map<string, SmileMetrics>();
  readonly #tenors = new Map<string, SmileMetrics>();

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

  /**
   * Tenor metrics, risk nodes and forward vols of a surface. Each tenor's metrics depend only on
   * its bracketing slices (bracketOf: the core interpolates between them), so a tenor is recomputed
   * only when one of those changed; the cheap TS part (forward vols, node strikes) always runs.
   */
  tenorView(
    core: SviCore,
    slices: readonly SurfaceSlice[],
    tenorsDays: readonly number[],
    convention: DeltaConventionName,
  ): TenorViewResult {
    const metrics = tenorsDays.map((days) => {
      const t = tenorYears(days);
      const bracket = bracketOf(slices, t);
      const key = `${t}#${bracket.map((s) => sliceKey(s, convention)).join(';')}`;
      let m = this.#tenors.get(key);
      if (m === undefined) {
        if (this.#tenors.size > MAX_ENTRIES) this.#tenors.clear();
        const timed = bracket.map((s) => ({ time: s.timeYears, params: s.params }));
        m = core.tenorMetrics(timed, [t], { deltaConvention: convention })[0];
        if (m === undefined) throw new Error('unreachable: one tenor in, one record out');
        this.#tenors.set(key, m);
      }
      return m;
    });
    return tenorView(slices, tenorsDays, convention, metrics);
  }
}

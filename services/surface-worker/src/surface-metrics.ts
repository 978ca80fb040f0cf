/**
 * Term structure and smile metrics of a surface from its (arbitrage-checked) SVI slices, QUANT.md
 * §3: ATM = ATMF (k = 0); RR = σ(call) − σ(put), BF = (σ(call) + σ(put))/2 − σ_ATM at 25Δ/10Δ under
 * the surface's delta convention (quant core `surfaceMetrics`/`tenorMetrics`); fixed tenors by
 * total variance linear in time between the bracketing expiries (Cboe VIX method), flat vol
 * outside; forward vol between consecutive points σ_fwd = √((w₂ − w₁)/(T₂ − T₁)) at k = 0.
 */
import type { SmileMetrics, SviParams } from 'svi-core';
import { type DeltaConventionName, normCdf, strikeForDelta } from './delta-strike.ts';
import type { ExpiryMetricsInit, RiskNodeInit, TenorMetricsInit } from './proto-types.ts';

const DAYS_PER_YEAR = 365;

export const tenorYears = (days: number): number => days / DAYS_PER_YEAR;

/**
 * The one or two slices a tenor's metrics depend on (total variance is interpolated between the
 * bracketing expiries and extrapolated flat from the nearest): the pair around it, or the first /
 * last pair outside the listed range.
 */
export function bracketOf(slices: readonly SurfaceSlice[], t: number): SurfaceSlice[] {
  if (slices.length <= 2) return [...slices];
  let i = slices.findIndex((s) => s.timeYears >= t);
  if (i === -1) i = slices.length - 1;
  if (i === 0) i = 1;
  return slices.slice(i - 1, i + 1);
}

export interface SurfaceSlice {
  expiryMs: bigint;
  timeYears: number;
  forward: number;
  params: SviParams;
}

const finite = (x: number): number | undefined => (Number.isFinite(x) ? x : undefined);

/** { key: x } when x is finite, else {} (absent optional field, never a made-up value). */
function opt<K extends string>(key: K, x: number): { [P in K]?: number } {
  return (Number.isFinite(x) ? { [key]: x } : {}) as { [P in K]?: number };
}

function forwardVol(w1: number, t1: number, w2: number, t2: number): number | undefined {
  if (!(t2 > t1)) return undefined;
  const v = (w2 - w1) / (t2 - t1);
  return v >= 0 ? Math.sqrt(v) : undefined;
}

function smileFields(m: SmileMetrics) {
  return {
    ...opt('atmVol', m.atmVol),
    ...opt('rr25', m.rr25),
    ...opt('bf25', m.bf25),
    ...opt('rr10', m.rr10),
    ...opt('bf10', m.bf10),
  };
}

/** Per-expiry metrics from each slice's smile metrics (`metrics[i]` of `slices[i]`, sorted by time). */
export function expiryMetrics(
  slices: readonly SurfaceSlice[],
  metrics: readonly SmileMetrics[],
): ExpiryMetricsInit[] {
  return slices.map((s, i): ExpiryMetricsInit => {
    const m = metrics[i];
    const prev = slices[i - 1];
    const prevAtm = metrics[i - 1]?.atmVol ?? Number.NaN;
    const atm = m?.atmVol ?? Number.NaN;
    const fwdVol =
      prev === undefined
        ? undefined
        : forwardVol(
            prevAtm * prevAtm * prev.timeYears,
            prev.timeYears,
            atm * atm * s.timeYears,
            s.timeYears,
          );
    return {
      expiryMs: s.expiryMs,
      timeToExpiryYears: s.timeYears,
      forward: s.forward,
      ...(m === undefined ? {} : smileFields(m)),
      ...(fwdVol === undefined ? {} : { forwardVol: fwdVol }),
    };
  });
}

/** Forward at T: ln F linear in T between listed expiries, flat outside. */
export function forwardAt(slices: readonly SurfaceSlice[], t: number): number {
  const first = slices[0];
  const last = slices[slices.length - 1];
  if (first === undefined || last === undefined) return Number.NaN;
  if (t <= first.timeYears) return first.forward;
  if (t >= last.timeYears) return last.forward;
  for (let i = 1; i < slices.length; i++) {
    const a = slices[i - 1];
    const b = slices[i];
    if (a !== undefined && b !== undefined && t <= b.timeYears) {
      const u = (t - a.timeYears) / (b.timeYears - a.timeYears);
      return Math.exp(Math.log(a.forward) * (1 - u) + Math.log(b.forward) * u);
    }
  }
  return last.forward;
}

const NODES: readonly { label: string; delta: number; field: keyof SmileMetrics }[] = [
  { label: '10P', delta: -0.1, field: 'vol10p' },
  { label: '25P', delta: -0.25, field: 'vol25p' },
  { label: 'ATM', delta: Number.NaN, field: 'atmVol' },
  { label: '25C', delta: 0.25, field: 'vol25c' },
  { label: '10C', delta: 0.1, field: 'vol10c' },
];

/** Fixed-tenor metrics and the delta × tenor risk grid. */
export function tenorView(
  slices: readonly SurfaceSlice[],
  tenorsDays: readonly number[],
  convention: DeltaConventionName,
  metrics: readonly SmileMetrics[],
): { tenors: TenorMetricsInit[]; riskNodes: RiskNodeInit[] } {
  if (slices.length === 0) return { tenors: [], riskNodes: [] };
  const years = tenorsDays.map(tenorYears);
  const tFirst = slices[0]?.timeYears ?? 0;
  const tLast = slices[slices.length - 1]?.timeYears ?? 0;
  const tenors: TenorMetricsInit[] = [];
  const riskNodes: RiskNodeInit[] = [];
  tenorsDays.forEach((days, i) => {
    const m = metrics[i];
    const t = years[i] ?? 0;
    if (m === undefined) return;
    const prevT = years[i - 1];
    const prevAtm = metrics[i - 1]?.atmVol ?? Number.NaN;
    const fwdVol =
      prevT === undefined
        ? undefined
        : forwardVol(prevAtm * prevAtm * prevT, prevT, m.atmVol * m.atmVol * t, t);
    tenors.push({
      tenorDays: days,
      ...smileFields(m),
      ...(fwdVol === undefined ? {} : { forwardVol: fwdVol }),
      extrapolated: t < tFirst || t > tLast,
    });
    const f = forwardAt(slices, t);
    for (const node of NODES) {
      const vol = finite(m[node.field]);
      const isAtm = node.label === 'ATM';
      // The ATM node is the forward (k = 0); its delta is the call delta there.
      const strike =
        vol === undefined ? undefined : isAtm ? f : strikeForDelta(convention, node.delta, f, vol, t);
      const s = (vol ?? Number.NaN) * Math.sqrt(t);
      const atmDelta = Number.isFinite(s) ? normCdf(convention === 'forward' ? s / 2 : -s / 2) : 0.5;
      riskNodes.push({
        tenorDays: days,
        deltaLabel: node.label,
        delta: isAtm ? atmDelta : node.delta,
        ...(vol === undefined ? {} : { vol }),
        ...(strike === undefined || !Number.isFinite(strike) ? {} : { strike }),
      });
    }
  });
  return { tenors, riskNodes };
}

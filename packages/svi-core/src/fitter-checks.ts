// The numeric checks of the conformance kit (fitter-check.ts): round trip, butterfly-freedom on
// generated and recorded slices, and speed. Butterfly-freedom is re-verified in TypeScript with
// the Gatheral–Jacquier g (QUANT.md §2) so a module cannot pass by reporting a wrong flag.
import type { SviCore, SviFitResult } from '../pkg/svi_core.js';
import { buildSlices } from './chain-slices.ts';
import { readChain } from './deribit-chain.ts';
import type { FitterCheck } from './fitter-check.ts';
import { ivWorkload, minGOnGrid, syntheticSlices } from './workload.ts';

/** g may dip below 0 by rounding only. */
const G_TOLERANCE = -1e-9;

function quantile(values: number[], q: number): number {
  const s = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  return s[Math.min(s.length - 1, Math.floor(q * (s.length - 1) + 0.5))]!;
}

/** Verified butterfly-free: status ok, sane parameters, and g ≥ 0 on the grid covering the data. */
function verifiedFree(fit: SviFitResult, k: Float64Array): { ok: boolean; minG: number } {
  if (fit.status !== 'ok') return { ok: false, minG: Number.NaN };
  const lo = Math.min(-3, Math.min(...k) - 0.5);
  const hi = Math.max(3, Math.max(...k) + 0.5);
  const minG = minGOnGrid(fit, lo, hi, 1201);
  const sane = fit.b >= 0 && Math.abs(fit.rho) < 1 && fit.sigma > 0;
  return { ok: sane && minG >= G_TOLERANCE && fit.butterflyFree, minG };
}

export function ivRoundTripCheck(core: SviCore): FitterCheck {
  const n = 20_000;
  const w = ivWorkload(core, n, 11);
  const vols = core.impliedVols(w);
  let maxErr = 0;
  let nan = 0;
  for (let i = 0; i < n; i++) {
    const err = Math.abs(vols[i]! - w.vol[i]!);
    if (Number.isNaN(err)) nan++;
    else maxErr = Math.max(maxErr, err);
  }
  const pass = nan === 0 && maxErr <= 1e-8;
  return {
    name: 'iv-round-trip',
    pass,
    reason: pass
      ? `IV(B(σ)) = σ on ${n} mixed options, max abs error ${maxErr.toExponential(2)} ≤ 1e-8`
      : `${nan} NaN results, max abs error ${maxErr.toExponential(2)} (tolerance 1e-8)`,
    figures: { options: n, maxAbsError: maxErr, nan },
  };
}

export function syntheticFitCheck(core: SviCore): FitterCheck {
  const slices = [...syntheticSlices(150, 30, 0.002, 7), ...syntheticSlices(50, 12, 0, 8)];
  let bad = 0;
  let worstG = Number.POSITIVE_INFINITY;
  const rmse: number[] = [];
  let firstBad = '';
  for (const [i, s] of slices.entries()) {
    const fit = core.fitSviSlice(s);
    const v = verifiedFree(fit, s.k);
    if (!v.ok) {
      bad++;
      if (firstBad === '') firstBad = `slice ${i}: status ${fit.status}, min g ${v.minG}`;
    }
    if (!Number.isNaN(v.minG)) worstG = Math.min(worstG, v.minG);
    rmse.push(fit.rmseVol);
  }
  const medianRmse = quantile(rmse, 0.5);
  // Noise of 0.2 vol points (sd ≈ 0.2) cannot be fitted much below it nor should it be above ~0.5.
  const pass = bad === 0 && medianRmse <= 0.5;
  return {
    name: 'butterfly-generated',
    pass,
    reason: pass
      ? `${slices.length} generated slices fitted, all butterfly-free (g ≥ 0 verified), median RMSE ${medianRmse.toFixed(3)} vol pts`
      : `${bad} of ${slices.length} fits failed or not butterfly-free${firstBad === '' ? '' : ` (${firstBad})`}, median RMSE ${medianRmse.toFixed(3)} vol pts (limit 0.5)`,
    figures: { slices: slices.length, failed: bad, worstMinG: worstG, medianRmseVolPts: medianRmse },
  };
}

export function realSliceCheck(core: SviCore, files: string[]): FitterCheck {
  if (files.length === 0) {
    return {
      name: 'butterfly-real',
      pass: true,
      reason: 'skipped: no recorded chains found (../shared/data)',
      figures: {},
    };
  }
  let total = 0;
  let bad = 0;
  let worstRmse = 0;
  let firstBad = '';
  for (const file of files) {
    for (const s of buildSlices(core, readChain(file))) {
      total++;
      const fit = core.fitSviSlice(s);
      const v = verifiedFree(fit, s.k);
      if (!v.ok) {
        bad++;
        if (firstBad === '')
          firstBad = `${s.currency} ${new Date(s.expiryMs).toISOString().slice(0, 10)}: ${fit.status}`;
      } else worstRmse = Math.max(worstRmse, fit.rmseVol);
    }
  }
  const pass = bad === 0 && total > 0;
  return {
    name: 'butterfly-real',
    pass,
    reason: pass
      ? `${total} recorded Deribit slices from ${files.length} chains fitted, all butterfly-free`
      : `${bad} of ${total} recorded slices failed or not butterfly-free${firstBad === '' ? '' : ` (${firstBad})`}`,
    figures: { slices: total, failed: bad, worstRmseVolPts: worstRmse },
  };
}

/**
 * Best-of-5 batch IV time per option (ns) on a shared 100k workload, in process CPU time so a
 * busy machine (waiting for a core) does not count against the module.
 */
function ivNanos(core: SviCore, w: ReturnType<typeof ivWorkload>): number {
  const out = new Float64Array(w.price.length);
  core.impliedVols(w, out);
  let best = Number.POSITIVE_INFINITY;
  for (let rep = 0; rep < 5; rep++) {
    const c0 = process.cpuUsage();
    core.impliedVols(w, out);
    const c = process.cpuUsage(c0);
    best = Math.min(best, (c.user + c.system) / 1000);
  }
  return (best * 1e6) / w.price.length;
}

/** Median µs per 50-quote slice fit over 60 generated slices. */
function fitMicros(core: SviCore): { median: number; p90: number } {
  const slices = syntheticSlices(60, 50, 0.002, 21);
  for (const s of slices.slice(0, 5)) core.fitSviSlice(s);
  const times: number[] = [];
  for (const s of slices) {
    const t0 = performance.now();
    core.fitSviSlice(s);
    times.push((performance.now() - t0) * 1000);
  }
  return { median: quantile(times, 0.5), p90: quantile(times, 0.9) };
}

/**
 * Speed limits: absolute when given, else relative to the bundled default module measured in
 * the same run (at most `SLOWDOWN_LIMIT`× slower), which keeps the verdict stable on a loaded
 * machine.
 */
export const SLOWDOWN_LIMIT = 3;

export function ivSpeedCheck(core: SviCore, reference: SviCore | null, minPerSecond?: number): FitterCheck {
  const w = ivWorkload(core, 100_000, 5);
  const ns = ivNanos(core, w);
  const perSecond = 1e9 / ns;
  const refNs = reference === null ? Number.NaN : ivNanos(reference, w);
  const floor = minPerSecond ?? (Number.isFinite(refNs) ? 1e9 / refNs / SLOWDOWN_LIMIT : 1e5);
  const pass = perSecond >= floor;
  const vs = Number.isFinite(refNs) ? `, ${(refNs / ns).toFixed(2)}× the default module` : '';
  return {
    name: 'speed-iv',
    pass,
    reason: `${Math.round(perSecond).toLocaleString('en-US')} IVs/s batch (${ns.toFixed(0)} ns each${vs}; floor ${Math.round(floor).toLocaleString('en-US')}/s)`,
    figures: { ivsPerSecond: Math.round(perSecond), nsPerIv: ns, defaultNsPerIv: refNs },
  };
}

export function fitSpeedCheck(core: SviCore, reference: SviCore | null, maxMicros?: number): FitterCheck {
  const t = fitMicros(core);
  const ref = reference === null ? null : fitMicros(reference);
  const ceiling = maxMicros ?? (ref === null ? 1000 : ref.median * SLOWDOWN_LIMIT);
  const pass = t.median <= ceiling;
  const vs = ref === null ? '' : `, default module ${ref.median.toFixed(1)} µs`;
  return {
    name: 'speed-fit',
    pass,
    reason: `median ${t.median.toFixed(1)} µs per 50-quote slice fit${vs} (ceiling ${ceiling.toFixed(0)} µs)`,
    figures: { medianMicros: t.median, p90Micros: t.p90, defaultMedianMicros: ref?.median ?? Number.NaN },
  };
}

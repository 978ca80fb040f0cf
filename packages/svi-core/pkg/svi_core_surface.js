// Surface part of the API over one quant-core module: calendar check and repair, global eSSVI
// fit, smile and fixed-tenor metrics (ABI.md: vs_calendar_*, vs_essvi_fit, vs_*_metrics).
import { SviCoreBase } from './svi_core_api.js';
import { callChecked, SviCoreError } from './svi_core_bg.js';

/** eSSVI fit status codes (ABI.md "vs_essvi_fit") → names. */
export const ESSVI_STATUSES = Object.freeze({
  0: 'ok',
  20: 'no_slices',
  21: 'unsorted',
  22: 'slice_invalid',
});

/** Field order of vs_surface_metrics / vs_tenor_metrics records. */
export const METRICS_FIELDS = Object.freeze([
  'atmVol',
  'skew',
  'vol25c',
  'vol25p',
  'vol10c',
  'vol10p',
  'rr25',
  'bf25',
  'rr10',
  'bf10',
]);

function metricsRecords(raw, count) {
  const out = [];
  for (let i = 0; i < count; i++) {
    const rec = {};
    METRICS_FIELDS.forEach((name, j) => {
      rec[name] = raw[METRICS_FIELDS.length * i + j];
    });
    out.push(rec);
  }
  return out;
}

function conventionCode(options) {
  return options?.deltaConvention === 'forward' ? 0 : 1;
}

function paramsArray(slices) {
  const out = new Float64Array(slices.length * 5);
  slices.forEach((s, i) => {
    const p = s.params;
    out.set([p.a, p.b, p.rho, p.m, p.sigma], 5 * i);
  });
  return out;
}

/** One loaded module: the full API (SviCoreBase plus the surface functions). */
export class SviCore extends SviCoreBase {
  /** Calendar violations between consecutive expiries (ascending time) on k ∈ [−3, 3]. */
  checkCalendar(slices) {
    const m = slices.length;
    const a = this.arena;
    const pT = a.putF64(
      0,
      Float64Array.from(slices, (s) => s.time),
    );
    const pP = a.putF64(1, paramsArray(slices));
    const pOut = a.reserve(2, Math.max(m - 1, 0) * 5 * 8);
    const pCount = a.reserve(3, 8);
    callChecked(this.exports, 'vs_calendar_check', m, pT, pP, pOut, pCount);
    const count = new Uint32Array(a.views().buffer, pCount, 1)[0];
    const raw = a.readF64(pOut, count * 5);
    const violations = [];
    for (let i = 0; i < count; i++) {
      const r = raw.subarray(5 * i, 5 * i + 5);
      violations.push({ earlier: r[0], later: r[1], k: r[2], size: r[3], points: r[4] });
    }
    return { calendarFree: count === 0, violations };
  }

  /** Repairs later slices so total variance is non-decreasing in time (lifts = change of w(0)). */
  repairCalendar(slices) {
    const m = slices.length;
    const a = this.arena;
    const pT = a.putF64(
      0,
      Float64Array.from(slices, (s) => s.time),
    );
    const pP = a.putF64(1, paramsArray(slices));
    const pOut = a.reserve(2, m * 5 * 8);
    const pLift = a.reserve(3, m * 8);
    const status = callChecked(this.exports, 'vs_calendar_repair', m, pT, pP, pOut, pLift);
    const raw = a.readF64(pOut, m * 5);
    const lifts = a.readF64(pLift, m);
    const repaired = slices.map((s, i) => ({
      time: s.time,
      params: {
        a: raw[5 * i],
        b: raw[5 * i + 1],
        rho: raw[5 * i + 2],
        m: raw[5 * i + 3],
        sigma: raw[5 * i + 4],
      },
    }));
    return { ok: status === 0, slices: repaired, lifts };
  }

  /** Global arbitrage-free eSSVI fit; slices sorted by strictly increasing time. */
  fitEssvi(slices) {
    const m = slices.length;
    const total = slices.reduce((n, s) => n + s.k.length, 0);
    const withWeights = m > 0 && slices.every((s) => s.weights !== undefined);
    const k = new Float64Array(total);
    const w = new Float64Array(total);
    const wt = new Float64Array(withWeights ? total : 0);
    let at = 0;
    for (const s of slices) {
      if (s.w.length !== s.k.length || (withWeights && s.weights.length !== s.k.length)) {
        throw new SviCoreError(
          'QUANT_BAD_INPUT',
          `Expected k, w and weights of equal length, was ${s.k.length}/${s.w.length}`,
        );
      }
      k.set(s.k, at);
      w.set(s.w, at);
      if (withWeights) wt.set(s.weights, at);
      at += s.k.length;
    }
    const a = this.arena;
    const counts = new Uint32Array(m);
    slices.forEach((s, i) => {
      counts[i] = s.k.length;
    });
    const pC = a.putU8(0, new Uint8Array(counts.buffer));
    const pT = a.putF64(
      1,
      Float64Array.from(slices, (s) => s.time),
    );
    const pK = a.putF64(2, k);
    const pW = a.putF64(3, w);
    const pWt = withWeights ? a.putF64(4, wt) : 0;
    const outLen = 4 * m + 4;
    const pOut = a.reserve(5, outLen * 8);
    const status = callChecked(this.exports, 'vs_essvi_fit', m, pC, pT, pK, pW, pWt, pOut);
    const o = a.readF64(pOut, outLen);
    const fitted = [];
    for (let i = 0; i < m; i++) {
      fitted.push({
        time: slices[i].time,
        theta: o[4 * i],
        rho: o[4 * i + 1],
        psi: o[4 * i + 2],
        rmseVol: o[4 * i + 3],
      });
    }
    const tail = 4 * m;
    return {
      status: ESSVI_STATUSES[status] ?? `error_${status}`,
      slices: status === 0 ? fitted : [],
      rmseVol: o[tail],
      iterations: status === 0 ? o[tail + 1] : 0,
      arbitrageFree: status === 0 && o[tail + 2] === 1,
      failingIndex: Number.isNaN(o[tail + 3]) ? -1 : o[tail + 3],
    };
  }

  /** ATM vol, skew, 25Δ/10Δ vols, RR and BF per slice (default: premium-adjusted deltas). */
  surfaceMetrics(slices, options) {
    const m = slices.length;
    const a = this.arena;
    const pT = a.putF64(
      0,
      Float64Array.from(slices, (s) => s.time),
    );
    const pP = a.putF64(1, paramsArray(slices));
    const pOut = a.reserve(2, m * METRICS_FIELDS.length * 8);
    callChecked(this.exports, 'vs_surface_metrics', m, pT, pP, conventionCode(options), pOut);
    return metricsRecords(a.readF64(pOut, m * METRICS_FIELDS.length), m);
  }

  /** The same metrics at fixed tenors (years), total variance linear in time between expiries. */
  tenorMetrics(slices, tenors, options) {
    const m = slices.length;
    const n = tenors.length;
    const a = this.arena;
    const pT = a.putF64(
      0,
      Float64Array.from(slices, (s) => s.time),
    );
    const pP = a.putF64(1, paramsArray(slices));
    const pTau = a.putF64(2, Float64Array.from(tenors));
    const pOut = a.reserve(3, n * METRICS_FIELDS.length * 8);
    callChecked(this.exports, 'vs_tenor_metrics', m, pT, pP, n, pTau, conventionCode(options), pOut);
    return metricsRecords(a.readF64(pOut, n * METRICS_FIELDS.length), n);
  }
}

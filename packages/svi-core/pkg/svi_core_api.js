// The idiomatic API over one instantiated quant-core module. Buffer layouts, units and codes are
// those of quant-core/ABI.md; every batch call copies its inputs into reusable arena slots.
import { Arena, callChecked, readFitterId, SviCoreError } from './svi_core_bg.js';

/** IV reason codes (ABI.md "IV reason codes"), index = code. */
export const IV_REASONS = Object.freeze([
  'ok',
  'below_intrinsic',
  'above_maximum',
  'invalid_input',
  'non_positive_time',
]);

/** SVI fit status codes (ABI.md "vs_svi_fit") → names. */
export const FIT_STATUSES = Object.freeze({
  0: 'ok',
  10: 'too_few_points',
  11: 'invalid_input',
  12: 'invalid_time',
  13: 'degenerate_strikes',
});

/** f64 slots written by vs_svi_fit. */
export const FIT_OUT_LEN = 16;
/** Blocks of n f64 written by vs_greeks, in order. */
export const GREEKS_FIELDS = Object.freeze(['delta', 'deltaPa', 'gamma', 'vega', 'theta']);

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

function lengthOf(input, names) {
  let n = -1;
  for (const name of names) {
    const arr = input[name];
    if (arr === undefined || typeof arr.length !== 'number') {
      throw new SviCoreError(
        'QUANT_BAD_INPUT',
        `Expected input.${name} to be a typed array, was ${typeof arr}`,
      );
    }
    if (n === -1) n = arr.length;
    else if (arr.length !== n) {
      throw new SviCoreError(
        'QUANT_BAD_INPUT',
        `Expected input.${name} to have ${n} entries, was ${arr.length}`,
      );
    }
  }
  return n;
}

export class SviCore {
  /**
   * @param {WebAssembly.Instance} instance
   * @param {{ path: string; abiVersion: number }} meta
   */
  constructor(instance, meta) {
    this.exports = instance.exports;
    this.arena = new Arena(this.exports);
    this.info = Object.freeze({
      abiVersion: meta.abiVersion,
      fitterId: readFitterId(this.exports),
      path: meta.path,
      exports: Object.freeze(Object.keys(this.exports).filter((k) => k.startsWith('vs_'))),
    });
  }

  moduleInfo() {
    return this.info;
  }

  black76(forward, strike, time, vol, isCall) {
    const fn = this.exports.vs_black76_one;
    if (typeof fn === 'function') return fn(forward, strike, time, vol, isCall ? 1 : 0);
    return this.black76s({
      forward: Float64Array.of(forward),
      strike: Float64Array.of(strike),
      time: Float64Array.of(time),
      vol: Float64Array.of(vol),
      isCall: Uint8Array.of(isCall ? 1 : 0),
    })[0];
  }

  black76s(input, out) {
    const n = lengthOf(input, ['forward', 'strike', 'time', 'vol', 'isCall']);
    const a = this.arena;
    const pF = a.putF64(0, input.forward);
    const pK = a.putF64(1, input.strike);
    const pT = a.putF64(2, input.time);
    const pV = a.putF64(3, input.vol);
    const pC = a.putU8(4, input.isCall);
    const pOut = a.reserve(5, n * 8);
    callChecked(this.exports, 'vs_black76', n, pF, pK, pT, pV, pC, pOut);
    return a.readF64(pOut, n, out);
  }

  impliedVol(price, forward, strike, time, isCall) {
    const fn = this.exports.vs_implied_vol_one;
    if (typeof fn === 'function') return fn(price, forward, strike, time, isCall ? 1 : 0);
    return this.impliedVols({
      price: Float64Array.of(price),
      forward: Float64Array.of(forward),
      strike: Float64Array.of(strike),
      time: Float64Array.of(time),
      isCall: Uint8Array.of(isCall ? 1 : 0),
    })[0];
  }

  /** Shared body of the four batch IV entry points; `inverse` selects coin-quoted prices. */
  ivBatch(input, inverse, withReasons, out) {
    const n = lengthOf(input, ['price', 'forward', 'strike', 'time', 'isCall']);
    const a = this.arena;
    const pP = a.putF64(0, input.price);
    const pF = a.putF64(1, input.forward);
    const pK = a.putF64(2, input.strike);
    const pT = a.putF64(3, input.time);
    const pC = a.putU8(4, input.isCall);
    const pOut = a.reserve(5, n * 8);
    const pR = withReasons ? a.reserve(6, n) : 0;
    const name = inverse ? 'vs_implied_vols_inverse' : 'vs_implied_vols';
    callChecked(this.exports, name, n, pP, pF, pK, pT, pC, pOut, pR);
    const vols = a.readF64(pOut, n, out);
    return withReasons ? { vols, reasons: a.readU8(pR, n) } : vols;
  }

  impliedVols(input, out) {
    return this.ivBatch(input, false, false, out);
  }

  impliedVolsDetailed(input) {
    return this.ivBatch(input, false, true, undefined);
  }

  impliedVolsInverse(input, out) {
    return this.ivBatch(input, true, false, out);
  }

  impliedVolsInverseDetailed(input) {
    return this.ivBatch(input, true, true, undefined);
  }

  impliedVolInverse(coinPrice, forward, strike, time, isCall) {
    return this.impliedVolsInverse({
      price: Float64Array.of(coinPrice),
      forward: Float64Array.of(forward),
      strike: Float64Array.of(strike),
      time: Float64Array.of(time),
      isCall: Uint8Array.of(isCall ? 1 : 0),
    })[0];
  }

  /** Black-76 greeks (vega per vol point, theta per day); options.coin: of the coin value B/F. */
  greeks(input, options) {
    const n = lengthOf(input, ['forward', 'strike', 'time', 'vol', 'isCall']);
    const a = this.arena;
    const pF = a.putF64(0, input.forward);
    const pK = a.putF64(1, input.strike);
    const pT = a.putF64(2, input.time);
    const pV = a.putF64(3, input.vol);
    const pC = a.putU8(4, input.isCall);
    const pOut = a.reserve(5, n * 8 * GREEKS_FIELDS.length);
    callChecked(this.exports, 'vs_greeks', n, pF, pK, pT, pV, pC, options?.coin ? 1 : 0, pOut);
    const all = a.readF64(pOut, n * GREEKS_FIELDS.length);
    const result = {};
    GREEKS_FIELDS.forEach((field, i) => {
      result[field] = all.subarray(i * n, (i + 1) * n);
    });
    return result;
  }

  /** First-order IV update of coin quotes after the forward moved (QUANT.md §4). */
  ivUpdateCoinHeld(input) {
    const n = lengthOf(input, ['vol', 'forwardOld', 'forwardNew', 'strike', 'time', 'isCall']);
    const a = this.arena;
    const pV = a.putF64(0, input.vol);
    const pF0 = a.putF64(1, input.forwardOld);
    const pF1 = a.putF64(2, input.forwardNew);
    const pK = a.putF64(3, input.strike);
    const pT = a.putF64(4, input.time);
    const pC = a.putU8(5, input.isCall);
    const pOut = a.reserve(6, n * 8);
    const pErr = a.reserve(7, n * 8);
    callChecked(this.exports, 'vs_iv_update_coin_held', n, pV, pF0, pF1, pK, pT, pC, pOut, pErr);
    return { vols: a.readF64(pOut, n), errors: a.readF64(pErr, n) };
  }

  fitSviSlice(input) {
    const n = lengthOf(input, input.weights === undefined ? ['k', 'w'] : ['k', 'w', 'weights']);
    const a = this.arena;
    const pK = a.putF64(0, input.k);
    const pW = a.putF64(1, input.w);
    const pWt = input.weights === undefined ? 0 : a.putF64(2, input.weights);
    const pOut = a.reserve(3, FIT_OUT_LEN * 8);
    a.views().f64.fill(Number.NaN, pOut >>> 3, (pOut >>> 3) + FIT_OUT_LEN);
    const status = callChecked(this.exports, 'vs_svi_fit', n, pK, pW, pWt, input.time, pOut);
    const o = a.readF64(pOut, FIT_OUT_LEN);
    const ok = status === 0;
    return {
      a: ok ? o[0] : Number.NaN,
      b: ok ? o[1] : Number.NaN,
      rho: ok ? o[2] : Number.NaN,
      m: ok ? o[3] : Number.NaN,
      sigma: ok ? o[4] : Number.NaN,
      rmse: ok ? o[5] : Number.NaN,
      minG: ok ? o[7] : Number.NaN,
      butterflyFree: ok && o[9] === 1,
      rmseVol: ok ? o[6] : Number.NaN,
      iterations: ok ? o[8] : 0,
      repaired: ok && o[10] === 1,
      status: FIT_STATUSES[status] ?? `error_${status}`,
    };
  }

  /** Gatheral–Jacquier repair of a slice at expiry `time`; null when it has no JW form. */
  sviGjRepair(params, time) {
    const a = this.arena;
    const pIn = a.putF64(0, Float64Array.of(params.a, params.b, params.rho, params.m, params.sigma));
    const pOut = a.reserve(1, 5 * 8);
    const status = callChecked(this.exports, 'vs_svi_gj_repair', pIn, time, pOut);
    if (status !== 0) return null;
    const o = a.readF64(pOut, 5);
    return { a: o[0], b: o[1], rho: o[2], m: o[3], sigma: o[4] };
  }

  /** Total variance w(k) of a slice. */
  sviW(params, k, out) {
    const a = this.arena;
    const pP = a.putF64(0, Float64Array.of(params.a, params.b, params.rho, params.m, params.sigma));
    const pK = a.putF64(1, k);
    const pOut = a.reserve(2, k.length * 8);
    callChecked(this.exports, 'vs_svi_w', pP, k.length, pK, pOut);
    return a.readF64(pOut, k.length, out);
  }

  sviG(params, k, out) {
    const a = this.arena;
    const pP = a.putF64(0, Float64Array.of(params.a, params.b, params.rho, params.m, params.sigma));
    const pK = a.putF64(1, k);
    const pOut = a.reserve(2, k.length * 8);
    callChecked(this.exports, 'vs_svi_g', pP, k.length, pK, pOut);
    return a.readF64(pOut, k.length, out);
  }

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

  /** Lifts later slices minimally so total variance is non-decreasing in time. */
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

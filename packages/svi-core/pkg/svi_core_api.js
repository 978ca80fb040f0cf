// The idiomatic API over one instantiated quant-core module: pricing, IV, greeks and SVI slices
// (surface functions: svi_core_surface.js). Buffer layouts, units and codes are
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

export class SviCoreBase {
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
}

/**
 * Option prices and greeks for the simulated Deribit market, all from the quant core's Black-76
 * (`svi-core`, undiscounted, r = 0; QUANT.md §1): the simulator has no pricing formula of its own.
 * Greeks are central finite differences of that same Black-76 in Deribit's units (EXCHANGES.md §0.1:
 * delta = ∂V/∂F, gamma per USD, vega in USD per vol point, theta in USD per calendar day) and
 * rho = 0.01·T·(F·Δ − V), which is Black-76's K·T·N(d₂)/100 with the call/put sign, written through
 * the price and delta so no second N(·) is needed.
 */
import { black76s, impliedVolsInverse, init, isInitialised } from 'svi-core';

let ready: Promise<void> | undefined;

/** Loads the WASM module once per process; every simulator awaits this before pricing. */
export function initPricing(): Promise<void> {
  if (isInitialised()) return Promise.resolve();
  ready ??= init();
  return ready;
}

export interface OptionBatch {
  forward: Float64Array;
  strike: Float64Array;
  time: Float64Array;
  vol: Float64Array;
  isCall: Uint8Array;
}

export interface PricedBatch {
  /** USD price (Black-76 on F). Coin price = usd / F. */
  usd: Float64Array;
  delta: Float64Array;
  gamma: Float64Array;
  vega: Float64Array;
  theta: Float64Array;
  rho: Float64Array;
}

const BUMPS = 6;
const REL_F_BUMP = 1e-3;
const VOL_BUMP = 1e-3;

export function allocBatch(n: number): OptionBatch {
  return {
    forward: new Float64Array(n),
    strike: new Float64Array(n),
    time: new Float64Array(n),
    vol: new Float64Array(n),
    isCall: new Uint8Array(n),
  };
}

/** Prices n options and their greeks with one batched Black-76 call of 6n evaluations. */
export function priceBatch(b: OptionBatch, n: number): PricedBatch {
  const big = allocBatch(n * BUMPS);
  for (let j = 0; j < BUMPS; j++) {
    const o = j * n;
    big.forward.set(b.forward.subarray(0, n), o);
    big.strike.set(b.strike.subarray(0, n), o);
    big.time.set(b.time.subarray(0, n), o);
    big.vol.set(b.vol.subarray(0, n), o);
    big.isCall.set(b.isCall.subarray(0, n), o);
  }
  const dT = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const f = b.forward[i] ?? 0;
    const t = b.time[i] ?? 0;
    big.forward[n + i] = f * (1 + REL_F_BUMP);
    big.forward[2 * n + i] = f * (1 - REL_F_BUMP);
    big.vol[3 * n + i] = (b.vol[i] ?? 0) + VOL_BUMP;
    big.vol[4 * n + i] = Math.max((b.vol[i] ?? 0) - VOL_BUMP, 1e-6);
    // Instantaneous theta (a 1/100-day difference), quoted per calendar day like Deribit's.
    const dt = Math.min(1 / 365, t / 2) / 100;
    dT[i] = dt;
    big.time[5 * n + i] = t - dt;
  }
  const v = black76s(big);
  const out: PricedBatch = {
    usd: new Float64Array(n),
    delta: new Float64Array(n),
    gamma: new Float64Array(n),
    vega: new Float64Array(n),
    theta: new Float64Array(n),
    rho: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const f = b.forward[i] ?? 0;
    const h = f * REL_F_BUMP;
    const base = v[i] ?? 0;
    const up = v[n + i] ?? 0;
    const down = v[2 * n + i] ?? 0;
    const volUp = v[3 * n + i] ?? 0;
    const volDown = v[4 * n + i] ?? 0;
    const delta = (up - down) / (2 * h);
    out.usd[i] = base;
    out.delta[i] = delta;
    out.gamma[i] = (up - 2 * base + down) / (h * h);
    out.vega[i] = ((volUp - volDown) / (big.vol[3 * n + i]! - big.vol[4 * n + i]!)) * 0.01;
    const dt = dT[i] ?? 0;
    out.theta[i] = dt > 0 ? ((v[5 * n + i] ?? 0) - base) / (dt * 365) : 0;
    out.rho[i] = 0.01 * (b.time[i] ?? 0) * (f * delta - base);
  }
  return out;
}

/** Implied vols (decimal) of coin prices; NaN where the price has no vol (no quote, below intrinsic). */
export function coinImpliedVols(
  coin: Float64Array,
  forward: Float64Array,
  strike: Float64Array,
  time: Float64Array,
  isCall: Uint8Array,
): Float64Array {
  return impliedVolsInverse({ price: coin, forward, strike, time, isCall });
}

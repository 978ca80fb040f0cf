/**
 * Repricing one currency at the model clock: the truth slices for every listed expiry, each
 * option's forward, T (ACT/365) and truth vol, its mark from Black-76 (svi-core, r = 0: coin price
 * = USD price / F, QUANT.md §1 "Deribit transformation"), and — when asked — its greeks
 * (pricing.ts). Dated futures are marked at the forward, perpetuals at the index.
 */
import { black76s } from 'svi-core';
import type { CurrencyMarket } from './market.ts';
import { allocBatch, priceBatch } from './pricing.ts';
import { buildSlices, truthVol } from './truth.ts';

export function repriceCurrency(
  cm: CurrencyMarket,
  now: number,
  withGreeks: boolean,
  forward: (expiry: number) => number,
): void {
  const exps = cm.expiries.map((e) => e.timestamp);
  const slices = buildSlices(cm.surface, now, exps, exps.map(forward));
  cm.slices = new Map(slices.map((s) => [s.expiry, s]));
  const n = cm.options.length;
  const batch = allocBatch(n);
  // A freshly listed option has no greeks yet: price it fully on its first step.
  let fresh = false;
  for (let i = 0; i < n; i++) {
    const o = cm.options[i]!;
    const s = cm.slices.get(o.expiry)!;
    o.forward = s.forward;
    o.years = s.years;
    o.markIv = truthVol(s, o.strike);
    batch.forward[i] = s.forward;
    batch.strike[i] = o.strike;
    batch.time[i] = s.years;
    batch.vol[i] = o.markIv;
    batch.isCall[i] = o.isCall ? 1 : 0;
    if (o.vega === 0) fresh = true;
  }
  if (withGreeks || fresh) {
    const priced = priceBatch(batch, n);
    for (let i = 0; i < n; i++) {
      const o = cm.options[i]!;
      o.mark = Math.max(priced.usd[i]! / o.forward, 0);
      o.delta = priced.delta[i]!;
      o.gamma = priced.gamma[i]!;
      o.vega = priced.vega[i]!;
      o.theta = priced.theta[i]!;
      o.rho = priced.rho[i]!;
    }
  } else {
    const usd = black76s(batch);
    for (let i = 0; i < n; i++) {
      const o = cm.options[i]!;
      o.mark = Math.max(usd[i]! / o.forward, 0);
    }
  }
  for (const f of cm.futures) f.mark = f.period === 'perpetual' ? cm.index * 1.0002 : forward(f.expiry);
}

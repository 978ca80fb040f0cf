// OKX `opt-summary` rows for the simulated market: one push per family with every option.
// Docs: https://www.okx.com/docs-v5/en/#public-data-websocket-option-summary-channel ; real rows in
// ../shared/data/exchange_ws_message_samples/okx_options_v5.json. Venue conventions reproduced:
// IVs are decimals, `bidVol`/`askVol` are "" without a quote (IV of the best price, inverse
// Black-76 on the forward), `fwdPx` is the expiry's forward, the `*BS` greeks are Black-Scholes
// USD values and the plain greeks are coin-denominated (premium-adjusted delta = deltaBS − mark).
import { YEAR_MS } from '../deribit/calendar.ts';
import type { OptionInstrument } from '../deribit/instruments.ts';
import type { Market } from '../deribit/market.ts';
import { coinImpliedVols } from '../deribit/pricing.ts';

/** Rows for `options` ([instId, option] pairs of one family), at the market's current time. */
export function optSummaryRows(
  market: Market,
  options: [string, OptionInstrument][],
  fam: string,
): Record<string, string>[] {
  const n = options.length;
  const price = new Float64Array(2 * n);
  const fwd = new Float64Array(2 * n);
  const stk = new Float64Array(2 * n);
  const years = new Float64Array(2 * n);
  const call = new Uint8Array(2 * n);
  options.forEach(([, o], i) => {
    market.ensureBook(o);
    const b = o.book.bestBid();
    const a = o.book.bestAsk();
    price[2 * i] = b === undefined ? 0 : o.book.price(b);
    price[2 * i + 1] = a === undefined ? 0 : o.book.price(a);
    fwd[2 * i] = fwd[2 * i + 1] = o.forward;
    stk[2 * i] = stk[2 * i + 1] = o.strike;
    years[2 * i] = years[2 * i + 1] = Math.max((o.expiry - market.now) / YEAR_MS, 1e-9);
    call[2 * i] = call[2 * i + 1] = o.isCall ? 1 : 0;
  });
  const vols = coinImpliedVols(price, fwd, stk, years, call);
  const iv = (v: number | undefined, p: number | undefined): string =>
    p !== undefined && p > 0 && v !== undefined && Number.isFinite(v) && v > 0 ? v.toFixed(10) : '';
  return options.map(([name, o], i) => ({
    instType: 'OPTION',
    instId: name,
    uly: fam,
    instFamily: fam,
    delta: (o.delta - o.mark).toFixed(10),
    gamma: (o.gamma * o.forward).toFixed(10),
    vega: (o.vega / o.forward).toFixed(10),
    theta: (o.theta / o.forward).toFixed(10),
    lever: o.mark > 0 ? (1 / o.mark).toFixed(4) : '0',
    markVol: o.markIv.toFixed(10),
    bidVol: iv(vols[2 * i], price[2 * i]),
    askVol: iv(vols[2 * i + 1], price[2 * i + 1]),
    realVol: '',
    deltaBS: o.delta.toFixed(10),
    gammaBS: o.gamma.toFixed(10),
    thetaBS: o.theta.toFixed(10),
    vegaBS: o.vega.toFixed(10),
    ts: String(market.now),
    fwdPx: o.forward.toFixed(8),
    volLv: o.markIv.toFixed(10),
  }));
}

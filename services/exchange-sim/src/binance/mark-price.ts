// `<underlying>@optionMarkPrice` rows for the simulated market: one array per underlying with
// every listed option, every 1000 ms. Docs:
// https://developers.binance.com/docs/derivatives/option/websocket-market-streams/Mark-Price ;
// real rows in ../shared/data/exchange_ws_message_samples/binance_options_v2_fstream_2025.json.
// Venue conventions reproduced: every number a string; IVs decimals; `b`/`a` (bid/ask IV) "-1.0"
// and `bo`/`ao` "0.000" without a quote on that side; `vo` the mark IV; greeks in USDT (delta
// N(d1), theta per day, vega per vol point); `i` the index; no forward price.
import { YEAR_MS } from '../deribit/calendar.ts';
import type { OptionInstrument } from '../deribit/instruments.ts';
import type { Market } from '../deribit/market.ts';
import { coinImpliedVols } from '../deribit/pricing.ts';
import type { BinanceBook } from './binance-book.ts';
import { TICK } from './instruments.ts';

const fixed = (x: number, d: number): string => (Number.isFinite(x) ? x.toFixed(d) : '0');

/** Rows for `options` ([symbol, option, book] of one underlying) at the market's current time. */
export function markPriceRows(
  market: Market,
  options: readonly [string, OptionInstrument, BinanceBook][],
  index: number,
): Record<string, string | number>[] {
  const n = options.length;
  const price = new Float64Array(2 * n);
  const fwd = new Float64Array(2 * n);
  const stk = new Float64Array(2 * n);
  const years = new Float64Array(2 * n);
  const call = new Uint8Array(2 * n);
  const bests = options.map(([, o, book], i) => {
    const best = book.best();
    // Venue IVs of the best prices: inverse Black-76 on the forward (USDT price ÷ F in coin).
    price[2 * i] = best.bid === undefined ? 0 : best.bid[0] / o.forward;
    price[2 * i + 1] = best.ask === undefined ? 0 : best.ask[0] / o.forward;
    fwd[2 * i] = fwd[2 * i + 1] = o.forward;
    stk[2 * i] = stk[2 * i + 1] = o.strike;
    years[2 * i] = years[2 * i + 1] = Math.max((o.expiry - market.now) / YEAR_MS, 1e-9);
    call[2 * i] = call[2 * i + 1] = o.isCall ? 1 : 0;
    return best;
  });
  const vols = coinImpliedVols(price, fwd, stk, years, call);
  const iv = (v: number | undefined, p: number): string =>
    p > 0 && v !== undefined && Number.isFinite(v) && v > 0 ? v.toFixed(8) : '-1.0';
  return options.map(([symbol, o], i) => {
    const best = bests[i]!;
    const mark = o.mark * o.forward;
    const tick = TICK[o.currency];
    return {
      s: symbol,
      mp: fixed(Math.round(mark * 1000) / 1000, 3),
      E: market.now,
      e: 'markPrice',
      i: fixed(index, 8),
      P: '0.000',
      bo: best.bid === undefined ? '0.000' : fixed(best.bid[0], 3),
      ao: best.ask === undefined ? '0.000' : fixed(best.ask[0], 3),
      bq: best.bid === undefined ? '0.00' : fixed(best.bid[1], 2),
      aq: best.ask === undefined ? '0.00' : fixed(best.ask[1], 2),
      b: iv(vols[2 * i], price[2 * i]!),
      a: iv(vols[2 * i + 1], price[2 * i + 1]!),
      hl: fixed(Math.max(mark * 1.5, tick), 3),
      ll: fixed(Math.max(mark * 0.5, tick), 3),
      vo: fixed(o.markIv, 8),
      rf: '0.0',
      d: fixed(o.delta, 8),
      t: fixed(o.theta, 8),
      g: fixed(o.gamma, 8),
      v: fixed(o.vega, 8),
    };
  });
}

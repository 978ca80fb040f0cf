// Bybit option `tickers.{symbol}` data for the simulated market: a full snapshot each time.
// Docs: https://bybit-exchange.github.io/docs/v5/websocket/public/ticker ; real rows in
// ../shared/data/exchange_ws_message_samples/bybit_options_v5.json. Venue conventions reproduced:
// every number a string; "0" for the price, size and IV of a side without a quote, for
// `lastPrice` before a trade and for `predictedDeliveryPrice` away from delivery; IVs decimal
// (bid/ask IV = inverse Black-76 of the venue's own best prices on the forward); prices in USD;
// `underlyingPrice` = the expiry's forward, `indexPrice` = spot; greeks USD (vega per vol point,
// theta per day).
import { YEAR_MS } from '../deribit/calendar.ts';
import type { OptionInstrument } from '../deribit/instruments.ts';
import type { Market } from '../deribit/market.ts';
import { coinImpliedVols } from '../deribit/pricing.ts';
import type { BybitBook } from './bybit-book.ts';

const num = (x: number, decimals: number): string =>
  Number.isFinite(x) ? String(Number(x.toFixed(decimals))) : '0';

/** Ticker data for each [option, its Bybit book] pair, at the market's current time. */
export function tickerRows(
  market: Market,
  pairs: readonly [OptionInstrument, BybitBook][],
): Record<string, string>[] {
  const n = pairs.length;
  const coin = new Float64Array(2 * n);
  const fwd = new Float64Array(2 * n);
  const stk = new Float64Array(2 * n);
  const years = new Float64Array(2 * n);
  const call = new Uint8Array(2 * n);
  const best: [number, number, number, number][] = [];
  pairs.forEach(([o, book], i) => {
    let bid = 0;
    let bidLots = 0;
    for (const [p, l] of book.bids)
      if (p > bid) {
        bid = p;
        bidLots = l;
      }
    let ask = Number.POSITIVE_INFINITY;
    let askLots = 0;
    for (const [p, l] of book.asks)
      if (p < ask) {
        ask = p;
        askLots = l;
      }
    if (!Number.isFinite(ask)) ask = 0;
    best.push([bid, bidLots, ask, askLots]);
    const f = o.forward > 0 ? o.forward : 1;
    coin[2 * i] = (bid * book.spec.tick) / f;
    coin[2 * i + 1] = (ask * book.spec.tick) / f;
    fwd[2 * i] = fwd[2 * i + 1] = f;
    stk[2 * i] = stk[2 * i + 1] = o.strike;
    years[2 * i] = years[2 * i + 1] = Math.max((o.expiry - market.now) / YEAR_MS, 1e-9);
    call[2 * i] = call[2 * i + 1] = o.isCall ? 1 : 0;
  });
  const vols = coinImpliedVols(coin, fwd, stk, years, call);
  const iv = (v: number | undefined): string =>
    v !== undefined && Number.isFinite(v) && v > 0 ? v.toFixed(4) : '0';
  return pairs.map(([o, book], i) => {
    const [bid, bidLots, ask, askLots] = best[i]!;
    const index = market.currencies.get(o.currency)?.index ?? 0;
    const bidIv = bid > 0 ? iv(vols[2 * i]) : '0';
    const askIv = ask > 0 ? iv(vols[2 * i + 1]) : '0';
    return {
      symbol: book.symbol,
      bidPrice: bid > 0 ? book.price(bid) : '0',
      bidSize: bid > 0 ? book.size(bidLots) : '0',
      bidIv,
      askPrice: ask > 0 ? book.price(ask) : '0',
      askSize: ask > 0 ? book.size(askLots) : '0',
      askIv,
      lastPrice: o.lastPrice === null ? '0' : num(o.lastPrice * o.forward, 2),
      highPrice24h: '0',
      lowPrice24h: '0',
      markPrice: num(o.mark * o.forward, 8),
      indexPrice: num(index, 2),
      markPriceIv: o.markIv.toFixed(4),
      underlyingPrice: num(o.forward, 2),
      openInterest: num(o.openInterest, 2),
      turnover24h: '0',
      volume24h: o.volume === null ? '0' : num(o.volume, 2),
      totalVolume: '0',
      totalTurnover: '0',
      delta: o.delta.toFixed(8),
      gamma: o.gamma.toFixed(8),
      vega: o.vega.toFixed(8),
      theta: o.theta.toFixed(8),
      predictedDeliveryPrice: '0',
      change24h: '0',
    };
  });
}

/**
 * The `data` objects of Deribit notifications, with the real messages' key order, types and units
 * (EXCHANGES.md §1 and ../shared/data/deribit_ws_capture_2021-07-22): option prices in coin,
 * `mark_iv`/`bid_iv`/`ask_iv` in percent (0 = no bid/ask), `underlying_price` = the expiry's forward
 * named by `underlying_index` (the future, or `SYN.` when none is listed), `index_price` spot USD,
 * greeks in USD (vega per vol point, theta per day), timestamps in ms.
 * https://docs.deribit.com/#ticker-instrument_name-interval
 */
import type { BookEntry } from './book.ts';
import { futureName } from './calendar.ts';
import type { FutureInstrument, Instrument, OptionInstrument } from './instruments.ts';
import type { Market } from './market.ts';
import { coinImpliedVols } from './pricing.ts';

export function round(x: number, dp: number): number {
  const f = 10 ** dp;
  return Math.round(x * f) / f;
}

export function bookSnapshotData(m: Market, inst: Instrument): Record<string, unknown> {
  m.ensureBook(inst);
  const snap = inst.book.snapshot();
  return {
    type: 'snapshot',
    timestamp: m.now,
    instrument_name: inst.name,
    change_id: inst.book.changeId,
    bids: snap.bids,
    asks: snap.asks,
  };
}

/**
 * Grouped book snapshot (`book.{instrument}.none.{depth}.{interval}`): the top `depth` levels per
 * side as `[price, amount]`, no deltas (Nautilus fixture, live format:
 * `{"instrument_name","timestamp","change_id","bids":[[89532.5,254900.0]],"asks":[…]}`).
 */
export function groupedBookData(m: Market, inst: Instrument, depth: number): Record<string, unknown> {
  m.ensureBook(inst);
  const snap = inst.book.snapshot();
  return {
    instrument_name: inst.name,
    timestamp: m.now,
    change_id: inst.book.changeId,
    bids: snap.bids.slice(0, depth).map((e) => [e[1], e[2]]),
    asks: snap.asks.slice(0, depth).map((e) => [e[1], e[2]]),
  };
}

export function bookChangeData(
  now: number,
  name: string,
  prev: number,
  changeId: number,
  bids: BookEntry[],
  asks: BookEntry[],
): Record<string, unknown> {
  return {
    type: 'change',
    timestamp: now,
    prev_change_id: prev,
    instrument_name: name,
    change_id: changeId,
    bids,
    asks,
  };
}

/** Bid/ask IVs in percent from the book's best prices, recomputed at most once per model step. */
function quoteIvs(m: Market, o: OptionInstrument): void {
  if (o.ivStep === m.stepIndex && o.booted) return;
  const bid = o.book.bestBid();
  const ask = o.book.bestAsk();
  const price = Float64Array.of(
    bid === undefined ? 0 : o.book.price(bid),
    ask === undefined ? 0 : o.book.price(ask),
  );
  const vols = coinImpliedVols(
    price,
    Float64Array.of(o.forward, o.forward),
    Float64Array.of(o.strike, o.strike),
    Float64Array.of(o.years, o.years),
    Uint8Array.of(o.isCall ? 1 : 0, o.isCall ? 1 : 0),
  );
  const pct = (v: number | undefined, has: boolean): number =>
    has && v !== undefined && Number.isFinite(v) && v > 0 ? round(v * 100, 2) : 0;
  o.bidIv = pct(vols[0], bid !== undefined);
  o.askIv = pct(vols[1], ask !== undefined);
  o.ivStep = m.stepIndex;
}

function stats(inst: Instrument): Record<string, number | null> {
  if (inst.lastPrice === null) return { volume: null, price_change: null, low: null, high: null };
  return { volume: inst.volume, price_change: 0.0, low: inst.lastPrice, high: inst.lastPrice };
}

function best(inst: Instrument): { bp: number; ba: number; ap: number; aa: number } {
  const b = inst.book.bestBid();
  const a = inst.book.bestAsk();
  return {
    bp: b === undefined ? 0 : inst.book.price(b),
    ba: b === undefined ? 0 : (inst.book.bids.get(b) ?? 0),
    ap: a === undefined ? 0 : inst.book.price(a),
    aa: a === undefined ? 0 : (inst.book.asks.get(a) ?? 0),
  };
}

export function optionTicker(m: Market, o: OptionInstrument): Record<string, unknown> {
  m.ensureBook(o);
  quoteIvs(m, o);
  const index = m.currencies.get(o.currency)?.index ?? 0;
  const fut = futureName(o.currency, o.expiry);
  const q = best(o);
  const mark = round(o.mark, 8);
  return {
    underlying_price: round(o.forward, 2),
    underlying_index: m.byName.has(fut) ? fut : `SYN.${fut}`,
    timestamp: m.now,
    stats: stats(o),
    state: o.state,
    settlement_price: o.settlementPrice,
    open_interest: o.openInterest,
    min_price: round(Math.max(0.0001, mark * 0.5 - 0.005), 4),
    max_price: round(mark * 1.5 + 0.01, 4),
    mark_price: mark,
    mark_iv: round(o.markIv * 100, 2),
    last_price: o.lastPrice,
    interest_rate: 0.0,
    instrument_name: o.name,
    index_price: index,
    greeks: {
      vega: round(o.vega, 5),
      theta: round(o.theta, 5),
      rho: round(o.rho, 5),
      gamma: round(o.gamma, 5),
      delta: round(o.delta, 5),
    },
    estimated_delivery_price: index,
    bid_iv: o.bidIv,
    best_bid_price: q.bp,
    best_bid_amount: q.ba,
    best_ask_price: q.ap,
    best_ask_amount: q.aa,
    ask_iv: o.askIv,
  };
}

export function futureTicker(m: Market, f: FutureInstrument): Record<string, unknown> {
  m.ensureBook(f);
  const index = m.currencies.get(f.currency)?.index ?? 0;
  const q = best(f);
  const mark = round(f.mark, 2);
  const perpetual =
    f.period === 'perpetual' ? { funding_8h: 0.00001, current_funding: 0, interest_value: 0.0001 } : {};
  return {
    timestamp: m.now,
    stats: stats(f),
    state: f.state,
    settlement_price: f.settlementPrice,
    open_interest: f.openInterest,
    min_price: round(mark * 0.97, 2),
    max_price: round(mark * 1.03, 2),
    mark_price: mark,
    last_price: f.lastPrice,
    instrument_name: f.name,
    index_price: index,
    ...perpetual,
    estimated_delivery_price: index,
    best_bid_price: q.bp,
    best_bid_amount: q.ba,
    best_ask_price: q.ap,
    best_ask_amount: q.aa,
  };
}

export function tickerData(m: Market, inst: Instrument): Record<string, unknown> {
  return inst.kind === 'option' ? optionTicker(m, inst) : futureTicker(m, inst);
}

export function indexData(m: Market, currency: 'BTC' | 'ETH'): Record<string, unknown> {
  return {
    timestamp: m.now,
    price: m.currencies.get(currency)?.index ?? 0,
    index_name: `${currency.toLowerCase()}_usd`,
  };
}

/**
 * `markprice.options.{index}`: every open option's mark (coin) and mark IV as a **decimal**
 * (real 2026 message: `{"timestamp":…,"iv":0.3706,"instrument_name":"BTC-31JUL26-67000-C","mark_price":0.005}`).
 */
export function markpriceData(m: Market, currency: 'BTC' | 'ETH'): Record<string, unknown>[] {
  m.ensurePriced();
  const cm = m.currencies.get(currency);
  if (cm === undefined) return [];
  return cm.options.map((o) => ({
    timestamp: m.now,
    iv: round(o.markIv, 4),
    instrument_name: o.name,
    mark_price: round(o.mark, 8),
  }));
}

export function stateData(now: number, name: string, state: string): Record<string, unknown> {
  return { timestamp: now, state, instrument_name: name };
}

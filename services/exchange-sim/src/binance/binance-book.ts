// One Binance option book as the simulator publishes it: its own levels (not the market model's
// Deribit book, so venues sharing a Market never move each other's books), quoted around the
// shared truth mark in USDT with Binance's ticks and a spread wider than Deribit's, quantities in
// contracts (0.01 steps). Diff events carry `U` (first update id), `u` (last) and `pu` (the
// previous event's `u`); two faults: a gap (`pu` skips ahead) and a reset (ids restart low).
// Docs: https://developers.binance.com/docs/derivatives/option/websocket-market-streams/Diff-Book-Depth-Streams ,
// https://developers.binance.com/docs/derivatives/option/market-data/Order-Book
import type { Currency, OptionInstrument } from '../deribit/instruments.ts';
import { halfSpreadVolPoints } from '../deribit/quoter.ts';
import type { Prng } from '../prng.ts';
import { priceString, qtyString, TICK } from './instruments.ts';

/** Binance option spreads are wider than Deribit's: the same vol-point rule, scaled. */
export const SPREAD_SCALE = 2.5;

export type BinanceLevel = [string, string];

export interface BinanceDiffEvent {
  e: 'depthUpdate';
  E: number;
  T: number;
  s: string;
  U: number;
  u: number;
  pu: number;
  b: BinanceLevel[];
  a: BinanceLevel[];
}

export class BinanceBook {
  /** ticks → hundredths of a contract, as last published. */
  readonly bids = new Map<number, number>();
  readonly asks = new Map<number, number>();
  lastUpdateId: number;
  readonly depth: number;
  pendingGap = false;
  pendingReset = false;

  constructor(
    readonly symbol: string,
    readonly currency: Currency,
    readonly prng: Prng,
  ) {
    this.lastUpdateId = 1_000_000 + Math.floor(prng.next() * 100_000_000);
    this.depth = 1 + Math.floor(prng.next() * 5);
  }

  /** Requotes around the option's current mark; returns the diff event (never empty). */
  update(o: OptionInstrument, now: number): BinanceDiffEvent {
    const target = this.#target(o);
    let b = this.#diff(this.bids, target.bids);
    let a = this.#diff(this.asks, target.asks);
    if (b.length === 0 && a.length === 0) {
      // An unchanged mark still trades: one size changes.
      const side = this.bids.size > 0 && this.prng.chance(0.5) ? this.bids : this.asks;
      const prices = [...side.keys()];
      const p = prices[Math.floor(this.prng.next() * prices.length)];
      if (p !== undefined) {
        const next = side.get(p)! + 1 + Math.floor(this.prng.next() * 50);
        side.set(p, next);
        const level: BinanceLevel = [priceString(p, this.currency), qtyString(next)];
        if (side === this.bids) b = [level];
        else a = [level];
      }
    }
    return this.#event(b, a, now);
  }

  /** The first quote of a fresh book (silently: a snapshot is its first publication). */
  fill(o: OptionInstrument): void {
    const target = this.#target(o);
    this.#diff(this.bids, target.bids);
    this.#diff(this.asks, target.asks);
  }

  /** REST depth reply: best first, at most `limit` levels a side. */
  snapshot(now: number, limit = 1000): { T: number; u: number; bids: BinanceLevel[]; asks: BinanceLevel[] } {
    const side = (m: Map<number, number>, desc: boolean): BinanceLevel[] =>
      [...m]
        .sort((x, y) => (desc ? y[0] - x[0] : x[0] - y[0]))
        .slice(0, limit)
        .map(([p, q]) => [priceString(p, this.currency), qtyString(q)]);
    return { T: now, u: this.lastUpdateId, bids: side(this.bids, true), asks: side(this.asks, false) };
  }

  /** Best bid/ask as [USDT price, contracts], undefined without a quote. */
  best(): { bid?: [number, number]; ask?: [number, number] } {
    let bid: number | undefined;
    let ask: number | undefined;
    for (const p of this.bids.keys()) if (bid === undefined || p > bid) bid = p;
    for (const p of this.asks.keys()) if (ask === undefined || p < ask) ask = p;
    const px = (t: number): number => Number(priceString(t, this.currency));
    return {
      ...(bid === undefined ? {} : { bid: [px(bid), this.bids.get(bid)! / 100] as [number, number] }),
      ...(ask === undefined ? {} : { ask: [px(ask), this.asks.get(ask)! / 100] as [number, number] }),
    };
  }

  /** Levels as a client should rebuild them: [USDT price, coin] best first, and the last `u`. */
  view(): { lastUpdateId: number; bids: [number, number][]; asks: [number, number][] } {
    const side = (m: Map<number, number>, desc: boolean): [number, number][] =>
      [...m]
        .sort((x, y) => (desc ? y[0] - x[0] : x[0] - y[0]))
        .map(([p, q]) => [Number(priceString(p, this.currency)), Number(qtyString(q))]);
    return { lastUpdateId: this.lastUpdateId, bids: side(this.bids, true), asks: side(this.asks, false) };
  }

  #event(b: BinanceLevel[], a: BinanceLevel[], now: number): BinanceDiffEvent {
    let pu = this.lastUpdateId;
    if (this.pendingReset) {
      // After maintenance the ids restart low: `pu` no longer matches anything the client saw.
      this.pendingReset = false;
      pu = 1 + Math.floor(this.prng.next() * 10);
    } else if (this.pendingGap) {
      this.pendingGap = false;
      pu = this.lastUpdateId + 1 + Math.floor(this.prng.next() * 5);
    }
    const first = pu + 1;
    const last = first + Math.floor(this.prng.next() * 4);
    this.lastUpdateId = last;
    return { e: 'depthUpdate', E: now, T: now, s: this.symbol, U: first, u: last, pu, b, a };
  }

  /** Moves `current` to `target`; returns the changed levels (quantity "0.00" = removed). */
  #diff(current: Map<number, number>, target: Map<number, number>): BinanceLevel[] {
    const out: BinanceLevel[] = [];
    for (const p of [...current.keys()]) {
      if (!target.has(p)) {
        current.delete(p);
        out.push([priceString(p, this.currency), '0.00']);
      }
    }
    for (const [p, q] of target) {
      if (current.get(p) === q) continue;
      current.set(p, q);
      out.push([priceString(p, this.currency), qtyString(q)]);
    }
    return out;
  }

  #target(o: OptionInstrument): { bids: Map<number, number>; asks: Map<number, number> } {
    const tick = TICK[this.currency];
    const mark = o.mark * o.forward;
    const sd = o.markIv * Math.sqrt(Math.max(o.years, 1e-6));
    const z = sd > 0 ? Math.log(o.strike / o.forward) / sd : 0;
    const hs = Math.max(SPREAD_SCALE * halfSpreadVolPoints(o.years, z) * o.vega, tick);
    const bid = Math.floor((mark - hs) / tick + 1e-9);
    const ask = Math.max(Math.ceil((mark + hs) / tick - 1e-9), bid + 1, 1);
    const bids = new Map<number, number>();
    const asks = new Map<number, number>();
    const size = (side: Map<number, number>, p: number): number => {
      const had = side.get(p);
      if (had !== undefined && !this.prng.chance(0.12)) return had;
      return Math.max(1, Math.round(100 * Math.exp(-0.5 + 1.1 * this.prng.normal())));
    };
    let p = bid;
    for (let i = 0; i < this.depth && p >= 1; i++) {
      bids.set(p, size(this.bids, p));
      p -= this.prng.chance(0.3) ? 2 : 1;
    }
    p = ask;
    for (let i = 0; i < this.depth; i++) {
      asks.set(p, size(this.asks, p));
      p += this.prng.chance(0.3) ? 2 : 1;
    }
    return { bids, asks };
  }
}

/**
 * How simulated market makers quote one option around its truth price: a spread set in vol
 * points (wider for short expiries and far wings, as on Deribit), converted to coin with vega,
 * rounded outwards to Deribit's tick (0.0001 up to 0.005, 0.0005 above), and 1–5 levels per side
 * with sticky amounts (coin: 0.1 BTC / 1 ETH minimum lots).
 */
import type { Prng } from '../prng.ts';
import { ceilOptionPips, floorOptionPips, pipsAbove, pipsBelow } from './book.ts';
import type { FutureInstrument, OptionInstrument } from './instruments.ts';

export interface QuoteInput {
  /** Truth (mark) price in coin. */
  mark: number;
  /** Vega in coin per vol point. */
  vegaCoin: number;
  years: number;
  /** Standardised moneyness ln(K/F)/(σ√T). */
  z: number;
  /** Levels per side. */
  depth: number;
  /** Lot: 0.1 for BTC, 1 for ETH. */
  lot: number;
}

/**
 * Half-spread in vol points. Fitted to the median ATM bid/ask width of the real BTC and ETH chains
 * of 2026-01-01 and 2026-03-01 (../shared/data/deribit_chain_snapshots_2026): about 5–9 vol points
 * wide at one day, 2 at a week, 1.3 at a month, 0.9–1.3 beyond; wider in the wings.
 */
export function halfSpreadVolPoints(years: number, z: number): number {
  const days = Math.max(years * 365, 0.05);
  return Math.min(25, 0.4 + 3.1 / days ** 0.75 + 0.35 * Math.abs(z));
}

/** A fresh level size in lots: log-normal, mostly a few coins, occasionally large. */
export function randomAmount(prng: Prng, lot: number): number {
  const lots = Math.max(1, Math.round(Math.exp(2.3 + 1.2 * prng.normal())));
  return lot < 1 ? lots / Math.round(1 / lot) : lots * lot;
}

/**
 * Target levels (pips → amount) for both sides; amounts of prices already in the book are kept
 * (so an unchanged mark only changes a few sizes), except with a small probability each.
 */
export function quoteLevels(
  q: QuoteInput,
  current: { bids: Map<number, number>; asks: Map<number, number> },
  prng: Prng,
): { bids: Map<number, number>; asks: Map<number, number> } {
  const hs = Math.max(halfSpreadVolPoints(q.years, q.z) * q.vegaCoin, 0.00005);
  let bid = floorOptionPips(q.mark - hs);
  let ask = Math.max(ceilOptionPips(q.mark + hs), 1);
  if (ask <= bid) ask = pipsAbove(bid);
  if (bid >= ask) bid = pipsBelow(ask);
  const bids = new Map<number, number>();
  const asks = new Map<number, number>();
  const keep = (side: Map<number, number>, p: number): number => {
    const had = side.get(p);
    return had !== undefined && !prng.chance(0.12) ? had : randomAmount(prng, q.lot);
  };
  let p = bid;
  for (let i = 0; i < q.depth && p >= 1; i++) {
    bids.set(p, keep(current.bids, p));
    p = pipsBelow(p);
    if (prng.chance(0.3)) p = pipsBelow(p);
  }
  p = ask;
  for (let i = 0; i < q.depth; i++) {
    asks.set(p, keep(current.asks, p));
    p = pipsAbove(p);
    if (prng.chance(0.3)) p = pipsAbove(p);
  }
  return { bids, asks };
}

/** Changes one size (or adds a level) so an update with an unchanged mark still changes the book. */
export function nudge(
  target: { bids: Map<number, number>; asks: Map<number, number> },
  prng: Prng,
  lot: number,
): void {
  const side = target.bids.size > 0 && prng.chance(0.5) ? target.bids : target.asks;
  const prices = [...side.keys()];
  const p = prices[Math.floor(prng.next() * prices.length)];
  if (p === undefined) return;
  const before = side.get(p);
  let next = randomAmount(prng, lot);
  if (next === before) next = Math.round((next + lot) * 10) / 10;
  side.set(p, next);
}

type Levels = { bids: Map<number, number>; asks: Map<number, number> };

/** An option's target levels around its current mark (quoteLevels with the instrument's state). */
export function optionTarget(o: OptionInstrument): Levels {
  const sd = o.markIv * Math.sqrt(Math.max(o.years, 1e-6));
  return quoteLevels(
    {
      mark: o.mark,
      vegaCoin: o.vega / o.forward,
      years: o.years,
      z: Math.log(o.strike / o.forward) / sd,
      depth: o.depth,
      lot: o.currency === 'BTC' ? 0.1 : 1,
    },
    o.book,
    o.book.prng,
  );
}

/** A future's target levels: five one-tick-apart levels each side of its mark, sizes in USD. */
export function futureTarget(f: FutureInstrument): Levels {
  const mid = Math.round(f.mark / f.book.pip);
  const bids = new Map<number, number>();
  const asks = new Map<number, number>();
  const lot = f.currency === 'BTC' ? 10 : 1;
  const size = (had: number | undefined): number =>
    had !== undefined && !f.book.prng.chance(0.2) ? had : lot * (1 + Math.floor(f.book.prng.next() * 5000));
  for (let i = 0; i < 5; i++) {
    bids.set(mid - 1 - i, size(f.book.bids.get(mid - 1 - i)));
    asks.set(mid + 1 + i, size(f.book.asks.get(mid + 1 + i)));
  }
  return { bids, asks };
}

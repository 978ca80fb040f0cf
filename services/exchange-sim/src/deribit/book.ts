/**
 * One instrument's L2 book as the simulator publishes it on `book.{instrument}.{raw|100ms}`.
 * https://docs.deribit.com/#book-instrument_name-interval : a snapshot lists every level as
 * `["new", price, amount]`; each later message lists only what changed (`new`, `change`, `delete`
 * with amount 0) and carries `change_id` plus `prev_change_id` = the previous message's
 * `change_id`. Real ids are not consecutive (EXCHANGES.md §0.5), so each message advances the id
 * by a random 1..300.
 *
 * Prices are kept as integer "pips" (units of the smallest tick) so levels compare exactly and
 * print as short decimals (1555 pips / 10000 = 0.1555).
 */
import type { Prng } from '../prng.ts';

export type BookAction = 'new' | 'change' | 'delete';
export type BookEntry = [BookAction, number, number];

export interface BookDiff {
  bids: BookEntry[];
  asks: BookEntry[];
}

export class Book {
  /** pips → amount */
  readonly bids = new Map<number, number>();
  readonly asks = new Map<number, number>();
  changeId: number;
  /** Price of one pip in quote units (0.0001 coin for options, 0.5 USD for BTC futures). */
  readonly pip: number;
  /** This book's own random stream (sizes, change-id steps), independent of every other book. */
  readonly prng: Prng;

  constructor(pip: number, firstChangeId: number, prng: Prng) {
    this.pip = pip;
    this.changeId = firstChangeId;
    this.prng = prng;
  }

  price(pips: number): number {
    return this.pip >= 1 ? pips * this.pip : pips / Math.round(1 / this.pip);
  }

  bestBid(): number | undefined {
    let best: number | undefined;
    for (const p of this.bids.keys()) if (best === undefined || p > best) best = p;
    return best;
  }

  bestAsk(): number | undefined {
    let best: number | undefined;
    for (const p of this.asks.keys()) if (best === undefined || p < best) best = p;
    return best;
  }

  /** Every level as `new`, bids best (highest) first, asks best (lowest) first. */
  snapshot(): BookDiff {
    const bids = [...this.bids.entries()].sort((a, b) => b[0] - a[0]);
    const asks = [...this.asks.entries()].sort((a, b) => a[0] - b[0]);
    return {
      bids: bids.map(([p, a]): BookEntry => ['new', this.price(p), a]),
      asks: asks.map(([p, a]): BookEntry => ['new', this.price(p), a]),
    };
  }

  /** Moves the book to the target levels and returns what changed (empty when nothing did). */
  moveTo(targetBids: Map<number, number>, targetAsks: Map<number, number>): BookDiff {
    return { bids: this.#diffSide(this.bids, targetBids), asks: this.#diffSide(this.asks, targetAsks) };
  }

  /** Advances change_id for a new message; returns [prev, next]. */
  nextChangeId(): [number, number] {
    const prev = this.changeId;
    this.changeId = prev + 1 + Math.floor(this.prng.next() * 300);
    return [prev, this.changeId];
  }

  #diffSide(current: Map<number, number>, target: Map<number, number>): BookEntry[] {
    const out: BookEntry[] = [];
    for (const p of current.keys()) {
      if (!target.has(p)) {
        out.push(['delete', this.price(p), 0]);
        current.delete(p);
      }
    }
    for (const [p, a] of target) {
      const had = current.get(p);
      if (had === undefined) out.push(['new', this.price(p), a]);
      else if (had !== a) out.push(['change', this.price(p), a]);
      else continue;
      current.set(p, a);
    }
    return out;
  }
}

/** Deribit option tick: 0.0001 up to 0.005, 0.0005 above (in pips of 0.0001). */
export function optionTickPips(pips: number): number {
  return pips > 50 ? 5 : 1;
}

/** Largest valid option price ≤ x (coin), in pips. */
export function floorOptionPips(x: number): number {
  const p = Math.floor(x * 10_000 + 1e-9);
  return p > 50 ? Math.floor(p / 5) * 5 : p;
}

/** Smallest valid option price ≥ x (coin), in pips. */
export function ceilOptionPips(x: number): number {
  const p = Math.ceil(x * 10_000 - 1e-9);
  return p > 50 ? Math.ceil(p / 5) * 5 : p;
}

/** The next valid price below, in pips (crossing 0.005 switches to the finer tick). */
export function pipsBelow(p: number): number {
  return p > 50 ? p - 5 : p - 1;
}

export function pipsAbove(p: number): number {
  return p >= 50 ? p + 5 : p + 1;
}

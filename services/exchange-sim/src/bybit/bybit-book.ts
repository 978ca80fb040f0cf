// One Bybit option book as the simulator publishes it on `orderbook.25.{symbol}`: its own quotes
// (not the Deribit book of the shared market: each venue quotes the same truth with its own
// spreads), prices in USD on Bybit's tick, sizes in coin on Bybit's lot, `u` +1 per message
// and an increasing cross sequence `seq`. Faults: a gap (u skips ahead) and a restart (the next
// delta carries u = 1). Docs: https://bybit-exchange.github.io/docs/v5/websocket/public/orderbook
// Spreads: Deribit's fitted half-spread in vol points (quoter.ts) × SPREAD_FACTOR, × vega, plus a
// per-book noise: Bybit option books are visibly wider than Deribit's.
import type { OptionInstrument } from '../deribit/instruments.ts';
import { halfSpreadVolPoints, randomAmount } from '../deribit/quoter.ts';
import type { Prng } from '../prng.ts';
import type { BybitSpec } from './instruments.ts';

/** Bybit half-spreads relative to Deribit's (wider, thinner market). */
export const SPREAD_FACTOR = 1.6;

export type BybitLevel = [string, string];

export interface BybitBookData {
  s: string;
  b: BybitLevel[];
  a: BybitLevel[];
  u: number;
  seq: number;
}

/** Ticks → lots, per side. */
type Side = Map<number, number>;

export class BybitBook {
  readonly bids: Side = new Map();
  readonly asks: Side = new Map();
  u: number;
  seq: number;
  pendingGap = false;
  pendingReset = false;
  /** Per-book spread multiplier (some market makers quote tighter than others). */
  readonly #width: number;
  readonly #depth: number;

  constructor(
    readonly symbol: string,
    readonly spec: BybitSpec,
    readonly prng: Prng,
  ) {
    this.u = 1000 + Math.floor(prng.next() * 100_000);
    this.seq = 10_000_000 + Math.floor(prng.next() * 1e9);
    this.#width = prng.uniform(0.85, 1.35);
    this.#depth = 1 + Math.floor(prng.next() * 5);
  }

  price(ticks: number): string {
    return (ticks * this.spec.tick).toFixed(this.spec.priceDecimals);
  }

  size(lots: number): string {
    return (lots * this.spec.lot).toFixed(this.spec.sizeDecimals);
  }

  /** Target levels around the option's truth mark (USD = coin mark × forward). */
  target(o: OptionInstrument): { bids: Side; asks: Side } {
    const mid = o.mark * o.forward;
    const sd = o.markIv * Math.sqrt(Math.max(o.years, 1e-6));
    const z = Math.log(o.strike / o.forward) / Math.max(sd, 1e-9);
    const hs = Math.max(
      SPREAD_FACTOR * this.#width * halfSpreadVolPoints(o.years, z) * o.vega,
      this.spec.tick,
    );
    // Quotes lean a little with each requote: the venue's own noise around the truth.
    const lean = this.prng.normal() * 0.15 * hs;
    let bid = Math.floor((mid - hs + lean) / this.spec.tick);
    let ask = Math.ceil((mid + hs + lean) / this.spec.tick);
    if (ask <= bid) ask = bid + 1;
    if (ask < 1) ask = 1;
    const bids: Side = new Map();
    const asks: Side = new Map();
    const lots = (side: Side, ticks: number): number => {
      const had = side.get(ticks);
      return had !== undefined && !this.prng.chance(0.15) ? had : this.#lots();
    };
    for (let i = 0; i < this.#depth && bid >= 1; i++) {
      bids.set(bid, lots(this.bids, bid));
      bid -= this.prng.chance(0.35) ? 2 : 1;
    }
    for (let i = 0; i < this.#depth; i++) {
      asks.set(ask, lots(this.asks, ask));
      ask += this.prng.chance(0.35) ? 2 : 1;
    }
    return { bids, asks };
  }

  #lots(): number {
    return Math.max(1, Math.round(randomAmount(this.prng, this.spec.lot) / this.spec.lot));
  }

  /** Fills the book (first subscription) without publishing anything. */
  boot(o: OptionInstrument): void {
    const t = this.target(o);
    for (const [p, l] of t.bids) this.bids.set(p, l);
    for (const [p, l] of t.asks) this.asks.set(p, l);
  }

  /** The full book as a snapshot message (current u; Bybit snapshots carry the book's u). */
  snapshot(): BybitBookData {
    return {
      s: this.symbol,
      b: [...this.bids].sort((x, y) => y[0] - x[0]).map(([p, l]) => [this.price(p), this.size(l)]),
      a: [...this.asks].sort((x, y) => x[0] - y[0]).map(([p, l]) => [this.price(p), this.size(l)]),
      u: this.u,
      seq: this.seq,
    };
  }

  /** Requotes towards the option's target; returns the delta message (never empty). */
  update(o: OptionInstrument): BybitBookData {
    const t = this.target(o);
    let b = this.#diff(this.bids, t.bids);
    let a = this.#diff(this.asks, t.asks);
    if (b.length === 0 && a.length === 0) {
      // An unchanged quote still trades: one size changes.
      const side = this.bids.size > 0 && this.prng.chance(0.5) ? this.bids : this.asks;
      const ticks = [...side.keys()][Math.floor(this.prng.next() * side.size)]!;
      const next = (side.get(ticks) ?? 0) + 1 + Math.floor(this.prng.next() * 5);
      side.set(ticks, next);
      const level: BybitLevel[] = [[this.price(ticks), this.size(next)]];
      if (side === this.bids) b = level;
      else a = level;
    }
    return this.#next(b, a);
  }

  #diff(side: Side, target: Side): BybitLevel[] {
    const out: BybitLevel[] = [];
    for (const p of [...side.keys()]) {
      if (!target.has(p)) {
        side.delete(p);
        out.push([this.price(p), '0']);
      }
    }
    for (const [p, l] of target) {
      if (side.get(p) !== l) {
        side.set(p, l);
        out.push([this.price(p), this.size(l)]);
      }
    }
    return out;
  }

  #next(b: BybitLevel[], a: BybitLevel[]): BybitBookData {
    if (this.pendingReset) {
      this.pendingReset = false;
      this.u = 1;
    } else if (this.pendingGap) {
      this.pendingGap = false;
      this.u += 2 + Math.floor(this.prng.next() * 5);
    } else this.u += 1;
    this.seq += 1 + Math.floor(this.prng.next() * 1000);
    return { s: this.symbol, b, a, u: this.u, seq: this.seq };
  }

  /** Best levels first, as numbers (price USD, size coin), as a client should rebuild them. */
  view(): { u: number; bids: [number, number][]; asks: [number, number][] } {
    const snap = this.snapshot();
    const num = (levels: BybitLevel[]): [number, number][] => levels.map(([p, s]) => [Number(p), Number(s)]);
    return { u: this.u, bids: num(snap.b), asks: num(snap.a) };
  }
}

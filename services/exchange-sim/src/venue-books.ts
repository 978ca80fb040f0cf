/**
 * A venue's own order books over a market model it may share with other venues (shared-market.ts):
 * each venue quotes the same truth marks, but with its own book per instrument — its own sizes,
 * level gaps and depth from its own random stream, optionally a wider or narrower spread — so the
 * venues' books are independent and one venue's updates never move another's book or its
 * sequence numbers. Quoting rules are the Deribit simulator's (quoter.ts), in coin, per option.
 */
import { Book, type BookDiff } from './deribit/book.ts';
import type { OptionInstrument } from './deribit/instruments.ts';
import type { Market } from './deribit/market.ts';
import { nudge, quoteLevels } from './deribit/quoter.ts';
import type { Prng } from './prng.ts';

export interface VenueBooksOptions {
  /** Multiplies the quoted half-spread (default 1: the Deribit simulator's spreads). */
  spreadScale?: number;
}

interface VenueBook {
  book: Book;
  depth: number;
}

export class VenueBooks {
  readonly #books = new Map<string, VenueBook>();
  readonly #spreadScale: number;

  constructor(
    readonly market: Market,
    readonly prng: Prng,
    options: VenueBooksOptions = {},
  ) {
    this.#spreadScale = options.spreadScale ?? 1;
  }

  /** The venue's book of `inst`, filled at the current mark on first use. */
  book(inst: OptionInstrument): Book {
    let vb = this.#books.get(inst.name);
    if (vb === undefined) {
      const prng = this.prng.fork(inst.name);
      vb = { book: new Book(inst.book.pip, 0, prng), depth: 1 + Math.floor(prng.next() * 5) };
      this.#books.set(inst.name, vb);
      this.#requote(inst, vb);
    }
    return vb.book;
  }

  /** Every level of the venue's book (fills it first if new). */
  snapshot(inst: OptionInstrument): BookDiff {
    return this.book(inst).snapshot();
  }

  /** Requotes the venue's book around the current mark; returns what changed (never empty). */
  update(inst: OptionInstrument): BookDiff {
    this.book(inst);
    const vb = this.#books.get(inst.name) as VenueBook;
    return this.#requote(inst, vb);
  }

  /** Forgets books of instruments no longer listed. */
  forget(name: string): void {
    this.#books.delete(name);
  }

  get size(): number {
    return this.#books.size;
  }

  #requote(inst: OptionInstrument, vb: VenueBook): BookDiff {
    this.market.ensurePriced();
    const target = this.#target(inst, vb);
    let diff = vb.book.moveTo(target.bids, target.asks);
    if (diff.bids.length === 0 && diff.asks.length === 0) {
      nudge(target, vb.book.prng, inst.currency === 'BTC' ? 0.1 : 1);
      diff = vb.book.moveTo(target.bids, target.asks);
    }
    return diff;
  }

  /** quoter.ts optionTarget, on this venue's book and random stream. */
  #target(o: OptionInstrument, vb: VenueBook): ReturnType<typeof quoteLevels> {
    const sd = o.markIv * Math.sqrt(Math.max(o.years, 1e-6));
    return quoteLevels(
      {
        mark: o.mark,
        vegaCoin: (this.#spreadScale * o.vega) / o.forward,
        years: o.years,
        z: Math.log(o.strike / o.forward) / sd,
        depth: vb.depth,
        lot: o.currency === 'BTC' ? 0.1 : 1,
      },
      vb.book,
      vb.book.prng,
    );
  }
}

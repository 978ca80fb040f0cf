import { Prng } from '../prng.ts';
import type { BookEntry } from './book.ts';
import {
  type CalendarShape,
  DAY_MS,
  DEFAULT_CALENDAR,
  type Expiry,
  listExpiries,
  strikeGrid,
  YEAR_MS,
} from './calendar.ts';
import {
  CURRENCIES,
  type Currency,
  type FutureInstrument,
  type Instrument,
  makeFuture,
  makeOption,
  type OptionInstrument,
  PERPETUAL_EXPIRY,
} from './instruments.ts';
import { futureTarget, nudge, optionTarget } from './quoter.ts';
import { repriceCurrency } from './reprice.ts';
import { evolveSurface, initialSurface, type Slice, type SurfaceState } from './truth.ts';

export interface MarketOptions {
  seed: string | number;
  /** Simulated clock at creation, ms since the epoch. */
  startTime: number;
  currencies?: readonly Currency[];
  calendar?: CalendarShape;
  /** Model step (index move, surface evolution, repricing), ms of simulated time. */
  stepMs?: number;
  /**
   * Price options only when something reads them (`ensurePriced`), not on every step: the server
   * uses this so an idle simulator costs almost nothing. Direct users get eager pricing.
   */
  lazyPricing?: boolean;
}

export interface CurrencyMarket {
  currency: Currency;
  index: number;
  surface: SurfaceState;
  /** Annualised carry: F(T) = index·exp(basis·T). */
  basis: number;
  expiries: Expiry[];
  slices: Map<number, Slice>;
  options: OptionInstrument[];
  futures: FutureInstrument[];
  /** Expiries removed (by the clock or a fault) that must not be listed again. */
  retired: Set<number>;
}

export type MarketEvent =
  | { type: 'index'; currency: Currency }
  | {
      type: 'state';
      currency: Currency;
      kind: 'option' | 'future';
      name: string;
      state: 'created' | 'closed' | 'settled';
    };

export interface BookUpdate {
  prev: number;
  changeId: number;
  bids: BookEntry[];
  asks: BookEntry[];
}

/** Strike grids are checked against the forward every this many steps (1 minute at 100 ms). */
const STRIKE_CHECK_EVERY = 600;

/** Greeks are recomputed every this many model steps (1 s at the default 100 ms step). */
const GREEKS_EVERY = 10;

const START_INDEX: Record<Currency, number> = { BTC: 62_000, ETH: 3_100 };

export class Market {
  readonly currencies = new Map<Currency, CurrencyMarket>();
  readonly byName = new Map<string, Instrument>();
  readonly stepMs: number;
  now: number;
  stepIndex = 0;
  readonly #prng: Prng;
  readonly #walk: Prng;
  readonly #books: Prng;
  readonly #calendar: CalendarShape;
  #nextId = 100_000;
  readonly #lazy: boolean;
  #stale = false;
  #greeksStep = Number.NEGATIVE_INFINITY;

  constructor(options: MarketOptions) {
    this.#prng = new Prng(options.seed);
    this.#walk = this.#prng.fork('walk');
    this.#books = this.#prng.fork('books');
    this.#calendar = options.calendar ?? DEFAULT_CALENDAR;
    this.stepMs = options.stepMs ?? 100;
    this.#lazy = options.lazyPricing ?? false;
    this.now = options.startTime;
    const setup = this.#prng.fork('setup');
    for (const currency of options.currencies ?? CURRENCIES) {
      const cm: CurrencyMarket = {
        currency,
        index: Math.round(START_INDEX[currency] * setup.uniform(0.9, 1.1) * 100) / 100,
        surface: initialSurface(currency, setup),
        basis: setup.uniform(0.03, 0.12),
        expiries: [],
        slices: new Map(),
        options: [],
        futures: [],
        retired: new Set(),
      };
      this.currencies.set(currency, cm);
      this.#addFuture(cm, PERPETUAL_EXPIRY, 'perpetual', this.now - 400 * DAY_MS);
      this.#listCalendar(cm, this.now - DAY_MS);
    }
    this.reprice();
  }

  instruments(): IterableIterator<Instrument> {
    return this.byName.values();
  }

  forward(cm: CurrencyMarket, expiry: number): number {
    return cm.index * Math.exp((cm.basis * Math.max(expiry - this.now, 0)) / YEAR_MS);
  }

  /**
   * Advances the clock to `now` in whole model steps (at most `maxSteps`, then jumps) and returns
   * what subscribers must hear: index ticks, listings and expiries.
   */
  advance(now: number, maxSteps = 50): MarketEvent[] {
    const events: MarketEvent[] = [];
    let steps = Math.floor((now - this.now) / this.stepMs);
    if (steps <= 0) return events;
    if (steps > maxSteps) {
      this.now += (steps - maxSteps) * this.stepMs;
      steps = maxSteps;
    }
    for (let i = 0; i < steps; i++) {
      this.now += this.stepMs;
      this.stepIndex++;
      this.#evolve(events);
    }
    if (this.#lazy) this.#stale = true;
    else this.reprice();
    return events;
  }

  #evolve(events: MarketEvent[]): void {
    const dt = this.stepMs / YEAR_MS;
    for (const cm of this.currencies.values()) {
      const vol = cm.surface.atmLong;
      let r = vol * Math.sqrt(dt) * this.#walk.normal() - 0.5 * vol * vol * dt;
      // Jumps: about one an hour, 0.6% typical size.
      if (this.#walk.chance(24 * 365 * dt)) r += 0.006 * this.#walk.normal();
      cm.index = Math.round(cm.index * Math.exp(r) * 100) / 100;
      cm.surface = evolveSurface(cm.surface, dt, this.#walk, r);
      cm.basis = Math.max(-0.05, Math.min(0.3, cm.basis + 0.05 * Math.sqrt(dt) * this.#walk.normal()));
      events.push({ type: 'index', currency: cm.currency });
      const first = cm.expiries[0];
      if (first !== undefined && first.timestamp <= this.now) {
        this.#expire(cm, first.timestamp, events);
        this.#listCalendar(cm, this.now, events);
      }
      if (this.stepIndex % STRIKE_CHECK_EVERY === 0) this.#extendStrikes(cm, events);
    }
  }

  /**
   * Lists new strikes when the forward has moved towards the edge of an expiry's grid (within 10%
   * of its lowest or highest strike), as Deribit adds strikes after large moves: the strikes of a
   * fresh grid at today's forward that lie beyond the current extremes.
   */
  #extendStrikes(cm: CurrencyMarket, events: MarketEvent[]): void {
    let added = false;
    for (const exp of cm.expiries) {
      const strikes = cm.options.filter((o) => o.expiry === exp.timestamp && o.isCall).map((o) => o.strike);
      if (strikes.length === 0) continue;
      const lo = Math.min(...strikes);
      const hi = Math.max(...strikes);
      const f = this.forward(cm, exp.timestamp);
      if (f > lo * 1.1 && f < hi * 0.9) continue;
      const years = (exp.timestamp - this.now) / YEAR_MS;
      for (const strike of strikeGrid(f, years, cm.surface.atmLong)) {
        if (strike >= lo && strike <= hi) continue;
        for (const isCall of [true, false]) {
          const o = makeOption(cm.currency, exp, strike, isCall, this.#ids(this.now), this.#books);
          cm.options.push(o);
          this.byName.set(o.name, o);
          events.push({
            type: 'state',
            currency: cm.currency,
            kind: 'option',
            name: o.name,
            state: 'created',
          });
          added = true;
        }
      }
    }
    if (added) {
      cm.options.sort(
        (a, b) => a.expiry - b.expiry || a.strike - b.strike || Number(b.isCall) - Number(a.isCall),
      );
    }
  }

  /**
   * Recomputes slices and marks of every open instrument (one batched Black-76), and the greeks
   * when `GREEKS_EVERY` steps have passed since they were last computed, or when `withGreeks`
   * (reprice.ts).
   */
  reprice(withGreeks = this.stepIndex - this.#greeksStep >= GREEKS_EVERY): void {
    if (withGreeks) this.#greeksStep = this.stepIndex;
    for (const cm of this.currencies.values()) {
      repriceCurrency(cm, this.now, withGreeks, (e) => this.forward(cm, e));
    }
    this.#stale = false;
  }

  /** Brings slices, marks and greeks up to the clock if a lazy market skipped them. */
  ensurePriced(): void {
    if (this.#stale) this.reprice();
  }

  /**
   * One book update of an instrument: requotes around the current mark and returns the levels
   * that changed (never empty), with the change ids of the message.
   */
  updateBook(inst: Instrument): BookUpdate {
    this.ensurePriced();
    this.ensureBook(inst);
    const target = inst.kind === 'option' ? optionTarget(inst) : futureTarget(inst);
    let diff = inst.book.moveTo(target.bids, target.asks);
    if (diff.bids.length === 0 && diff.asks.length === 0) {
      nudge(
        target,
        inst.book.prng,
        inst.kind === 'option' ? (inst.currency === 'BTC' ? 0.1 : 1) : inst.currency === 'BTC' ? 10 : 1,
      );
      diff = inst.book.moveTo(target.bids, target.asks);
    }
    const [prev, changeId] = inst.book.nextChangeId();
    inst.lastUpdate = this.now;
    return { prev, changeId, bids: diff.bids, asks: diff.asks };
  }

  /** Fills a freshly listed instrument's book silently, so its first snapshot has levels. */
  ensureBook(inst: Instrument): void {
    this.ensurePriced();
    if (inst.booted) return;
    inst.booted = true;
    const target = inst.kind === 'option' ? optionTarget(inst) : futureTarget(inst);
    inst.book.moveTo(target.bids, target.asks);
    // Yesterday's settlement and a last trade near today's mark, like a listed instrument has.
    const decimals = inst.kind === 'option' ? 4 : 2;
    const f = 10 ** decimals;
    const r = inst.book.prng;
    inst.settlementPrice = Math.round(inst.mark * r.uniform(0.9, 1.1) * f) / f;
    if (r.chance(0.6)) {
      inst.lastPrice = Math.max(Math.round(inst.mark * r.uniform(0.95, 1.05) * f) / f, 1 / f);
      inst.volume = Math.round(r.uniform(0.1, 300) * 10) / 10;
    }
  }

  /** Lists every expiry of the calendar at the current time that is not listed yet. */
  #listCalendar(cm: CurrencyMarket, creation: number, events?: MarketEvent[]): void {
    const listed = new Set(cm.expiries.map((e) => e.timestamp));
    for (const exp of listExpiries(this.now, this.#calendar)) {
      if (listed.has(exp.timestamp) || cm.retired.has(exp.timestamp)) continue;
      this.listExpiry(cm, exp, creation, events);
    }
  }

  /** Lists one expiry: a strike grid from the current spot and ATM vol, calls and puts, and a future. */
  listExpiry(cm: CurrencyMarket, exp: Expiry, creation: number, events?: MarketEvent[]): Instrument[] {
    const years = (exp.timestamp - this.now) / YEAR_MS;
    const atm = cm.surface.atmLong;
    const created: Instrument[] = [];
    for (const strike of strikeGrid(this.forward(cm, exp.timestamp), years, atm)) {
      for (const isCall of [true, false]) {
        const o = makeOption(cm.currency, exp, strike, isCall, this.#ids(creation), this.#books);
        cm.options.push(o);
        this.byName.set(o.name, o);
        created.push(o);
      }
    }
    if (exp.hasFuture) created.push(this.#addFuture(cm, exp.timestamp, exp.period, creation));
    cm.expiries.push(exp);
    cm.expiries.sort((a, b) => a.timestamp - b.timestamp);
    cm.options.sort(
      (a, b) => a.expiry - b.expiry || a.strike - b.strike || Number(b.isCall) - Number(a.isCall),
    );
    for (const inst of created) {
      events?.push({
        type: 'state',
        currency: cm.currency,
        kind: inst.kind,
        name: inst.name,
        state: 'created',
      });
    }
    return created;
  }

  /** Expires (closes and settles) every instrument of one expiry. */
  #expire(cm: CurrencyMarket, expiry: number, events: MarketEvent[]): void {
    cm.retired.add(expiry);
    cm.expiries = cm.expiries.filter((e) => e.timestamp !== expiry);
    const gone = [
      ...cm.options.filter((o) => o.expiry === expiry),
      ...cm.futures.filter((f) => f.expiry === expiry),
    ];
    cm.options = cm.options.filter((o) => o.expiry !== expiry);
    cm.futures = cm.futures.filter((f) => f.expiry !== expiry);
    for (const inst of gone) {
      inst.state = 'closed';
      this.byName.delete(inst.name);
      events.push({
        type: 'state',
        currency: cm.currency,
        kind: inst.kind,
        name: inst.name,
        state: 'closed',
      });
      events.push({
        type: 'state',
        currency: cm.currency,
        kind: inst.kind,
        name: inst.name,
        state: 'settled',
      });
    }
  }

  /** Fault: the nearest expiry of a currency expires now. */
  expireNearest(currency: Currency): MarketEvent[] {
    const cm = this.currencies.get(currency);
    const first = cm?.expiries[0];
    if (cm === undefined || first === undefined) return [];
    const events: MarketEvent[] = [];
    this.#expire(cm, first.timestamp, events);
    return events;
  }

  /** Fault: lists a new daily expiry after the last listed one that is free. */
  listExtraExpiry(currency: Currency): MarketEvent[] {
    const cm = this.currencies.get(currency);
    if (cm === undefined) return [];
    const listed = new Set(cm.expiries.map((e) => e.timestamp));
    const firstDay = Math.ceil((this.now - 8 * 3_600_000) / DAY_MS) * DAY_MS + 8 * 3_600_000;
    let ts = firstDay > this.now ? firstDay : firstDay + DAY_MS;
    while (listed.has(ts) || cm.retired.has(ts)) ts += DAY_MS;
    const events: MarketEvent[] = [];
    const code = listExpiries(ts - 1, { dailies: 1, weeklies: 0, monthlies: 0, quarterlies: 0 })[0]!;
    this.listExpiry(cm, { ...code, hasFuture: false }, this.now, events);
    this.reprice();
    return events;
  }

  #addFuture(
    cm: CurrencyMarket,
    expiry: number,
    period: FutureInstrument['period'],
    creation: number,
  ): FutureInstrument {
    const f = makeFuture(cm.currency, expiry, period, this.#ids(creation), this.#books);
    f.mark = period === 'perpetual' ? cm.index : this.forward(cm, expiry);
    cm.futures.push(f);
    cm.futures.sort((a, b) => a.expiry - b.expiry);
    this.byName.set(f.name, f);
    return f;
  }

  #ids(creation: number): { instrumentId: number; creationTimestamp: number } {
    return { instrumentId: this.#nextId++, creationTimestamp: creation };
  }
}

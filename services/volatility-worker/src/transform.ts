// The volatility worker as a pure transformation: orderbook events (BookTop, Forward) of one window
// -> VolQuoteBatch events keyed currency:expiry. Per window: latest book top per instrument and
// latest forward per expiry win; new prices are inverted in ONE batch call into svi-core (coin
// prices via B = c·F, QUANT.md §1), quotes whose only change is the forward go through the work
// reduction (work-reduction.ts), greeks come from ONE batch call. Clock: EXCHANGE_TIME, the
// exchange time of the book top (docs/PIPELINE.md).
import {
  type EventHeader,
  type Forward,
  ForwardSource,
  nowNs,
  type OrderBookEvent,
  type VolatilityEvent,
} from '@volstream/contracts';
import type { WindowResult } from '@volstream/worker-runtime';
import type { SviCore } from 'svi-core';
import {
  expiryKeyOf,
  type ForwardState,
  type Job,
  type QuoteState,
  quoteBatches,
  rankStates,
} from './quote-batch.ts';
import { type QuoteInput, quoteInput, SIDE_COUNT, yearsTo } from './quote-input.ts';
import {
  type Candidate,
  DEFAULT_WORK_REDUCTION,
  decide,
  type VolPoint,
  type WorkReductionOptions,
} from './work-reduction.ts';

export interface VolatilityTransformOptions {
  /** A loaded svi-core module (`await load()`), or the module namespace after `await init()`. */
  core: SviCore;
  producerId?: string;
  workReduction?: Partial<WorkReductionOptions>;
  /** A forward older than the quote by more than this is stale: the quote is dropped (default 10 s). */
  staleForwardMs?: number;
  /** A book top older than the newest input of the window by more than this is flagged stale (default 5 s). */
  staleQuoteMs?: number;
  /** Publish-time clock, epoch ns (default nowNs). */
  clock?: () => bigint;
  /** Monotonic ms for compute_time_us (default performance.now; tests pin it for identical bytes). */
  perfNow?: () => number;
}

/** Cumulative work counters (`workSaved` in the run report). */
export interface WorkSaved {
  skipped: number;
  approximated: number;
  inverted: number;
}

const positive = (v: number): number => (v > 0 ? v : Number.NaN);

export const VOLATILITY_DROP_REASONS = [
  'bad_value',
  'non_positive_time',
  'stale_forward',
  'unknown_instrument',
] as const;

export class VolatilityTransform {
  readonly #core: SviCore;
  /** Optional exports of the loaded fitter (quant-core/ABI.md): a replacement may lack them. */
  readonly #hasGreeks: boolean;
  readonly #hasCoinHeld: boolean;
  readonly #hasInverse: boolean;
  readonly #producerId: string;
  readonly #work: WorkReductionOptions;
  readonly #staleForwardMs: bigint;
  readonly #staleQuoteMs: bigint;
  readonly #clock: () => bigint;
  readonly #perfNow: () => number;
  readonly #forwards = new Map<string, ForwardState>();
  readonly #quotes = new Map<string, QuoteState>();
  readonly #byExpiry = new Map<string, Set<QuoteState>>();
  /** Expiries that gained an instrument since their states were last ranked. */
  readonly #unranked = new Set<string>();
  readonly #saved: WorkSaved = { skipped: 0, approximated: 0, inverted: 0 };
  #dropped: Record<string, number> = {};
  #examples: Record<string, Record<string, unknown>> = {};

  constructor(options: VolatilityTransformOptions) {
    this.#core = options.core;
    const exports = new Set(options.core.moduleInfo().exports);
    this.#hasGreeks = exports.has('vs_greeks');
    this.#hasCoinHeld = exports.has('vs_iv_update_coin_held');
    this.#hasInverse = exports.has('vs_implied_vols_inverse');
    this.#producerId = options.producerId ?? 'volatility-worker-0';
    this.#work = { ...DEFAULT_WORK_REDUCTION, ...options.workReduction };
    // Without the coin-held update every forward move is a full re-inversion (still one batch call).
    if (!this.#hasCoinHeld) this.#work = { ...this.#work, skipBp: 0, approxBudgetBp: 0 };
    this.#staleForwardMs = BigInt(options.staleForwardMs ?? 10_000);
    this.#staleQuoteMs = BigInt(options.staleQuoteMs ?? 5_000);
    this.#clock = options.clock ?? nowNs;
    this.#perfNow = options.perfNow ?? (() => performance.now());
  }

  workSaved(): WorkSaved {
    return { ...this.#saved };
  }

  #drop(reason: (typeof VOLATILITY_DROP_REASONS)[number], context: Record<string, unknown>): void {
    this.#dropped[reason] = (this.#dropped[reason] ?? 0) + 1;
    this.#examples[reason] ??= context;
  }

  apply(events: readonly OrderBookEvent[]): WindowResult<VolatilityEvent> {
    const started = this.#perfNow();
    this.#dropped = {};
    this.#examples = {};
    const before = { ...this.#saved };
    // 1. Coalesce: latest forward per expiry, latest book top per instrument.
    const movedExpiries = new Map<string, EventHeader>();
    const tops = new Map<string, QuoteInput>();
    let newestMs = 0n;
    for (const event of events) {
      const header = event.header;
      if (header === undefined) continue;
      if (header.exchangeTimeMs > newestMs) newestMs = header.exchangeTimeMs;
      const p = event.payload;
      if (p.case === 'forward') this.#forward(p.value, header, movedExpiries);
      else if (p.case === 'bookTop') {
        const q = quoteInput(p.value, header);
        if ('drop' in q) this.#drop(q.drop, { detail: q.detail, eventId: header.eventId });
        else if (!('ignore' in q)) {
          tops.delete(q.key);
          tops.set(q.key, q);
        }
      }
    }
    // 2. Jobs: new prices are inverted; forward-only moves go through the work reduction.
    const jobs: Job[] = [];
    for (const q of tops.values()) {
      const job = this.#priceJob(q);
      if (job !== undefined) jobs.push(job);
    }
    this.#forwardJobs(movedExpiries, tops, jobs);
    // 3. One inversion call, one greeks call.
    this.#invert(jobs);
    const greeks = this.#greeks(jobs);
    for (const ek of this.#unranked) rankStates(this.#byExpiry.get(ek) ?? []);
    this.#unranked.clear();
    const outputs = quoteBatches(
      jobs,
      greeks,
      {
        producerId: this.#producerId,
        clock: this.#clock,
        staleQuoteMs: this.#staleQuoteMs,
        newestMs,
        elapsedMs: this.#perfNow() - started,
      },
      (ek) => this.#byExpiry.get(ek)?.size ?? 0,
    );
    for (const job of jobs) {
      const published: VolPoint = { forward: job.forward, vols: job.vols! };
      if (job.errors !== undefined) published.errors = job.errors;
      job.state.published = published;
      job.state.forwardSource = job.forwardSource;
    }
    this.#sweepExpired(newestMs);
    return {
      outputs,
      dropped: this.#dropped,
      dropExamples: this.#examples,
      counters: {
        work_skipped: this.#saved.skipped - before.skipped,
        work_approximated: this.#saved.approximated - before.approximated,
        work_inverted: this.#saved.inverted - before.inverted,
      },
    };
  }

  /** Forgets expiries the event clock has passed (their quotes can never be valued again). */
  #sweepExpired(nowMs: bigint): void {
    for (const [ek, states] of this.#byExpiry) {
      const first = states.values().next().value;
      if (first !== undefined && first.input.expiryMs > nowMs) continue;
      for (const state of states) this.#quotes.delete(state.input.key);
      this.#byExpiry.delete(ek);
      this.#forwards.delete(ek);
    }
  }

  /** Instruments and expiries currently held (diagnostics, tests). */
  size(): { quotes: number; expiries: number } {
    return { quotes: this.#quotes.size, expiries: this.#byExpiry.size };
  }

  #forward(f: Forward, header: EventHeader, moved: Map<string, EventHeader>): void {
    if (!(Number.isFinite(f.forward) && f.forward > 0)) {
      this.#drop('bad_value', { forward: f.forward, currency: f.currency, eventId: header.eventId });
      return;
    }
    const key = expiryKeyOf(header.venue, f.currency, f.expiryMs);
    const current = this.#forwards.get(key);
    if (current !== undefined && f.asOfMs < current.asOfMs) return;
    this.#forwards.set(key, { value: f.forward, source: f.source, asOfMs: f.asOfMs });
    moved.delete(key);
    moved.set(key, header);
  }

  /** The forward for a quote: its expiry's Forward, else the venue forward on the book top. */
  #forwardFor(q: QuoteInput): ForwardState | undefined {
    const f = this.#forwards.get(expiryKeyOf(q.venue, q.currency, q.expiryMs));
    if (f !== undefined) return f;
    if (q.underlyingPrice !== undefined && q.underlyingPrice > 0) {
      return { value: q.underlyingPrice, source: ForwardSource.VENUE_UNDERLYING, asOfMs: q.valuationMs };
    }
    return undefined;
  }

  #priceJob(q: QuoteInput): Job | undefined {
    const forward = this.#forwardFor(q);
    let state = this.#quotes.get(q.key);
    if (state === undefined) {
      const ek = expiryKeyOf(q.venue, q.currency, q.expiryMs);
      state = { input: q, time: 0, forwardSource: ForwardSource.UNSPECIFIED, expiryKey: ek, rank: 0 };
      this.#quotes.set(q.key, state);
      const set = this.#byExpiry.get(ek) ?? new Set();
      set.add(state);
      this.#byExpiry.set(ek, set);
      this.#unranked.add(ek);
    }
    state.input = q;
    state.time = yearsTo(q.expiryMs, q.valuationMs);
    state.anchor = undefined;
    state.published = undefined;
    if (forward !== undefined && q.valuationMs - forward.asOfMs > this.#staleForwardMs) {
      this.#drop('stale_forward', {
        instrument: q.name,
        forwardAsOf: forward.asOfMs,
        quoteTime: q.valuationMs,
      });
      return undefined;
    }
    this.#saved.inverted += 1;
    return {
      state,
      forward: forward?.value ?? Number.NaN,
      forwardSource: forward?.source ?? ForwardSource.UNSPECIFIED,
      approximated: false,
      cause: q.header,
    };
  }

  #forwardJobs(moved: Map<string, EventHeader>, priced: Map<string, QuoteInput>, jobs: Job[]): void {
    const reduce = this.#work.skipBp > 0 || this.#work.approxBudgetBp > 0;
    const candidates: Candidate[] = [];
    const states: { state: QuoteState; forward: ForwardState; cause: EventHeader }[] = [];
    for (const [ek, cause] of moved) {
      const forward = this.#forwards.get(ek)!;
      for (const state of this.#byExpiry.get(ek) ?? []) {
        if (priced.has(state.input.key) || state.anchor === undefined || state.published === undefined)
          continue;
        if (state.input.valuationMs - forward.asOfMs > this.#staleForwardMs) continue;
        if (!reduce) {
          // No work reduction: every quote of a moved expiry is re-inverted (no candidate bookkeeping).
          this.#saved.inverted += 1;
          jobs.push({
            state,
            forward: forward.value,
            forwardSource: forward.source,
            approximated: false,
            cause,
          });
          continue;
        }
        states.push({ state, forward, cause });
        candidates.push({
          strike: state.input.strike,
          time: state.time,
          isCall: state.input.isCall,
          inverse: state.input.inverse,
          prices: state.input.prices,
          anchor: state.anchor,
          published: state.published,
          forward: forward.value,
        });
      }
    }
    if (candidates.length === 0) return;
    const decisions = decide(this.#core, candidates, this.#work);
    for (let i = 0; i < decisions.length; i++) {
      const d = decisions[i]!;
      const { state, forward, cause } = states[i]!;
      if (d.kind === 'skip') {
        this.#saved.skipped += 1;
        continue;
      }
      const job: Job = {
        state,
        forward: forward.value,
        forwardSource: forward.source,
        approximated: false,
        cause,
      };
      if (d.kind === 'approximate') {
        this.#saved.approximated += 1;
        job.vols = d.vols;
        job.errors = d.errors;
        job.approximated = true;
      } else this.#saved.inverted += 1;
      jobs.push(job);
    }
  }

  /** One batch call per price unit (coin-quoted via B = c·F, USD-quoted directly). */
  #invert(all: readonly Job[]): void {
    for (const inverse of [true, false]) {
      const group: Job[] = [];
      for (const j of all) if (j.vols === undefined && j.state.input.inverse === inverse) group.push(j);
      if (group.length === 0) continue;
      const n = group.length * SIDE_COUNT;
      const price = new Float64Array(n);
      const forward = new Float64Array(n);
      const strike = new Float64Array(n);
      const time = new Float64Array(n);
      const isCall = new Uint8Array(n);
      for (let i = 0; i < group.length; i++) {
        const job = group[i]!;
        const input = job.state.input;
        const call = input.isCall ? 1 : 0;
        for (let s = 0; s < SIDE_COUNT; s++) {
          const r = i * SIDE_COUNT + s;
          price[r] = input.prices[s]!;
          forward[r] = job.forward;
          strike[r] = input.strike;
          time[r] = job.state.time;
          isCall[r] = call;
        }
      }
      if (inverse && !this.#hasInverse) for (let r = 0; r < n; r++) price[r] = price[r]! * forward[r]!;
      const input = { price, forward, strike, time, isCall };
      const vols =
        inverse && this.#hasInverse ? this.#core.impliedVolsInverse(input) : this.#core.impliedVols(input);
      for (let i = 0; i < group.length; i++) {
        const job = group[i]!;
        const b = i * SIDE_COUNT;
        // A non-positive vol means no solution (below intrinsic, at the cap): absent.
        const v = [
          positive(vols[b]!),
          positive(vols[b + 1]!),
          positive(vols[b + 2]!),
          positive(vols[b + 3]!),
        ];
        job.vols = v;
        job.state.anchor = { forward: job.forward, vols: v };
      }
    }
  }

  /** Greeks at mark IV, else mid IV, in one call (USD premium per coin: contract units). */
  #greeks(jobs: readonly Job[]): Float64Array[] {
    const n = jobs.length;
    if (n === 0 || !this.#hasGreeks) return [];
    const forward = new Float64Array(n);
    const strike = new Float64Array(n);
    const time = new Float64Array(n);
    const vol = new Float64Array(n);
    const isCall = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const job = jobs[i]!;
      forward[i] = job.forward;
      strike[i] = job.state.input.strike;
      time[i] = job.state.time;
      const v = job.vols!;
      vol[i] = Number.isFinite(v[3]!) ? v[3]! : v[2]!;
      isCall[i] = job.state.input.isCall ? 1 : 0;
    }
    const g = this.#core.greeks({ forward, strike, time, vol, isCall });
    return [g.delta, g.deltaPa, g.gamma, g.vega, g.theta];
  }
}

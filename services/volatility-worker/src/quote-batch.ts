// Output side of the volatility worker: the per-option work items of a window (Job) and their
// VolQuoteBatch events, one per (venue, currency, expiry), quotes sorted by strike, calls first.
// Units as in proto/volstream/v1/volatility.proto (IVs decimal, greeks USD per coin).
import {
  type EventHeader,
  eventId,
  type ForwardSource,
  type Greeks,
  newHeader,
  OptionType,
  PriceUnit,
  ValuationClock,
  type VolatilityEvent,
  type VolQuote,
  type VolQuoteBatch,
} from '@volstream/contracts';
import { belowTick, type QuoteInput, yearsTo } from './quote-input.ts';
import type { SideValues, VolPoint } from './work-reduction.ts';

export interface ForwardState {
  value: number;
  source: ForwardSource;
  asOfMs: bigint;
}

/** What the worker remembers per option between windows. */
export interface QuoteState {
  input: QuoteInput;
  /** expiryKeyOf(venue, currency, expiry) of the instrument, computed once. */
  readonly expiryKey: string;
  /** Position in its expiry's publishing order (strike, calls first, name): rankStates(). */
  rank: number;
  time: number;
  forwardSource: ForwardSource;
  /** Last exact inversion (start of every first-order update). */
  anchor?: VolPoint | undefined;
  /** Last published vols (what the skip test compares with). */
  published?: VolPoint | undefined;
}

/** One option to (re)publish in this window. */
export interface Job {
  state: QuoteState;
  forward: number;
  forwardSource: ForwardSource;
  /** Vols to publish; undefined = to be inverted. */
  vols?: SideValues;
  /** Error bounds of approximated vols. */
  errors?: SideValues;
  approximated: boolean;
  cause: EventHeader;
  /** Row of this job in the window's greeks call (set by quoteBatches). */
  row?: number;
}

export interface BatchContext {
  producerId: string;
  clock: () => bigint;
  staleQuoteMs: bigint;
  /** Newest exchange time of the window's inputs (for the stale flag). */
  newestMs: bigint;
  /** Wall time of the window's computation, ms (spread over its batches as compute_time_us). */
  elapsedMs: number;
}

export const expiryKeyOf = (venue: string, currency: string, expiryMs: bigint): string =>
  `${venue}:${currency}:${expiryMs}`;

/**
 * Sets each state's rank: its position in the expiry's publishing order, by strike, calls first,
 * then instrument name (so two instruments at one strike and type, e.g. inverse and linear, have a
 * fixed order whatever order their inputs arrived in). Run when an expiry gains an instrument.
 */
export function rankStates(states: Iterable<QuoteState>): void {
  const sorted = [...states].sort(
    (a, b) =>
      a.input.strike - b.input.strike ||
      Number(b.input.isCall) - Number(a.input.isCall) ||
      (a.input.name < b.input.name ? -1 : a.input.name > b.input.name ? 1 : 0),
  );
  for (let i = 0; i < sorted.length; i++) sorted[i]!.rank = i;
}

function countFlags(quotes: readonly VolQuote[]) {
  let computedCount = 0;
  let approximatedCount = 0;
  let skippedCount = 0;
  for (const x of quotes) {
    if (x.skipped) skippedCount++;
    else if (x.approximated) approximatedCount++;
    else computedCount++;
  }
  return { computedCount, approximatedCount, skippedCount };
}

/**
 * One VolQuote; `greeks` are the 5 blocks of the window's greeks call, `i` this job's row. Built
 * as a plain object literal of the message's shape (what protobuf-es `create` returns, without its
 * reflection): this runs 10,000 times per full recompute, and the fast encoder
 * (@volstream/contracts encodeVolatilityEvent) reads it as is. Optional fields are set only when
 * finite (absent stays absent, docs/NORMALIZATION.md).
 */
function volQuote(job: Job, i: number, greeks: readonly Float64Array[], staleBefore: bigint): VolQuote {
  const q = job.state.input;
  const v = job.vols!;
  const hasForward = Number.isFinite(job.forward);
  const bidIv = v[0]!;
  const askIv = v[1]!;
  const midIv = v[2]!;
  const markIv = v[3]!;
  const any =
    Number.isFinite(bidIv) || Number.isFinite(askIv) || Number.isFinite(midIv) || Number.isFinite(markIv);
  const skipReason = !hasForward ? 'no_forward' : any ? '' : q.synced ? 'no_price' : 'unsynced_book';
  const bid = q.prices[0]!;
  const ask = q.prices[1]!;
  const mark = q.prices[3]!;
  const g: Greeks = { $typeName: 'volstream.v1.Greeks' };
  if (any && greeks.length === 5) {
    const delta = greeks[0]![i]!;
    const deltaPa = greeks[1]![i]!;
    const gamma = greeks[2]![i]!;
    const vega = greeks[3]![i]!;
    const theta = greeks[4]![i]!;
    if (Number.isFinite(delta)) g.deltaForward = delta;
    if (Number.isFinite(deltaPa)) g.deltaPremiumAdjusted = deltaPa;
    if (Number.isFinite(gamma)) g.gamma = gamma;
    if (Number.isFinite(vega)) g.vega = vega;
    if (Number.isFinite(theta)) g.theta = theta;
  }
  const forward = hasForward ? job.forward : 0;
  const logMoneyness = hasForward ? Math.log(q.strike / job.forward) : 0;
  const optionType = q.isCall ? OptionType.CALL : OptionType.PUT;
  const priceUnit = q.inverse ? PriceUnit.BASE_COIN : PriceUnit.QUOTE_CURRENCY;
  // newest − valuation > budget, as one comparison with the window's bound (no BigInt per quote).
  const stale = q.valuationMs < staleBefore;
  const crossed = Number.isFinite(bid) && Number.isFinite(ask) && bid >= ask;
  const below = hasForward && belowTick(q, job.forward);
  const bidAmount = q.bidAmount;
  const askAmount = q.askAmount;
  let out: VolQuote;
  if (
    Number.isFinite(bidIv) &&
    Number.isFinite(askIv) &&
    Number.isFinite(midIv) &&
    Number.isFinite(markIv) &&
    Number.isFinite(bid) &&
    Number.isFinite(ask) &&
    Number.isFinite(mark) &&
    bidAmount !== undefined &&
    Number.isFinite(bidAmount) &&
    askAmount !== undefined &&
    Number.isFinite(askAmount)
  ) {
    // The usual two-sided quote: every optional value present, one literal (one object shape).
    out = {
      $typeName: 'volstream.v1.VolQuote',
      instrumentName: q.name,
      strike: q.strike,
      optionType,
      expiryMs: q.expiryMs,
      bidIv,
      askIv,
      midIv,
      markIv,
      bidPrice: bid,
      askPrice: ask,
      markPrice: mark,
      priceUnit,
      greeks: g,
      forward,
      forwardSource: job.forwardSource,
      timeToExpiryYears: job.state.time,
      valuationClock: ValuationClock.EXCHANGE_TIME,
      valuationTimeMs: q.valuationMs,
      logMoneyness,
      approximated: job.approximated,
      skipped: skipReason !== '',
      stale,
      crossed,
      belowTick: below,
      skipReason,
      bidAmount,
      askAmount,
    };
  } else {
    out = {
      $typeName: 'volstream.v1.VolQuote',
      instrumentName: q.name,
      strike: q.strike,
      optionType,
      expiryMs: q.expiryMs,
      priceUnit,
      greeks: g,
      forward,
      forwardSource: job.forwardSource,
      timeToExpiryYears: job.state.time,
      valuationClock: ValuationClock.EXCHANGE_TIME,
      valuationTimeMs: q.valuationMs,
      logMoneyness,
      approximated: job.approximated,
      skipped: skipReason !== '',
      stale,
      crossed,
      belowTick: below,
      skipReason,
    };
    if (Number.isFinite(bidIv)) out.bidIv = bidIv;
    if (Number.isFinite(askIv)) out.askIv = askIv;
    if (Number.isFinite(midIv)) out.midIv = midIv;
    if (Number.isFinite(markIv)) out.markIv = markIv;
    if (Number.isFinite(bid)) out.bidPrice = bid;
    if (Number.isFinite(ask)) out.askPrice = ask;
    if (Number.isFinite(mark)) out.markPrice = mark;
    if (bidAmount !== undefined && Number.isFinite(bidAmount)) out.bidAmount = bidAmount;
    if (askAmount !== undefined && Number.isFinite(askAmount)) out.askAmount = askAmount;
  }
  if (q.venueMarkIv !== undefined && Number.isFinite(q.venueMarkIv)) out.venueMarkIv = q.venueMarkIv;
  if (q.tick !== undefined && q.tick > 0) out.tickSize = q.tick;
  return out;
}

/**
 * The window's VolQuoteBatch events, quotes in rank order (rankStates). Header: the newest causing
 * input's exchange and receive times; the id hashes the sorted distinct event ids of all causing
 * inputs. `expirySize` gives the number of states of an expiry (rank < size).
 */
export function quoteBatches(
  jobs: readonly Job[],
  greeks: readonly Float64Array[],
  ctx: BatchContext,
  expirySize: (expiryKey: string) => number,
): VolatilityEvent[] {
  const groups = new Map<string, Job[]>();
  for (let i = 0; i < jobs.length; i++) {
    const job = jobs[i]!;
    job.row = i;
    const group = groups.get(job.state.expiryKey);
    if (group === undefined) groups.set(job.state.expiryKey, [job]);
    else group.push(job);
  }
  const perBatchUs = groups.size === 0 ? 0 : (ctx.elapsedMs * 1000) / groups.size;
  const staleBefore = ctx.newestMs - ctx.staleQuoteMs;
  const out: VolatilityEvent[] = [];
  for (const [key, group] of groups) {
    // Newest cause (the later one on equal times, as inputs come in offset order).
    let cause = group[0]!.cause;
    const idSet = new Set<string>();
    // Placed by rank (a counting sort: ranks are distinct and below the expiry's size).
    const slots: (Job | undefined)[] = new Array(expirySize(key));
    for (const job of group) {
      if (job.cause.exchangeTimeMs >= cause.exchangeTimeMs) cause = job.cause;
      idSet.add(job.cause.eventId);
      slots[job.state.rank] = job;
    }
    const quotes: VolQuote[] = [];
    let first: Job | undefined;
    for (const job of slots) {
      if (job === undefined) continue;
      first ??= job;
      quotes.push(volQuote(job, job.row!, greeks, staleBefore));
    }
    const q0 = first!.state.input;
    const ids = [...idSet].sort();
    // A literal, not create(): create() would walk the nested init down to every quote.
    const batch: VolQuoteBatch = {
      $typeName: 'volstream.v1.VolQuoteBatch',
      currency: q0.currency,
      expiryMs: q0.expiryMs,
      forward: Number.isFinite(first!.forward) ? first!.forward : 0,
      forwardSource: first!.forwardSource,
      timeToExpiryYears: yearsTo(q0.expiryMs, cause.exchangeTimeMs),
      quotes,
      ...countFlags(quotes),
      computeTimeUs: perBatchUs,
    };
    out.push({
      $typeName: 'volstream.v1.VolatilityEvent',
      header: newHeader({
        venue: cause.venue,
        producerId: ctx.producerId,
        eventId: eventId('volatility', 'quote_batch', cause.venue, q0.currency, q0.expiryMs, ...ids),
        exchangeTimeMs: cause.exchangeTimeMs,
        receiveTimeNs: cause.receiveTimeNs,
        publishTimeNs: ctx.clock(),
        runId: cause.runId || 'live',
      }),
      payload: { case: 'quoteBatch', value: batch },
    });
  }
  return out;
}

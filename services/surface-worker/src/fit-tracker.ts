/**
 * The fit state of one smile (a venue's expiry, or a composite expiry): the last accepted fit,
 * when it ran, and the rules for running the next one. A fit runs only when (1) the fit cadence
 * allows it (at most one per `fitIntervalMs` of event time, whatever the display cadence), and
 * (2) its inputs moved: the quote set changed, a mid IV moved ≥ `minIvChange` or a k moved
 * ≥ `minLogMoneynessChange`, or T shrank by `minRelativeTimeChange` (QUANT.md §4: sub-bp moves
 * are far below quote resolution). An expiry with fewer than `minQuotes` usable quotes has no smile.
 */

import type { ForwardSource } from '@volstream/contracts';
import type { SviCore, SviParams } from 'svi-core';
import type { Counts } from './counts.ts';
import type { SurfaceOptions } from './options.ts';
import {
  buildFitInput,
  type FitBasis,
  type FitOutcome,
  type FitQuote,
  type FitSource,
  fitSlice,
  inputsMoved,
  type VenueQuotes,
} from './slice-fit.ts';

export interface AcceptedFit {
  params: SviParams;
  timeYears: number;
  forward: number;
  forwardSource: ForwardSource;
  /** Event time at which the fit ran. */
  fitEventMs: number;
  /** Exchange time of the newest / oldest used quote. */
  asOfMs: number;
  oldestMs: number;
  receiveNs: bigint;
  basis: FitBasis;
  outcome: FitOutcome;
  quotes: FitQuote[];
  excludedCount: number;
  /** Venues the fit considered (one for a venue smile), by name. */
  sources: FitSource[];
}

export interface FitContext {
  timeYears: number;
  forward: number;
  forwardSource: ForwardSource;
  nowMs: number;
  receiveNs: bigint;
}

export type AttemptResult = 'fitted' | 'deferred' | 'unchanged' | 'too_few_quotes' | 'failed';

export class FitTracker {
  lastFitMs = Number.NEGATIVE_INFINITY;
  /**
   * Inputs may have changed since the last completed attempt (set by whoever feeds new quotes);
   * a clean tracker skips its attempt outright, so a display tick does not re-filter idle expiries.
   */
  dirty = true;
  /** Event time of the last attempt: one attempt per event time (a window may ask twice). */
  lastAttemptMs = Number.NEGATIVE_INFINITY;
  fit: AcceptedFit | undefined;
  /** Increments with every accepted fit (what has been published is tracked by the publisher). */
  seq = 0;
  /** The last fit that failed the butterfly check (for the arbitrage report), cleared on success. */
  rejected: { minG: number; k: number } | undefined;

  attempt(
    core: SviCore,
    sources: readonly VenueQuotes[],
    ctx: FitContext,
    o: SurfaceOptions,
    clockUs: () => number,
    counts: Counts,
  ): AttemptResult {
    if (!this.dirty) return 'unchanged';
    if (ctx.nowMs === this.lastAttemptMs) return 'deferred';
    this.lastAttemptMs = ctx.nowMs;
    if (ctx.nowMs - this.lastFitMs < o.fitIntervalMs) {
      counts.add('fit_deferred_cadence');
      return 'deferred';
    }
    this.dirty = false;
    const input = buildFitInput(sources, ctx.timeYears, o);
    for (const [reason, n] of Object.entries(input.excluded)) counts.add(`excluded_${reason}`, n);
    const below = countBelowMoney(input.k);
    const oneSided = below < o.minQuotesPerSide || input.k.length - below < o.minQuotesPerSide;
    if (input.k.length < o.minQuotes || oneSided) {
      if (this.fit !== undefined) counts.add('smile_withdrawn');
      this.fit = undefined;
      counts.add(input.k.length < o.minQuotes ? 'fit_too_few_quotes' : 'fit_one_sided');
      return 'too_few_quotes';
    }
    if (this.fit !== undefined && !inputsMoved(this.fit.basis, input, o)) {
      counts.add('fit_skipped_unchanged');
      return 'unchanged';
    }
    this.lastFitMs = ctx.nowMs;
    const outcome = fitSlice(core, input, clockUs);
    counts.add('fits');
    if (!outcome.ok) {
      counts.add(`fit_failed_${outcome.status}`);
      if (outcome.status === 'butterfly') this.rejected = { minG: outcome.minG, k: outcome.minGAt };
      return 'failed';
    }
    if (outcome.repaired) counts.add('fit_butterfly_repaired');
    this.rejected = undefined;
    let asOf = Number.NEGATIVE_INFINITY;
    let oldest = Number.POSITIVE_INFINITY;
    for (const q of input.quotes) {
      if (q.reason !== undefined) continue;
      asOf = Math.max(asOf, q.timeMs);
      oldest = Math.min(oldest, q.timeMs);
    }
    this.seq += 1;
    this.fit = {
      params: outcome.params,
      timeYears: ctx.timeYears,
      forward: ctx.forward,
      forwardSource: ctx.forwardSource,
      fitEventMs: ctx.nowMs,
      asOfMs: asOf,
      oldestMs: oldest,
      receiveNs: ctx.receiveNs,
      basis: { timeYears: ctx.timeYears, fingerprint: input.fingerprint },
      outcome,
      quotes: input.quotes,
      excludedCount: input.quotes.length - input.k.length,
      sources: input.sources,
    };
    return 'fitted';
  }
}

/** How many of the fit's log-moneynesses are below the money (k < 0). */
function countBelowMoney(k: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < k.length; i++) if ((k[i] ?? 0) < 0) n++;
  return n;
}

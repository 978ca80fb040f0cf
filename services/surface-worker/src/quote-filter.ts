/**
 * Which quotes of an expiry go into its SVI fit, and with what weight.
 *
 * Two stages: `validateQuote` rejects malformed input (counted as dropped bad input and never
 * stored), `classifyQuote` decides, at fit time, whether a well-formed quote is usable now (the
 * reasons are counted per fit evaluation and shown per smile as excluded quotes). Tick floor:
 * QUANT.md §4 (a one-tick 1-day K = 1.1F option is ~11,000 bp of vol: exclude from fits).
 * Vega weight: φ(d₁) of Black-76 at the mid vol (F·√T is common to the slice, so it drops out).
 */
import { OptionType, PriceUnit, type VolQuote } from '@volstream/contracts';
import type { QuoteFilterOptions, SurfaceOptions, WeightScheme } from './options.ts';

export const EXCLUSION_REASONS = [
  'skipped',
  'one_sided',
  'crossed',
  'no_mid',
  'stale',
  'below_tick',
  'wide_spread',
  'wing',
  'itm',
  // Composite only: the quote's venue is stale for the expiry (compositeMaxVenueAgeMs).
  'venue_stale',
] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];

export type BadQuoteReason = 'unknown_instrument' | 'invalid_strike' | 'invalid_iv' | 'invalid_forward';

/** A present IV must be a finite positive decimal (absent is fine: "no value"). */
const badIv = (iv: number | undefined): boolean => iv !== undefined && !(Number.isFinite(iv) && iv > 0);

/** A malformed quote's reason, or undefined when it is well-formed (it may still be excluded). */
export function validateQuote(q: VolQuote, expiryMs: bigint): BadQuoteReason | undefined {
  if (q.instrumentName === '' || q.expiryMs !== expiryMs) return 'unknown_instrument';
  if (q.optionType !== OptionType.CALL && q.optionType !== OptionType.PUT) return 'unknown_instrument';
  if (!Number.isFinite(q.strike) || q.strike <= 0) return 'invalid_strike';
  if (badIv(q.bidIv) || badIv(q.askIv) || badIv(q.midIv)) return 'invalid_iv';
  if (!Number.isFinite(q.forward) || q.forward < 0) return 'invalid_forward';
  return undefined;
}

export interface QuoteContext {
  venue: string;
  /** The expiry's forward, used when a quote carries none. */
  forward: number;
  timeYears: number;
  /** Event time of the expiry's newest batch, epoch ms. */
  nowMs: number;
}

/** Log-moneyness of a quote in the coordinates its IV was computed in (its own forward). */
export function quoteLogMoneyness(q: VolQuote, ctx: QuoteContext): number {
  const f = q.forward > 0 ? q.forward : ctx.forward;
  return Math.log(q.strike / f);
}

/** Exchange time the quote's IVs are valid for (its valuation time, else the batch time). */
export function quoteTimeMs(q: VolQuote, ctx: QuoteContext): number {
  const t = Number(q.valuationTimeMs);
  return t > 0 ? t : ctx.nowMs;
}

export function classifyQuote(
  q: VolQuote,
  ctx: QuoteContext,
  f: QuoteFilterOptions,
  tickSize: SurfaceOptions['tickSize'],
): ExclusionReason | undefined {
  if (q.skipped) return 'skipped';
  const { bidIv, askIv, midIv } = q;
  if (bidIv === undefined || askIv === undefined) return 'one_sided';
  if (q.crossed || bidIv >= askIv) return 'crossed';
  if (midIv === undefined) return 'no_mid';
  if ((f.honourStaleFlag && q.stale) || ctx.nowMs - quoteTimeMs(q, ctx) > f.maxQuoteAgeMs) return 'stale';
  if (q.belowTick) return 'below_tick';
  if (q.bidPrice !== undefined) {
    const tick = tickSize(ctx.venue, q.priceUnit !== PriceUnit.QUOTE_CURRENCY, q.bidPrice, q.tickSize);
    if (q.bidPrice < f.minBidTicks * tick * (1 - 1e-9)) return 'below_tick';
  }
  if ((askIv - bidIv) / midIv > f.maxRelativeSpread) return 'wide_spread';
  const k = quoteLogMoneyness(q, ctx);
  if (Math.abs(k) / Math.sqrt(ctx.timeYears) > f.maxWingZ) return 'wing';
  if (f.otmOnly && (q.optionType === OptionType.CALL ? k < 0 : k >= 0)) return 'itm';
  return undefined;
}

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** Fit weight of a usable quote (un-normalised). */
export function quoteWeight(scheme: WeightScheme, q: VolQuote, k: number, timeYears: number): number {
  const bid = q.bidIv ?? Number.NaN;
  const ask = q.askIv ?? Number.NaN;
  const mid = q.midIv ?? Number.NaN;
  if (scheme === 'spread') return 1 / Math.max(ask - bid, 1e-4);
  const s = mid * Math.sqrt(timeYears);
  const d1 = -k / s + s / 2;
  return INV_SQRT_2PI * Math.exp(-0.5 * d1 * d1);
}

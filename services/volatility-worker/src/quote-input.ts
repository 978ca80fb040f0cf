// A BookTop of an option, checked and reduced to what IV inversion needs. Prices are in the
// instrument's price unit (coin for inverse options, QUANT.md §1: B = c·F); T on the exchange
// clock of the quote: (expiry_ms - valuation_ms) / (365 x 86 400 000), ms precision (QUANT.md §1,
// shared/data README: what reproduces Deribit's own IVs).
import { type BookTop, type EventHeader, InstrumentKind, OptionType, PriceUnit } from '@volstream/contracts';

export const MS_PER_YEAR = 365 * 86_400_000;

/** Sides of a quote, in the row order used for every batch call (4 rows per option). */
export const SIDES = ['bid', 'ask', 'mid', 'mark'] as const;
export const SIDE_COUNT = SIDES.length;

export interface QuoteInput {
  readonly key: string;
  readonly venue: string;
  readonly name: string;
  readonly currency: string;
  readonly expiryMs: bigint;
  readonly strike: number;
  readonly isCall: boolean;
  readonly inverse: boolean;
  readonly synced: boolean;
  /** bid, ask, mid, mark prices (NaN = none). */
  readonly prices: Float64Array;
  readonly bidAmount?: number;
  readonly askAmount?: number;
  readonly tick?: number;
  readonly venueMarkIv?: number;
  /** Venue forward carried by the book top (fallback when no Forward event was seen). */
  readonly underlyingPrice?: number;
  readonly valuationMs: bigint;
  readonly header: EventHeader;
}

export type QuoteRejection =
  | { readonly drop: 'bad_value' | 'unknown_instrument' | 'non_positive_time'; readonly detail: string }
  | { readonly ignore: 'not_option' };

const finitePositive = (v: number | undefined): boolean => v !== undefined && Number.isFinite(v) && v > 0;

/** Checks a BookTop: options only, known strike/expiry/type, finite non-negative prices, T > 0. */
export function quoteInput(top: BookTop, header: EventHeader): QuoteInput | QuoteRejection {
  if (top.kind !== InstrumentKind.OPTION) return { ignore: 'not_option' };
  if (
    top.expiryMs === undefined ||
    !finitePositive(top.strike) ||
    (top.optionType !== OptionType.CALL && top.optionType !== OptionType.PUT)
  ) {
    return { drop: 'unknown_instrument', detail: `option ${top.instrumentName} without strike/expiry/type` };
  }
  for (const level of [...top.bids, ...top.asks]) {
    if (!finitePositive(level.price) || !(Number.isFinite(level.amount) && level.amount >= 0)) {
      return { drop: 'bad_value', detail: `level ${level.price}@${level.amount} of ${top.instrumentName}` };
    }
  }
  for (const v of [top.markPrice, top.underlyingPrice, top.tickSize]) {
    if (v !== undefined && !(Number.isFinite(v) && v >= 0)) {
      return { drop: 'bad_value', detail: `value ${v} of ${top.instrumentName}` };
    }
  }
  const valuationMs = header.exchangeTimeMs;
  if (top.expiryMs <= valuationMs) {
    return {
      drop: 'non_positive_time',
      detail: `${top.instrumentName} at ${valuationMs} >= expiry ${top.expiryMs}`,
    };
  }
  const bid = top.bids[0];
  const ask = top.asks[0];
  const prices = new Float64Array(SIDE_COUNT).fill(Number.NaN);
  if (top.synced && bid !== undefined) prices[0] = bid.price;
  if (top.synced && ask !== undefined) prices[1] = ask.price;
  if (top.synced && bid !== undefined && ask !== undefined) prices[2] = (bid.price + ask.price) / 2;
  if (top.markPrice !== undefined && top.markPrice > 0) prices[3] = top.markPrice;
  const opt = <K extends string>(key: K, v: number | undefined) => (v === undefined ? {} : { [key]: v });
  return {
    key: `${header.venue}:${top.instrumentName}`,
    venue: header.venue,
    name: top.instrumentName,
    currency: top.currency,
    expiryMs: top.expiryMs,
    strike: top.strike!,
    isCall: top.optionType === OptionType.CALL,
    inverse: top.priceUnit !== PriceUnit.QUOTE_CURRENCY,
    synced: top.synced,
    prices,
    ...opt('bidAmount', top.synced ? bid?.amount : undefined),
    ...opt('askAmount', top.synced ? ask?.amount : undefined),
    ...opt('tick', top.tickSize),
    ...opt('venueMarkIv', top.venueMarkIv),
    ...opt('underlyingPrice', top.underlyingPrice),
    valuationMs,
    header,
  };
}

export function yearsTo(expiryMs: bigint, valuationMs: bigint): number {
  return Number(expiryMs - valuationMs) / MS_PER_YEAR;
}

/**
 * Below tick: a price within one tick of zero or of intrinsic value (in the price unit: coin
 * intrinsic of an inverse call is (F-K)/F), where one tick spans tens to thousands of vol bp
 * (QUANT.md §4) and the IV says little.
 */
export function belowTick(q: QuoteInput, forward: number): boolean {
  const tick = q.tick ?? 0;
  if (!(tick > 0)) return false;
  const intrinsicUsd = Math.max(0, q.isCall ? forward - q.strike : q.strike - forward);
  const intrinsic = q.inverse ? intrinsicUsd / forward : intrinsicUsd;
  for (const price of q.prices) {
    if (Number.isFinite(price) && price - intrinsic <= tick) return true;
  }
  return false;
}

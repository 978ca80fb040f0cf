// What the order-book worker keeps per instrument and per (venue, currency, expiry), and the
// inputs of the put-call parity forward drawn from it (forwards.ts).
import { OptionType } from '@volstream/contracts';
import {
  chooseForward,
  type ForwardChoice,
  type ParityPair,
  parityFromPairs,
  type VenueForward,
} from './forwards.ts';
import type { InstrumentMeta } from './instruments.ts';
import type { L2Book } from './l2-book.ts';

/** Latest ticker fields merged into the book top. */
export interface TickerFields {
  markPrice?: number | undefined;
  markIv?: number | undefined;
  bidIv?: number | undefined;
  askIv?: number | undefined;
  underlyingPrice?: number | undefined;
  indexPrice?: number | undefined;
}

export interface InstrumentSlot {
  meta: InstrumentMeta;
  book: L2Book;
  ticker: TickerFields;
  /** Exchange time of the newest input that touched it. */
  asOfMs: bigint;
  /** Its (venue, currency, expiry) state; undefined for perpetuals and spot. */
  expiry: ExpiryState | undefined;
  /** Event time (newest input, ms) when its top was last published (the cadence). */
  publishedAtMs: number;
}

export interface ExpiryState {
  venue: string;
  currency: string;
  expiryMs: bigint;
  options: Map<string, InstrumentSlot>;
  futures: Map<string, InstrumentSlot>;
  venueForward?: VenueForward;
  /** Newest exchange time of any input of the expiry. */
  newestMs: bigint;
  /** Event time (newest input, ms) when the forward was last considered for publication. */
  publishedAtMs: number;
  /**
   * Last published forward: a Forward is published when it changes, and an unchanged one again
   * once its as-of time has moved by FORWARD_REFRESH_MS (transform.ts).
   */
  published?: { value: number; source: number; asOfMs: bigint };
}

/** Call and put mids of every strike with both legs on synced books. */
export function parityPairs(expiry: ExpiryState): ParityPair[] {
  const byStrike = new Map<number, { call?: number; put?: number; asOfMs: bigint }>();
  for (const slot of expiry.options.values()) {
    const strike = slot.meta.strike;
    const mid = slot.book.synced ? slot.book.mid() : undefined;
    if (strike === undefined || mid === undefined) continue;
    const entry = byStrike.get(strike) ?? { asOfMs: 0n };
    if (slot.meta.optionType === OptionType.CALL) entry.call = mid;
    else entry.put = mid;
    if (slot.asOfMs > entry.asOfMs) entry.asOfMs = slot.asOfMs;
    byStrike.set(strike, entry);
  }
  const pairs: ParityPair[] = [];
  for (const [strike, e] of byStrike) {
    if (e.call !== undefined && e.put !== undefined)
      pairs.push({ strike, call: e.call, put: e.put, asOfMs: e.asOfMs });
  }
  return pairs;
}

/** Mid of a synced future of the expiry, if any. */
export function futureMid(expiry: ExpiryState): { mid: number; asOfMs: bigint; name: string } | undefined {
  let future: { mid: number; asOfMs: bigint; name: string } | undefined;
  for (const slot of expiry.futures.values()) {
    const mid = slot.book.synced ? slot.book.mid() : undefined;
    if (mid !== undefined) future = { mid, asOfMs: slot.asOfMs, name: slot.meta.name };
  }
  return future;
}

/**
 * The expiry's forward by the precedence of forwards.ts (venue underlying if fresh, else parity at
 * the `parityStrikes` strikes nearest the money, else a synced future's mid).
 */
export function expiryForward(
  expiry: ExpiryState,
  maxVenueAgeMs: number,
  parityStrikes: number,
): ForwardChoice | undefined {
  const future = futureMid(expiry);
  const unit = expiry.options.values().next().value?.meta.priceUnit;
  return chooseForward({
    ...(expiry.venueForward === undefined ? {} : { venue: expiry.venueForward }),
    parity: () => {
      const p = unit === undefined ? undefined : parityFromPairs(parityPairs(expiry), unit, parityStrikes);
      // Parity comes from the synced books as they stand, so it holds as of the expiry's newest
      // event, not as of the last change of the pairs it used: idle at-the-money books (Binance
      // sends no forward and no message for an unchanged book) must not age the forward.
      return p === undefined ? undefined : { value: p.value, asOfMs: max(p.asOfMs, expiry.newestMs) };
    },
    ...(future === undefined ? {} : { future }),
    nowMs: expiry.newestMs,
    maxVenueAgeMs,
  });
}

const max = (a: bigint, b: bigint): bigint => (a > b ? a : b);

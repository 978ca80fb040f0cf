/**
 * Smile state per (venue, currency, expiry), built from VolatilityEvent quote batches: the latest
 * quote of every instrument (a batch upserts its quotes, latest wins, so full and partial batches
 * both work), the expiry's forward and time to expiry from the newest batch, and its fit tracker.
 * Malformed batches and quotes are rejected here (counted as dropped), never stored.
 */
import {
  type ForwardSource,
  PriceUnit,
  type VolatilityEvent,
  type VolQuote,
  type VolQuoteBatch,
} from '@volstream/contracts';
import type { Counts } from './counts.ts';
import { FitTracker } from './fit-tracker.ts';
import { validateQuote } from './quote-filter.ts';

export interface ExpiryState {
  venue: string;
  currency: string;
  expiryMs: bigint;
  quotes: Map<string, VolQuote>;
  forward: number;
  forwardSource: ForwardSource;
  timeYears: number;
  /** Exchange time of the newest batch, epoch ms. */
  lastEventMs: number;
  /** Receive time of that batch's causing venue message. */
  receiveNs: bigint;
  /** Coin-priced (inverse) quotes: premium-adjusted deltas are the natural convention. */
  coinPriced: boolean;
  tracker: FitTracker;
}

/** All expiries of one venue's currency, and its display clock. */
export interface VenueSurfaceState {
  currency: string;
  venue: string;
  expiries: Map<bigint, ExpiryState>;
  /** Newest event time seen for this (currency, venue). */
  clockMs: number;
  lastDisplayTick: number;
  /**
   * Bumped whenever what a surface would show changes (a fit accepted, a smile withdrawn, an expiry
   * expired); a surface is published only when it differs from `publishedVersion`.
   */
  version: number;
  publishedVersion: number;
  /** Expiries in the last published surface: a new smile is shown at once, not at the next tick. */
  shown: Set<bigint>;
  /** ATM vol per expiry of the last published surface (the composite's venue disagreement). */
  publishedAtm: Map<bigint, number>;
}

/** Whether an expiry has a smile that the last published surface did not show. */
export function hasNewSmile(
  entries: Iterable<[bigint, { fit: unknown }]>,
  shown: ReadonlySet<bigint>,
): boolean {
  for (const [expiry, tracker] of entries) if (tracker.fit !== undefined && !shown.has(expiry)) return true;
  return false;
}

export interface DropSink {
  drop(reason: string, context: Record<string, unknown>): void;
}

/** Batch-level checks; the reason it is unusable, or undefined. */
export function validateBatch(event: VolatilityEvent): string | undefined {
  if (event.payload.case !== 'quoteBatch') return 'unknown_payload';
  const b = event.payload.value;
  if (event.header === undefined) return 'no_header';
  if (b.currency === '') return 'invalid_batch';
  if (!(Number.isFinite(b.timeToExpiryYears) && b.timeToExpiryYears > 0)) return 'non_positive_time';
  if (!(Number.isFinite(b.forward) && b.forward > 0)) return 'invalid_forward';
  if (b.expiryMs <= event.header.exchangeTimeMs) return 'expired';
  return undefined;
}

/** Applies a valid batch to the expiry state (creating it on first sight). */
export function applyBatch(
  venueState: VenueSurfaceState,
  b: VolQuoteBatch,
  eventMs: number,
  receiveNs: bigint,
  counts: Counts,
  drops: DropSink,
): ExpiryState {
  let s = venueState.expiries.get(b.expiryMs);
  if (s === undefined) {
    s = {
      venue: venueState.venue,
      currency: b.currency,
      expiryMs: b.expiryMs,
      quotes: new Map(),
      forward: b.forward,
      forwardSource: b.forwardSource,
      timeYears: b.timeToExpiryYears,
      lastEventMs: eventMs,
      receiveNs,
      coinPriced: true,
      tracker: new FitTracker(),
    };
    venueState.expiries.set(b.expiryMs, s);
  }
  if (eventMs >= s.lastEventMs) {
    s.forward = b.forward;
    s.forwardSource = b.forwardSource;
    s.timeYears = b.timeToExpiryYears;
    s.lastEventMs = eventMs;
    s.receiveNs = receiveNs;
  } else counts.add('out_of_order_batches');
  s.tracker.dirty = true;
  let linear = 0;
  for (const q of b.quotes) {
    const bad = validateQuote(q, b.expiryMs);
    if (bad !== undefined) {
      // The newest word on this instrument is unusable: forget the older quote too.
      s.quotes.delete(q.instrumentName);
      drops.drop(bad, {
        venue: s.venue,
        currency: s.currency,
        expiryMs: String(b.expiryMs),
        instrument: q.instrumentName,
      });
      continue;
    }
    if (q.priceUnit === PriceUnit.QUOTE_CURRENCY) linear++;
    s.quotes.set(q.instrumentName, q);
  }
  if (b.quotes.length > 0) s.coinPriced = linear * 2 < b.quotes.length;
  counts.add('quotes_in', b.quotes.length);
  venueState.clockMs = Math.max(venueState.clockMs, eventMs);
  return s;
}

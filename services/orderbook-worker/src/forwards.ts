// Forward per (venue, currency, expiry): the venue's own forward (Deribit `underlying_price`,
// "Underlying price for implied volatility calculations", https://docs.deribit.com/#ticker-instrument_name-interval),
// else put-call parity at the strikes nearest the money, else the mid of the future expiring with
// the options. Parity, undiscounted (zero rates, QUANT.md §1):
//   USD-quoted options:  C - P = F - K        =>  F = K + (C - P)
//   coin-quoted options: C - P = (F - K) / F  =>  F = K / (1 - (C - P))
import { ForwardSource, PriceUnit } from '@volstream/contracts';

export interface VenueForward {
  value: number;
  asOfMs: bigint;
  underlyingIndex: string;
}

/** One strike's call and put mids (price unit of the options). */
export interface ParityPair {
  strike: number;
  call: number;
  put: number;
  asOfMs: bigint;
}

export interface ForwardChoice {
  value: number;
  source: ForwardSource;
  asOfMs: bigint;
  underlyingIndex: string;
}

/** Forward implied by one strike's call and put mids; undefined when the prices allow none. */
export function parityForward(pair: ParityPair, unit: PriceUnit): number | undefined {
  const diff = pair.call - pair.put;
  const f =
    unit === PriceUnit.BASE_COIN ? (diff < 1 ? pair.strike / (1 - diff) : Number.NaN) : pair.strike + diff;
  return Number.isFinite(f) && f > 0 ? f : undefined;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * Parity forward from the `nearest` strikes closest to the money: the forward implied by each
 * strike, a first median over all, then the median of the `nearest` strikes closest to it (wing
 * strikes have wide, tick-bound mids and say little about F).
 */
export function parityFromPairs(
  pairs: readonly ParityPair[],
  unit: PriceUnit,
  nearest: number,
): { value: number; asOfMs: bigint } | undefined {
  const implied: { strike: number; f: number; asOfMs: bigint }[] = [];
  for (const pair of pairs) {
    const f = parityForward(pair, unit);
    if (f !== undefined) implied.push({ strike: pair.strike, f, asOfMs: pair.asOfMs });
  }
  if (implied.length === 0) return undefined;
  const guess = median(implied.map((x) => x.f));
  const near = implied
    .sort((a, b) => Math.abs(a.strike - guess) - Math.abs(b.strike - guess) || a.strike - b.strike)
    .slice(0, Math.max(1, nearest));
  let asOfMs = 0n;
  for (const x of near) if (x.asOfMs > asOfMs) asOfMs = x.asOfMs;
  return { value: median(near.map((x) => x.f)), asOfMs };
}

export interface ForwardInputs {
  venue?: VenueForward;
  parity: () => { value: number; asOfMs: bigint } | undefined;
  future?: { mid: number; asOfMs: bigint; name: string };
  /** Newest exchange time seen for this expiry. */
  nowMs: bigint;
  /** A venue forward older than this (vs nowMs) is not used. */
  maxVenueAgeMs: number;
}

/** The forward by the precedence above, or undefined when no source has one. */
export function chooseForward(x: ForwardInputs): ForwardChoice | undefined {
  if (x.venue !== undefined && x.nowMs - x.venue.asOfMs <= BigInt(x.maxVenueAgeMs)) {
    return {
      value: x.venue.value,
      source: ForwardSource.VENUE_UNDERLYING,
      asOfMs: x.venue.asOfMs,
      underlyingIndex: x.venue.underlyingIndex,
    };
  }
  const parity = x.parity();
  if (parity !== undefined) {
    return {
      value: parity.value,
      source: ForwardSource.PUT_CALL_PARITY,
      asOfMs: parity.asOfMs,
      underlyingIndex: '',
    };
  }
  if (x.future !== undefined) {
    return {
      value: x.future.mid,
      source: ForwardSource.FUTURES,
      asOfMs: x.future.asOfMs,
      underlyingIndex: x.future.name,
    };
  }
  return undefined;
}

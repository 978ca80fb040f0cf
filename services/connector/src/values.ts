import type { DropReason } from './metrics.ts';

/**
 * The one rule for values from a venue (docs/NORMALIZATION.md): a present, usable value is kept;
 * "no value" (null, missing, the venue's sentinel) becomes absent, never an invented default;
 * a present but unusable value (NaN, a string where a number belongs, a negative price) makes the
 * message bad input, rejected with a drop reason.
 */
export interface Rejection {
  readonly rejected: DropReason;
  readonly detail: string;
}

export type Parsed<T> = T | Rejection;

export function isRejection(value: unknown): value is Rejection {
  return typeof value === 'object' && value !== null && 'rejected' in value;
}

export function reject(rejected: DropReason, detail: string): Rejection {
  return { rejected, detail };
}

/** A finite number, else undefined (null, missing, strings, NaN become absent). */
export function finite(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A price or amount where 0 means "none": positive finite, else absent. */
export function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

/** True when a present value is not a usable non-negative number (NaN strings, negatives). */
export function badNonNegative(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  return typeof value !== 'number' || !Number.isFinite(value) || value < 0;
}

export function validTimestamp(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}

/**
 * Marker for a present but unusable value (a message carrying one is bad input). Shared because
 * OKX, Bybit and Binance all send numbers as decimal strings and read them the same way; only
 * what counts as "no value" differs per venue (see `decimalOrEmpty`).
 */
export const BAD = Symbol('bad');

// Number('') and Number(' ') are 0: only accept what looks like a decimal number.
const DECIMAL = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;

/**
 * A venue's decimal string (Binance: prices, quantities, IVs): null or missing → undefined
 * (absent); a decimal string → its number; anything else (a non-numeric string, `""`,
 * NaN/Infinity, a JSON number where the venue sends strings) → BAD.
 */
export function decimalString(value: unknown): number | undefined | typeof BAD {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !DECIMAL.test(value)) return BAD;
  const n = Number(value);
  return Number.isFinite(n) ? n : BAD;
}

/**
 * `decimalString` for venues whose "no value" is also `""` (OKX `bidVol:""` without a bid; Bybit
 * REST rows): `""` → undefined. Binance sends `""` nowhere, so there it stays BAD (a venue rule,
 * not a flag: Binance calls `decimalString`).
 */
export function decimalOrEmpty(value: unknown): number | undefined | typeof BAD {
  // Written out rather than calling decimalString: it runs for every number of every OKX/Bybit
  // frame, and one call level less keeps it as cheap as the venue copies it replaced.
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || !DECIMAL.test(value)) return BAD;
  const n = Number(value);
  return Number.isFinite(n) ? n : BAD;
}

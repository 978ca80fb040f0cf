// Bybit number strings under the connector's missing-value rule (src/values.ts, EXCHANGES.md §0):
// Bybit sends every number as a string, and "no value" as "0" for the quote fields of an option
// ticker (`bidPrice`, `bidSize`, `bidIv` without a bid; the same for the ask). Which fields treat
// "0" as absent is decided in parse.ts; this file only reads strings.
// Docs: https://bybit-exchange.github.io/docs/v5/websocket/public/ticker

/** Marker for a present but unusable value (a message carrying one is bad input). */
export const BAD = Symbol('bad');

const DECIMAL = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;

/**
 * `""`, null or missing → undefined (absent); a decimal string → its number; anything else (a
 * non-numeric string, a JSON number where Bybit sends strings, NaN/Infinity) → BAD.
 */
export function bybitNumber(value: unknown): number | undefined | typeof BAD {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') return BAD;
  // Number(' ') is 0: only accept what looks like a decimal number.
  if (!DECIMAL.test(value)) return BAD;
  const n = Number(value);
  return Number.isFinite(n) ? n : BAD;
}

/** A millisecond timestamp (JSON number on pushes, string on REST rows), or undefined. */
export function bybitTimestamp(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : bybitNumber(value);
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

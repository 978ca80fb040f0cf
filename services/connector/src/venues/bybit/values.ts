// Bybit number strings under the connector's missing-value rule (src/values.ts, EXCHANGES.md §0):
// Bybit sends every number as a string, and "no value" as "0" for the quote fields of an option
// ticker (`bidPrice`, `bidSize`, `bidIv` without a bid; the same for the ask). Which fields treat
// "0" as absent is decided in parse.ts; the decimal-string reading itself is shared
// (`decimalOrEmpty`, `BAD` in src/values.ts).
// Docs: https://bybit-exchange.github.io/docs/v5/websocket/public/ticker

import { BAD, decimalOrEmpty } from '../../values.ts';

export { BAD };

/**
 * `""`, null or missing → undefined (absent); a decimal string → its number; anything else (a
 * non-numeric string, a JSON number where Bybit sends strings, NaN/Infinity) → BAD.
 */
export const bybitNumber: (value: unknown) => number | undefined | typeof BAD = decimalOrEmpty;

/** A millisecond timestamp (JSON number on pushes, string on REST rows), or undefined. */
export function bybitTimestamp(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : bybitNumber(value);
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

// OKX number strings under the connector's missing-value rule (src/values.ts, EXCHANGES.md §0):
// OKX sends every number as a string and "no value" as "" (e.g. `bidVol:""` without a bid).
// The decimal-string reading itself is shared (`decimalOrEmpty`, `BAD` in src/values.ts).
// Docs: https://www.okx.com/docs-v5/en/#overview-websocket

import { BAD, decimalOrEmpty } from '../../values.ts';

export { BAD };

/**
 * `""`, null or missing → undefined (absent); a decimal string → its number; anything else (a
 * non-numeric string, a JSON number where OKX sends strings, NaN/Infinity) → BAD.
 */
export const okxNumber: (value: unknown) => number | undefined | typeof BAD = decimalOrEmpty;

/** A millisecond timestamp string (`ts`, `expTime`), or undefined when not a positive integer. */
export function okxTimestamp(value: unknown): number | undefined {
  const n = okxNumber(value);
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/**
 * Contracts × contract size in coin, rounded at 1e-10 so 3 × 0.1 is 0.3, not 0.30000000000000004.
 * Not shared with Binance's `toCoin`: that one skips the rounding for a unit of 1 (its usual
 * unit), which would change OKX values with more than ten decimals.
 */
export function toCoin(contracts: number, contractSize: number): number {
  return Math.round(contracts * contractSize * 1e10) / 1e10;
}

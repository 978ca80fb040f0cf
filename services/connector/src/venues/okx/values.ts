// OKX number strings under the connector's missing-value rule (src/values.ts, EXCHANGES.md §0):
// OKX sends every number as a string and "no value" as "" (e.g. `bidVol:""` without a bid).
// Docs: https://www.okx.com/docs-v5/en/#overview-websocket

/** Marker for a present but unusable value (a message carrying one is bad input). */
export const BAD = Symbol('bad');

/**
 * `""`, null or missing → undefined (absent); a decimal string → its number; anything else (a
 * non-numeric string, a JSON number where OKX sends strings, NaN/Infinity) → BAD.
 */
export function okxNumber(value: unknown): number | undefined | typeof BAD {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') return BAD;
  // Number('') and Number(' ') are 0: only accept what looks like a decimal number.
  if (!/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(value)) return BAD;
  const n = Number(value);
  return Number.isFinite(n) ? n : BAD;
}

/** A millisecond timestamp string (`ts`, `expTime`), or undefined when not a positive integer. */
export function okxTimestamp(value: unknown): number | undefined {
  const n = okxNumber(value);
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/** Contracts × contract size in coin, rounded at 1e-10 so 3 × 0.1 is 0.3, not 0.30000000000000004. */
export function toCoin(contracts: number, contractSize: number): number {
  return Math.round(contracts * contractSize * 1e10) / 1e10;
}

// Binance number strings under the connector's missing-value rule (src/values.ts, EXCHANGES.md
// §0.2): Binance sends prices, quantities and IVs as strings; an IV without a quote is "-1.0" and
// a best price without a quote "0.000". Docs: https://developers.binance.com/docs/derivatives/option/websocket-market-streams

/** Marker for a present but unusable value (a message carrying one is bad input). */
export const BAD = Symbol('bad');

const DECIMAL = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;

/**
 * null or missing → undefined (absent); a decimal string → its number; anything else (a
 * non-numeric string, "", NaN/Infinity, a JSON number where Binance sends strings) → BAD.
 */
export function binanceNumber(value: unknown): number | undefined | typeof BAD {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !DECIMAL.test(value)) return BAD;
  const n = Number(value);
  return Number.isFinite(n) ? n : BAD;
}

/** A JSON integer field (`E`, `T`, `u`, `pu`, `U`): a non-negative safe integer, else undefined. */
export function binanceInteger(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

/** Contracts × unit in coin, rounded at 1e-10 so 3 × 0.1 is 0.3. */
export function toCoin(contracts: number, unit: number): number {
  return unit === 1 ? contracts : Math.round(contracts * unit * 1e10) / 1e10;
}

// Binance number strings under the connector's missing-value rule (src/values.ts, EXCHANGES.md
// §0.2): Binance sends prices, quantities and IVs as strings; an IV without a quote is "-1.0" and
// a best price without a quote "0.000". Unlike OKX/Bybit, `""` is junk here (BAD): the shared
// `decimalString` (src/values.ts) is exactly that rule.
// Docs: https://developers.binance.com/docs/derivatives/option/websocket-market-streams

import { BAD, decimalString } from '../../values.ts';

export { BAD };

/**
 * null or missing → undefined (absent); a decimal string → its number; anything else (a
 * non-numeric string, "", NaN/Infinity, a JSON number where Binance sends strings) → BAD.
 */
export const binanceNumber: (value: unknown) => number | undefined | typeof BAD = decimalString;

/** A JSON integer field (`E`, `T`, `u`, `pu`, `U`): a non-negative safe integer, else undefined. */
export function binanceInteger(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

/**
 * Contracts × unit in coin, rounded at 1e-10 so 3 × 0.1 is 0.3; a unit of 1 (Binance's usual
 * `unit`) is taken as is. Kept apart from OKX's `toCoin`, which always rounds.
 */
export function toCoin(contracts: number, unit: number): number {
  return unit === 1 ? contracts : Math.round(contracts * unit * 1e10) / 1e10;
}

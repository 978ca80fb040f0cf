// Bybit option instruments the connector follows: rows of REST
// `GET /v5/market/instruments-info?category=option&baseCoin=BTC` (cursor-paged,
// https://bybit-exchange.github.io/docs/v5/market/instrument). Bybit has no listing topic, so the
// list is re-polled (instrument-sync.ts). Rows carry no strike field: it comes from the symbol
// (`BTC-27DEC24-60000-C`, USDT options `BTC-27MAR26-70000-P-USDT`), checked in parse-instrument.ts.
import { InstrumentRegistry } from '../../instrument-registry.ts';
import type { BybitInstrument } from './messages.ts';
import { bybitTimestamp } from './values.ts';

/** What the feed needs per instrument on the hot path. */
export interface BybitInstrumentInfo {
  name: string;
  /** Upper-case base coin, `BTC`. */
  currency: string;
  settleCoin: string;
  /** True when settled in the base coin (Bybit options are not: USDC/USDT, prices in USD). */
  inverse: boolean;
  expiryMs: number;
  strike: number;
  isCall: boolean;
}

const SYMBOL = /^([A-Z0-9]+)-(\d{1,2}[A-Z]{3}\d{2})-(\d+(?:[.d]\d+)?)-([CP])(?:-([A-Z]+))?$/;

/** Parts of a Bybit option symbol, or undefined when it is not one. */
export function parseBybitSymbol(
  symbol: string,
): { base: string; expiryCode: string; strike: number; isCall: boolean; suffix?: string } | undefined {
  const m = SYMBOL.exec(symbol);
  if (m === null) return undefined;
  const strike = Number(m[3]!.replace('d', '.'));
  if (!Number.isFinite(strike) || strike <= 0) return undefined;
  return {
    base: m[1]!,
    expiryCode: m[2]!,
    strike,
    isCall: m[4] === 'C',
    ...(m[5] === undefined ? {} : { suffix: m[5] }),
  };
}

/** Compact view of a validated row (see `validateBybitInstrument` in parse-instrument.ts). */
export function bybitInstrumentInfo(row: BybitInstrument): BybitInstrumentInfo {
  const parts = parseBybitSymbol(row.symbol);
  const currency = row.baseCoin.toUpperCase();
  return {
    name: row.symbol,
    currency,
    settleCoin: row.settleCoin,
    inverse: row.settleCoin.toUpperCase() === currency,
    expiryMs: bybitTimestamp(row.deliveryTime) ?? 0,
    strike: parts?.strike ?? 0,
    isCall: row.optionsType === 'Call',
  };
}

/** Instruments the connector tracks, by venue name (the shared registry, src/instrument-registry.ts). */
export class BybitInstrumentRegistry extends InstrumentRegistry<BybitInstrumentInfo> {}

// Binance option instruments the connector follows: `optionSymbols[]` rows of REST
// `GET /eapi/v1/exchangeInfo` (https://developers.binance.com/docs/derivatives/option/market-data/Exchange-Information).
// Binance options are linear: priced and settled in USDT; one contract is `unit` coins (taken
// from the row, never assumed).
import { InstrumentRegistry } from '../../instrument-registry.ts';
import type { BinanceOptionSymbol } from './messages.ts';

/** What the feed needs per instrument on the hot path. */
export interface BinanceInstrumentInfo {
  /** `BTC-251219-89000-C`. */
  name: string;
  /** `BTCUSDT`. */
  underlying: string;
  /** Upper-case base coin, `BTC`. */
  currency: string;
  /** Coins per contract. */
  unit: number;
  expiryMs: number;
}

/** Compact view of a validated row (see `validateBinanceSymbol` in parse-instrument.ts). */
export function binanceInstrumentInfo(row: BinanceOptionSymbol): BinanceInstrumentInfo {
  return {
    name: row.symbol,
    underlying: row.underlying,
    currency: row.symbol.split('-')[0]!,
    unit: Number(row.unit),
    expiryMs: row.expiryDate,
  };
}

/** Instruments the connector tracks, by venue name (the shared registry, src/instrument-registry.ts). */
export class BinanceInstrumentRegistry extends InstrumentRegistry<BinanceInstrumentInfo> {}

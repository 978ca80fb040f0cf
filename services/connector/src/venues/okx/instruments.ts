// OKX option instruments the connector follows: rows of REST
// `GET /api/v5/public/instruments?instType=OPTION&uly=BTC-USD` (https://www.okx.com/docs-v5/en/#public-data-rest-api-get-instruments)
// and pushes of the `instruments` channel. Evidence: OKX.0.rest_instruments.txt (2022, BTC options
// ctVal 1 × ctMult 0.1) — the contract size is always taken from the row, never assumed.
import { InstrumentRegistry } from '../../instrument-registry.ts';
import type { OkxInstrument } from './messages.ts';
import { okxNumber, okxTimestamp } from './values.ts';

/** What the feed needs per instrument on the hot path. */
export interface OkxInstrumentInfo {
  name: string;
  /** Instrument family / underlying, `BTC-USD`. */
  family: string;
  /** Upper-case base coin, `BTC`. */
  currency: string;
  /** True when settled in the base coin (BTC-USD options): prices in coin. */
  inverse: boolean;
  /** Coin per contract (ctVal × ctMult). */
  contractSize: number;
  expiryMs: number;
}

/** Compact view of a validated row (see `validateOkxInstrument` in parse-instrument.ts). */
export function okxInstrumentInfo(row: OkxInstrument): OkxInstrumentInfo {
  const family = row.instFamily !== undefined && row.instFamily !== '' ? row.instFamily : row.uly;
  const currency = family.split('-')[0]!.toUpperCase();
  const ctVal = okxNumber(row.ctVal);
  const ctMult = okxNumber(row.ctMult);
  const size =
    typeof ctVal === 'number' && typeof ctMult === 'number'
      ? Math.round(ctVal * ctMult * 1e10) / 1e10
      : typeof ctVal === 'number'
        ? ctVal
        : 0;
  return {
    name: row.instId,
    family,
    currency,
    inverse: row.settleCcy === currency,
    contractSize: size,
    expiryMs: okxTimestamp(row.expTime) ?? 0,
  };
}

/** Instruments the connector tracks, by venue name (the shared registry, src/instrument-registry.ts). */
export class OkxInstrumentRegistry extends InstrumentRegistry<OkxInstrumentInfo> {}

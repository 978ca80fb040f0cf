// OKX names and REST instrument rows for the simulated market's options.
// Docs: https://www.okx.com/docs-v5/en/#public-data-rest-api-get-instruments ; real rows in
// ../shared/data/okx_ws_capture_2022-05-13/OKX.0.rest_instruments.txt. Names are
// `BTC-USD-YYMMDD-STRIKE-C|P`; expiry 08:00 UTC; BTC-USD options settle in BTC (inverse),
// one contract is ctVal 1 × ctMult (0.01 BTC, 0.1 ETH), prices in coin with tick 0.0005 (the
// market model's Deribit-style ticks are kept: 0.0001 below 0.005).
import type { Currency, OptionInstrument } from '../deribit/instruments.ts';

export const CONTRACT_MULT: Record<Currency, number> = { BTC: 0.01, ETH: 0.1 };

export function family(currency: Currency): string {
  return `${currency}-USD`;
}

/** `BTC-USD-241227-50000-C` of a market option. */
export function okxName(o: OptionInstrument): string {
  const d = new Date(o.expiry);
  const yymmdd =
    String(d.getUTCFullYear() % 100).padStart(2, '0') +
    String(d.getUTCMonth() + 1).padStart(2, '0') +
    String(d.getUTCDate()).padStart(2, '0');
  return `${family(o.currency)}-${yymmdd}-${o.strike}-${o.isCall ? 'C' : 'P'}`;
}

/** REST row as OKX sends it: every number a string, "" for not applicable. */
export function okxInstrumentRow(
  o: OptionInstrument,
  state: 'live' | 'expired' = 'live',
): Record<string, string> {
  const fam = family(o.currency);
  return {
    alias: '',
    baseCcy: '',
    category: '1',
    ctMult: String(CONTRACT_MULT[o.currency]),
    ctType: '',
    ctVal: '1',
    ctValCcy: o.currency,
    expTime: String(o.expiry),
    instFamily: fam,
    instId: okxName(o),
    instType: 'OPTION',
    lever: '',
    listTime: String(o.creationTimestamp),
    lotSz: '1',
    maxLmtSz: '10000',
    maxMktSz: '5000',
    minSz: '1',
    optType: o.isCall ? 'C' : 'P',
    quoteCcy: '',
    settleCcy: o.currency,
    state,
    stk: String(o.strike),
    tickSz: '0.0001',
    uly: fam,
  };
}

// Binance option symbols and exchangeInfo rows for the simulated market's options.
// Docs: https://developers.binance.com/docs/derivatives/option/market-data/Exchange-Information
// Symbols are `BTC-YYMMDD-STRIKE-C|P` (EXCHANGES.md §4), expiry 08:00 UTC; options are linear:
// priced in USDT (tick 5 USDT for BTC, 0.1 USDT for ETH, as the real prices' scales suggest:
// "1420.000" BTC, "16.6000" ETH), quantities in contracts of `unit` 1 coin, step 0.01.
import type { Currency, OptionInstrument } from '../deribit/instruments.ts';

/** Price tick, USDT. */
export const TICK: Record<Currency, number> = { BTC: 5, ETH: 0.1 };
/** Quantity step (contracts of 1 coin). */
export const QTY_STEP = 0.01;

export function underlying(currency: Currency): string {
  return `${currency}USDT`;
}

/** `BTC-241227-50000-C` of a market option. */
export function binanceName(o: OptionInstrument): string {
  const d = new Date(o.expiry);
  const yymmdd =
    String(d.getUTCFullYear() % 100).padStart(2, '0') +
    String(d.getUTCMonth() + 1).padStart(2, '0') +
    String(d.getUTCDate()).padStart(2, '0');
  return `${o.currency}-${yymmdd}-${o.strike}-${o.isCall ? 'C' : 'P'}`;
}

function decimals(step: number): number {
  return step >= 1 ? 0 : Math.round(-Math.log10(step));
}

/** A price in ticks → the wire string (`"1420.000"` style: the tick's decimals, at least 3). */
export function priceString(ticks: number, currency: Currency): string {
  const d = Math.max(3, decimals(TICK[currency]));
  return (ticks * TICK[currency]).toFixed(d);
}

/** Quantity in hundredths of a contract → `"1.54"`. */
export function qtyString(hundredths: number): string {
  return (hundredths / 100).toFixed(2);
}

/** An `optionSymbols[]` row as Binance sends it (strings for prices, numbers for ids and dates). */
export function binanceSymbolRow(o: OptionInstrument, id: number): Record<string, unknown> {
  const tick = TICK[o.currency];
  return {
    expiryDate: o.expiry,
    filters: [
      {
        filterType: 'PRICE_FILTER',
        minPrice: String(tick),
        maxPrice: String(tick * 200_000),
        tickSize: String(tick),
      },
      { filterType: 'LOT_SIZE', minQty: '0.01', maxQty: '10000', stepSize: String(QTY_STEP) },
    ],
    id,
    symbol: binanceName(o),
    side: o.isCall ? 'CALL' : 'PUT',
    strikePrice: String(o.strike),
    underlying: underlying(o.currency),
    unit: 1,
    makerFeeRate: '0.0002',
    takerFeeRate: '0.0002',
    minQty: '0.01',
    maxQty: '10000',
    initialMargin: '0.15',
    maintenanceMargin: '0.075',
    minInitialMargin: '0.1',
    minMaintenanceMargin: '0.075',
    priceScale: decimals(tick),
    quantityScale: 2,
    quoteAsset: 'USDT',
    status: 'TRADING',
  };
}

/** `optionContracts[]` of exchangeInfo. */
export function binanceContracts(currencies: readonly Currency[]): Record<string, string>[] {
  return currencies.map((c) => ({
    baseAsset: c,
    quoteAsset: 'USDT',
    underlying: underlying(c),
    settleAsset: 'USDT',
  }));
}

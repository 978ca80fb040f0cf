// Bybit option names and REST `instruments-info` rows for the simulated market's options.
// Docs: https://bybit-exchange.github.io/docs/v5/market/instrument ; facts in EXCHANGES.md §3.
// USDC options are named like Deribit's (`BTC-27DEC24-60000-C`: day without a leading zero), expire
// at 08:00 UTC, are priced in USD per coin and sized in coin. Venue conventions kept: BTC tick
// 5 USD and lot 0.01 BTC, ETH tick 0.1 USD and lot 0.1 ETH; every number a string.
import type { Currency, OptionInstrument } from '../deribit/instruments.ts';

export interface BybitSpec {
  /** Price tick, USD. */
  tick: number;
  /** Decimals of a price string. */
  priceDecimals: number;
  /** Order size step, coin. */
  lot: number;
  sizeDecimals: number;
}

export const BYBIT_SPECS: Record<Currency, BybitSpec> = {
  BTC: { tick: 5, priceDecimals: 0, lot: 0.01, sizeDecimals: 2 },
  ETH: { tick: 0.1, priceDecimals: 1, lot: 0.1, sizeDecimals: 1 },
};

/** `BTC-27DEC24-60000-C` of a market option (the Deribit-style name is Bybit's USDC name). */
export function bybitName(o: OptionInstrument): string {
  return o.name;
}

/** The REST row as Bybit sends it. */
export function bybitInstrumentRow(
  o: OptionInstrument,
  status: 'Trading' | 'Delivering' | 'Closed' = 'Trading',
): Record<string, unknown> {
  const spec = BYBIT_SPECS[o.currency];
  return {
    symbol: bybitName(o),
    optionsType: o.isCall ? 'Call' : 'Put',
    status,
    baseCoin: o.currency,
    quoteCoin: 'USD',
    settleCoin: 'USDC',
    launchTime: String(o.creationTimestamp),
    deliveryTime: String(o.expiry),
    deliveryFeeRate: '0.00015',
    priceFilter: {
      minPrice: spec.tick.toFixed(spec.priceDecimals),
      maxPrice: '10000000',
      tickSize: spec.tick.toFixed(spec.priceDecimals),
    },
    lotSizeFilter: {
      maxOrderQty: o.currency === 'BTC' ? '500' : '10000',
      minOrderQty: spec.lot.toFixed(spec.sizeDecimals),
      qtyStep: spec.lot.toFixed(spec.sizeDecimals),
    },
    displayName: '',
  };
}

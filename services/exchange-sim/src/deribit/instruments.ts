/**
 * Simulated Deribit instruments and their `public/get_instruments` rows.
 * https://docs.deribit.com/#public-get_instruments ; field set as in the recorded REST replies
 * (../shared/data/deribit_ws_capture_2021-07-22/DERIBIT.0.rest_get_instruments.txt, 2021 and
 * 2022 rows) plus the current option tick ladder (`tick_size` 0.0001 with `tick_size_steps`
 * 0.0005 above 0.005, Deribit's July 2023 change) and `instrument_type: "reversed"`.
 */
import type { Prng } from '../prng.ts';
import { Book } from './book.ts';
import { type Expiry, futureName, optionName } from './calendar.ts';

export type Currency = 'BTC' | 'ETH';
export const CURRENCIES: readonly Currency[] = ['BTC', 'ETH'];
/** Deribit's expiration_timestamp for perpetuals (year 3000). */
export const PERPETUAL_EXPIRY = 32_503_708_800_000;

interface InstrumentBase {
  name: string;
  currency: Currency;
  expiry: number;
  period: Expiry['period'] | 'perpetual';
  instrumentId: number;
  creationTimestamp: number;
  book: Book;
  state: 'open' | 'closed';
  /** Whether the book has been filled (lazily, once the instrument has a price). */
  booted: boolean;
  /** Coin price (options) or USD price (futures). */
  mark: number;
  openInterest: number;
  settlementPrice: number;
  lastPrice: number | null;
  volume: number | null;
  /** Sim time of the last published update (for the per-instrument minimum interval). */
  lastUpdate: number;
  /** Step index at which the bid/ask IVs were last computed, and the values. */
  ivStep: number;
  bidIv: number;
  askIv: number;
}

export interface OptionInstrument extends InstrumentBase {
  kind: 'option';
  strike: number;
  isCall: boolean;
  depth: number;
  markIv: number;
  forward: number;
  years: number;
  delta: number;
  gamma: number;
  vega: number;
  theta: number;
  rho: number;
}

export interface FutureInstrument extends InstrumentBase {
  kind: 'future';
}

export type Instrument = OptionInstrument | FutureInstrument;

export function makeOption(
  currency: Currency,
  exp: Expiry,
  strike: number,
  isCall: boolean,
  ids: { instrumentId: number; creationTimestamp: number },
  base: Prng,
): OptionInstrument {
  const name = optionName(currency, exp.timestamp, strike, isCall);
  // A stream per instrument: its book does not depend on which other books were touched first.
  const prng = base.fork(name);
  return {
    kind: 'option',
    name,
    currency,
    expiry: exp.timestamp,
    period: exp.period,
    strike,
    isCall,
    ...ids,
    book: new Book(0.0001, 10_000_000_000 + Math.floor(prng.next() * 30_000_000_000), prng),
    state: 'open',
    booted: false,
    depth: 1 + Math.floor(prng.next() * 5),
    mark: 0,
    markIv: 0,
    forward: 0,
    years: 0,
    delta: 0,
    gamma: 0,
    vega: 0,
    theta: 0,
    rho: 0,
    openInterest: Math.round(prng.next() * (currency === 'BTC' ? 500 : 5000)) / 10,
    settlementPrice: 0,
    lastPrice: null,
    volume: null,
    lastUpdate: Number.NEGATIVE_INFINITY,
    ivStep: -1,
    bidIv: 0,
    askIv: 0,
  };
}

export function makeFuture(
  currency: Currency,
  expiry: number,
  period: FutureInstrument['period'],
  ids: { instrumentId: number; creationTimestamp: number },
  base: Prng,
): FutureInstrument {
  const name = period === 'perpetual' ? `${currency}-PERPETUAL` : futureName(currency, expiry);
  const prng = base.fork(name);
  return {
    kind: 'future',
    name,
    currency,
    expiry,
    period,
    ...ids,
    book: new Book(currency === 'BTC' ? 0.5 : 0.05, 20_000_000_000 + Math.floor(prng.next() * 1e10), prng),
    state: 'open',
    booted: false,
    mark: 0,
    openInterest: Math.round(prng.next() * 1e8),
    settlementPrice: 0,
    lastPrice: null,
    volume: null,
    lastUpdate: Number.NEGATIVE_INFINITY,
    ivStep: -1,
    bidIv: 0,
    askIv: 0,
  };
}

/** One `public/get_instruments` row, keys in Deribit's order. */
export function instrumentRow(inst: Instrument): Record<string, unknown> {
  if (inst.kind === 'option') {
    return {
      tick_size_steps: [{ above_price: 0.005, tick_size: 0.0005 }],
      tick_size: 0.0001,
      taker_commission: 0.0003,
      strike: inst.strike,
      settlement_period: inst.period,
      settlement_currency: inst.currency,
      rfq: false,
      quote_currency: inst.currency,
      price_index: `${inst.currency.toLowerCase()}_usd`,
      option_type: inst.isCall ? 'call' : 'put',
      min_trade_amount: inst.currency === 'BTC' ? 0.1 : 1,
      maker_commission: 0.0003,
      kind: 'option',
      is_active: inst.state === 'open',
      instrument_type: 'reversed',
      instrument_name: inst.name,
      instrument_id: inst.instrumentId,
      expiration_timestamp: inst.expiry,
      creation_timestamp: inst.creationTimestamp,
      counter_currency: 'USD',
      contract_size: 1.0,
      block_trade_tick_size: 0.0001,
      block_trade_min_trade_amount: 25,
      block_trade_commission: 0.0003,
      base_currency: inst.currency,
    };
  }
  const btc = inst.currency === 'BTC';
  return {
    tick_size: btc ? 0.5 : 0.05,
    taker_commission: 0.0005,
    settlement_period: inst.period,
    settlement_currency: inst.currency,
    rfq: false,
    quote_currency: 'USD',
    price_index: `${inst.currency.toLowerCase()}_usd`,
    min_trade_amount: btc ? 10 : 1,
    max_liquidation_commission: btc ? 0.0075 : 0.009,
    max_leverage: btc ? 50 : 50,
    maker_commission: 0.0,
    kind: 'future',
    is_active: inst.state === 'open',
    instrument_type: 'reversed',
    instrument_name: inst.name,
    instrument_id: inst.instrumentId,
    future_type: 'reversed',
    expiration_timestamp: inst.expiry,
    creation_timestamp: inst.creationTimestamp,
    counter_currency: 'USD',
    contract_size: btc ? 10 : 1,
    block_trade_tick_size: 0.01,
    block_trade_min_trade_amount: btc ? 200000 : 100000,
    block_trade_commission: 0.00025,
    base_currency: inst.currency,
  };
}

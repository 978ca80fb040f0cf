// Pure mapping of Binance option symbols (REST `GET /eapi/v1/exchangeInfo` `optionSymbols[]`) to
// Instrument contract events. Docs: https://developers.binance.com/docs/derivatives/option/market-data/Exchange-Information
// Units: linear options, prices in the quote asset (USDT: PRICE_UNIT_QUOTE_CURRENCY), amounts in
// coin (AMOUNT_UNIT_BASE_COIN: contracts × `unit`); expiry `expiryDate` ms (08:00 UTC).
import { create } from '@bufbuild/protobuf';
import {
  AmountUnit,
  ContractType,
  InstrumentKind,
  InstrumentState,
  type MarketDataEvent,
  MarketDataEventSchema,
  newHeader,
  OptionType,
  PriceUnit,
} from '@volstream/contracts';
import { fastEventId } from '../../event-id.ts';
import { type Rejection, reject } from '../../values.ts';
import { binanceInstrumentInfo } from './instruments.ts';
import type { BinanceOptionSymbol } from './messages.ts';
import { binanceNumber, toCoin } from './values.ts';

export const VENUE = 'binance';

export interface ParseContext {
  /** Id of this connector process instance, e.g. `connector-binance-0`. */
  producerId: string;
}

const STATES: Record<string, InstrumentState> = {
  PENDING_TRADING: InstrumentState.CREATED,
  TRADING: InstrumentState.OPEN,
  CLOSE: InstrumentState.CLOSED,
};

export function binanceState(status: unknown): InstrumentState {
  // exchangeInfo lists tradable symbols; rows without a status are trading.
  if (status === undefined) return InstrumentState.OPEN;
  return typeof status === 'string'
    ? (STATES[status] ?? InstrumentState.UNSPECIFIED)
    : InstrumentState.UNSPECIFIED;
}

const SYMBOL = /^([A-Z0-9]+)-(\d{6})-(\d+(?:\.\d+)?)-([CP])$/;

function filter(row: BinanceOptionSymbol, type: string, field: 'tickSize' | 'minQty'): number | undefined {
  const f = row.filters.find((x) => typeof x === 'object' && x !== null && x.filterType === type);
  const v = binanceNumber(f?.[field]);
  return typeof v === 'number' && v > 0 ? v : undefined;
}

/** Checks the fields the connector relies on for an option row. */
export function validateBinanceSymbol(row: unknown): Rejection | undefined {
  if (typeof row !== 'object' || row === null) return reject('bad_value', 'option symbol is not an object');
  const r = row as Partial<BinanceOptionSymbol>;
  if (typeof r.symbol !== 'string') return reject('bad_value', 'symbol');
  const m = SYMBOL.exec(r.symbol);
  if (m === null) return reject('bad_value', `symbol ${r.symbol}`);
  const name = r.symbol;
  if (typeof r.underlying !== 'string' || !r.underlying.startsWith(m[1]!)) {
    return reject('bad_value', `underlying ${String(r.underlying)} of ${name}`);
  }
  if (r.side !== (m[4] === 'C' ? 'CALL' : 'PUT'))
    return reject('bad_value', `side ${String(r.side)} of ${name}`);
  const strike = binanceNumber(r.strikePrice);
  if (typeof strike !== 'number' || strike <= 0) return reject('bad_value', `strikePrice of ${name}`);
  if (typeof r.expiryDate !== 'number' || !Number.isSafeInteger(r.expiryDate) || r.expiryDate <= 0) {
    return reject('bad_value', `expiryDate of ${name}`);
  }
  const unit = typeof r.unit === 'string' ? binanceNumber(r.unit) : r.unit;
  if (typeof unit !== 'number' || !Number.isFinite(unit) || unit <= 0)
    return reject('bad_value', `unit of ${name}`);
  if (typeof r.quoteAsset !== 'string' || r.quoteAsset === '')
    return reject('bad_value', `quoteAsset of ${name}`);
  if (!Array.isArray(r.filters)) return reject('bad_value', `filters of ${name}`);
  if (filter(r as BinanceOptionSymbol, 'PRICE_FILTER', 'tickSize') === undefined) {
    return reject('bad_value', `PRICE_FILTER tickSize of ${name}`);
  }
  return undefined;
}

/**
 * A validated option row → Instrument event. Rows carry no listing time: the exchange time is the
 * exchangeInfo reply's `serverTime` (when the venue listed it as tradable).
 */
export function parseBinanceInstrument(
  row: BinanceOptionSymbol,
  receiveNs: bigint,
  ctx: ParseContext,
  serverTimeMs = 0,
): MarketDataEvent {
  const info = binanceInstrumentInfo(row);
  const tick = filter(row, 'PRICE_FILTER', 'tickSize')!;
  const minQty = binanceNumber(row.minQty) ?? filter(row, 'LOT_SIZE', 'minQty');
  return create(MarketDataEventSchema, {
    header: newHeader({
      venue: VENUE,
      producerId: ctx.producerId,
      eventId: fastEventId(VENUE, 'instrument', row.symbol, info.expiryMs, String(tick)),
      exchangeTimeMs: serverTimeMs,
      receiveTimeNs: receiveNs,
    }),
    payload: {
      case: 'instrument',
      value: {
        instrumentName: row.symbol,
        kind: InstrumentKind.OPTION,
        currency: info.currency,
        underlying: row.underlying,
        quoteCurrency: row.quoteAsset,
        settlementCurrency: row.quoteAsset,
        contractType: ContractType.LINEAR,
        priceUnit: PriceUnit.QUOTE_CURRENCY,
        amountUnit: AmountUnit.BASE_COIN,
        strike: Number(row.strikePrice),
        expiryMs: BigInt(info.expiryMs),
        optionType: row.side === 'CALL' ? OptionType.CALL : OptionType.PUT,
        tickSize: tick,
        tickSizeSteps: [],
        contractSize: info.unit,
        ...(typeof minQty === 'number' ? { minTradeAmount: toCoin(minQty, info.unit) } : {}),
        state: binanceState(row.status),
        venue: VENUE,
      },
    },
  });
}

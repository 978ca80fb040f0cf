// Pure mapping of Bybit option instrument rows (REST `GET /v5/market/instruments-info?category=option`)
// to Instrument contract events. Docs: https://bybit-exchange.github.io/docs/v5/market/instrument ;
// facts in EXCHANGES.md §3. Units: Bybit options are linear (USDC or USDT settled), priced in the
// quote currency per 1 coin (PRICE_UNIT_QUOTE_CURRENCY) with sizes in coin (contract size 1,
// AMOUNT_UNIT_BASE_COIN). The strike comes from the symbol (rows have no strike field) and the
// expiry from `deliveryTime` (08:00 UTC).
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
import { bybitInstrumentInfo, parseBybitSymbol } from './instruments.ts';
import type { BybitInstrument } from './messages.ts';
import { bybitNumber, bybitTimestamp } from './values.ts';

export const VENUE = 'bybit';

export interface ParseContext {
  /** Id of this connector process instance, e.g. `connector-bybit-0`. */
  producerId: string;
}

const STATES: Record<string, InstrumentState> = {
  PreLaunch: InstrumentState.CREATED,
  Trading: InstrumentState.OPEN,
  Delivering: InstrumentState.CLOSED,
  Closed: InstrumentState.CLOSED,
};

export function bybitState(status: unknown): InstrumentState {
  return typeof status === 'string'
    ? (STATES[status] ?? InstrumentState.UNSPECIFIED)
    : InstrumentState.UNSPECIFIED;
}

/** Checks the fields the connector relies on for an option row. */
export function validateBybitInstrument(row: unknown): Rejection | undefined {
  if (typeof row !== 'object' || row === null) return reject('bad_value', 'instrument row is not an object');
  const r = row as Partial<BybitInstrument>;
  if (typeof r.symbol !== 'string' || r.symbol === '') return reject('bad_value', 'symbol');
  const name = r.symbol;
  const parts = parseBybitSymbol(name);
  if (parts === undefined) return reject('bad_value', `symbol ${name} is not an option symbol`);
  if (typeof r.baseCoin !== 'string' || r.baseCoin.toUpperCase() !== parts.base) {
    return reject('bad_value', `baseCoin ${String(r.baseCoin)} of ${name}`);
  }
  if (r.optionsType !== 'Call' && r.optionsType !== 'Put') {
    return reject('bad_value', `optionsType ${String(r.optionsType)} of ${name}`);
  }
  if ((r.optionsType === 'Call') !== parts.isCall)
    return reject('bad_value', `optionsType vs symbol of ${name}`);
  if (bybitTimestamp(r.deliveryTime) === undefined) return reject('bad_value', `deliveryTime of ${name}`);
  if (typeof r.settleCoin !== 'string' || r.settleCoin === '')
    return reject('bad_value', `settleCoin of ${name}`);
  const tick = bybitNumber(r.priceFilter?.tickSize);
  if (typeof tick !== 'number' || tick <= 0) return reject('bad_value', `tickSize of ${name}`);
  const min = bybitNumber(r.lotSizeFilter?.minOrderQty);
  if (min !== undefined && (typeof min !== 'number' || min < 0)) {
    return reject('bad_value', `minOrderQty of ${name}`);
  }
  return undefined;
}

/** A validated option row -> Instrument event. */
export function parseBybitInstrument(
  row: BybitInstrument,
  receiveNs: bigint,
  ctx: ParseContext,
): MarketDataEvent {
  const info = bybitInstrumentInfo(row);
  const launched = bybitTimestamp(row.launchTime);
  const minQty = bybitNumber(row.lotSizeFilter.minOrderQty);
  const tickSize = Number(row.priceFilter.tickSize);
  return create(MarketDataEventSchema, {
    header: newHeader({
      venue: VENUE,
      producerId: ctx.producerId,
      eventId: fastEventId(VENUE, 'instrument', row.symbol, info.expiryMs, row.priceFilter.tickSize),
      exchangeTimeMs: launched ?? 0,
      receiveTimeNs: receiveNs,
    }),
    payload: {
      case: 'instrument',
      value: {
        instrumentName: row.symbol,
        kind: InstrumentKind.OPTION,
        currency: info.currency,
        underlying: info.currency,
        quoteCurrency: row.quoteCoin ?? '',
        settlementCurrency: row.settleCoin,
        contractType: info.inverse ? ContractType.INVERSE : ContractType.LINEAR,
        priceUnit: info.inverse ? PriceUnit.BASE_COIN : PriceUnit.QUOTE_CURRENCY,
        amountUnit: AmountUnit.BASE_COIN,
        strike: info.strike,
        expiryMs: BigInt(info.expiryMs),
        optionType: info.isCall ? OptionType.CALL : OptionType.PUT,
        tickSize,
        tickSizeSteps: [],
        // One Bybit option contract is one coin: sizes are sent in coin.
        contractSize: 1,
        ...(typeof minQty === 'number' ? { minTradeAmount: minQty } : {}),
        state: bybitState(row.status),
        ...(launched === undefined ? {} : { creationTimeMs: BigInt(launched) }),
        venue: VENUE,
      },
    },
  });
}

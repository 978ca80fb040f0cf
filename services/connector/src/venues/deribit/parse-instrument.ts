// Pure mapping of Deribit `public/get_instruments` rows to Instrument contract events.
// Docs: https://docs.deribit.com/#public-get_instruments ; evidence: the recorded 2021 replies in
// ../shared/data/deribit_ws_capture_2021-07-22/DERIBIT.0.rest_get_instruments.txt (BTC, ETH, SOL
// and USDC rows; 2021 BTC/ETH rows have no settlement_currency, instrument_type or price_index).
// Units: inverse options are priced in coin (PRICE_UNIT_BASE_COIN) and sized in coin; inverse
// futures are priced in USD and sized in USD notional; linear instruments are sized in coin.
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
import { finite, positive, type Rejection, reject, validTimestamp } from '../../values.ts';
import type { InstrumentInfo } from './instruments.ts';
import type { DeribitInstrument } from './messages.ts';

export const VENUE = 'deribit';

export interface ParseContext {
  /** Id of this connector process instance, e.g. `connector-deribit-0`. */
  producerId: string;
}

function settlementOf(row: DeribitInstrument): string {
  if (typeof row.settlement_currency === 'string') return row.settlement_currency;
  const style = row.future_type ?? row.instrument_type;
  return style === 'linear' ? row.quote_currency : row.base_currency;
}

/** Compact hot-path view of an instrument row (see InstrumentInfo). */
export function instrumentInfo(row: DeribitInstrument, shard: number): InstrumentInfo {
  return {
    name: row.instrument_name,
    kind: row.kind,
    currency: row.base_currency.toUpperCase(),
    inverse: settlementOf(row) === row.base_currency,
    expiryMs: row.settlement_period === 'perpetual' ? 0 : row.expiration_timestamp,
    shard,
  };
}

/** Checks the fields the connector relies on; the rest is optional and mapped when present. */
export function validateInstrument(row: unknown): Rejection | undefined {
  if (typeof row !== 'object' || row === null) return reject('bad_value', 'instrument row is not an object');
  const r = row as Partial<DeribitInstrument>;
  if (typeof r.instrument_name !== 'string' || r.instrument_name === '')
    return reject('bad_value', 'instrument_name');
  if (
    typeof r.kind !== 'string' ||
    typeof r.base_currency !== 'string' ||
    typeof r.quote_currency !== 'string'
  ) {
    return reject('bad_value', `kind/base/quote of ${r.instrument_name}`);
  }
  if (!validTimestamp(r.expiration_timestamp))
    return reject('bad_value', `expiration_timestamp of ${r.instrument_name}`);
  if (positive(r.tick_size) === undefined || positive(r.contract_size) === undefined) {
    return reject('bad_value', `tick_size/contract_size of ${r.instrument_name}`);
  }
  if (
    r.kind === 'option' &&
    (positive(r.strike) === undefined || (r.option_type !== 'call' && r.option_type !== 'put'))
  ) {
    return reject('bad_value', `strike/option_type of ${r.instrument_name}`);
  }
  return undefined;
}

function instrumentKind(row: DeribitInstrument): InstrumentKind {
  if (row.kind === 'option') return InstrumentKind.OPTION;
  if (row.kind === 'future') {
    return row.settlement_period === 'perpetual' ? InstrumentKind.PERPETUAL : InstrumentKind.FUTURE;
  }
  if (row.kind === 'spot') return InstrumentKind.SPOT;
  return InstrumentKind.UNSPECIFIED;
}

/** `public/get_instruments` row -> Instrument event (call `validateInstrument` first). */
export function parseInstrument(
  row: DeribitInstrument,
  receiveNs: bigint,
  ctx: ParseContext,
): MarketDataEvent {
  const settlement = settlementOf(row);
  const inverse = settlement === row.base_currency;
  const option = row.kind === 'option';
  const perpetual = row.settlement_period === 'perpetual';
  const created = finite(row.creation_timestamp);
  return create(MarketDataEventSchema, {
    header: newHeader({
      venue: VENUE,
      producerId: ctx.producerId,
      eventId: fastEventId(VENUE, 'instrument', row.instrument_name, row.expiration_timestamp, row.tick_size),
      // The listing time is the venue's own time for this fact; 0 when the row does not say.
      exchangeTimeMs: created ?? 0,
      receiveTimeNs: receiveNs,
    }),
    payload: {
      case: 'instrument',
      value: {
        instrumentName: row.instrument_name,
        kind: instrumentKind(row),
        currency: row.base_currency.toUpperCase(),
        underlying: row.price_index ?? `${row.base_currency.toLowerCase()}_usd`,
        quoteCurrency: row.quote_currency,
        settlementCurrency: settlement,
        contractType: inverse ? ContractType.INVERSE : ContractType.LINEAR,
        priceUnit: option && inverse ? PriceUnit.BASE_COIN : PriceUnit.QUOTE_CURRENCY,
        amountUnit: option || !inverse ? AmountUnit.BASE_COIN : AmountUnit.QUOTE_CURRENCY,
        ...(option && row.strike !== undefined ? { strike: row.strike } : {}),
        ...(perpetual ? {} : { expiryMs: BigInt(row.expiration_timestamp) }),
        optionType:
          row.option_type === 'call'
            ? OptionType.CALL
            : row.option_type === 'put'
              ? OptionType.PUT
              : OptionType.UNSPECIFIED,
        tickSize: row.tick_size,
        tickSizeSteps: (row.tick_size_steps ?? []).map((s) => ({
          abovePrice: s.above_price,
          tickSize: s.tick_size,
        })),
        contractSize: row.contract_size,
        ...(finite(row.min_trade_amount) === undefined ? {} : { minTradeAmount: row.min_trade_amount }),
        state: row.is_active ? InstrumentState.OPEN : InstrumentState.DEACTIVATED,
        ...(created === undefined ? {} : { creationTimeMs: BigInt(created) }),
        venue: VENUE,
      },
    },
  });
}

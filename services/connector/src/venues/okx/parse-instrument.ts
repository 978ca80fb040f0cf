// Pure mapping of OKX option instrument rows (REST `GET /api/v5/public/instruments`, the
// `instruments` channel) to Instrument contract events.
// Docs: https://www.okx.com/docs-v5/en/#public-data-rest-api-get-instruments ; evidence:
// ../shared/data/okx_ws_capture_2022-05-13/OKX.0.rest_instruments.txt (3,480 real OPTION rows).
// Units: BTC-USD options settle in BTC (inverse) and are priced in coin (PRICE_UNIT_BASE_COIN);
// amounts are normalised to coin (AMOUNT_UNIT_BASE_COIN: contracts × ctVal × ctMult).
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
import { okxInstrumentInfo } from './instruments.ts';
import type { OkxInstrument } from './messages.ts';
import { okxNumber, okxTimestamp, toCoin } from './values.ts';

export const VENUE = 'okx';

export interface ParseContext {
  /** Id of this connector process instance, e.g. `connector-okx-0`. */
  producerId: string;
}

const STATES: Record<string, InstrumentState> = {
  preopen: InstrumentState.CREATED,
  live: InstrumentState.OPEN,
  suspend: InstrumentState.DEACTIVATED,
  expired: InstrumentState.CLOSED,
};

export function okxState(state: unknown): InstrumentState {
  return typeof state === 'string'
    ? (STATES[state] ?? InstrumentState.UNSPECIFIED)
    : InstrumentState.UNSPECIFIED;
}

/** Checks the fields the connector relies on for an OPTION row. */
export function validateOkxInstrument(row: unknown): Rejection | undefined {
  if (typeof row !== 'object' || row === null) return reject('bad_value', 'instrument row is not an object');
  const r = row as Partial<OkxInstrument>;
  if (typeof r.instId !== 'string' || r.instId === '') return reject('bad_value', 'instId');
  const name = r.instId;
  if (r.instType !== 'OPTION') return reject('bad_value', `instType ${String(r.instType)} of ${name}`);
  const family = r.instFamily !== undefined && r.instFamily !== '' ? r.instFamily : r.uly;
  if (typeof family !== 'string' || !/^[A-Z0-9]+-[A-Z0-9_]+$/.test(family)) {
    return reject('bad_value', `uly/instFamily of ${name}`);
  }
  if (okxTimestamp(r.expTime) === undefined) return reject('bad_value', `expTime of ${name}`);
  for (const field of ['tickSz', 'ctVal', 'stk'] as const) {
    const v = okxNumber(r[field]);
    if (typeof v !== 'number' || v <= 0)
      return reject('bad_value', `${field} ${String(r[field])} of ${name}`);
  }
  const mult = okxNumber(r.ctMult);
  if (mult !== undefined && (typeof mult !== 'number' || mult <= 0)) {
    return reject('bad_value', `ctMult ${String(r.ctMult)} of ${name}`);
  }
  if (r.optType !== 'C' && r.optType !== 'P') return reject('bad_value', `optType of ${name}`);
  if (typeof r.settleCcy !== 'string') return reject('bad_value', `settleCcy of ${name}`);
  return undefined;
}

/** A validated OPTION row -> Instrument event. */
export function parseOkxInstrument(
  row: OkxInstrument,
  receiveNs: bigint,
  ctx: ParseContext,
): MarketDataEvent {
  const info = okxInstrumentInfo(row);
  const listed = okxTimestamp(row.listTime);
  const minSz = okxNumber(row.minSz);
  const quote = info.family.split('-')[1] ?? '';
  return create(MarketDataEventSchema, {
    header: newHeader({
      venue: VENUE,
      producerId: ctx.producerId,
      eventId: fastEventId(VENUE, 'instrument', row.instId, info.expiryMs, row.tickSz),
      exchangeTimeMs: listed ?? 0,
      receiveTimeNs: receiveNs,
    }),
    payload: {
      case: 'instrument',
      value: {
        instrumentName: row.instId,
        kind: InstrumentKind.OPTION,
        currency: info.currency,
        underlying: info.family,
        quoteCurrency: row.quoteCcy !== '' ? row.quoteCcy : quote,
        settlementCurrency: row.settleCcy,
        contractType: info.inverse ? ContractType.INVERSE : ContractType.LINEAR,
        priceUnit: info.inverse ? PriceUnit.BASE_COIN : PriceUnit.QUOTE_CURRENCY,
        amountUnit: AmountUnit.BASE_COIN,
        strike: Number(row.stk),
        expiryMs: BigInt(info.expiryMs),
        optionType: row.optType === 'C' ? OptionType.CALL : OptionType.PUT,
        tickSize: Number(row.tickSz),
        tickSizeSteps: [],
        contractSize: info.contractSize,
        ...(typeof minSz === 'number' ? { minTradeAmount: toCoin(minSz, info.contractSize) } : {}),
        state: okxState(row.state),
        ...(listed === undefined ? {} : { creationTimeMs: BigInt(listed) }),
        venue: VENUE,
      },
    },
  });
}

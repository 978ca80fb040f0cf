// Small hand-made marketdata events for the order-book worker's unit tests (contract shapes as the
// connector publishes them; see services/connector/src/venues/deribit/parse.ts).
import { create } from '@bufbuild/protobuf';
import {
  BookAction,
  eventId,
  InstrumentKind,
  type MarketDataEvent,
  MarketDataEventSchema,
  newHeader,
  OptionType,
  PriceUnit,
} from '@volstream/contracts';

export const EXPIRY = 1_774_598_400_000n; // 2026-03-27 08:00 UTC
export const T0 = 1_772_000_000_000;
let receive = 1_772_000_000_000_000_000n;

type Payload = MarketDataEvent['payload'];

export function md(payload: Payload, timeMs: number, venue = 'deribit', sequence = 0): MarketDataEvent {
  receive += 1_000_000n;
  return create(MarketDataEventSchema, {
    header: newHeader({
      venue,
      producerId: 'test',
      eventId: eventId('test', payload.case, timeMs, receive),
      exchangeTimeMs: timeMs,
      receiveTimeNs: receive,
      sourceSequence: sequence,
      publishTimeNs: 0n,
    }),
    payload,
  });
}

export function option(name: string, strike: number, call: boolean, expiryMs = EXPIRY): MarketDataEvent {
  return md(
    {
      case: 'instrument',
      value: {
        instrumentName: name,
        kind: InstrumentKind.OPTION,
        currency: 'BTC',
        underlying: 'btc_usd',
        quoteCurrency: 'BTC',
        settlementCurrency: 'BTC',
        priceUnit: PriceUnit.BASE_COIN,
        strike,
        expiryMs,
        optionType: call ? OptionType.CALL : OptionType.PUT,
        tickSize: 0.0001,
        tickSizeSteps: [{ abovePrice: 0.005, tickSize: 0.0005 }],
        contractSize: 1,
        venue: 'deribit',
      },
    } as Payload,
    T0,
  );
}

export function future(name: string, expiryMs = EXPIRY): MarketDataEvent {
  return md(
    {
      case: 'instrument',
      value: {
        instrumentName: name,
        kind: InstrumentKind.FUTURE,
        currency: 'BTC',
        priceUnit: PriceUnit.QUOTE_CURRENCY,
        expiryMs,
        tickSize: 2.5,
        contractSize: 10,
        venue: 'deribit',
      },
    } as Payload,
    T0,
  );
}

export type Level = [number, number];

export function snapshot(
  name: string,
  bids: Level[],
  asks: Level[],
  changeId: number,
  timeMs = T0,
): MarketDataEvent {
  return md(
    {
      case: 'bookSnapshot',
      value: {
        instrumentName: name,
        bids: bids.map(([price, amount]) => ({ price, amount })),
        asks: asks.map(([price, amount]) => ({ price, amount })),
        changeId: BigInt(changeId),
      },
    } as Payload,
    timeMs,
    'deribit',
    changeId,
  );
}

type Update = ['new' | 'change' | 'delete', number, number];
const ACTION = { new: BookAction.NEW, change: BookAction.CHANGE, delete: BookAction.DELETE };

export function delta(
  name: string,
  prev: number,
  changeId: number,
  bids: Update[],
  asks: Update[],
  timeMs = T0,
): MarketDataEvent {
  const up = (u: Update) => ({ action: ACTION[u[0]], price: u[1], amount: u[2] });
  return md(
    {
      case: 'bookDelta',
      value: {
        instrumentName: name,
        bids: bids.map(up),
        asks: asks.map(up),
        changeId: BigInt(changeId),
        prevChangeId: BigInt(prev),
      },
    } as Payload,
    timeMs,
    'deribit',
    changeId,
  );
}

export function ticker(name: string, fields: Record<string, number | string>, timeMs = T0): MarketDataEvent {
  return md(
    { case: 'ticker', value: { instrumentName: name, priceUnit: PriceUnit.BASE_COIN, ...fields } } as Payload,
    timeMs,
  );
}

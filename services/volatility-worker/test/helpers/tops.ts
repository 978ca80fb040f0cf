// Hand-made orderbook events (BookTop, Forward) for the volatility worker's unit tests.
import { create } from '@bufbuild/protobuf';
import {
  eventId,
  ForwardSource,
  InstrumentKind,
  newHeader,
  OptionType,
  type OrderBookEvent,
  OrderBookEventSchema,
  PriceUnit,
} from '@volstream/contracts';

export const DAY_MS = 86_400_000;
export const T0 = 1_772_000_000_000;
let receive = 1_772_000_000_000_000_000n;

function header(kind: string, timeMs: number, key: string) {
  receive += 1_000n;
  return newHeader({
    venue: 'deribit',
    producerId: 'test',
    eventId: eventId('test', kind, key, timeMs, receive),
    exchangeTimeMs: timeMs,
    receiveTimeNs: receive,
    publishTimeNs: 0n,
  });
}

export interface TopSpec {
  name: string;
  strike: number;
  call: boolean;
  expiryMs: number;
  timeMs: number;
  bid?: number;
  ask?: number;
  mark?: number;
  synced?: boolean;
  tick?: number;
  venueMarkIv?: number;
  kind?: InstrumentKind;
  /** Prices in USD (linear venues) instead of coin. */
  usd?: boolean;
}

export function top(s: TopSpec): OrderBookEvent {
  return create(OrderBookEventSchema, {
    header: header('top', s.timeMs, s.name),
    payload: {
      case: 'bookTop',
      value: {
        instrumentName: s.name,
        currency: 'BTC',
        kind: s.kind ?? InstrumentKind.OPTION,
        expiryMs: BigInt(s.expiryMs),
        ...(Number.isNaN(s.strike) ? {} : { strike: s.strike }),
        optionType: s.call ? OptionType.CALL : OptionType.PUT,
        priceUnit: s.usd ? PriceUnit.QUOTE_CURRENCY : PriceUnit.BASE_COIN,
        bids: s.bid === undefined ? [] : [{ price: s.bid, amount: 1 }],
        asks: s.ask === undefined ? [] : [{ price: s.ask, amount: 2 }],
        depth: 10,
        synced: s.synced ?? true,
        ...(s.mark === undefined ? {} : { markPrice: s.mark }),
        ...(s.tick === undefined ? {} : { tickSize: s.tick }),
        ...(s.venueMarkIv === undefined ? {} : { venueMarkIv: s.venueMarkIv }),
      },
    },
  });
}

export function fwd(value: number, expiryMs: number, timeMs: number, asOfMs = timeMs): OrderBookEvent {
  return create(OrderBookEventSchema, {
    header: header('fwd', timeMs, String(expiryMs)),
    payload: {
      case: 'forward',
      value: {
        currency: 'BTC',
        expiryMs: BigInt(expiryMs),
        forward: value,
        source: ForwardSource.VENUE_UNDERLYING,
        asOfMs: BigInt(asOfMs),
      },
    },
  });
}

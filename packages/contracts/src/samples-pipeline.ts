import { create } from '@bufbuild/protobuf';
import { eventId } from './event-id.ts';
import {
  type OrderBookEvent,
  OrderBookEventSchema,
  type VolatilityEvent,
  VolatilityEventSchema,
} from './gen/volstream/v1/events_pb.ts';
import { InstrumentKind, OptionType, PriceUnit } from './gen/volstream/v1/instrument_pb.ts';
import { ForwardSource } from './gen/volstream/v1/orderbook_pb.ts';
import { ValuationClock } from './gen/volstream/v1/volatility_pb.ts';
import { newHeader } from './header.ts';
import { expiryKey } from './keys.ts';
import {
  SAMPLE_EXPIRY_MS,
  SAMPLE_FORWARD,
  SAMPLE_INDEX,
  SAMPLE_INSTRUMENT,
  SAMPLE_TIME_MS,
} from './samples-marketdata.ts';

/**
 * Realistic samples of the derived topics (orderbook, volatility, surface), one per payload variant,
 * every optional field set. They continue the 2021-07-22 Deribit capture of samples-marketdata.ts:
 * BTC 24SEP21 expiry, F = 32 366.75, T = (expiry - 1626993722931 ms) / (365 x 86 400 000 ms).
 * Derived events copy the receive time of their input and set their own publish time.
 */

export const SAMPLE_RECEIVE_NS = SAMPLE_TIME_MS * 1_000_000n + 45_000_000n;
export const SAMPLE_T_YEARS = Number(SAMPLE_EXPIRY_MS - SAMPLE_TIME_MS) / (365 * 86_400_000);
export const SAMPLE_STRIKE = 34_000;
const RECEIVE_NS = SAMPLE_RECEIVE_NS;
const T_YEARS = SAMPLE_T_YEARS;
const STRIKE = SAMPLE_STRIKE;
const EXPIRY_KEY = expiryKey(SAMPLE_EXPIRY_MS);
const K = Math.log(STRIKE / SAMPLE_FORWARD);

/** Header of a derived event: input's exchange and receive time, own producer and publish time. */
export function derivedHeader(producerId: string, kind: string, hopNs: bigint) {
  return newHeader({
    venue: 'deribit',
    producerId,
    eventId: eventId(producerId, kind, 'BTC', EXPIRY_KEY, SAMPLE_TIME_MS),
    exchangeTimeMs: SAMPLE_TIME_MS,
    receiveTimeNs: RECEIVE_NS,
    sourceSequence: 33_195_894_124n,
    publishTimeNs: RECEIVE_NS + hopNs,
    runId: 'live',
  });
}

export function sampleOrderBookEvents(): OrderBookEvent[] {
  const bookTop = create(OrderBookEventSchema, {
    header: derivedHeader('orderbook-worker-0', 'book_top', 900_000n),
    payload: {
      case: 'bookTop',
      value: {
        instrumentName: SAMPLE_INSTRUMENT,
        currency: 'BTC',
        kind: InstrumentKind.OPTION,
        expiryMs: SAMPLE_EXPIRY_MS,
        strike: STRIKE,
        optionType: OptionType.PUT,
        priceUnit: PriceUnit.BASE_COIN,
        bids: [
          { price: 0.1555, amount: 0.8 },
          { price: 0.155, amount: 5 },
          { price: 0.1545, amount: 12.4 },
        ],
        asks: [
          { price: 0.1585, amount: 11.2 },
          { price: 0.1605, amount: 11.5 },
          { price: 0.1615, amount: 1.3 },
        ],
        depth: 3,
        synced: true,
        changeId: 33_195_894_124n,
        seq: 33_195_894_124n,
        markPrice: 0.15670957,
        venueMarkIv: 0.7657,
        venueBidIv: 0.7584,
        venueAskIv: 0.7764,
        underlyingPrice: SAMPLE_FORWARD,
        indexPrice: SAMPLE_INDEX,
        tickSize: 0.0005,
      },
    },
  });
  const forward = create(OrderBookEventSchema, {
    header: derivedHeader('orderbook-worker-0', 'forward', 950_000n),
    payload: {
      case: 'forward',
      value: {
        currency: 'BTC',
        expiryMs: SAMPLE_EXPIRY_MS,
        forward: SAMPLE_FORWARD,
        source: ForwardSource.VENUE_UNDERLYING,
        asOfMs: SAMPLE_TIME_MS,
        underlyingIndex: 'BTC-24SEP21',
        indexPrice: SAMPLE_INDEX,
      },
    },
  });
  return [bookTop, forward];
}

export function sampleVolatilityEvents(): VolatilityEvent[] {
  const quoteBatch = create(VolatilityEventSchema, {
    header: derivedHeader('volatility-worker-0', 'quote_batch', 1_400_000n),
    payload: {
      case: 'quoteBatch',
      value: {
        currency: 'BTC',
        expiryMs: SAMPLE_EXPIRY_MS,
        forward: SAMPLE_FORWARD,
        forwardSource: ForwardSource.VENUE_UNDERLYING,
        timeToExpiryYears: T_YEARS,
        quotes: [
          {
            instrumentName: SAMPLE_INSTRUMENT,
            strike: STRIKE,
            optionType: OptionType.PUT,
            expiryMs: SAMPLE_EXPIRY_MS,
            bidIv: 0.7584,
            askIv: 0.7764,
            midIv: 0.7674,
            markIv: 0.7657,
            bidPrice: 0.1555,
            askPrice: 0.1585,
            markPrice: 0.15670957,
            priceUnit: PriceUnit.BASE_COIN,
            greeks: {
              deltaForward: -0.4979,
              deltaPremiumAdjusted: -0.6546,
              gamma: 0.00004,
              vega: 53.80944,
              theta: -32.50023,
            },
            forward: SAMPLE_FORWARD,
            forwardSource: ForwardSource.VENUE_UNDERLYING,
            timeToExpiryYears: T_YEARS,
            valuationClock: ValuationClock.EXCHANGE_TIME,
            valuationTimeMs: SAMPLE_TIME_MS,
            logMoneyness: K,
            approximated: true,
            skipped: false,
            stale: false,
            crossed: false,
            belowTick: false,
            skipReason: '',
            venueMarkIv: 0.7657,
            bidAmount: 0.8,
            askAmount: 11.2,
            tickSize: 0.0005,
          },
          {
            instrumentName: 'BTC-24SEP21-8000-P',
            strike: 8_000,
            optionType: OptionType.PUT,
            expiryMs: SAMPLE_EXPIRY_MS,
            bidPrice: 0.0005,
            priceUnit: PriceUnit.BASE_COIN,
            forward: SAMPLE_FORWARD,
            forwardSource: ForwardSource.VENUE_UNDERLYING,
            timeToExpiryYears: T_YEARS,
            valuationClock: ValuationClock.EXCHANGE_TIME,
            valuationTimeMs: SAMPLE_TIME_MS,
            logMoneyness: Math.log(8_000 / SAMPLE_FORWARD),
            skipped: true,
            stale: true,
            crossed: true,
            belowTick: true,
            skipReason: 'below_tick',
          },
        ],
        computedCount: 1,
        approximatedCount: 1,
        skippedCount: 1,
        computeTimeUs: 7.5,
      },
    },
  });
  return [quoteBatch];
}

import { create } from '@bufbuild/protobuf';
import { eventId } from './event-id.ts';
import { type MarketDataEvent, MarketDataEventSchema } from './gen/volstream/v1/events_pb.ts';
import {
  AmountUnit,
  ContractType,
  InstrumentKind,
  InstrumentState,
  OptionType,
  PriceUnit,
} from './gen/volstream/v1/instrument_pb.ts';
import { BookAction, TradeSide } from './gen/volstream/v1/marketdata_pb.ts';
import { newHeader } from './header.ts';

/**
 * Realistic market-data samples, one per MarketDataEvent payload variant, with every optional field
 * set. Values come from the real Deribit capture of 2021-07-22 (shared/data/deribit_ws_capture_2021-07-22:
 * BTC-24SEP21-34000-P book and ticker, get_instruments row), normalised per docs/NORMALIZATION.md
 * (IV percent -> decimal, "no value" -> absent).
 */

export const SAMPLE_INSTRUMENT = 'BTC-24SEP21-34000-P';
export const SAMPLE_EXPIRY_MS = 1_632_470_400_000n; // 2021-09-24T08:00:00Z
export const SAMPLE_TIME_MS = 1_626_993_722_931n; // ticker timestamp of the capture
export const SAMPLE_FORWARD = 32_366.75; // ticker underlying_price
export const SAMPLE_INDEX = 32_201.67; // ticker index_price

/** Receive time = exchange time + 45 ms of network latency, in ns. */
function receivedAt(exchangeMs: bigint): bigint {
  return exchangeMs * 1_000_000n + 45_000_000n;
}

function header(kind: string, key: string, exchangeMs: bigint, sequence: bigint) {
  return newHeader({
    venue: 'deribit',
    producerId: 'connector-deribit-0',
    eventId: eventId('deribit', kind, key, sequence, exchangeMs),
    exchangeTimeMs: exchangeMs,
    receiveTimeNs: receivedAt(exchangeMs),
    sourceSequence: sequence,
    publishTimeNs: receivedAt(exchangeMs) + 120_000n,
  });
}

export function sampleMarketDataEvents(): MarketDataEvent[] {
  const instrument = create(MarketDataEventSchema, {
    header: header('instrument', SAMPLE_INSTRUMENT, 1_626_993_723_131n, 1n),
    payload: {
      case: 'instrument',
      value: {
        instrumentName: SAMPLE_INSTRUMENT,
        kind: InstrumentKind.OPTION,
        currency: 'BTC',
        underlying: 'btc_usd',
        quoteCurrency: 'BTC',
        settlementCurrency: 'BTC',
        contractType: ContractType.INVERSE,
        priceUnit: PriceUnit.BASE_COIN,
        amountUnit: AmountUnit.BASE_COIN,
        strike: 34_000,
        expiryMs: SAMPLE_EXPIRY_MS,
        optionType: OptionType.PUT,
        tickSize: 0.0005,
        tickSizeSteps: [{ abovePrice: 0.005, tickSize: 0.0005 }],
        contractSize: 1,
        minTradeAmount: 0.1,
        state: InstrumentState.OPEN,
        creationTimeMs: 1_626_218_230_000n,
        venue: 'deribit',
      },
    },
  });
  const bookSnapshot = create(MarketDataEventSchema, {
    header: header('book_snapshot', SAMPLE_INSTRUMENT, 1_626_993_721_912n, 33_195_894_124n),
    payload: {
      case: 'bookSnapshot',
      value: {
        instrumentName: SAMPLE_INSTRUMENT,
        bids: [
          { price: 0.1555, amount: 0.8 },
          { price: 0.155, amount: 5 },
          { price: 0.1545, amount: 12.4 },
          { price: 0.1535, amount: 7.2 },
          { price: 0.153, amount: 5 },
        ],
        asks: [
          { price: 0.1585, amount: 11.2 },
          { price: 0.1605, amount: 11.5 },
          { price: 0.1615, amount: 1.3 },
          { price: 0.162, amount: 1.3 },
          { price: 0.1625, amount: 1.2 },
        ],
        changeId: 33_195_894_124n,
        prevChangeId: 33_195_894_000n,
        seq: 33_195_894_124n,
        prevSeq: 33_195_894_000n,
        firstSeq: 33_195_894_001n,
        depth: 5,
      },
    },
  });
  const bookDelta = create(MarketDataEventSchema, {
    header: header('book_delta', SAMPLE_INSTRUMENT, 1_626_993_743_371n, 33_195_897_416n),
    payload: {
      case: 'bookDelta',
      value: {
        instrumentName: SAMPLE_INSTRUMENT,
        bids: [{ action: BookAction.CHANGE, price: 0.1555, amount: 1.3 }],
        asks: [
          { action: BookAction.DELETE, price: 0.1605, amount: 0 },
          { action: BookAction.NEW, price: 0.16, amount: 11.5 },
        ],
        changeId: 33_195_897_416n,
        prevChangeId: 33_195_894_124n,
        seq: 33_195_897_416n,
        prevSeq: 33_195_894_124n,
        firstSeq: 33_195_894_125n,
      },
    },
  });
  const ticker = create(MarketDataEventSchema, {
    header: header('ticker', SAMPLE_INSTRUMENT, SAMPLE_TIME_MS, 0n),
    payload: {
      case: 'ticker',
      value: {
        instrumentName: SAMPLE_INSTRUMENT,
        priceUnit: PriceUnit.BASE_COIN,
        bestBidPrice: 0.1555,
        bestBidAmount: 0.8,
        bestAskPrice: 0.1585,
        bestAskAmount: 11.2,
        markPrice: 0.15670957,
        lastPrice: 0.2245,
        bidIv: 0.7584,
        askIv: 0.7764,
        markIv: 0.7657,
        underlyingPrice: SAMPLE_FORWARD,
        underlyingIndex: 'BTC-24SEP21',
        indexPrice: SAMPLE_INDEX,
        greeks: { delta: -0.4979, gamma: 0.00004, vega: 53.80944, theta: -32.50023, rho: -36.79578 },
        openInterest: 14.1,
        state: InstrumentState.OPEN,
        interestRate: 0,
        settlementPrice: 0.16,
        estimatedDeliveryPrice: SAMPLE_INDEX,
      },
    },
  });
  const indexPrice = create(MarketDataEventSchema, {
    header: header('index_price', 'btc_usd', 1_626_993_722_900n, 0n),
    payload: { case: 'indexPrice', value: { indexName: 'btc_usd', currency: 'BTC', price: SAMPLE_INDEX } },
  });
  const trade = create(MarketDataEventSchema, {
    header: header('trade', SAMPLE_INSTRUMENT, 1_626_993_730_512n, 1_571n),
    payload: {
      case: 'trade',
      value: {
        instrumentName: SAMPLE_INSTRUMENT,
        tradeId: '161296651',
        side: TradeSide.BUY,
        price: 0.1585,
        amount: 0.5,
        priceUnit: PriceUnit.BASE_COIN,
        iv: 0.7764,
        indexPrice: SAMPLE_INDEX,
        markPrice: 0.15670957,
        tradeSeq: 1_571n,
      },
    },
  });
  const instrumentState = create(MarketDataEventSchema, {
    header: header('instrument_state', 'BTC-24SEP21-36000-C', 1_626_993_725_000n, 0n),
    payload: {
      case: 'instrumentState',
      value: { instrumentName: 'BTC-24SEP21-36000-C', state: InstrumentState.OPEN, venueState: 'started' },
    },
  });
  return [instrument, bookSnapshot, bookDelta, ticker, indexPrice, trade, instrumentState];
}

// Golden tests of the Binance parse functions on the real captured messages
// (../shared/data/exchange_ws_message_samples/binance_options_v2_fstream_2025.json, the current
// fstream layout, and binance_options_v1_nbstream_2023.json, the older layout) plus the documented
// examples of EXCHANGES.md §4: exact contract values, every "no value" variant, unit conversions.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  AmountUnit,
  BookAction,
  ContractType,
  InstrumentKind,
  OptionType,
  PriceUnit,
} from '@volstream/contracts';
import type { BinanceInstrumentInfo } from '../src/venues/binance/instruments.ts';
import type { BinanceOptionSymbol } from '../src/venues/binance/messages.ts';
import {
  binanceBookUnsyncedMarker,
  isRejection,
  parseBinanceBookDelta,
  parseBinanceBookSnapshot,
  parseBinanceIndex,
  parseBinanceInstrument,
  parseBinanceMarkPrice,
  validateBinanceDepth,
  validateBinanceDepthSnapshot,
  validateBinanceSymbol,
} from '../src/venues/binance/parse.ts';
import { marketUrlFor, streamKind } from '../src/venues/binance/subscriptions.ts';
import { SHARED_DATA } from './helpers/shared-data.ts';

const ctx = { producerId: 'connector-binance-test' };
type Frame = { stream: string; data: unknown };
const load = (file: string): Frame[] =>
  JSON.parse(readFileSync(join(SHARED_DATA, 'exchange_ws_message_samples', file), 'utf8')) as Frame[];
const V2 = load('binance_options_v2_fstream_2025.json');
const V1 = load('binance_options_v1_nbstream_2023.json');
const byStream = (frames: Frame[], stream: string): unknown => {
  const f = frames.find((x) => x.stream === stream);
  assert.ok(f !== undefined, stream);
  return f.data;
};

const info = (name: string, unit = 1): BinanceInstrumentInfo => ({
  name,
  underlying: `${name.split('-')[0]}USDT`,
  currency: name.split('-')[0]!,
  unit,
  expiryMs: 1_766_131_200_000,
});

describe('Binance depth (U/u/pu diff events)', () => {
  it('the real ETH depth20 event: ids, USDT prices and coin amounts as sent', () => {
    const depth = validateBinanceDepth(byStream(V2, 'eth-251219-3100-c@depth20@100ms'));
    assert.ok(!isRejection(depth), JSON.stringify(depth));
    assert.deepEqual(depth, {
      instrument: 'ETH-251219-3100-C',
      eventTimeMs: 1765983419936,
      first: 121508743,
      last: 121509455,
      prevLast: 121508733,
      bids: [
        [16.6, 150.23],
        [16.4, 10],
      ],
      asks: [
        [18.8, 70],
        [20.6, 240.88],
      ],
    });
    const event = parseBinanceBookDelta(depth, info('ETH-251219-3100-C'), 121508733, 5n, ctx);
    assert.equal(event.header?.venue, 'binance');
    assert.equal(event.header?.exchangeTimeMs, 1765983419936n);
    assert.equal(event.header?.receiveTimeNs, 5n);
    assert.equal(event.payload.case, 'bookDelta');
    const v = event.payload.value as {
      seq?: bigint;
      prevSeq?: bigint;
      firstSeq?: bigint;
      bids: unknown[];
      asks: unknown[];
    };
    assert.equal(v.seq, 121509455n);
    assert.equal(v.prevSeq, 121508733n);
    assert.equal(v.firstSeq, 121508743n);
    assert.deepEqual(
      (v.bids as { action: BookAction; price: number; amount: number }[]).map((l) => [
        l.action,
        l.price,
        l.amount,
      ]),
      [
        [BookAction.CHANGE, 16.6, 150.23],
        [BookAction.CHANGE, 16.4, 10],
      ],
    );
  });

  it('quantity "0" deletes a level; contracts × unit give coin (unit taken from exchangeInfo)', () => {
    const depth = validateBinanceDepth({
      e: 'depthUpdate',
      E: 1762866729459,
      T: 1762866729358,
      s: 'BTC-251123-126000-C',
      U: 465,
      u: 465,
      pu: 464,
      b: [['1100.000', '0.6000']],
      a: [['1300.000', '0.0000']],
    });
    assert.ok(!isRejection(depth));
    const unit1 = parseBinanceBookDelta(depth, info('BTC-251123-126000-C'), 464, 1n, ctx).payload.value as {
      bids: { action: BookAction; price: number; amount: number }[];
      asks: { action: BookAction; price: number; amount: number }[];
    };
    assert.deepEqual(
      unit1.bids.map((l) => [l.action, l.price, l.amount]),
      [[BookAction.CHANGE, 1100, 0.6]],
    );
    assert.deepEqual(
      unit1.asks.map((l) => [l.action, l.price, l.amount]),
      [[BookAction.DELETE, 1300, 0]],
    );
    const unitTenth = parseBinanceBookDelta(depth, info('BTC-251123-126000-C', 0.1), 464, 1n, ctx).payload
      .value as { bids: { amount: number }[] };
    assert.equal(unitTenth.bids[0]!.amount, 0.06);
  });

  it('the 2023 nbstream `depth` event (no U) still validates; U is then absent', () => {
    const depth = validateBinanceDepth(byStream(V1, 'BTC-231027-34000-C@depth100@100ms'));
    assert.ok(!isRejection(depth));
    assert.equal(depth.first, undefined);
    assert.equal(depth.last, 1925729);
    assert.equal(depth.prevLast, 1925729);
    assert.deepEqual(depth.asks, [
      [65, 8.28],
      [70, 38.88],
    ]);
  });

  it('bad depth values are rejected, never thrown', () => {
    const good = byStream(V2, 'eth-251219-3100-c@depth20@100ms') as Record<string, unknown>;
    for (const bad of [
      { ...good, b: [['x', '1']] },
      { ...good, a: [['-1', '1']] },
      { ...good, b: [['1', '-2']] },
      { ...good, b: 'nope' },
      { ...good, u: '121509455' },
      { ...good, U: 121509456 },
      { ...good, pu: -1 },
      { ...good, s: undefined },
      { ...good, E: 0 },
      null,
      [],
    ]) {
      const r = validateBinanceDepth(bad);
      assert.ok(isRejection(r), JSON.stringify(bad));
      assert.equal(r.rejected, 'bad_value');
    }
  });

  it('a REST depth snapshot → BookSnapshot with seq = lastUpdateId, levels best first, zero levels dropped', () => {
    const snap = validateBinanceDepthSnapshot('BTC-251219-89000-C', {
      T: 1765983421000,
      u: 37461,
      bids: [
        ['1420.000', '1.2000'],
        ['1440.000', '0.5000'],
        ['1400.000', '0.0000'],
      ],
      asks: [
        ['1480.000', '2.0000'],
        ['1460.000', '3.5000'],
      ],
    });
    assert.ok(!isRejection(snap));
    const event = parseBinanceBookSnapshot(snap, info('BTC-251219-89000-C'), 1, 9n, ctx);
    assert.equal(event.header?.exchangeTimeMs, 1765983421000n);
    const v = event.payload.value as {
      seq?: bigint;
      bids: { price: number; amount: number }[];
      asks: { price: number; amount: number }[];
    };
    assert.equal(v.seq, 37461n);
    assert.deepEqual(
      v.bids.map((l) => [l.price, l.amount]),
      [
        [1440, 0.5],
        [1420, 1.2],
      ],
    );
    assert.deepEqual(
      v.asks.map((l) => [l.price, l.amount]),
      [
        [1460, 3.5],
        [1480, 2],
      ],
    );
    assert.ok(isRejection(validateBinanceDepthSnapshot('X', { T: 1, bids: [], asks: [] })), 'no u');
  });

  it('the unsynced marker is an empty snapshot without seq, carrying the last good id as prev_seq', () => {
    const m = binanceBookUnsyncedMarker('BTC-251219-89000-C', 42, 1000, 7n, ctx);
    const v = m.payload.value as { seq?: bigint; prevSeq?: bigint; bids: unknown[]; asks: unknown[] };
    assert.equal(m.payload.case, 'bookSnapshot');
    assert.equal(v.seq, undefined);
    assert.equal(v.prevSeq, 42n);
    assert.deepEqual([v.bids.length, v.asks.length], [0, 0]);
  });
});

describe('Binance optionMarkPrice → Ticker', () => {
  const rows = (stream: string) => byStream(V2, stream) as unknown[];

  it('the BTC row: USDT prices, decimal IVs as sent, greeks, index; no forward', () => {
    const event = parseBinanceMarkPrice(
      rows('btcusdt@optionMarkPrice')[0],
      info('BTC-251219-89000-C'),
      3n,
      ctx,
    );
    assert.ok(!isRejection(event));
    assert.equal(event.header?.exchangeTimeMs, 1765983421000n);
    assert.equal(event.payload.case, 'ticker');
    const t = event.payload.value;
    assert.equal(t.instrumentName, 'BTC-251219-89000-C');
    assert.equal(t.priceUnit, PriceUnit.QUOTE_CURRENCY);
    assert.equal(t.underlyingIndex, 'BTCUSDT');
    assert.equal(t.markPrice, 1450.5);
    assert.equal(t.indexPrice, 104334.60217391);
    assert.equal(t.markIv, 0.86);
    assert.equal(t.bidIv, 0.85);
    assert.equal(t.askIv, 0.88);
    assert.equal(t.bestBidPrice, 1440);
    assert.equal(t.bestBidAmount, 5);
    assert.equal(t.bestAskPrice, 1460);
    assert.equal(t.bestAskAmount, 3.5);
    assert.equal(t.interestRate, 0);
    assert.equal(t.estimatedDeliveryPrice, undefined, '"0.0000" is no estimate');
    assert.equal(t.underlyingPrice, undefined, 'Binance sends no forward');
    assert.deepEqual(
      [t.greeks?.delta, t.greeks?.theta, t.greeks?.gamma, t.greeks?.vega],
      [0.75, -0.05, 0.002, 0.15],
    );
  });

  it('the XRP row without quotes: b/a "-1.0" and bo/ao "0.0000" are absent, the mark IV stays', () => {
    const event = parseBinanceMarkPrice(
      rows('xrpusdt@optionMarkPrice')[0],
      info('XRP-251219-2.05-P'),
      3n,
      ctx,
    );
    assert.ok(!isRejection(event));
    const t = event.payload.case === 'ticker' ? event.payload.value : assert.fail('ticker');
    assert.equal(t.bidIv, undefined);
    assert.equal(t.askIv, undefined);
    assert.equal(t.bestBidPrice, undefined);
    assert.equal(t.bestAskPrice, undefined);
    assert.equal(t.bestBidAmount, undefined);
    assert.equal(t.bestAskAmount, undefined);
    assert.equal(t.markIv, 2.6);
    assert.equal(t.markPrice, 19.0314);
    assert.equal(t.indexPrice, 1.96239445);
    assert.equal(t.greeks?.delta, -0.56213899);
  });

  it('the documented row: bid side empty ("-1.0", "0.000"), ask IV kept', () => {
    const row = {
      s: 'BTC-251120-126000-C',
      mp: '770.543',
      E: 1762867543321,
      e: 'markPrice',
      i: '104334.60217391',
      P: '0.000',
      bo: '0.000',
      ao: '900.000',
      bq: '0.0000',
      aq: '0.2000',
      b: '-1.0',
      a: '0.98161161',
      hl: '924.652',
      ll: '616.435',
      vo: '0.9408058',
      rf: '0.0',
      d: '0.11111964',
      t: '-164.26702615',
      g: '0.00001245',
      v: '30.63855919',
    };
    const event = parseBinanceMarkPrice(row, info('BTC-251120-126000-C'), 1n, ctx);
    const t =
      !isRejection(event) && event.payload.case === 'ticker' ? event.payload.value : assert.fail('ticker');
    assert.equal(t.bidIv, undefined);
    assert.equal(t.bestBidPrice, undefined);
    assert.equal(t.askIv, 0.98161161);
    assert.equal(t.bestAskPrice, 900);
    assert.equal(t.bestAskAmount, 0.2);
    assert.equal(t.markIv, 0.9408058);
    assert.equal(t.greeks?.theta, -164.26702615);
    // An IV of "0" is no value either.
    const zero = parseBinanceMarkPrice({ ...row, a: '0', vo: '0.0' }, info('BTC-251120-126000-C'), 1n, ctx);
    const z =
      !isRejection(zero) && zero.payload.case === 'ticker' ? zero.payload.value : assert.fail('ticker');
    assert.equal(z.askIv, undefined);
    assert.equal(z.markIv, undefined);
  });

  it('present but unusable values make the row bad input', () => {
    const good = rows('btcusdt@optionMarkPrice')[0] as Record<string, unknown>;
    for (const bad of [
      { ...good, mp: 'abc' },
      { ...good, mp: '-1.0' },
      { ...good, vo: '-0.5' },
      { ...good, b: 'NaN' },
      { ...good, bo: '-3' },
      { ...good, d: 0.75 },
      { ...good, mp: undefined },
      { ...good, E: 'x' },
    ]) {
      const r = parseBinanceMarkPrice(bad, info('BTC-251219-89000-C'), 1n, ctx);
      assert.ok(isRejection(r), JSON.stringify(bad));
      assert.equal(r.rejected, 'bad_value');
    }
  });
});

describe('Binance index', () => {
  it('the 2023 `BTCUSDT@index` object and the `!index@arr` element parse to IndexPrice', () => {
    const v1 = parseBinanceIndex(byStream(V1, 'BTCUSDT@index'), 1n, ctx);
    assert.ok(!isRejection(v1));
    assert.equal(v1.header?.exchangeTimeMs, 1696118400040n);
    assert.deepEqual(
      v1.payload.case === 'indexPrice'
        ? [v1.payload.value.indexName, v1.payload.value.currency, v1.payload.value.price]
        : [],
      ['BTCUSDT', 'BTC', 26963.13461538],
    );
    const arr = parseBinanceIndex({ e: 'index', E: 1762867543321, s: 'ETHUSDT', p: '3100.5' }, 1n, ctx);
    assert.ok(!isRejection(arr) && arr.payload.case === 'indexPrice' && arr.payload.value.currency === 'ETH');
    for (const bad of [
      { e: 'index', E: 1, s: 'BTCUSDT', p: 'NaN' },
      { e: 'index', E: 1, s: 'btc', p: '1' },
      { E: 1, s: 'BTCUSDT', p: '0' },
    ]) {
      assert.ok(isRejection(parseBinanceIndex(bad, 1n, ctx)), JSON.stringify(bad));
    }
  });

  it('stream kinds of both layouts; the market host is derived from the public one', () => {
    assert.equal(streamKind('btc-251219-89000-c@depth@100ms'), 'depth');
    assert.equal(streamKind('btcusdt@optionMarkPrice'), 'mark');
    assert.equal(streamKind('!index@arr'), 'index');
    assert.equal(streamKind('btcusdt@optionIndexPrice'), 'index');
    assert.equal(streamKind('BTCUSDT@index'), 'index');
    assert.equal(
      streamKind('eth-251219-3100-c@depth20@100ms'),
      'unknown',
      'partial books are not subscribed',
    );
    assert.equal(streamKind('btc-251219-89000-c@optionTrade'), 'unknown');
    assert.equal(
      marketUrlFor('wss://fstream.binance.com/public/stream'),
      'wss://fstream.binance.com/market/stream',
    );
    assert.equal(marketUrlFor('ws://127.0.0.1:9/public/stream'), 'ws://127.0.0.1:9/market/stream');
  });
});

describe('Binance exchangeInfo option symbols → Instrument', () => {
  // The documented row shape (https://developers.binance.com/docs/derivatives/option/market-data/Exchange-Information).
  const row: BinanceOptionSymbol = {
    expiryDate: 1660521600000,
    filters: [
      { filterType: 'PRICE_FILTER', minPrice: '0.02', maxPrice: '80000.01', tickSize: '0.01' },
      { filterType: 'LOT_SIZE', minQty: '0.01', maxQty: '100', stepSize: '0.01' },
    ],
    id: 17,
    symbol: 'BTC-220815-50000-C',
    side: 'CALL',
    strikePrice: '50000',
    underlying: 'BTCUSDT',
    unit: 1,
    minQty: '0.01',
    maxQty: '100',
    priceScale: 2,
    quantityScale: 2,
    quoteAsset: 'USDT',
    status: 'TRADING',
  };

  it('is a linear option priced in USDT with amounts in coin', () => {
    assert.equal(validateBinanceSymbol(row), undefined);
    const event = parseBinanceInstrument(row, 2n, ctx, 1660000000000);
    assert.equal(event.header?.exchangeTimeMs, 1660000000000n, "exchangeInfo's serverTime");
    const v = event.payload.case === 'instrument' ? event.payload.value : assert.fail('instrument');
    assert.equal(v.instrumentName, 'BTC-220815-50000-C');
    assert.equal(v.kind, InstrumentKind.OPTION);
    assert.equal(v.currency, 'BTC');
    assert.equal(v.underlying, 'BTCUSDT');
    assert.equal(v.quoteCurrency, 'USDT');
    assert.equal(v.settlementCurrency, 'USDT');
    assert.equal(v.contractType, ContractType.LINEAR);
    assert.equal(v.priceUnit, PriceUnit.QUOTE_CURRENCY);
    assert.equal(v.amountUnit, AmountUnit.BASE_COIN);
    assert.equal(v.strike, 50000);
    assert.equal(v.expiryMs, 1660521600000n);
    assert.equal(v.optionType, OptionType.CALL);
    assert.equal(v.tickSize, 0.01);
    assert.equal(v.contractSize, 1);
    assert.equal(v.minTradeAmount, 0.01);
    assert.equal(v.venue, 'binance');
  });

  it('rows missing what the connector relies on are rejected', () => {
    for (const bad of [
      { ...row, symbol: 'BTC-50000-C' },
      { ...row, side: 'PUT' },
      { ...row, strikePrice: 'x' },
      { ...row, expiryDate: '1660521600000' },
      { ...row, unit: 0 },
      { ...row, filters: [] },
      { ...row, underlying: 'ETHUSDT' },
      null,
    ]) {
      assert.ok(validateBinanceSymbol(bad) !== undefined, JSON.stringify(bad));
    }
  });
});

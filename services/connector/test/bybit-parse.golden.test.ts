// Golden tests of the Bybit parse functions on the real captured option messages
// (../shared/data/exchange_ws_message_samples/bybit_options_v5.json, 2023-04, tardis-node tests)
// and the documented shapes of EXCHANGES.md §3: exact contract values, every "no value" variant
// ("0" quote fields, "0" IVs, "0" predictedDeliveryPrice, the empty u = 0 snapshot), the units
// (USD prices, coin sizes, decimal IVs) and bad input (junk, negatives, wrong types).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  AmountUnit,
  BookAction,
  ContractType,
  InstrumentKind,
  InstrumentState,
  type MarketDataEvent,
  OptionType,
  PriceUnit,
} from '@volstream/contracts';
import { bybitInstrumentInfo, parseBybitSymbol } from '../src/venues/bybit/instruments.ts';
import type { BybitInstrument } from '../src/venues/bybit/messages.ts';
import {
  bybitBookUnsyncedMarker,
  bybitIndexPrice,
  isRejection,
  parseBybitBookDelta,
  parseBybitBookSnapshot,
  parseBybitInstrument,
  parseBybitTicker,
  validateBybitBook,
  validateBybitInstrument,
} from '../src/venues/bybit/parse.ts';
import { topicDepth, topicSymbol } from '../src/venues/bybit/subscriptions.ts';
import { SHARED_DATA } from './helpers/shared-data.ts';

interface Sample {
  topic: string;
  ts: number;
  type: string;
  data: Record<string, unknown>;
}

const SAMPLES = JSON.parse(
  readFileSync(join(SHARED_DATA, 'exchange_ws_message_samples', 'bybit_options_v5.json'), 'utf8'),
) as Sample[];
const ctx = { producerId: 'connector-bybit-test' };
const RECEIVE = 1_680_652_900_000_000_000n;

function sample(topic: string, type?: string): Sample {
  const s = SAMPLES.find((m) => m.topic === topic && (type === undefined || m.type === type));
  assert.ok(s !== undefined, `sample ${topic} ${type ?? ''}`);
  return s;
}

function info(symbol: string) {
  const parts = parseBybitSymbol(symbol)!;
  return {
    name: symbol,
    currency: parts.base,
    settleCoin: 'USDC',
    inverse: false,
    expiryMs: 1_688_112_000_000,
    strike: parts.strike,
    isCall: parts.isCall,
  };
}

function ticker(s: Sample): MarketDataEvent {
  const symbol = topicSymbol(s.topic)!;
  const parsed = parseBybitTicker(s.data, s.ts, info(symbol), RECEIVE, ctx);
  assert.ok(!isRejection(parsed), isRejection(parsed) ? parsed.detail : '');
  return parsed;
}

function tickerValue(e: MarketDataEvent) {
  assert.equal(e.payload.case, 'ticker');
  return e.payload.value as Extract<MarketDataEvent['payload'], { case: 'ticker' }>['value'];
}

describe('Bybit tickers (real option samples)', () => {
  it('SOL-28APR23-24-C: both sides quoted, USD prices, coin sizes, decimal IVs, greeks as sent', () => {
    const e = ticker(sample('tickers.SOL-28APR23-24-C'));
    assert.equal(e.header?.venue, 'bybit');
    assert.equal(e.header?.exchangeTimeMs, 1_680_652_810_254n);
    assert.equal(e.header?.receiveTimeNs, RECEIVE);
    const t = tickerValue(e);
    assert.equal(t.instrumentName, 'SOL-28APR23-24-C');
    assert.equal(t.priceUnit, PriceUnit.QUOTE_CURRENCY);
    assert.equal(t.state, InstrumentState.OPEN);
    assert.equal(t.underlyingIndex, 'SOL');
    assert.equal(t.bestBidPrice, 0.34);
    assert.equal(t.bestBidAmount, 10);
    assert.equal(t.bidIv, 0.6004);
    assert.equal(t.bestAskPrice, 3.11);
    assert.equal(t.bestAskAmount, 51);
    assert.equal(t.askIv, 2.0007);
    assert.equal(t.markPrice, 1.99054639);
    assert.equal(t.markIv, 1.4674);
    assert.equal(t.lastPrice, 1.6);
    assert.equal(t.underlyingPrice, 20.93);
    assert.equal(t.indexPrice, 20.93);
    assert.equal(t.openInterest, 20);
    assert.equal(t.estimatedDeliveryPrice, undefined, 'predictedDeliveryPrice "0" is no value');
    assert.deepEqual(
      { d: t.greeks?.delta, g: t.greeks?.gamma, v: t.greeks?.vega, th: t.greeks?.theta },
      { d: 0.42723543, g: 0.0505193, v: 0.02075941, th: -0.06527514 },
    );
  });

  it('ETH-30JUN23-200-P: askPrice/askSize/askIv "0" → no ask side at all; forward ≠ index', () => {
    const t = tickerValue(ticker(sample('tickers.ETH-30JUN23-200-P')));
    assert.equal(t.bestBidPrice, 0.1);
    assert.equal(t.bestBidAmount, 5);
    assert.equal(t.bidIv, 1.4744);
    assert.equal(t.bestAskPrice, undefined);
    assert.equal(t.bestAskAmount, undefined);
    assert.equal(t.askIv, undefined);
    assert.equal(t.lastPrice, 1);
    assert.equal(t.markIv, 1.5991);
    assert.equal(t.underlyingPrice, 1886.16);
    assert.equal(t.indexPrice, 1871.27);
    assert.equal(t.openInterest, 231.5);
    assert.equal(t.greeks?.delta, -0.00052953);
  });

  it('doc example BTC-6JAN23-17500-C: no bid ("0"), ask quoted, lastPrice kept', () => {
    const data = {
      symbol: 'BTC-6JAN23-17500-C',
      bidPrice: '0',
      bidSize: '0',
      bidIv: '0',
      askPrice: '10',
      askSize: '5.1',
      askIv: '0.514',
      lastPrice: '10',
      highPrice24h: '25',
      lowPrice24h: '5',
      markPrice: '7.86976724',
      indexPrice: '16823.73',
      markPriceIv: '0.4896',
      underlyingPrice: '16815.1',
      openInterest: '49.85',
      turnover24h: '446802.8473',
      volume24h: '26.55',
      totalVolume: '86',
      totalTurnover: '1437431',
      delta: '0.047831',
      gamma: '0.00021453',
      vega: '0.81351067',
      theta: '-19.9115368',
      predictedDeliveryPrice: '0',
      change24h: '-0.33333334',
    };
    const parsed = parseBybitTicker(data, 1_672_917_511_074, info('BTC-6JAN23-17500-C'), RECEIVE, ctx);
    assert.ok(!isRejection(parsed));
    const t = tickerValue(parsed);
    assert.equal(t.bestBidPrice, undefined);
    assert.equal(t.bestBidAmount, undefined);
    assert.equal(t.bidIv, undefined);
    assert.deepEqual([t.bestAskPrice, t.bestAskAmount, t.askIv], [10, 5.1, 0.514]);
    assert.equal(t.markPrice, 7.86976724);
    assert.equal(t.underlyingPrice, 16815.1);
  });

  it('"no value" variants: a side without size or price is absent; markPriceIv/underlyingPrice "0" absent', () => {
    const base = { ...sample('tickers.SOL-28APR23-24-C').data };
    const cases: [Record<string, unknown>, (t: ReturnType<typeof tickerValue>) => void][] = [
      [{ bidSize: '0' }, (t) => assert.deepEqual([t.bestBidPrice, t.bidIv], [undefined, undefined])],
      [{ askPrice: '0' }, (t) => assert.deepEqual([t.bestAskAmount, t.askIv], [undefined, undefined])],
      [{ bidIv: '0' }, (t) => assert.deepEqual([t.bestBidPrice, t.bidIv], [0.34, undefined])],
      [{ markPriceIv: '0' }, (t) => assert.equal(t.markIv, undefined)],
      [
        { underlyingPrice: '0', indexPrice: '0' },
        (t) => assert.deepEqual([t.underlyingPrice, t.indexPrice], [undefined, undefined]),
      ],
      [{ lastPrice: '0' }, (t) => assert.equal(t.lastPrice, undefined)],
      [{ openInterest: '0' }, (t) => assert.equal(t.openInterest, 0, 'an open interest of 0 is a real zero')],
      [{ lastPrice: undefined, turnover24h: '' }, (t) => assert.equal(t.lastPrice, undefined)],
      [{ predictedDeliveryPrice: '20.5' }, (t) => assert.equal(t.estimatedDeliveryPrice, 20.5)],
    ];
    for (const [patch, check] of cases) {
      const parsed = parseBybitTicker({ ...base, ...patch }, 1, info('SOL-28APR23-24-C'), RECEIVE, ctx);
      assert.ok(!isRejection(parsed), JSON.stringify(patch));
      check(tickerValue(parsed));
    }
  });

  it('a present but unusable value rejects the ticker as bad_value', () => {
    const base = { ...sample('tickers.SOL-28APR23-24-C').data };
    for (const patch of [
      { bidIv: 'abc' },
      { askPrice: '-3.11' },
      { markPrice: 1.99 },
      { markPriceIv: '-0.1' },
      { delta: 'NaN' },
      { indexPrice: ' ' },
      { symbol: 'SOL-28APR23-25-C' },
    ]) {
      const parsed = parseBybitTicker({ ...base, ...patch }, 1, info('SOL-28APR23-24-C'), RECEIVE, ctx);
      assert.ok(isRejection(parsed), JSON.stringify(patch));
      assert.equal(parsed.rejected, 'bad_value');
    }
    assert.ok(isRejection(parseBybitTicker(null, 1, info('SOL-28APR23-24-C'), RECEIVE, ctx)));
    assert.ok(isRejection(parseBybitTicker([], 1, info('SOL-28APR23-24-C'), RECEIVE, ctx)));
  });
});

describe('Bybit order books (real option samples)', () => {
  it('the empty snapshot with u = 0 is a real (empty) book, not the unsynced marker', () => {
    const s = sample('orderbook.25.BTC-30JUN23-45000-P');
    const book = validateBybitBook(topicSymbol(s.topic)!, s.ts, s.data);
    assert.ok(!isRejection(book));
    const e = parseBybitBookSnapshot(book, topicDepth(s.topic), RECEIVE, ctx);
    assert.equal(e.payload.case, 'bookSnapshot');
    const v = e.payload.value as { seq?: bigint; depth?: number; bids: unknown[]; asks: unknown[] };
    assert.equal(v.seq, 0n);
    assert.equal(v.depth, 25);
    assert.deepEqual([v.bids.length, v.asks.length], [0, 0]);
  });

  it('SOL snapshot u=24641 and delta u=24642: levels, "0" size → DELETE, seq/prev_seq', () => {
    const snap = sample('orderbook.25.SOL-28APR23-30-C', 'snapshot');
    const book = validateBybitBook('SOL-28APR23-30-C', snap.ts, snap.data);
    assert.ok(!isRejection(book));
    const e = parseBybitBookSnapshot(book, 25, RECEIVE, ctx);
    assert.equal(e.header?.exchangeTimeMs, 1_680_652_786_355n);
    assert.equal(e.header?.sourceSequence, 24_641n);
    const v = e.payload.value as {
      seq?: bigint;
      bids: { price: number; amount: number }[];
      asks: { price: number; amount: number }[];
    };
    assert.equal(v.seq, 24_641n);
    assert.deepEqual(
      v.bids.map((l) => [l.price, l.amount]),
      [[0.01, 50]],
    );
    assert.deepEqual(
      v.asks.map((l) => [l.price, l.amount]),
      [[1.74, 46]],
    );

    const delta = sample('orderbook.25.SOL-28APR23-30-C', 'delta');
    const d = validateBybitBook('SOL-28APR23-30-C', delta.ts, delta.data);
    assert.ok(!isRejection(d));
    const de = parseBybitBookDelta(d, 24_641, RECEIVE, ctx);
    assert.equal(de.payload.case, 'bookDelta');
    const dv = de.payload.value as {
      seq?: bigint;
      prevSeq?: bigint;
      bids: unknown[];
      asks: { action: BookAction; price: number; amount: number }[];
    };
    assert.equal(dv.seq, 24_642n);
    assert.equal(dv.prevSeq, 24_641n);
    assert.equal(dv.bids.length, 0);
    assert.deepEqual(
      dv.asks.map((u) => [u.action, u.price, u.amount]),
      [
        [BookAction.DELETE, 1.74, 0],
        [BookAction.CHANGE, 1.75, 46],
      ],
    );
  });

  it('bad book data is rejected (junk price, negative size, missing u, symbol of another topic)', () => {
    const good = sample('orderbook.25.SOL-28APR23-30-C', 'snapshot');
    for (const patch of [
      { b: [['x', '1']] },
      { a: [['1.74', '-1']] },
      { a: [['1.74']] },
      { b: 'nope' },
      { u: undefined },
      { u: -1 },
      { u: 1.5 },
      { seq: 'x' },
      { s: 'SOL-28APR23-31-C' },
    ]) {
      const r = validateBybitBook('SOL-28APR23-30-C', good.ts, { ...good.data, ...patch });
      assert.ok(isRejection(r), JSON.stringify(patch));
    }
    assert.ok(
      isRejection(validateBybitBook('SOL-28APR23-30-C', '1680652786355', good.data)),
      'ts must be a number',
    );
  });

  it('the unsynced marker is an empty snapshot without seq', () => {
    const e = bybitBookUnsyncedMarker('SOL-28APR23-30-C', 24_642, 1, RECEIVE, ctx);
    const v = e.payload.value as { seq?: bigint; changeId?: bigint; prevSeq?: bigint; bids: unknown[] };
    assert.equal(e.payload.case, 'bookSnapshot');
    assert.equal(v.seq, undefined);
    assert.equal(v.changeId, undefined);
    assert.equal(v.prevSeq, 24_642n);
    assert.equal(v.bids.length, 0);
  });

  it('the index of a base coin is named by the coin', () => {
    const e = bybitIndexPrice('ETH', 1871.27, 1_680_652_859_919, RECEIVE, ctx);
    assert.equal(e.payload.case, 'indexPrice');
    assert.deepEqual(
      { ...(e.payload.value as object), $typeName: undefined },
      { $typeName: undefined, indexName: 'ETH', currency: 'ETH', price: 1871.27 },
    );
  });
});

describe('Bybit instruments (documented rows)', () => {
  // Shape of the documented instruments-info option row (EXCHANGES.md §3, Bybit v5 docs).
  const row: BybitInstrument = {
    symbol: 'ETH-3JAN23-1250-P',
    optionsType: 'Put',
    status: 'Trading',
    baseCoin: 'ETH',
    quoteCoin: 'USD',
    settleCoin: 'USDC',
    launchTime: '1672560000000',
    deliveryTime: '1672732800000',
    deliveryFeeRate: '0.00015',
    priceFilter: { minPrice: '0.1', maxPrice: '10000000', tickSize: '0.1' },
    lotSizeFilter: { maxOrderQty: '10000', minOrderQty: '1', qtyStep: '0.1' },
  };

  it('a USDC option → linear Instrument priced in USD, sized in coin, strike from the symbol', () => {
    assert.equal(validateBybitInstrument(row), undefined);
    const e = parseBybitInstrument(row, RECEIVE, ctx);
    assert.equal(e.payload.case, 'instrument');
    const v = e.payload.value as Record<string, unknown>;
    assert.equal(v.instrumentName, 'ETH-3JAN23-1250-P');
    assert.equal(v.kind, InstrumentKind.OPTION);
    assert.equal(v.currency, 'ETH');
    assert.equal(v.underlying, 'ETH');
    assert.equal(v.quoteCurrency, 'USD');
    assert.equal(v.settlementCurrency, 'USDC');
    assert.equal(v.contractType, ContractType.LINEAR);
    assert.equal(v.priceUnit, PriceUnit.QUOTE_CURRENCY);
    assert.equal(v.amountUnit, AmountUnit.BASE_COIN);
    assert.equal(v.strike, 1250);
    assert.equal(v.optionType, OptionType.PUT);
    assert.equal(v.expiryMs, 1_672_732_800_000n);
    assert.equal(new Date(Number(v.expiryMs)).toISOString(), '2023-01-03T08:00:00.000Z');
    assert.equal(v.tickSize, 0.1);
    assert.equal(v.contractSize, 1);
    assert.equal(v.minTradeAmount, 1);
    assert.equal(v.state, InstrumentState.OPEN);
    assert.equal(v.creationTimeMs, 1_672_560_000_000n);
    assert.equal(e.header?.venue, 'bybit');
  });

  it('a USDT option with the -USDT suffix (EXCHANGES.md §3)', () => {
    const usdt = {
      ...row,
      symbol: 'BTC-27MAR26-70000-P-USDT',
      displayName: 'BTCUSDT-27MAR26-70000-P',
      baseCoin: 'BTC',
      quoteCoin: 'USDT',
      settleCoin: 'USDT',
      deliveryTime: '1774598400000',
      priceFilter: { tickSize: '5' },
      lotSizeFilter: { minOrderQty: '0.01' },
    };
    assert.equal(validateBybitInstrument(usdt), undefined);
    const i = bybitInstrumentInfo(usdt);
    assert.deepEqual(
      [i.currency, i.strike, i.isCall, i.inverse, i.settleCoin],
      ['BTC', 70_000, false, false, 'USDT'],
    );
    const v = parseBybitInstrument(usdt, RECEIVE, ctx).payload.value as Record<string, unknown>;
    assert.deepEqual([v.tickSize, v.minTradeAmount, v.quoteCurrency], [5, 0.01, 'USDT']);
  });

  it('rows the connector cannot rely on are rejected', () => {
    for (const patch of [
      { symbol: 'ETHUSDT' },
      { optionsType: 'Call' },
      { baseCoin: 'BTC' },
      { deliveryTime: '0' },
      { deliveryTime: 'soon' },
      { settleCoin: '' },
      { priceFilter: { tickSize: '0' } },
      { priceFilter: undefined },
      { lotSizeFilter: { minOrderQty: '-1' } },
    ]) {
      const bad = validateBybitInstrument({ ...row, ...patch });
      assert.ok(bad !== undefined && bad.rejected === 'bad_value', JSON.stringify(patch));
    }
    assert.ok(validateBybitInstrument(null) !== undefined);
  });

  it('symbols: day without a leading zero, decimal strikes, suffix', () => {
    assert.deepEqual(parseBybitSymbol('BTC-6JAN23-18000-C'), {
      base: 'BTC',
      expiryCode: '6JAN23',
      strike: 18_000,
      isCall: true,
    });
    assert.equal(parseBybitSymbol('XRP-27DEC24-0.5-P')?.strike, 0.5);
    assert.equal(parseBybitSymbol('BTC-27MAR26-70000-P-USDT')?.suffix, 'USDT');
    assert.equal(parseBybitSymbol('BTC-27MAR26-70000-X'), undefined);
    assert.equal(parseBybitSymbol('BTCUSDT'), undefined);
  });
});

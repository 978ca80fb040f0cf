// Golden tests: real Deribit messages (../shared/data) -> exact contract values.
import assert from 'node:assert/strict';
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
  SCHEMA_VERSION,
  TOPICS,
} from '@volstream/contracts';
import type { InstrumentInfo } from '../src/venues/deribit/instruments.ts';
import type {
  DeribitBookData,
  DeribitInstrument,
  DeribitTickerData,
} from '../src/venues/deribit/messages.ts';
import {
  isRejection,
  parseBookDelta,
  parseBookSnapshot,
  parseIndex,
  parseInstrument,
  parseInstrumentState,
  parseTicker,
  validateBook,
  validateInstrument,
} from '../src/venues/deribit/parse.ts';
import { readCaptureReceived, readRecordedInstruments, readSamples } from './helpers/shared-data.ts';

const ctx = { producerId: 'connector-deribit-test' };
const RECEIVE_NS = 1_626_993_723_804_855_000n;

function captured(channel: string, nth = 0): unknown {
  const frames = readCaptureReceived().filter((f) => f.text.includes(`"channel":"${channel}"`));
  const frame = frames[nth];
  assert.ok(frame, `capture has message ${nth} of ${channel}`);
  return (JSON.parse(frame.text) as { params: { data: unknown } }).params.data;
}

function option(name: string, inverse = true): InstrumentInfo {
  return { name, kind: 'option', currency: name.split('-')[0]!, inverse, expiryMs: 1, shard: 0 };
}

type Payload = MarketDataEvent['payload'];
type ValueOf<C extends Payload['case']> =
  Extract<Payload, { case: C }> extends { value: infer V } ? V : never;

function payload<C extends NonNullable<Payload['case']>>(event: unknown, kind: C): ValueOf<C> {
  if (isRejection(event)) assert.fail(`expected an event, got rejection ${event.rejected}: ${event.detail}`);
  const p = (event as MarketDataEvent).payload;
  assert.equal(p.case, kind);
  return p.value as unknown as ValueOf<C>;
}

describe('Deribit parse: real 2021 capture', () => {
  it('maps an option ticker: IV percent -> decimal, coin prices, forward, greeks, two timestamps', () => {
    const data = captured('ticker.BTC-24SEP21-34000-P.raw') as DeribitTickerData;
    const event = parseTicker(data, option('BTC-24SEP21-34000-P'), RECEIVE_NS, ctx);
    const t = payload(event, 'ticker');
    const header = (event as MarketDataEvent).header!;
    assert.equal(header.exchangeTimeMs, 1626993722931n);
    assert.equal(header.receiveTimeNs, RECEIVE_NS);
    assert.equal(header.venue, 'deribit');
    assert.equal(header.producerId, 'connector-deribit-test');
    assert.equal(header.schemaVersion, SCHEMA_VERSION);
    assert.match(header.eventId, /^[0-9a-f]{16}$/);
    assert.equal(t.instrumentName, 'BTC-24SEP21-34000-P');
    assert.equal(t.priceUnit, PriceUnit.BASE_COIN);
    assert.equal(t.markIv, 0.7657);
    assert.equal(t.bidIv, 0.7584);
    assert.equal(t.askIv, 0.7764);
    assert.equal(t.markPrice, 0.15670957);
    assert.equal(t.bestBidPrice, 0.1555);
    assert.equal(t.bestBidAmount, 0.8);
    assert.equal(t.bestAskPrice, 0.1585);
    assert.equal(t.bestAskAmount, 11.2);
    assert.equal(t.lastPrice, 0.2245);
    assert.equal(t.underlyingPrice, 32366.75);
    assert.equal(t.underlyingIndex, 'BTC-24SEP21');
    assert.equal(t.indexPrice, 32201.67);
    assert.equal(t.openInterest, 14.1);
    assert.equal(t.interestRate, 0);
    assert.equal(t.settlementPrice, 0.16);
    assert.equal(t.estimatedDeliveryPrice, 32201.67);
    assert.equal(t.state, InstrumentState.OPEN);
    assert.deepEqual(
      {
        delta: t.greeks?.delta,
        gamma: t.greeks?.gamma,
        vega: t.greeks?.vega,
        theta: t.greeks?.theta,
        rho: t.greeks?.rho,
      },
      { delta: -0.4979, gamma: 0.00004, vega: 53.80944, theta: -32.50023, rho: -36.79578 },
    );
  });

  it('maps a book snapshot and the change that follows it, with change ids', () => {
    const snapshot = captured('book.ETH-30JUL21-2800-C.raw', 0) as DeribitBookData;
    const change = captured('book.ETH-30JUL21-2800-C.raw', 1) as DeribitBookData;
    assert.equal(validateBook(snapshot), undefined);
    assert.equal(validateBook(change), undefined);
    const s = payload(parseBookSnapshot(snapshot, RECEIVE_NS, ctx), 'bookSnapshot');
    assert.equal(s.instrumentName, 'ETH-30JUL21-2800-C');
    assert.equal(s.changeId, 13169025645n);
    assert.equal(s.prevChangeId, undefined);
    assert.deepEqual(
      s.bids.map((l) => [l.price, l.amount]),
      [
        [0.0015, 4714],
        [0.001, 861],
        [0.0005, 1],
      ],
    );
    assert.deepEqual(s.asks[0] && [s.asks[0].price, s.asks[0].amount], [0.0025, 873]);
    const d = payload(parseBookDelta(change, RECEIVE_NS, ctx), 'bookDelta');
    assert.equal(d.changeId, 13169031288n);
    assert.equal(d.prevChangeId, 13169025645n);
    assert.deepEqual(
      d.bids.map((l) => [l.action, l.price, l.amount]),
      [[BookAction.CHANGE, 0.0015, 4737]],
    );
    assert.deepEqual(d.asks, []);
  });

  it('maps get_instruments rows: inverse BTC option, future, perpetual, linear USDC perpetual', () => {
    const recorded = readRecordedInstruments();
    const btc = recorded.get('BTC')!;
    const row = btc.find(
      (r) => (r as DeribitInstrument).instrument_name === 'BTC-24SEP21-40000-P',
    ) as DeribitInstrument;
    assert.equal(validateInstrument(row), undefined);
    const i = payload(parseInstrument(row, RECEIVE_NS, ctx), 'instrument');
    assert.equal(i.kind, InstrumentKind.OPTION);
    assert.equal(i.currency, 'BTC');
    assert.equal(i.underlying, 'btc_usd');
    assert.equal(i.quoteCurrency, 'BTC');
    assert.equal(i.settlementCurrency, 'BTC');
    assert.equal(i.contractType, ContractType.INVERSE);
    assert.equal(i.priceUnit, PriceUnit.BASE_COIN);
    assert.equal(i.amountUnit, AmountUnit.BASE_COIN);
    assert.equal(i.strike, 40000);
    assert.equal(i.expiryMs, 1632470400000n);
    assert.equal(new Date(Number(i.expiryMs)).toISOString(), '2021-09-24T08:00:00.000Z');
    assert.equal(i.optionType, OptionType.PUT);
    assert.equal(i.tickSize, 0.0005);
    assert.equal(i.contractSize, 1);
    assert.equal(i.minTradeAmount, 0.1);
    assert.equal(i.creationTimeMs, 1606129458000n);
    assert.equal(i.state, InstrumentState.OPEN);
    assert.equal(i.venue, 'deribit');

    const future = btc.find(
      (r) => (r as DeribitInstrument).instrument_name === 'BTC-25MAR22',
    ) as DeribitInstrument;
    const f = payload(parseInstrument(future, RECEIVE_NS, ctx), 'instrument');
    assert.equal(f.kind, InstrumentKind.FUTURE);
    assert.equal(f.contractType, ContractType.INVERSE);
    assert.equal(f.priceUnit, PriceUnit.QUOTE_CURRENCY);
    assert.equal(f.amountUnit, AmountUnit.QUOTE_CURRENCY);
    assert.equal(f.strike, undefined);
    assert.equal(f.optionType, OptionType.UNSPECIFIED);

    const perp = btc.find(
      (r) => (r as DeribitInstrument).instrument_name === 'BTC-PERPETUAL',
    ) as DeribitInstrument;
    const p = payload(parseInstrument(perp, RECEIVE_NS, ctx), 'instrument');
    assert.equal(p.kind, InstrumentKind.PERPETUAL);
    assert.equal(p.expiryMs, undefined);

    const usdc = recorded
      .get('USDC')!
      .find((r) => (r as DeribitInstrument).instrument_name === 'UNI_USDC-PERPETUAL') as DeribitInstrument;
    const u = payload(parseInstrument(usdc, RECEIVE_NS, ctx), 'instrument');
    assert.equal(u.contractType, ContractType.LINEAR);
    assert.equal(u.underlying, 'uni_usdc');
    assert.equal(u.amountUnit, AmountUnit.BASE_COIN);
  });

  it('every recorded instrument row validates and maps to an event that round-trips the codec', () => {
    let n = 0;
    for (const rows of readRecordedInstruments().values()) {
      for (const row of rows) {
        assert.equal(validateInstrument(row), undefined);
        const event = parseInstrument(row as DeribitInstrument, RECEIVE_NS, ctx);
        const back = TOPICS.marketdata.decode(TOPICS.marketdata.encode(event));
        assert.equal(payload(back, 'instrument').instrumentName, (row as DeribitInstrument).instrument_name);
        n += 1;
      }
    }
    assert.equal(n, 398 + 426 + 177 + 16);
  });
});

describe('Deribit parse: real 2019-2024 samples (tardis-node tests)', () => {
  const samples = readSamples();
  const byChannel = (channel: string) => samples.find((s) => s.params.channel === channel)!.params.data;

  it('expired option: bid_iv 0 and ask_iv 500 without quotes become absent, "expired" delivery is absent', () => {
    const data = byChannel('ticker.BTC-8JUN20-8750-P.raw') as DeribitTickerData;
    const t = payload(parseTicker(data, option('BTC-8JUN20-8750-P'), RECEIVE_NS, ctx), 'ticker');
    assert.equal(t.bidIv, undefined);
    assert.equal(t.askIv, undefined);
    assert.equal(t.bestBidPrice, undefined);
    assert.equal(t.bestBidAmount, undefined);
    assert.equal(t.bestAskPrice, undefined);
    assert.equal(t.estimatedDeliveryPrice, undefined);
    assert.equal(t.markIv, 0.7);
    assert.equal(t.underlyingIndex, 'SYN.BTC-8JUN20');
    assert.equal(t.state, InstrumentState.CLOSED);
  });

  it('null last_price and empty book become absent, not 0', () => {
    const data = byChannel('ticker.ETH-5JUN20-310-P.raw') as DeribitTickerData;
    const t = payload(parseTicker(data, option('ETH-5JUN20-310-P'), RECEIVE_NS, ctx), 'ticker');
    assert.equal(t.lastPrice, undefined);
    assert.equal(t.bidIv, undefined);
    assert.equal(t.askIv, undefined);
    assert.equal(t.markIv, 1.1863);
    assert.equal(t.markPrice, 0.33859);
  });

  it('a change with prev_change_id 0 and a 2019 message without type validate (the sequencer treats both as snapshots)', () => {
    const change0 = byChannel('book.ETH-10SEP21-3350-P.raw') as DeribitBookData;
    assert.equal(validateBook(change0), undefined);
    const s = payload(parseBookSnapshot(change0, RECEIVE_NS, ctx), 'bookSnapshot');
    assert.equal(s.changeId, 14617771529n);
    assert.equal(s.prevChangeId, undefined);
    const old = samples.find((m) => m.params.channel === 'book.ETH-PERPETUAL.raw')!.params
      .data as DeribitBookData;
    assert.equal(validateBook(old), undefined);
  });

  it('maps every option ticker sample without rejection', () => {
    const options = samples.filter((m) =>
      /^ticker\.[A-Z]+-\d+[A-Z]{3}\d\d-[\dd]+-[CP]\.raw$/.test(m.params.channel),
    );
    assert.ok(options.length >= 4);
    for (const m of options) {
      const data = m.params.data as DeribitTickerData;
      const t = payload(parseTicker(data, option(data.instrument_name), RECEIVE_NS, ctx), 'ticker');
      assert.equal(t.instrumentName, data.instrument_name);
    }
  });
});

describe('Deribit parse: index and instrument state', () => {
  it('maps the documented index message (no index message exists in the real captures)', () => {
    const data = { timestamp: 1535098298227, price: 6521.17, index_name: 'btc_usd' };
    const event = parseIndex(data, RECEIVE_NS, ctx);
    const i = payload(event, 'indexPrice');
    assert.deepEqual([i.indexName, i.currency, i.price], ['btc_usd', 'BTC', 6521.17]);
    assert.equal((event as MarketDataEvent).header?.exchangeTimeMs, 1535098298227n);
    assert.equal(TOPICS.marketdata.keyOf(event as MarketDataEvent), 'deribit:btc_usd');
  });

  it('maps instrument state words to normalised states and keeps the venue word', () => {
    const data = { timestamp: 1, instrument_name: 'BTC-1JAN30-1000-C', state: 'started' };
    const s = payload(parseInstrumentState(data, RECEIVE_NS, ctx), 'instrumentState');
    assert.deepEqual([s.state, s.venueState], [InstrumentState.OPEN, 'started']);
    const created = payload(
      parseInstrumentState({ ...data, state: 'created' }, RECEIVE_NS, ctx),
      'instrumentState',
    );
    assert.equal(created.state, InstrumentState.CREATED);
  });
});

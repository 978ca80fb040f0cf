// Golden tests: real OKX messages (../shared/data) -> exact contract values, "no value" variants,
// contracts -> coin, and bad input rejected (never thrown).
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
  OptionType,
  PriceUnit,
} from '@volstream/contracts';
import { type OkxInstrumentInfo, okxInstrumentInfo } from '../src/venues/okx/instruments.ts';
import type { OkxInstrument, OkxPush } from '../src/venues/okx/messages.ts';
import {
  buildOkxTicker,
  isRejection,
  type OkxBook,
  okxBookUnsyncedMarker,
  parseOkxBookDelta,
  parseOkxBookSnapshot,
  parseOkxIndex,
  parseOkxInstrument,
  parseOkxMarkPrice,
  parseOkxOptSummary,
  validateOkxBook,
  validateOkxInstrument,
} from '../src/venues/okx/parse.ts';
import { SHARED_DATA } from './helpers/shared-data.ts';

const ctx = { producerId: 'connector-okx-test' };
const RECEIVE_NS = 1_640_001_660_000_000_000n;
const SAMPLES = join(SHARED_DATA, 'exchange_ws_message_samples', 'okx_options_v5.json');
const CAPTURE_DIR = join(SHARED_DATA, 'okx_ws_capture_2022-05-13');

const samples = JSON.parse(readFileSync(SAMPLES, 'utf8')) as OkxPush<Record<string, unknown>>[];

function sample(channel: string, nth = 0): OkxPush<Record<string, unknown>> {
  const found = samples.filter((s) => s.arg.channel === channel)[nth];
  assert.ok(found, `sample ${channel} #${nth}`);
  return found;
}

/** OPTION rows of the recorded REST replies (`instType=OPTION&uly=…`), first reply per family. */
function restOptions(family: string): OkxInstrument[] {
  const text = readFileSync(join(CAPTURE_DIR, 'OKX.0.rest_instruments.txt'), 'utf8');
  for (const line of text.split('\n')) {
    if (!line.includes(`instType=OPTION&uly=${family} `)) continue;
    const body = JSON.parse(line.slice(line.indexOf('{'))) as { data: OkxInstrument[] };
    return body.data;
  }
  throw new Error(`no OPTION reply for ${family}`);
}

const ETH_CALL: OkxInstrumentInfo = {
  name: 'ETH-USD-220128-3500-C',
  family: 'ETH-USD',
  currency: 'ETH',
  inverse: true,
  contractSize: 0.1,
  expiryMs: 1_643_356_800_000,
};

describe('OKX instruments (real REST rows, 2022-05-13)', () => {
  it('maps a BTC-USD option row exactly (inverse, coin prices, ctVal × ctMult contract size)', () => {
    const rows = restOptions('BTC-USD');
    assert.ok(rows.length > 100);
    const row = rows.find((r) => r.instId === 'BTC-USD-220514-22000-C');
    assert.ok(row);
    assert.equal(validateOkxInstrument(row), undefined);
    const event = parseOkxInstrument(row, RECEIVE_NS, ctx);
    assert.equal(event.header?.venue, 'okx');
    assert.equal(event.header?.exchangeTimeMs, 1_652_344_257_065n);
    assert.equal(event.payload.case, 'instrument');
    const i = event.payload.value!;
    assert.equal(i.instrumentName, 'BTC-USD-220514-22000-C');
    assert.equal(i.kind, InstrumentKind.OPTION);
    assert.equal(i.currency, 'BTC');
    assert.equal(i.underlying, 'BTC-USD');
    assert.equal(i.quoteCurrency, 'USD');
    assert.equal(i.settlementCurrency, 'BTC');
    assert.equal(i.contractType, ContractType.INVERSE);
    assert.equal(i.priceUnit, PriceUnit.BASE_COIN);
    assert.equal(i.amountUnit, AmountUnit.BASE_COIN);
    assert.equal(i.strike, 22000);
    assert.equal(i.expiryMs, 1_652_515_200_000n);
    assert.equal(i.optionType, OptionType.CALL);
    assert.equal(i.tickSize, 0.0005);
    assert.equal(i.contractSize, 0.1);
    assert.equal(i.minTradeAmount, 0.1);
    assert.equal(i.state, InstrumentState.OPEN);
    assert.equal(i.creationTimeMs, 1_652_344_257_065n);
  });

  it('accepts every recorded BTC and ETH option row and reads each expiry at 08:00 UTC', () => {
    for (const family of ['BTC-USD', 'ETH-USD']) {
      for (const row of restOptions(family)) {
        assert.equal(validateOkxInstrument(row), undefined, row.instId);
        const info = okxInstrumentInfo(row);
        assert.equal(info.family, family);
        assert.equal(info.inverse, true);
        assert.ok(info.contractSize > 0);
        assert.equal(new Date(info.expiryMs).getUTCHours(), 8, row.instId);
      }
    }
  });

  it('rejects rows without the fields the connector relies on', () => {
    const row = restOptions('BTC-USD')[0]!;
    for (const broken of [
      { ...row, instType: 'SWAP' },
      { ...row, stk: '' },
      { ...row, ctVal: 'abc' },
      { ...row, expTime: '' },
      { ...row, optType: '' },
      { ...row, uly: '' },
      null,
      42,
    ]) {
      const r = validateOkxInstrument(broken);
      assert.ok(r !== undefined && r.rejected === 'bad_value', JSON.stringify(broken).slice(0, 80));
    }
  });
});

describe('OKX books', () => {
  it('books-l2-tbt update (real option message): contracts -> coin, size "0" deletes', () => {
    const s = sample('books-l2-tbt');
    const book = validateOkxBook(s.arg.instId!, s.data[0]);
    assert.ok(!isRejection(book));
    const event = parseOkxBookDelta(book, ETH_CALL, RECEIVE_NS, ctx);
    assert.equal(event.payload.case, 'bookDelta');
    const d = event.payload.value!;
    assert.equal(d.instrumentName, 'ETH-USD-220128-3500-C');
    assert.deepEqual(
      d.asks.map((u) => [u.action, u.price, u.amount]),
      [
        [BookAction.CHANGE, 0.1795, 50],
        [BookAction.DELETE, 0.18, 0],
      ],
    );
    assert.equal(d.bids.length, 0);
    // The 2021 message has only the (deprecated) checksum: no sequence fields.
    assert.equal(d.seq, undefined);
    assert.equal(d.prevSeq, undefined);
    assert.equal(event.header?.exchangeTimeMs, 1_640_001_600_039n);
  });

  it('snapshot of the real 2022 capture: levels sorted best first, counts kept', () => {
    const text = readFileSync(join(CAPTURE_DIR, 'OKX.ws.1.0.txt'), 'utf8');
    const line = text
      .split('\n')
      .find((l) => l.includes('"action":"snapshot"') && l.includes('BTC-USD-220527'));
    assert.ok(line);
    const push = JSON.parse(line.slice(line.indexOf('{'))) as OkxPush<unknown>;
    const book = validateOkxBook('BTC-USD-220527', push.data[0]);
    assert.ok(!isRejection(book));
    assert.equal(book.bids.length, 72);
    assert.equal(book.asks.length, 64);
    const info = { ...ETH_CALL, name: 'BTC-USD-220527', family: 'BTC-USD', currency: 'BTC', contractSize: 1 };
    const event = parseOkxBookSnapshot(book, info, RECEIVE_NS, ctx);
    assert.equal(event.payload.case, 'bookSnapshot');
    const snap = event.payload.value!;
    assert.deepEqual([snap.bids[0]!.price, snap.bids[0]!.amount], [30233.6, 3]);
    assert.deepEqual([snap.asks[0]!.price, snap.asks[0]!.amount], [30238.8, 2]);
    for (let i = 1; i < snap.bids.length; i += 1) assert.ok(snap.bids[i - 1]!.price > snap.bids[i]!.price);
    for (let i = 1; i < snap.asks.length; i += 1) assert.ok(snap.asks[i - 1]!.price < snap.asks[i]!.price);
    assert.equal(event.header?.exchangeTimeMs, 1_652_459_225_393n);
  });

  it('current format (doc example): seqId -> seq, prevSeqId -1 -> absent, update prev_seq', () => {
    const snap = validateOkxBook('X', {
      asks: [['8476.98', '415', '0', '13']],
      bids: [['8476.97', '256', '0', '12']],
      ts: '1597026383085',
      checksum: 0,
      prevSeqId: -1,
      seqId: 123456,
    }) as OkxBook;
    const e = parseOkxBookSnapshot(snap, { ...ETH_CALL, name: 'X', contractSize: 0.01 }, RECEIVE_NS, ctx);
    assert.equal(e.payload.case, 'bookSnapshot');
    assert.equal(e.payload.value!.seq, 123456n);
    assert.equal(e.payload.value!.prevSeq, undefined);
    assert.equal(e.payload.value!.bids[0]!.amount, 2.56);
    assert.equal(e.header?.sourceSequence, 123456n);
    const upd = validateOkxBook('X', {
      asks: [['8477', '7', '0', '2']],
      bids: [],
      ts: '1597026383185',
      checksum: 0,
      prevSeqId: 123456,
      seqId: 123457,
    }) as OkxBook;
    const d = parseOkxBookDelta(upd, { ...ETH_CALL, name: 'X', contractSize: 0.01 }, RECEIVE_NS, ctx);
    assert.equal(d.payload.case, 'bookDelta');
    assert.equal(d.payload.value!.seq, 123457n);
    assert.equal(d.payload.value!.prevSeq, 123456n);
    assert.equal(d.payload.value!.asks[0]!.amount, 0.07);
  });

  it('rejects malformed books with bad_value', () => {
    const good = { asks: [['1', '1', '0', '1']], bids: [], ts: '1597026383185', seqId: 5, prevSeqId: 4 };
    for (const bad of [
      null,
      { ...good, ts: '' },
      { ...good, asks: 'x' },
      { ...good, asks: [['-1', '1', '0', '1']] },
      { ...good, asks: [['1', 'NaN', '0', '1']] },
      { ...good, asks: [[1, 1]] },
      { ...good, seqId: 'abc' },
      { ...good, prevSeqId: -2 },
    ]) {
      const r = validateOkxBook('X', bad);
      assert.ok(isRejection(r) && r.rejected === 'bad_value', JSON.stringify(bad));
    }
  });

  it('the unsynced marker has no sequence and no levels', () => {
    const m = okxBookUnsyncedMarker('X', 77, 1, RECEIVE_NS, ctx);
    assert.equal(m.payload.case, 'bookSnapshot');
    assert.equal(m.payload.value!.seq, undefined);
    assert.equal(m.payload.value!.changeId, undefined);
    assert.equal(m.payload.value!.bids.length + m.payload.value!.asks.length, 0);
    assert.equal(m.payload.value!.prevSeq, 77n);
  });
});

describe('OKX opt-summary, mark-price, index', () => {
  it('opt-summary rows (real): decimal IVs kept, bidVol "" absent, BS greeks', () => {
    const s = sample('opt-summary');
    const full = parseOkxOptSummary(s.data[0]);
    assert.ok(!isRejection(full));
    assert.equal(full.instrument, 'ETH-USD-211222-4000-C');
    assert.equal(full.markIv, 0.7794507758);
    assert.equal(full.bidIv, 0.7421960156);
    assert.equal(full.askIv, 0.8203208593);
    assert.equal(full.delta, 0.2038286081);
    assert.equal(full.vega, 0.7647227087);
    assert.equal(full.forward, undefined, 'the 2021 rows have no fwdPx');
    const noBid = parseOkxOptSummary(s.data[1]);
    assert.ok(!isRejection(noBid));
    assert.equal(noBid.bidIv, undefined);
    assert.equal(noBid.askIv, 1.9531310937);
    const info = { ...ETH_CALL, name: noBid.instrument };
    const t = buildOkxTicker(info, noBid, 0.0005, 3814.05, noBid.tsMs, RECEIVE_NS, ctx);
    assert.equal(t.payload.case, 'ticker');
    const v = t.payload.value!;
    assert.equal(v.priceUnit, PriceUnit.BASE_COIN);
    assert.equal(v.underlyingIndex, 'ETH-USD');
    assert.equal(v.markIv, 1.8880399194);
    assert.equal(v.bidIv, undefined);
    assert.equal(v.markPrice, 0.0005);
    assert.equal(v.indexPrice, 3814.05);
    assert.equal(v.greeks?.theta, -0.6403023344);
    assert.equal(t.header?.exchangeTimeMs, 1_640_001_659_181n);
  });

  it('opt-summary 2024 doc row: fwdPx -> underlying_price, bidVol "0" absent', () => {
    const row = {
      instType: 'OPTION',
      instId: 'BTC-USD-241013-70000-P',
      uly: 'BTC-USD',
      delta: '-1.1180902625',
      gamma: '2.2361957091',
      vega: '0.0000000001',
      theta: '0.0000032334',
      markVol: '0.3675503331',
      bidVol: '0',
      askVol: '1.1669998535',
      realVol: '',
      deltaBS: '-0.9999672034',
      gammaBS: '0.0000000002',
      thetaBS: '28.2649858387',
      vegaBS: '0.0000114332',
      ts: '1728703155650',
      fwdPx: '62604.6993093463',
      volLv: '0.2044711229',
    };
    const r = parseOkxOptSummary(row);
    assert.ok(!isRejection(r));
    assert.equal(r.forward, 62604.6993093463);
    assert.equal(r.bidIv, undefined);
    assert.equal(r.delta, -0.9999672034);
    for (const bad of [
      { ...row, markVol: '-0.1' },
      { ...row, fwdPx: 'x' },
      { ...row, ts: 'now' },
      { ...row, askVol: 1 },
    ]) {
      const b = parseOkxOptSummary(bad);
      assert.ok(isRejection(b) && b.rejected === 'bad_value', JSON.stringify(bad).slice(0, 60));
    }
  });

  it('mark-price (real) and index-tickers (real)', () => {
    const m = parseOkxMarkPrice(sample('mark-price').data[0]);
    assert.ok(!isRejection(m));
    assert.equal(m.instrument, 'ETH-USD-211231-9600-C');
    assert.equal(m.markPrice, 3.8005764218904408);
    assert.equal(m.tsMs, 1_640_183_727_000);
    assert.ok(isRejection(parseOkxMarkPrice({ instId: 'X', ts: '1', markPx: '' })));
    const i = parseOkxIndex(sample('index-tickers').data[0], RECEIVE_NS, ctx);
    assert.ok(!isRejection(i));
    assert.equal(i.payload.case, 'indexPrice');
    assert.equal(i.payload.value!.indexName, 'ETH-USD');
    assert.equal(i.payload.value!.currency, 'ETH');
    assert.equal(i.payload.value!.price, 3814.05);
    assert.equal(i.header?.exchangeTimeMs, 1_640_001_659_508n);
    for (const bad of [{ instId: 'ETH-USD', idxPx: '', ts: '1' }, { instId: 5 }, null]) {
      assert.ok(isRejection(parseOkxIndex(bad, RECEIVE_NS, ctx)));
    }
  });
});

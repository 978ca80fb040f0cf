// OKX subscription helpers: request packing under the 64 KB args limit, channel classification,
// arg keys, and the values rule for OKX number strings.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  argKey,
  channelKind,
  familyArgs,
  instrumentArgs,
  MAX_ARGS_BYTES,
  packRequests,
} from '../src/venues/okx/subscriptions.ts';
import { BAD, okxNumber, toCoin } from '../src/venues/okx/values.ts';

describe('OKX subscriptions', () => {
  it('packs args into requests whose serialised args stay within 64 KB, in order', () => {
    const args = [];
    for (let i = 0; i < 3000; i += 1) args.push(...instrumentArgs(`BTC-USD-261127-${50000 + i * 100}-C`));
    const requests = packRequests(args);
    assert.ok(requests.length >= 2);
    for (const r of requests) assert.ok(JSON.stringify(r).length <= MAX_ARGS_BYTES);
    assert.deepEqual(requests.flat(), args);
    assert.deepEqual(packRequests([]), []);
  });

  it('classifies channels and keys args', () => {
    assert.equal(channelKind('books'), 'book');
    assert.equal(channelKind('books-l2-tbt'), 'book');
    assert.equal(channelKind('opt-summary'), 'summary');
    assert.equal(channelKind('mark-price'), 'mark');
    assert.equal(channelKind('index-tickers'), 'index');
    assert.equal(channelKind('instruments'), 'instruments');
    assert.equal(channelKind('trades'), 'unknown');
    assert.deepEqual(familyArgs('BTC-USD').map(argKey), ['opt-summary:BTC-USD', 'index-tickers:BTC-USD']);
  });

  it('OKX number strings: "" absent, decimals parsed, junk bad; contracts to coin without float noise', () => {
    assert.equal(okxNumber(''), undefined);
    assert.equal(okxNumber(undefined), undefined);
    assert.equal(okxNumber('0.1795'), 0.1795);
    assert.equal(okxNumber('-1.1180902625'), -1.1180902625);
    assert.equal(okxNumber('1e-7'), 1e-7);
    for (const bad of ['NaN', 'abc', ' ', '1.2.3', 5, true, {}])
      assert.equal(okxNumber(bad), BAD, String(bad));
    assert.equal(toCoin(3, 0.1), 0.3);
    assert.equal(toCoin(1230, 0.01), 12.3);
  });
});

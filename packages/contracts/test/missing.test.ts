import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { create, finiteOrAbsent, presentField, TickerSchema } from '../src/index.ts';

describe('finiteOrAbsent (the one missing-value rule)', () => {
  it('keeps real numbers, including a real zero, from numbers and numeric strings', () => {
    assert.equal(finiteOrAbsent(76.57), 76.57);
    assert.equal(finiteOrAbsent('0.3675503331'), 0.3675503331);
    assert.equal(finiteOrAbsent(0), 0);
    assert.equal(finiteOrAbsent('-1.1180902625'), -1.1180902625);
  });

  it('makes missing, null, empty, non-numeric and non-finite values absent', () => {
    for (const v of [
      undefined,
      null,
      '',
      '  ',
      'expired',
      Number.NaN,
      Number.POSITIVE_INFINITY,
      '1e999',
      {},
      [],
      true,
    ]) {
      assert.equal(finiteOrAbsent(v), undefined, JSON.stringify(v));
    }
  });

  it('makes a venue\'s no-value sentinels absent (Deribit bid_iv 0, Bybit "0", Binance "-1.0")', () => {
    assert.equal(finiteOrAbsent(0, [0]), undefined);
    assert.equal(finiteOrAbsent('0', [0]), undefined);
    assert.equal(finiteOrAbsent('-1.0', [-1]), undefined);
    assert.equal(finiteOrAbsent('0.514', [0]), 0.514);
  });

  it('presentField leaves an optional contract field unset when the value is absent', () => {
    const withIv = create(TickerSchema, { ...presentField('bidIv', finiteOrAbsent('0.58')) });
    const withoutIv = create(TickerSchema, { ...presentField('bidIv', finiteOrAbsent('', [0])) });
    assert.equal(withIv.bidIv, 0.58);
    assert.equal(withoutIv.bidIv, undefined);
    assert.equal('bidIv' in withoutIv, false);
  });
});

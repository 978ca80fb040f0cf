import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { shardOf } from '../src/sharding.ts';
import {
  bookChannel,
  channelIsFor,
  channelKind,
  currencyChannels,
  instrumentChannels,
  tickerChannel,
} from '../src/venues/deribit/subscriptions.ts';

describe('Deribit channels', () => {
  it('names channels as the venue does', () => {
    assert.equal(bookChannel('BTC-27DEC24-50000-C', '100ms'), 'book.BTC-27DEC24-50000-C.100ms');
    assert.equal(tickerChannel('ETH-30JUL21-2800-C', 'raw'), 'ticker.ETH-30JUL21-2800-C.raw');
    assert.deepEqual(instrumentChannels('BTC-PERPETUAL', 'future', '100ms'), ['ticker.BTC-PERPETUAL.100ms']);
    assert.deepEqual(currencyChannels('btc'), [
      'deribit_price_index.btc_usd',
      'instrument.state.option.BTC',
      'instrument.state.future.BTC',
    ]);
  });

  it('classifies channels by prefix and matches the instrument without allocating', () => {
    assert.equal(channelKind('book.BTC-1.100ms'), 'book');
    assert.equal(channelKind('ticker.BTC-1.raw'), 'ticker');
    assert.equal(channelKind('deribit_price_index.btc_usd'), 'index');
    assert.equal(channelKind('instrument.state.option.BTC'), 'instrument_state');
    assert.equal(channelKind('trades.BTC-1.raw'), 'unknown');
    assert.equal(channelKind('bookx'), 'unknown');
    assert.equal(channelKind(''), 'unknown');
    assert.equal(channelIsFor('book.BTC-1-C.100ms', 5, 'BTC-1-C'), true);
    assert.equal(channelIsFor('book.BTC-1-C.100ms', 5, 'BTC-1'), false);
    assert.equal(channelIsFor('book.BTC-1-CX.100ms', 5, 'BTC-1-C'), false);
    assert.equal(channelIsFor('ticker.BTC-1-C.raw', 7, 'BTC-1-C'), true);
    assert.equal(channelIsFor('ticker.BTC-1-C.raw.x', 7, 'BTC-1-C'), false);
  });
});

describe('sharding', () => {
  it('spreads instruments evenly and stably over connections', () => {
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i += 1) counts[shardOf(`BTC-${i % 40}JUN26-${i * 500}-C`, 4)]! += 1;
    for (const n of counts) assert.ok(n > 800 && n < 1200, `shard sizes ${counts}`);
    assert.equal(shardOf('BTC-27DEC24-50000-C', 4), shardOf('BTC-27DEC24-50000-C', 4));
    assert.equal(shardOf('anything', 1), 0);
  });
});

describe('venue registry', () => {
  it('lists the same venues as the import-light name list the CLI uses', async () => {
    const { venueNames } = await import('../src/registry.ts');
    const { VENUE_NAMES } = await import('../src/venue-names.ts');
    assert.deepEqual(venueNames(), [...VENUE_NAMES].sort());
  });
});

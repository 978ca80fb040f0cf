import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventId } from '@volstream/contracts';
import { EventIdCache, fastEventId } from '../src/event-id.ts';

describe('fastEventId', () => {
  it('equals the contract eventId for ASCII, non-ASCII, numbers and bigints', () => {
    const cases: (string | number | bigint)[][] = [
      ['deribit', 'book_delta', 'BTC-24SEP21-34000-P', 33195894124],
      ['deribit', 'ticker', 'ETH-30JUL21-2800-C', 1626993722931],
      ['deribit', 'book_unsynced', 'X', 0, 1626993723804855000n],
      [''],
      ['a'],
      ['é', 'ü', '→ unicode 名'],
      ['deribit', 'index', 'btc_usd', -1.5e-7],
    ];
    for (let i = 0; i < 2000; i += 1)
      cases.push(['deribit', `k${i}`, `BTC-${i}JUN26-${i * 500}-C`, i * 7919]);
    for (const parts of cases) assert.equal(fastEventId(...parts), eventId(...parts), parts.join('|'));
  });
});

describe('EventIdCache', () => {
  it('equals the contract eventId(venue, kind, name, last), also for non-ASCII names and after eviction', () => {
    const cache = new EventIdCache('deribit', 'book_delta', 50);
    for (let i = 0; i < 500; i += 1) {
      const name = i % 7 === 0 ? `ÉTH-${i}` : `BTC-${i % 120}JUN26-${i}-C`;
      const last = 1_626_993_722_931 + i * 37;
      assert.equal(cache.id(name, last), eventId('deribit', 'book_delta', name, last), name);
      assert.equal(cache.id(name, last), eventId('deribit', 'book_delta', name, last), `${name} cached`);
    }
  });
});

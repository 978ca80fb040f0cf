// Opt-in test against the real Bybit (public option market data, no credentials): RUN_LIVE_TESTS=1.
// Offline machines (CI here has no route to any exchange) skip it with the reason below.
// Written against the documented v5 protocol (EXCHANGES.md §3); it has not run against the live
// venue yet — the option `u + 1` rule in particular rests on linear/spot captures.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { liveSkip, withLiveConnector } from './helpers/live.ts';

const SKIP = await liveSkip([
  ['stream.bybit.com', 443],
  ['api.bybit.com', 443],
]);

describe('Bybit live', () => {
  it('lists BTC options, publishes books in sequence and decimal-IV tickers', {
    skip: SKIP,
    timeout: 180_000,
  }, async () => {
    await withLiveConnector(
      { venue: 'bybit', connections: 4, convergeMs: 120_000, settleMs: 10_000 },
      (stats, events) => {
        assert.ok(stats.booksSynced > 50, `books synced: ${stats.booksSynced}`);
        assert.equal(stats.dropped.book_gap, 0, 'u advances by one per option delta');
        assert.ok(events.some((e) => e.payload.case === 'indexPrice'));
      },
    );
  });
});

// Opt-in test against the real Binance options venue (public market data, no credentials):
// RUN_LIVE_TESTS=1. Offline machines (CI here has no route to any exchange) skip it with the
// reason below. Written against the documented fstream layout; it has not run against the live
// venue yet.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { liveSkip, withLiveConnector } from './helpers/live.ts';

const SKIP = await liveSkip([
  ['fstream.binance.com', 443],
  ['eapi.binance.com', 443],
]);

describe('Binance live', () => {
  it('lists BTC options, syncs books from REST snapshots and publishes decimal-IV tickers in USDT', {
    skip: SKIP,
    timeout: 180_000,
  }, async () => {
    // Snapshots come at 6 per second (REST weight): give a few dozen books time to sync.
    await withLiveConnector(
      { venue: 'binance', connections: 8, convergeMs: 60_000, settleMs: 15_000 },
      (stats, events) => {
        assert.ok(stats.booksSynced > 30, `books synced: ${stats.booksSynced}`);
        for (const e of events) {
          const t = e.payload.case === 'ticker' ? e.payload.value : undefined;
          if (t?.markPrice !== undefined) assert.ok(t.markPrice >= 0, `USDT mark: ${t.markPrice}`);
        }
      },
    );
  });
});

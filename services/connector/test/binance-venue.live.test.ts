// Opt-in test against the real Binance options venue (public market data, no credentials):
// RUN_LIVE_TESTS=1. Offline machines (CI here has no route to any exchange) skip it with the
// reason below. Written against the documented fstream layout; it has not run against the live
// venue yet.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '@volstream/logging';
import { createConnector } from '../src/app.ts';
import { CollectingSink } from '../src/sink.ts';
import { liveSkip } from './helpers/live.ts';

const SKIP = await liveSkip([
  ['fstream.binance.com', 443],
  ['eapi.binance.com', 443],
]);

describe('Binance live', () => {
  it('lists BTC options, syncs books from REST snapshots and publishes decimal-IV tickers in USDT', {
    skip: SKIP,
    timeout: 180_000,
  }, async () => {
    const sink = new CollectingSink();
    const connector = createConnector(
      { venue: 'binance', currencies: ['BTC'], connections: 8 },
      { sink, logger: createLogger({ service: 'connector', level: 'warn' }) },
    );
    connector.start();
    try {
      await connector.whenConverged(60_000);
      // Snapshots come at 6 per second (REST weight): give a few dozen books time to sync.
      await new Promise((r) => setTimeout(r, 15_000));
      await connector.flush();
      const stats = connector.stats();
      assert.ok(stats.instruments > 50, `instruments: ${stats.instruments}`);
      assert.ok(stats.booksSynced > 30, `books synced: ${stats.booksSynced}`);
      assert.equal(stats.dropped.bad_value, 0);
      const tickers = sink.events.filter((e) => e.payload.case === 'ticker');
      assert.ok(tickers.length > 50);
      for (const e of tickers) {
        const t = e.payload.case === 'ticker' ? e.payload.value : undefined;
        if (t?.markIv !== undefined) assert.ok(t.markIv > 0.01 && t.markIv < 10, `decimal IV: ${t.markIv}`);
        if (t?.markPrice !== undefined) assert.ok(t.markPrice >= 0, `USDT mark: ${t.markPrice}`);
      }
    } finally {
      await connector.stop();
    }
  });
});

// Opt-in test against the real Bybit (public option market data, no credentials): RUN_LIVE_TESTS=1.
// Offline machines (CI here has no route to any exchange) skip it with the reason below.
// Written against the documented v5 protocol (EXCHANGES.md §3); it has not run against the live
// venue yet — the option `u + 1` rule in particular rests on linear/spot captures.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '@volstream/logging';
import { createConnector } from '../src/app.ts';
import { CollectingSink } from '../src/sink.ts';
import { liveSkip } from './helpers/live.ts';

const SKIP = await liveSkip([
  ['stream.bybit.com', 443],
  ['api.bybit.com', 443],
]);

describe('Bybit live', () => {
  it('lists BTC options, publishes books in sequence and decimal-IV tickers', {
    skip: SKIP,
    timeout: 180_000,
  }, async () => {
    const sink = new CollectingSink();
    const connector = createConnector(
      { venue: 'bybit', currencies: ['BTC'], connections: 4 },
      { sink, logger: createLogger({ service: 'connector', level: 'warn' }) },
    );
    connector.start();
    try {
      await connector.whenConverged(120_000);
      await new Promise((r) => setTimeout(r, 10_000));
      await connector.flush();
      const stats = connector.stats();
      assert.ok(stats.instruments > 50, `instruments: ${stats.instruments}`);
      assert.ok(stats.booksSynced > 50, `books synced: ${stats.booksSynced}`);
      assert.equal(stats.dropped.bad_value, 0);
      assert.equal(stats.dropped.book_gap, 0, 'u advances by one per option delta');
      const tickers = sink.events.filter((e) => e.payload.case === 'ticker');
      assert.ok(tickers.length > 50);
      for (const e of tickers) {
        const t = e.payload.case === 'ticker' ? e.payload.value : undefined;
        if (t?.markIv !== undefined) assert.ok(t.markIv > 0.01 && t.markIv < 10, `decimal IV: ${t.markIv}`);
      }
      assert.ok(sink.events.some((e) => e.payload.case === 'indexPrice'));
    } finally {
      await connector.stop();
    }
  });
});

// Opt-in test against the real Deribit (public market data, no credentials): RUN_LIVE_TESTS=1.
// Offline machines (CI here has no route to any exchange) skip it with the reason below.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '@volstream/logging';
import { createConnector } from '../src/app.ts';
import { CollectingSink } from '../src/sink.ts';
import { BookReplicas } from './helpers/book-replica.ts';
import { sleep } from './helpers/harness.ts';
import { liveSkip } from './helpers/live.ts';

const SKIP = await liveSkip([['www.deribit.com', 443]]);

describe('Deribit live', () => {
  it('subscribes every BTC option and publishes sound books and tickers', {
    skip: SKIP,
    timeout: 120_000,
  }, async () => {
    const sink = new CollectingSink();
    const connector = createConnector(
      { venue: 'deribit', currencies: ['BTC'], connections: 4 },
      { sink, logger: createLogger({ service: 'connector', level: 'warn' }) },
    );
    connector.start();
    try {
      await connector.whenConverged(90_000);
      await sleep(5000);
      await connector.flush();
      const stats = connector.stats();
      assert.ok(stats.instruments > 100, `instruments: ${stats.instruments}`);
      assert.equal(stats.connectionsOpen, 4);
      const replicas = new BookReplicas().apply(sink.events);
      assert.deepEqual(replicas.violations, []);
      assert.ok(replicas.snapshots > 100);
      const tickers = sink.events.filter((e) => e.payload.case === 'ticker');
      assert.ok(tickers.length > 100);
      for (const e of tickers) {
        const t = e.payload.case === 'ticker' ? e.payload.value : undefined;
        if (t?.markIv !== undefined)
          assert.ok(t.markIv > 0.01 && t.markIv < 10, `mark IV is a decimal: ${t.markIv}`);
      }
    } finally {
      await connector.stop();
    }
  });
});

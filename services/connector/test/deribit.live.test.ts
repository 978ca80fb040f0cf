// Opt-in test against the real Deribit (public market data, no credentials): RUN_LIVE_TESTS=1.
// Offline machines (CI here has no route to any exchange) skip it with the reason below.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { describe, it } from 'node:test';
import { createLogger } from '@volstream/logging';
import { createConnector } from '../src/app.ts';
import { CollectingSink } from '../src/sink.ts';
import { BookReplicas } from './helpers/book-replica.ts';
import { sleep } from './helpers/harness.ts';

/** Whether a TCP connection to the venue opens within 3 s (no data exchanged). */
function reachable(host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port: 443, timeout: 3000 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

const SKIP =
  process.env.RUN_LIVE_TESTS !== '1'
    ? 'live venue test: set RUN_LIVE_TESTS=1 on a machine that can reach www.deribit.com:443'
    : (await reachable('www.deribit.com'))
      ? false
      : 'RUN_LIVE_TESTS=1 but www.deribit.com:443 is unreachable from this machine (offline)';

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

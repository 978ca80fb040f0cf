// The `volstream run` component shape: start(ctx) on a bus, describe, stop.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createBus } from '@volstream/bus';
import { type MarketDataEvent, TOPICS } from '@volstream/contracts';
import { startDeribitSimulator } from '@volstream/exchange-sim';
import { createLogger } from '@volstream/logging';
import { createConnectorComponent } from '../src/component.ts';
import { waitFor } from './helpers/harness.ts';

describe('createConnectorComponent', () => {
  it('publishes on the run bus, describes where it runs, and stops cleanly', async () => {
    const logger = createLogger({ service: 'connector', level: 'silent' });
    const sim = await startDeribitSimulator({
      seed: 4,
      rate: 300,
      currencies: ['ETH'],
      minHeartbeatIntervalS: 1,
    });
    const bus = createBus({ transport: 'inprocess' }, { logger });
    const seen = new Map<string, number>();
    const consumer = bus.consumer<MarketDataEvent>({ groupId: 'component-test' });
    await consumer.subscribe([TOPICS.marketdata], { fromBeginning: true });
    await consumer.run({
      eachBatch: async (batch) => {
        for (const m of batch.messages) {
          const kind = m.value.payload.case ?? 'none';
          seen.set(kind, (seen.get(kind) ?? 0) + 1);
          assert.equal(m.key, TOPICS.marketdata.keyOf(m.value));
        }
      },
    });
    const component = createConnectorComponent({
      venue: 'deribit',
      currencies: ['ETH'],
      connections: 2,
      resolveUrl: () => sim.url,
    });
    try {
      const { describe: text } = await component.start({
        bus,
        config: {},
        logger,
        signal: new AbortController().signal,
      });
      assert.equal(component.name, 'connector-deribit');
      assert.match(text, /deribit connector on ws:\/\/127\.0\.0\.1:\d+\/ws\/api\/v2 \(2 connections\)/);
      await waitFor(
        'instruments, snapshots and tickers on the bus',
        () => {
          return (
            (seen.get('instrument') ?? 0) > 100 &&
            (seen.get('bookSnapshot') ?? 0) > 100 &&
            (seen.get('ticker') ?? 0) > 10
          );
        },
        20_000,
      );
      await component.stop();
      const stats = component.connector!.stats();
      assert.equal(stats.connectionsOpen, 0);
      assert.equal(stats.bufferedEvents, 0);
    } finally {
      await consumer.stop();
      await bus.close();
      await sim.stop();
    }
  });
});

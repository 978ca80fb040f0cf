// The real 2021 Deribit session, replayed by the simulator, through the unchanged connector onto
// the in-process bus: every book and ticker message the venue side sent is accounted for.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createBus } from '@volstream/bus';
import { type MarketDataEvent, TOPICS } from '@volstream/contracts';
import { startDeribitSimulator } from '@volstream/exchange-sim';
import { createLogger } from '@volstream/logging';
import { createConnector } from '../src/app.ts';
import { busSink } from '../src/sink.ts';
import { BookReplicas } from './helpers/book-replica.ts';
import { waitFor } from './helpers/harness.ts';
import { DERIBIT_CAPTURE } from './helpers/shared-data.ts';

const CAPTURE_START_MS = 1_626_993_723_424;

describe('replay of the real 2021 capture', () => {
  it('reaches the in-process bus with every book and ticker message published or counted-dropped', async () => {
    const logger = createLogger({ service: 'connector', level: 'silent' });
    const sim = await startDeribitSimulator({
      replay: { file: DERIBIT_CAPTURE, speed: 2 },
      minHeartbeatIntervalS: 1,
    });
    const bus = createBus({ transport: 'inprocess' }, { logger });
    const received: MarketDataEvent[] = [];
    const consumer = bus.consumer<MarketDataEvent>({ groupId: 'replay-test' });
    await consumer.subscribe([TOPICS.marketdata], { fromBeginning: true });
    await consumer.run({
      eachBatch: async (batch) => {
        for (const m of batch.messages) received.push(m.value);
      },
    });
    const started = Date.now();
    const connector = createConnector(
      {
        venue: 'deribit',
        url: sim.url,
        currencies: ['BTC', 'ETH'],
        connections: 1,
        // The capture subscribed `.raw` channels; the recorded day's clock decides what is expired.
        tuning: { interval: 'raw', heartbeatIntervalSec: 1 },
      },
      { sink: busSink(bus.producer()), logger, now: () => CAPTURE_START_MS + (Date.now() - started) },
    );
    try {
      connector.start();
      await waitFor('the replay to finish', () => sim.stats().replay?.done === true, 40_000);
      await connector.flush();
      const replay = sim.stats().replay!;
      const sent = (prefix: string) =>
        Object.entries(replay.sent.byChannel)
          .filter(([channel]) => channel.startsWith(prefix))
          .reduce((n, [, count]) => n + count, 0);
      const stats = connector.stats();
      await waitFor('the consumer to catch up', () => received.length === stats.eventsOut, 20_000);

      const count = (kind: string) => received.filter((e) => e.payload.case === kind).length;
      const replicas = new BookReplicas().apply(received);
      const bookPublished = replicas.snapshots + replicas.deltas;
      const bookDropped = stats.dropped.unsynced_book + stats.dropped.book_gap + stats.dropped.crossed_book;
      assert.equal(replay.recorded.book, 46);
      assert.equal(replay.recorded.ticker, 89);
      assert.equal(bookPublished + bookDropped, sent('book.'), 'every book message sent is accounted for');
      assert.equal(
        count('ticker') + stats.dropped.bad_value,
        sent('ticker.'),
        'every ticker sent is accounted for',
      );
      assert.equal(stats.dropped.unknown_instrument, 0);
      assert.deepEqual(replicas.violations, []);
      // Subscribing 1,600 channels takes a few requests; only the first instants may be missed.
      assert.ok(replay.skipped <= 5, `skipped ${replay.skipped} recorded messages before subscribing`);
      assert.ok(bookPublished >= 40 && count('ticker') >= 80);
      // Instruments of the recorded list were published first, with the venue's own fields.
      assert.equal(count('instrument'), stats.instruments);
      assert.ok(stats.instruments > 800);
    } finally {
      await connector.stop();
      await consumer.stop();
      await bus.close();
      await sim.stop();
    }
  });
});

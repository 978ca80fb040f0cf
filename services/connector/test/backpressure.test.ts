// A sink that does not keep up: the connector's buffer is bounded; what does not fit is dropped,
// counted, and the books it belonged to are marked unsynced and resynced, so the published stream
// never contains a delta on top of a book that lost a message.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MarketDataEvent } from '@volstream/contracts';
import { createLogger } from '@volstream/logging';
import { createReceiveClock } from '../src/clock.ts';
import { DeribitFeed, deribitFeedOptions } from '../src/venues/deribit/index.ts';
import { BookReplicas } from './helpers/book-replica.ts';
import { readCaptureReceived, readRecordedInstruments } from './helpers/shared-data.ts';

describe('backpressure', () => {
  it('bounds the buffer, counts what it drops, and never publishes a delta of a broken book', async () => {
    const published: MarketDataEvent[] = [];
    let release: (() => void) | undefined;
    let hung = false;
    const sink = {
      publish(events: MarketDataEvent[]): Promise<void> {
        published.push(...events);
        // The instrument list goes through; the first market-data batch hangs until released.
        if (hung || events.every((e) => e.payload.case === 'instrument')) return Promise.resolve();
        hung = true;
        return new Promise<void>((resolve) => {
          release = resolve;
        });
      },
    };
    const feed = new DeribitFeed(
      deribitFeedOptions({ currencies: ['BTC', 'ETH'], connections: 1, tuning: { maxBufferedEvents: 40 } }),
      {
        sink,
        logger: createLogger({ service: 'connector', level: 'silent' }),
        clock: createReceiveClock(),
        now: () => 1_626_993_723_000,
      },
    );
    for (const [currency, rows] of readRecordedInstruments()) {
      if (currency === 'BTC' || currency === 'ETH') feed.applyInstrumentList(currency, 'option', rows);
    }
    await feed.flush();
    const shard = feed.shards[0]!;
    const frames = readCaptureReceived().filter((f) => f.text.includes('"subscription"'));
    // Frames arrive in one burst while the sink hangs on its first market-data batch.
    for (const f of frames.slice(0, 20)) feed.onFrame(shard, f.text, 1n, f.text.length);
    await new Promise((resolve) => setImmediate(resolve));
    for (const f of frames.slice(20)) feed.onFrame(shard, f.text, 1n, f.text.length);
    const stats = feed.stats();
    assert.ok(release !== undefined, 'the sink is hanging on the first market-data batch');
    assert.ok(stats.dropped.backpressure > 0, 'some events did not fit');
    assert.ok(stats.bufferedEvents <= 40 + stats.resyncsRequested, `buffer bounded: ${stats.bufferedEvents}`);
    assert.ok(stats.resyncsRequested > 0, 'books that lost a message are resynced');
    release!();
    await feed.flush();
    const replicas = new BookReplicas().apply(published);
    assert.deepEqual(replicas.violations, []);
    assert.ok(replicas.markers > 0, 'downstream was told which books are unsynced');
    await feed.stop();
  });
});

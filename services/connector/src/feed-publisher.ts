import type { MarketDataEvent } from '@volstream/contracts';
import type { ReceiveClock } from './clock.ts';
import type { ConnectorMetrics } from './metrics.ts';
import { MicroBatchPublisher } from './publisher.ts';
import type { EventSink } from './sink.ts';

/**
 * The micro-batch publisher every venue feed builds the same way: published events and batches
 * counted in the feed's metrics, `publish_time_ns` stamped once per batch, failures handed back to
 * the feed (which resyncs the books it lost: a venue rule, so it stays in each feed.ts).
 */
export function createFeedPublisher(
  sink: EventSink,
  metrics: ConnectorMetrics,
  clock: ReceiveClock,
  maxBuffered: number,
  onError: (error: unknown, lost: MarketDataEvent[]) => void,
): MicroBatchPublisher<MarketDataEvent> {
  return new MicroBatchPublisher<MarketDataEvent>(sink, {
    maxBuffered,
    onPublished: (count) => {
      metrics.eventsOut += count;
      metrics.publishBatches += 1;
    },
    onError,
    // One clock read per batch: publish_time_ns is when the batch went to the sink, on the same
    // clock as receive_time_ns so the two are comparable.
    beforePublish: (batch) => {
      const now = clock();
      for (const event of batch) if (event.header !== undefined) event.header.publishTimeNs = now;
    },
  });
}

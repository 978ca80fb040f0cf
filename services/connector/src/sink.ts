import { createWriteStream, type WriteStream } from 'node:fs';
import { type MarketDataEvent, TOPICS } from '@volstream/contracts';

/**
 * Where the connector's events go. Narrow on purpose: production wraps the bus producer, tests use
 * the in-process bus or a collecting sink, and the shutdown test a file. `publish` resolves once the
 * events are held durably by the destination (the bus acknowledged them).
 */
export interface EventSink {
  publish(events: MarketDataEvent[]): Promise<void>;
  /** Waits for everything published to be durable (shutdown). */
  flush?(): Promise<void>;
  close?(): Promise<void>;
}

/** The structural part of `@volstream/bus`'s Producer the sink needs. */
export interface MarketDataProducer {
  send(topic: typeof TOPICS.marketdata, values: readonly MarketDataEvent[]): Promise<void>;
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** Publishes on `volstream.marketdata.v1` (key venue:instrument, from the topic registry). */
export function busSink(producer: MarketDataProducer): EventSink {
  return {
    publish: (events) => producer.send(TOPICS.marketdata, events),
    flush: () => producer.flush(),
    close: () => producer.close(),
  };
}

/** Keeps every event in memory (tests, benchmarks). */
export class CollectingSink implements EventSink {
  readonly events: MarketDataEvent[] = [];

  async publish(events: MarketDataEvent[]): Promise<void> {
    for (const event of events) this.events.push(event);
  }
}

/**
 * Appends one protobuf-JSON line per event to a file (`--sink file:PATH`): a durable destination
 * without a broker, used by the shutdown test to count what was produced.
 */
export class FileSink implements EventSink {
  readonly #stream: WriteStream;

  constructor(path: string) {
    this.#stream = createWriteStream(path, { flags: 'a' });
  }

  publish(events: MarketDataEvent[]): Promise<void> {
    let text = '';
    for (const event of events) text += `${JSON.stringify(TOPICS.marketdata.toJson(event))}\n`;
    return new Promise((resolve, reject) => {
      this.#stream.write(text, (error) => (error ? reject(error) : resolve()));
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#stream.end(resolve));
  }
}

// Runs one connector until `signal` aborts, then shuts down in the order that loses nothing:
// venue sockets closed first, everything already received published, the sink flushed and closed,
// the bus closed. Shared by the service's main.ts and `volstream connector`.
import { type Bus, createBus } from '@volstream/bus';
import { type ConfigOf, resolveBusTransport } from '@volstream/config';
import type { Logger } from '@volstream/logging';
import { createConnector } from './app.ts';
import type { ConnectorStats } from './metrics.ts';
import type { CONNECTOR_OPTIONS } from './options.ts';
import { busSink, type EventSink, FileSink } from './sink.ts';

export type ConnectorConfig = ConfigOf<typeof CONNECTOR_OPTIONS>;

export interface RunningConnector {
  readonly url: string;
  /** Resolves with the final stats once the connector has stopped after `signal`. */
  readonly done: Promise<ConnectorStats>;
}

function openSink(config: ConnectorConfig, logger: Logger): { sink: EventSink; bus: Bus | undefined } {
  if (config.sink.startsWith('file:'))
    return { sink: new FileSink(config.sink.slice('file:'.length)), bus: undefined };
  const bus =
    resolveBusTransport(config) === 'kafka'
      ? createBus(
          {
            transport: 'kafka',
            brokers: [...(config.brokers ?? [])],
            clientId: `connector-${config.venue}`,
            idempotent: config.kafkaIdempotent,
            compression: 'gzip',
          },
          { logger },
        )
      : createBus({ transport: 'inprocess' }, { logger });
  return { sink: busSink(bus.producer()), bus };
}

export function runConnector(config: ConnectorConfig, logger: Logger, signal: AbortSignal): RunningConnector {
  const { sink, bus } = openSink(config, logger);
  const connector = createConnector(
    {
      venue: config.venue,
      currencies: config.currencies,
      connections: config.connections,
      ...(config.url === undefined ? {} : { url: config.url }),
      ...(config.producerId === undefined ? {} : { producerId: config.producerId }),
      tuning: { heartbeatIntervalSec: config.heartbeatInterval },
    },
    { sink, logger },
  );
  connector.start();
  const done = new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  }).then(async () => {
    await connector.stop();
    await sink.close?.();
    await bus?.close();
    return connector.stats();
  });
  return { url: connector.url, done };
}

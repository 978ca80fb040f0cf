// Composition root of the connector service: config -> logger -> sink (bus or file) -> start,
// and a clean shutdown on SIGTERM/SIGINT: sockets closed first, then everything received is
// published and the producer flushed, so nothing produced is lost. Run:
//   node --import tsx services/connector/src/main.ts --venue deribit --url ws://127.0.0.1:PORT
import { type Bus, createBus } from '@volstream/bus';
import { loadConfig, resolveBusTransport } from '@volstream/config';
import { describeError } from '@volstream/errors';
import { createLogger } from '@volstream/logging';
import { createConnector } from './app.ts';
import { CONNECTOR_OPTIONS } from './options.ts';
import { busSink, type EventSink, FileSink } from './sink.ts';

export async function main(argv: readonly string[]): Promise<number> {
  let loaded: ReturnType<typeof loadConfig<typeof CONNECTOR_OPTIONS>>;
  try {
    loaded = loadConfig(CONNECTOR_OPTIONS, { argv });
  } catch (error) {
    process.stderr.write(`connector: ${describeError(error)}\n`);
    return 2;
  }
  const config = loaded.config;
  const logger = createLogger({ service: 'connector', venue: config.venue, level: config.logLevel });
  let bus: Bus | undefined;
  let sink: EventSink;
  if (config.sink.startsWith('file:')) {
    sink = new FileSink(config.sink.slice('file:'.length));
  } else {
    const transport = resolveBusTransport(config);
    bus =
      transport === 'kafka'
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
    sink = busSink(bus.producer());
  }
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
  const signal = await new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  logger.info({ signal }, 'Shutting down');
  // A second signal forces the exit.
  process.once('SIGTERM', () => process.exit(1));
  process.once('SIGINT', () => process.exit(1));
  await connector.stop();
  await sink.close?.();
  await bus?.close();
  // The last line on stderr is the final stats, machine-readable for tests and operators.
  process.stderr.write(`${JSON.stringify({ final: connector.stats() })}\n`);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`connector: ${describeError(error)}\n`);
      process.exit(1);
    },
  );
}

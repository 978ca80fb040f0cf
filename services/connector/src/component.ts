import type { Logger } from '@volstream/logging';
import { type Connector, type ConnectorOptions, createConnector } from './app.ts';
import { busSink, type MarketDataProducer } from './sink.ts';

/**
 * The CLI's component shape (`packages/cli/src/components.ts`), restated structurally so the
 * connector does not depend on the CLI (the CLI depends on the connector).
 */
export interface ComponentBus {
  producer(): MarketDataProducer;
}

export interface ConnectorComponentContext {
  readonly bus: ComponentBus;
  readonly config: Readonly<Record<string, unknown>>;
  readonly logger: Logger;
  readonly signal: AbortSignal;
}

export interface ConnectorComponent {
  readonly name: string;
  start(ctx: ConnectorComponentContext): Promise<{ describe: string }>;
  stop(): Promise<void>;
  /** The running connector (after `start`), for stats. */
  readonly connector: Connector | undefined;
}

export interface ConnectorComponentOptions extends Partial<ConnectorOptions> {
  /**
   * Resolves the URL at start time, for `volstream run`, where the simulator component started
   * just before knows its ephemeral port. Wins over `url` when it returns a value.
   */
  resolveUrl?: () => string | undefined;
}

/** `volstream run` component: publishes the venue's events on the run's bus. */
export function createConnectorComponent(options: ConnectorComponentOptions = {}): ConnectorComponent {
  const venue = options.venue ?? 'deribit';
  let connector: Connector | undefined;
  let producer: MarketDataProducer | undefined;
  return {
    name: `connector-${venue}`,
    get connector() {
      return connector;
    },
    async start(ctx) {
      const { resolveUrl, ...rest } = options;
      const url = resolveUrl?.() ?? options.url;
      producer = ctx.bus.producer();
      connector = createConnector(
        { ...rest, venue, ...(url === undefined ? {} : { url }) },
        { sink: busSink(producer), logger: ctx.logger },
      );
      connector.start();
      const stats = connector.stats();
      return {
        describe: `${venue} connector on ${connector.url} (${stats.connections} connections) -> volstream.marketdata.v1`,
      };
    },
    async stop() {
      await connector?.stop();
      await producer?.close();
    },
  };
}

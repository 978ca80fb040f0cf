import type { Bus } from '@volstream/bus';
import type { Logger } from '@volstream/logging';
import { build, type Gateway, type GatewayOptions } from './app.ts';
import type { HistorySource } from './rest/history-source.ts';
import type { StoreStatus } from './rest/status-route.ts';
import type { DataSourceKind, VenueReport } from './rest/status-tracker.ts';

/** The slice of `volstream run`'s ComponentContext the gateway uses (structural, no CLI import). */
export interface GatewayComponentContext {
  readonly bus: Bus;
  readonly logger: Logger;
}

export interface GatewayComponentOptions {
  /** Port to listen on (0 = ephemeral). */
  port: number;
  host?: string;
  /**
   * When the port is taken, listen on an ephemeral port instead and say so loudly (embedded
   * default, so a second `volstream run` or a test run does not fail on a busy 8080). An explicit
   * --port should set this to false.
   */
  fallbackToEphemeral?: boolean;
  gateway?: Partial<GatewayOptions>;
  /** Where the run's data comes from (`/v1/status` source and the dashboard's SIMULATED banner). */
  source?: DataSourceKind | (() => DataSourceKind);
  /** Connector-side venue state (connection, message rate) over what the surfaces show. */
  venueStatus?: () => readonly VenueReport[];
  /** The run's store for `/v1/history/...`; absent or undefined answers 503 HISTORY_UNAVAILABLE. */
  history?: () => HistorySource | undefined;
  /** The store's backlog (lag, spool) for `/v1/status`. */
  storeStatus?: () => StoreStatus | Promise<StoreStatus | undefined> | undefined;
}

/** The gateway as a `volstream run` component: start() resolves once it listens. */
export function createGatewayComponent(options: GatewayComponentOptions) {
  let gateway: Gateway | undefined;
  const gatewayOptions: Partial<GatewayOptions> = {
    ...options.gateway,
    ...(options.source === undefined ? {} : { source: options.source }),
    ...(options.venueStatus === undefined ? {} : { venueStatus: options.venueStatus }),
    ...(options.history === undefined ? {} : { history: options.history }),
    ...(options.storeStatus === undefined ? {} : { storeStatus: options.storeStatus }),
  };
  return {
    name: 'gateway',
    get gateway(): Gateway | undefined {
      return gateway;
    },
    async start(ctx: GatewayComponentContext): Promise<{ describe: string }> {
      const host = options.host ?? '127.0.0.1';
      let port: number;
      try {
        gateway = build({ logger: ctx.logger, bus: ctx.bus, options: gatewayOptions });
        port = await gateway.listen(options.port, host);
      } catch (error) {
        await gateway?.close();
        gateway = undefined;
        if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || options.fallbackToEphemeral !== true)
          throw error;
        gateway = build({ logger: ctx.logger, bus: ctx.bus, options: gatewayOptions });
        port = await gateway.listen(0, host);
        ctx.logger.warn(
          { wanted: options.port, port },
          `port ${options.port} is in use: gateway on port ${port} instead`,
        );
      }
      return {
        describe: `gateway on http://${host}:${port} (REST /v1, docs /docs, stream ws://${host}:${port}/v1/stream)`,
      };
    },
    async stop(): Promise<void> {
      await gateway?.close();
      gateway = undefined;
    },
  };
}

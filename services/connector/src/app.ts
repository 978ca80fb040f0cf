import { createLogger, type Logger } from '@volstream/logging';
import { createReceiveClock, type ReceiveClock } from './clock.ts';
import { type ConnectorStats, toPrometheus } from './metrics.ts';
import { getVenue } from './registry.ts';
import type { EventSink } from './sink.ts';
import type { VenueOptions } from './venue.ts';

/** `createConnector` options: the venue id plus what every venue understands. */
export interface ConnectorOptions extends VenueOptions {
  venue: string;
}

export interface ConnectorDeps {
  sink: EventSink;
  logger?: Logger;
  clock?: ReceiveClock;
  /** Wall clock in ms for expiry checks (default Date.now); replays of old days pass their own. */
  now?: () => number;
}

export interface Connector {
  readonly venue: string;
  readonly url: string;
  /** Opens the venue sockets; they reconnect by themselves until `stop`. */
  start(): void;
  /** Closes the sockets, publishes everything received, and flushes the sink. */
  stop(): Promise<void>;
  flush(): Promise<void>;
  stats(): ConnectorStats;
  /** Prometheus text exposition of `stats()`. */
  toPrometheus(): string;
  readonly converged: boolean;
  whenConverged(timeoutMs: number): Promise<void>;
}

/**
 * Builds a connector for one venue; nothing happens until `start()` (no I/O at construction), so
 * the composition root (main.ts, the CLI component, tests) decides when sockets open.
 */
export function createConnector(options: ConnectorOptions, deps: ConnectorDeps): Connector {
  const venue = getVenue(options.venue);
  const logger = deps.logger ?? createLogger({ service: 'connector', venue: venue.name });
  const url = options.url ?? venue.defaultUrl;
  const feed = venue.create(
    { ...options, url, currencies: options.currencies ?? venue.defaultCurrencies },
    {
      sink: deps.sink,
      logger,
      clock: deps.clock ?? createReceiveClock(),
      ...(deps.now === undefined ? {} : { now: deps.now }),
    },
  );
  let started = false;
  return {
    venue: venue.name,
    url,
    start() {
      if (started) return;
      started = true;
      logger.info({ url, connections: options.connections }, 'Connector starting');
      feed.start();
    },
    async stop() {
      await feed.stop();
      await deps.sink.flush?.();
      logger.info({ stats: feed.stats() }, 'Connector stopped');
    },
    flush: () => feed.flush(),
    stats: () => feed.stats(),
    toPrometheus: () => toPrometheus(feed.stats()),
    get converged() {
      return feed.converged;
    },
    whenConverged: (timeoutMs) => feed.whenConverged(timeoutMs),
  };
}

/** `build(deps)` of the service convention: the app without its composition root. */
export function build(deps: ConnectorDeps & { options: ConnectorOptions }): Connector {
  return createConnector(deps.options, deps);
}

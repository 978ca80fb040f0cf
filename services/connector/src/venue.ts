import type { Logger } from '@volstream/logging';
import type { ReceiveClock } from './clock.ts';
import type { ConnectorStats } from './metrics.ts';
import type { EventSink } from './sink.ts';

/**
 * What every venue folder exports (through its `index.ts`) so one registry can gather them.
 * A venue turns its websocket protocol into `volstream.marketdata.v1` events on the sink; nothing
 * venue-specific leaks out of its folder, and venues never import each other.
 */
export interface VenueFeed {
  start(): void;
  /** Closes the venue sockets, then publishes everything already received. */
  stop(): Promise<void>;
  /** Publishes everything received so far. */
  flush(): Promise<void>;
  stats(): ConnectorStats;
  /** True once instruments are known and every channel is subscribed. */
  readonly converged: boolean;
  whenConverged(timeoutMs: number): Promise<void>;
}

/** Options every venue understands; venue-specific tuning goes in `tuning`. */
export interface VenueOptions {
  /** Websocket URL; defaults to the venue's public market-data endpoint. */
  url?: string;
  /** Upper-case base coins, e.g. ["BTC", "ETH"]. */
  currencies?: readonly string[];
  /** Websocket connections the subscriptions are sharded over. */
  connections?: number;
  /** Id of this process instance for event headers, e.g. `connector-deribit-0`. */
  producerId?: string;
  /** Venue-specific settings (each venue documents and validates its own). */
  tuning?: Readonly<Record<string, unknown>>;
}

export interface VenueDeps {
  sink: EventSink;
  logger: Logger;
  clock: ReceiveClock;
  /** Wall clock in ms (expiry checks); injectable so a recorded day can be replayed. */
  now?: () => number;
}

export interface VenueDefinition {
  /** Lower-case venue id, the `venue` of every event header. */
  readonly name: string;
  readonly defaultUrl: string;
  readonly defaultCurrencies: readonly string[];
  create(options: VenueOptions, deps: VenueDeps): VenueFeed;
}

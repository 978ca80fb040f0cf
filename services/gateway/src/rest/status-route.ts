import type { FastifyInstance } from 'fastify';
import { venueQuery } from './routes.ts';
import { type DataSourceKind, mergeVenues, type StatusTracker, type VenueReport } from './status-tracker.ts';

/** The store's backlog as the embedding process reports it (`volstream run`'s storage writer). */
export interface StoreStatus {
  /** Events consumed from the bus or spooled but not yet inserted. */
  readonly lagEvents: number;
  readonly spooledEvents: number;
  readonly spoolBytes: number;
  /** Age of the oldest event not yet inserted, ms (0 when none). */
  readonly oldestAgeMs: number;
  /** The spool's cap on disk use, bytes, when the writer spools (`--spool-max-bytes`). */
  readonly spoolMaxBytes?: number;
  /** The spool reached its cap: the writer holds the bus back until inserts free room. */
  readonly spoolFull?: boolean;
}

export interface StatusSources {
  /** Where the data comes from (default: VOLSTREAM_SOURCE=sim|live|replay, else "unknown"). */
  source?: DataSourceKind | (() => DataSourceKind);
  /** Connector-side venue state; laid over what the gateway derives from the surfaces. */
  venueStatus?: () => readonly VenueReport[];
  /** Whether history endpoints can answer. */
  history: () => boolean;
  storeStatus?: () => StoreStatus | Promise<StoreStatus | undefined> | undefined;
}

const SOURCES: ReadonlySet<string> = new Set(['sim', 'live', 'replay']);

export function sourceFromEnv(env: NodeJS.ProcessEnv = process.env): DataSourceKind {
  const value = env.VOLSTREAM_SOURCE;
  return value !== undefined && SOURCES.has(value) ? (value as DataSourceKind) : 'unknown';
}

const statusQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { api_key: venueQuery.properties.api_key },
} as const;

/**
 * `GET /v1/status`: source (and the SIMULATED flag the dashboard banner follows), venues with
 * their freshness and rates, data lag, surfaces per second, whether history is available, and the
 * store's backlog when the embedding process has one. docs/API.md "Status".
 */
export function registerStatusRoute(
  app: FastifyInstance,
  tracker: StatusTracker,
  sources: StatusSources,
  startedAtMs: number,
): void {
  app.get('/v1/status', { schema: { querystring: statusQuery } }, async (req) => {
    const given = typeof sources.source === 'function' ? sources.source() : sources.source;
    const source = given ?? sourceFromEnv();
    let reported: readonly VenueReport[] = [];
    try {
      reported = sources.venueStatus?.() ?? [];
    } catch (error) {
      // A status page must answer even when a reporter misbehaves; the derived view remains.
      req.log.warn({ err: error }, 'venue status reporter failed');
    }
    let store: StoreStatus | undefined;
    try {
      store = await sources.storeStatus?.();
    } catch (error) {
      req.log.warn({ err: error }, 'store status reporter failed');
    }
    return {
      source,
      simulated: source === 'sim',
      startedAtMs,
      history: sources.history(),
      venues: mergeVenues(tracker.venues(), reported),
      lag: tracker.lagMs(),
      surfacesPerSec: tracker.surfacesPerSec(),
      store: store ?? null,
    };
  });
}

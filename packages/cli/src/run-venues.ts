/**
 * The venues of `volstream run --venues …`: where each one's market data comes from (`--source
 * sim|live|auto`, per venue: auto probes the venue's public host and simulates the unreachable
 * ones) and the state of each venue's connector, for the report and the gateway.
 */
import { connect } from 'node:net';
import { VolstreamError } from '@volstream/errors';

/** Where `volstream run` gets market data: the built-in simulator, the live venue, or whichever works. */
export const RUN_SOURCES = ['auto', 'sim', 'live'] as const;
export type RunSource = (typeof RUN_SOURCES)[number];

/** Whether a TCP connection to host:port opens within `timeoutMs` (no data is exchanged). */
export function canReach(host: string, timeoutMs: number, port = 443): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

/** host and port of a venue's public websocket URL (the connector registry's `defaultUrl`). */
export function publicEndpoint(defaultUrl: string): { host: string; port: number } {
  const u = new URL(defaultUrl);
  const port = u.port === '' ? (u.protocol === 'ws:' ? 80 : 443) : Number(u.port);
  return { host: u.hostname, port };
}

export interface VenueSource {
  readonly venue: string;
  readonly source: 'sim' | 'live';
  /** Why, for the log line (and the SIMULATED DATA warning). */
  readonly why: string;
}

const DISPLAY: Readonly<Record<string, string>> = {
  binance: 'Binance',
  bybit: 'Bybit',
  deribit: 'Deribit',
  okx: 'OKX',
};

/** A venue's name as people write it (`okx` → `OKX`). */
export const displayName = (venue: string): string =>
  DISPLAY[venue] ?? `${venue.charAt(0).toUpperCase()}${venue.slice(1)}`;

/** The venues of the run (config `venues`, default deribit), without duplicates, in given order. */
export function runVenues(config: Readonly<Record<string, unknown>>): string[] {
  const venues = (config.venues as readonly string[] | undefined) ?? ['deribit'];
  return [...new Set(venues)];
}

/**
 * Resolves each venue's source: `sim` and `live` as given; `auto` probes the venue's public host
 * (all venues at once, 1.5 s) and simulates the unreachable ones.
 */
export async function resolveVenueSources(
  venues: readonly string[],
  source: RunSource,
): Promise<VenueSource[]> {
  if (source === 'sim') {
    return venues.map((venue) => ({
      venue,
      source: 'sim',
      why: `--source sim: the built-in ${displayName(venue)} simulator`,
    }));
  }
  if (source === 'live') return venues.map((venue) => ({ venue, source: 'live', why: '--source live' }));
  const { getVenue } = await import('@volstream/connector');
  return Promise.all(
    venues.map(async (venue): Promise<VenueSource> => {
      const { host, port } = publicEndpoint(getVenue(venue).defaultUrl);
      return (await canReach(host, 1500, port))
        ? { venue, source: 'live', why: `--source auto: ${host}:${port} reachable` }
        : {
            venue,
            source: 'sim',
            why: `live venue ${host}:${port} unreachable, running the built-in ${displayName(venue)} simulator instead`,
          };
    }),
  );
}

/**
 * Connector tuning against a simulator only. Binance paces its REST depth snapshots to the live
 * IP weight budget (6 a second: ~4.5 minutes to sync 1,600 books); the simulator has no such
 * budget, so a simulated run syncs its books in seconds, as the other venues' do.
 */
export const SIM_CONNECTOR_TUNING: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  binance: { snapshotRatePerSec: 200, snapshotConcurrency: 16 },
};

/** Fails with the venues that have a simulator when a simulated venue has none (yet). */
export function assertSimulated(simulated: readonly string[], available: readonly string[]): void {
  const missing = simulated.filter((v) => !available.includes(v));
  if (missing.length === 0) return;
  throw new VolstreamError(
    'CONFIG_INVALID',
    `No simulator for ${missing.join(', ')} yet: --source sim (or auto without the live venue) can simulate ${available.join(', ')}`,
    { context: { missing, available } },
  );
}

/** A venue's connection state in the run, as the gateway/dashboard shows it. */
export interface VenueStatus {
  venue: string;
  source: 'sim' | 'live';
  /** At least one of its websocket connections is open. */
  connected: boolean;
  connectionsOpen: number;
  connections: number;
  /** Frames per second over the latest sampling interval (≥ 1 s, see VenueStatusBoard). */
  msgsPerSec: number;
  messagesIn: number;
  instruments: number;
  booksSynced: number;
  reconnects: number;
}

/** The slice of a connector's stats `VenueStatus` reads (ConnectorStats of @volstream/connector). */
export interface VenueConnectorStats {
  messagesIn: number;
  connectionsOpen: number;
  connections: number;
  instruments: number;
  booksSynced: number;
  reconnects: number;
}

/**
 * Tracks each venue's connector for `status()`. The rate is resampled when at least 1 s has passed
 * since the previous sample (else the previous rate is returned), so several callers polling at
 * their own pace (report, gateway, each dashboard) all see a rate over a second or more.
 */
export class VenueStatusBoard {
  readonly #venues = new Map<
    string,
    {
      source: 'sim' | 'live';
      stats: () => VenueConnectorStats | undefined;
      last: [number, number];
      rate: number;
    }
  >();

  constructor(private readonly now: () => number = Date.now) {}

  add(venue: string, source: 'sim' | 'live', stats: () => VenueConnectorStats | undefined): void {
    this.#venues.set(venue, { source, stats, last: [this.now(), 0], rate: 0 });
  }

  status(): VenueStatus[] {
    const now = this.now();
    const out: VenueStatus[] = [];
    for (const [venue, v] of this.#venues) {
      const s = v.stats();
      const messagesIn = s?.messagesIn ?? 0;
      const dt = (now - v.last[0]) / 1000;
      if (dt >= 1) {
        v.rate = Math.max(0, messagesIn - v.last[1]) / dt;
        v.last = [now, messagesIn];
      }
      const msgsPerSec = v.rate;
      out.push({
        venue,
        source: v.source,
        connected: (s?.connectionsOpen ?? 0) > 0,
        connectionsOpen: s?.connectionsOpen ?? 0,
        connections: s?.connections ?? 0,
        msgsPerSec,
        messagesIn,
        instruments: s?.instruments ?? 0,
        booksSynced: s?.booksSynced ?? 0,
        reconnects: s?.reconnects ?? 0,
      });
    }
    return out;
  }
}

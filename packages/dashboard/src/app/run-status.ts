/**
 * The run's status from the gateway's `GET /v1/status` (docs/API.md): data source, per-venue
 * connection, message rates, lag, history availability. Parsed defensively (the endpoint may be
 * absent on an older gateway, or answer 404/503): anything unusable becomes "unavailable", never a
 * broken page. Pure functions; the DOM side is status-panel.ts.
 */

export type RunSource = 'sim' | 'live' | 'replay' | 'unknown';

export interface VenueStatus {
  venue: string;
  connected: boolean;
  /** Wall time of the venue's last event, epoch ms; null when none yet. */
  lastEventMs: number | null;
  msgsPerSec: number;
  currencies: string[];
}

export interface RunStatus {
  source: RunSource;
  simulated: boolean;
  startedAtMs: number | null;
  history: boolean;
  venues: VenueStatus[];
  /** Pipeline lag as the gateway reports it, ms; null when unknown. */
  lag: number | null;
  surfacesPerSec: number;
  /** The store's backlog when the run keeps one (events not yet inserted, age of the oldest). */
  store: { lagEvents: number; oldestAgeMs: number } | null;
}

/** What the page knows about the status: not asked yet, answered, or not served. */
export type StatusState =
  | { kind: 'pending' }
  | { kind: 'ok'; status: RunStatus }
  | { kind: 'unavailable'; reason: string };

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const SOURCES: readonly RunSource[] = ['sim', 'live', 'replay', 'unknown'];

function venueOf(v: unknown): VenueStatus | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const r = v as Record<string, unknown>;
  if (typeof r.venue !== 'string' || r.venue === '') return undefined;
  return {
    venue: r.venue,
    connected: r.connected === true,
    lastEventMs: num(r.lastEventMs),
    msgsPerSec: num(r.msgsPerSec) ?? 0,
    currencies: Array.isArray(r.currencies)
      ? r.currencies.filter((c): c is string => typeof c === 'string')
      : [],
  };
}

function storeOf(v: unknown): RunStatus['store'] {
  if (typeof v !== 'object' || v === null) return null;
  const r = v as Record<string, unknown>;
  const lagEvents = num(r.lagEvents);
  return lagEvents === null ? null : { lagEvents, oldestAgeMs: num(r.oldestAgeMs) ?? 0 };
}

/** The body of `/v1/status`, or undefined when it is not the documented shape. */
export function parseRunStatus(body: unknown): RunStatus | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const r = body as Record<string, unknown>;
  if (typeof r.source !== 'string' || !Array.isArray(r.venues)) return undefined;
  const source = (SOURCES as readonly string[]).includes(r.source) ? (r.source as RunSource) : 'unknown';
  return {
    source,
    // A sim source is simulated whatever the flag says: simulated data is never shown unlabelled.
    simulated: r.simulated === true || source === 'sim',
    startedAtMs: num(r.startedAtMs),
    history: r.history === true,
    venues: r.venues
      .map(venueOf)
      .filter((v): v is VenueStatus => v !== undefined)
      .sort((a, b) => a.venue.localeCompare(b.venue)),
    lag: num(r.lag),
    surfacesPerSec: num(r.surfacesPerSec) ?? 0,
    store: storeOf(r.store),
  };
}

/** The state after one poll: HTTP status and parsed JSON body (undefined when not JSON). */
export function statusStateOf(httpStatus: number, body: unknown): StatusState {
  if (httpStatus === 404) return { kind: 'unavailable', reason: 'this gateway serves no /v1/status' };
  if (httpStatus < 200 || httpStatus >= 300) {
    const code = (body as { code?: unknown } | undefined)?.code;
    return {
      kind: 'unavailable',
      reason: `/v1/status answered ${httpStatus}${typeof code === 'string' ? ` ${code}` : ''}`,
    };
  }
  const status = parseRunStatus(body);
  return status === undefined
    ? { kind: 'unavailable', reason: '/v1/status answered an unexpected body' }
    : { kind: 'ok', status };
}

export interface Banner {
  show: boolean;
  kind: 'simulated' | 'replay' | 'none';
  text: string;
}

const SIMULATED = 'SIMULATED DATA: this is the built-in exchange simulator, not a live market';

/**
 * The banner. `/v1/status` decides; while it is pending, unavailable or says "unknown", the source
 * the page was served with (`window.__VOLSTREAM__.source`) stands in, so simulated data is labelled from the
 * first frame even on a gateway without the endpoint.
 */
export function bannerOf(state: StatusState, servedSource: string | undefined): Banner {
  // A status that does not know its source ("unknown") tells nothing: the served source decides.
  if (state.kind === 'ok' && (state.status.source !== 'unknown' || state.status.simulated)) {
    if (state.status.simulated) return { show: true, kind: 'simulated', text: SIMULATED };
    if (state.status.source === 'replay')
      return { show: true, kind: 'replay', text: 'REPLAY: recorded data played back, not the live market' };
    return { show: false, kind: 'none', text: '' };
  }
  if (servedSource === 'sim') return { show: true, kind: 'simulated', text: SIMULATED };
  return { show: false, kind: 'none', text: '' };
}

export interface VenueStatusRow {
  venue: string;
  connected: boolean;
  /** Age of the last event at render time, ms; null when none yet. */
  ageMs: number | null;
  msgsPerSec: number;
  currencies: string;
  /** Disconnected, or its last event is more than 10 s old. */
  bad: boolean;
}

export const SILENT_VENUE_MS = 10_000;

export function venueStatusRows(status: RunStatus, nowMs: number): VenueStatusRow[] {
  return status.venues.map((v) => {
    const ageMs = v.lastEventMs === null ? null : Math.max(0, nowMs - v.lastEventMs);
    return {
      venue: v.venue,
      connected: v.connected,
      ageMs,
      msgsPerSec: v.msgsPerSec,
      currencies: v.currencies.join(', '),
      // Connected without a last event yet is a starting venue, not a failing one.
      bad: !v.connected || (ageMs !== null && ageMs > SILENT_VENUE_MS),
    };
  });
}

import type { StateChange, StateStore } from '../state-store.ts';

/** Where the served data comes from; the dashboard shows a SIMULATED DATA banner for "sim". */
export type DataSourceKind = 'sim' | 'live' | 'replay' | 'unknown';

/** One venue's state as `GET /v1/status` reports it. */
export interface VenueStatus {
  readonly venue: string;
  readonly connected: boolean;
  /** Epoch ms of the venue's last event (gateway side: its last smile/surface), null before any. */
  readonly lastEventMs: number | null;
  readonly msgsPerSec: number;
  readonly currencies: readonly string[];
}

/**
 * A venue as the embedding process reports it (e.g. `volstream run`'s connector board): what it
 * does not know (last event time, currencies) the gateway's own view fills in. Extra fields are
 * ignored.
 */
export interface VenueReport {
  readonly venue: string;
  readonly connected: boolean;
  readonly msgsPerSec: number;
  readonly lastEventMs?: number | null;
  readonly currencies?: readonly string[];
}

/** Seconds of history behind the per-second rates. */
const RATE_WINDOW_S = 10;
/**
 * A venue whose last surface-topic event is older than this counts as disconnected. The surface
 * worker publishes every venue's surface on its display cadence (500 ms), so 15 s is many missed
 * publications, not jitter.
 */
export const STALE_AFTER_MS = 15_000;

/** Events per second over the last RATE_WINDOW_S whole seconds, in one ring of counters. */
class RateCounter {
  readonly #counts = new Array<number>(RATE_WINDOW_S + 1).fill(0);
  #second = 0;

  add(nowMs: number): void {
    this.#advance(nowMs);
    const i = this.#second % this.#counts.length;
    this.#counts[i] = (this.#counts[i] ?? 0) + 1;
  }

  perSec(nowMs: number): number {
    this.#advance(nowMs);
    // The current second is still filling: average the RATE_WINDOW_S complete ones before it.
    let sum = 0;
    const current = this.#second % this.#counts.length;
    for (let i = 0; i < this.#counts.length; i++) if (i !== current) sum += this.#counts[i] ?? 0;
    return sum / RATE_WINDOW_S;
  }

  #advance(nowMs: number): void {
    const second = Math.floor(nowMs / 1000);
    if (this.#second === 0) this.#second = second;
    const steps = Math.min(second - this.#second, this.#counts.length);
    for (let k = 1; k <= steps; k++) this.#counts[(this.#second + k) % this.#counts.length] = 0;
    if (second > this.#second) this.#second = second;
  }
}

interface VenueState {
  lastEventMs: number;
  readonly rate: RateCounter;
  readonly currencies: Set<string>;
}

/**
 * What the gateway can tell about the feed from the surface topic alone (so it works in the
 * distributed mode too): per venue, when its last smile or surface arrived, how many per second,
 * which currencies; the rate of surfaces (every venue's and the composite); and the data lag (age
 * of the newest surface's as-of time).
 */
export class StatusTracker {
  readonly #venues = new Map<string, VenueState>();
  readonly #surfaces = new RateCounter();
  readonly #now: () => number;
  #newestAsOfMs = 0;
  readonly #unsubscribe: () => void;

  constructor(store: StateStore, now: () => number = Date.now) {
    this.#now = now;
    this.#unsubscribe = store.onChange((change) => this.#observe(change));
  }

  #observe(change: StateChange): void {
    const nowMs = this.#now();
    const item = change.kind === 'smile' ? change.smile : change.surface;
    if (change.kind === 'surface') {
      this.#surfaces.add(nowMs);
      this.#newestAsOfMs = Math.max(this.#newestAsOfMs, Number(change.surface.asOfMs));
    }
    // The composite is not a venue: it has no connection of its own.
    if (item.venue === 'composite' || item.venue === '') return;
    let state = this.#venues.get(item.venue);
    if (state === undefined) {
      state = { lastEventMs: nowMs, rate: new RateCounter(), currencies: new Set() };
      this.#venues.set(item.venue, state);
    }
    state.lastEventMs = nowMs;
    state.rate.add(nowMs);
    state.currencies.add(item.currency);
  }

  /** Every venue seen, sorted by name. */
  venues(): VenueStatus[] {
    const nowMs = this.#now();
    return [...this.#venues.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([venue, s]) => ({
        venue,
        connected: nowMs - s.lastEventMs <= STALE_AFTER_MS,
        lastEventMs: s.lastEventMs,
        msgsPerSec: round2(s.rate.perSec(nowMs)),
        currencies: [...s.currencies].sort(),
      }));
  }

  surfacesPerSec(): number {
    return round2(this.#surfaces.perSec(this.#now()));
  }

  /** Milliseconds between now and the newest surface's as-of time; null before any surface. */
  lagMs(): number | null {
    return this.#newestAsOfMs === 0 ? null : Math.max(0, this.#now() - this.#newestAsOfMs);
  }

  close(): void {
    this.#unsubscribe();
  }
}

/**
 * The derived list with the embedding process's own view laid over it: a venue the connector
 * reports keeps the connector's `connected` and `msgsPerSec` (messages from the exchange, not
 * surfaces), the newer `lastEventMs`, and the union of currencies.
 */
export function mergeVenues(
  derived: readonly VenueStatus[],
  reported: readonly VenueReport[],
): VenueStatus[] {
  const byVenue = new Map<string, VenueStatus>(derived.map((v) => [v.venue, v]));
  for (const r of reported) {
    const d = byVenue.get(r.venue);
    const times = [d?.lastEventMs, r.lastEventMs].filter((t): t is number => typeof t === 'number');
    byVenue.set(r.venue, {
      venue: r.venue,
      connected: r.connected,
      lastEventMs: times.length === 0 ? null : Math.max(...times),
      msgsPerSec: round2(r.msgsPerSec),
      currencies: [...new Set([...(d?.currencies ?? []), ...(r.currencies ?? [])])].sort(),
    });
  }
  return [...byVenue.values()].sort((a, b) => a.venue.localeCompare(b.venue));
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

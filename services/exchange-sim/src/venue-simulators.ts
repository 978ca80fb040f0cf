/**
 * Several venues' simulators over ONE simulated market (`volstream run --source sim --venues …`):
 * a SharedMarket, seeded once, moved by its own single clock, read by every venue's simulator, each
 * quoting it in its own books and protocol. Every venue therefore answers to the same ground truth
 * (`truth()`), which is what lets the run report compare each venue's surface, and the composite,
 * with one truth. The total message rate is split evenly over the venues (venueRateOptions), so a
 * four-venue run at a given rate is comparable with a one-venue run at the same rate.
 */
import type { Logger } from '@volstream/logging';
import type { Market } from './deribit/market.ts';
import { initPricing } from './deribit/pricing.ts';
import { type TruthSnapshot, truthSnapshot } from './deribit/truth-report.ts';
import { SharedMarket } from './shared-market.ts';

/** What `volstream run` needs of one venue's running simulator. */
export interface RunningVenueSimulator {
  readonly url: string;
  stop(): Promise<void>;
}

/** The options every venue simulator starter accepts (`start<Venue>Simulator`). */
export interface VenueSimulatorStartOptions {
  market: Market;
  seed: string;
  /** This venue's book updates per second (its share of the total rate, see `venueRateOptions`). */
  rate: number;
  logger: Logger;
  /** OKX: opt-summary and mark-price period, ms. */
  summaryMs?: number;
  /** Bybit: ticker period per subscribed symbol, ms. */
  tickerMs?: number;
}

/**
 * A venue's options for its share of the total message rate. Deribit's `rate` counts every
 * notification (book and ticker). OKX and Bybit also push one message per instrument per period
 * (OKX mark-price, Bybit tickers) whatever the book rate: there half the share goes to book
 * updates and the period is stretched (never below the venue's default) so the per-instrument
 * messages take the other half. Binance's mark prices are one message per underlying.
 */
export function venueRateOptions(
  venue: string,
  share: number,
  options: number,
): Pick<VenueSimulatorStartOptions, 'rate' | 'summaryMs' | 'tickerMs'> {
  const period = (floor: number): number => Math.max(floor, Math.round((options * 1000) / (share / 2)));
  if (venue === 'okx') return { rate: share / 2, summaryMs: period(1000) };
  if (venue === 'bybit') return { rate: share / 2, tickerMs: period(500) };
  return { rate: share };
}

export type VenueSimulatorStarter = (options: VenueSimulatorStartOptions) => Promise<RunningVenueSimulator>;

/** `deribit` → `startDeribitSimulator`: the name each venue's simulator is exported under. */
export const starterName = (venue: string): string =>
  `start${venue.charAt(0).toUpperCase()}${venue.slice(1)}Simulator`;

/**
 * The venues exchange-sim has a simulator for, found by export name in this package's index, so a
 * venue's simulator joins `volstream run` by being exported there, and a venue without one is
 * reported as such rather than failing at import.
 */
export async function simulatorStarters(): Promise<Map<string, VenueSimulatorStarter>> {
  const index = (await import('./index.ts')) as unknown as Record<string, unknown>;
  const out = new Map<string, VenueSimulatorStarter>();
  for (const [name, value] of Object.entries(index)) {
    const m = /^start([A-Z][a-z0-9]*)Simulator$/.exec(name);
    if (m !== null && typeof value === 'function') {
      out.set((m[1] as string).toLowerCase(), value as VenueSimulatorStarter);
    }
  }
  return out;
}

/** Venue ids with a simulator, sorted. */
export async function simulatedVenues(): Promise<string[]> {
  return [...(await simulatorStarters()).keys()].sort();
}

export interface VenueSimulatorsOptions {
  venues: readonly string[];
  seed?: string;
  /** Total messages per second across all venues (default 2000), split evenly. */
  rate?: number;
  /** Simulated clock at start (default now). */
  startTime?: number;
}

export interface VenueSimulators {
  readonly market: SharedMarket;
  readonly venues: readonly string[];
  url(venue: string): string | undefined;
  /** The shared ground truth now. */
  truth(): TruthSnapshot;
  stop(): Promise<void>;
}

/**
 * Starts the shared market's clock and each venue's simulator on it. Throws (before starting
 * anything) when a venue has no simulator, naming those that exist.
 */
export async function startVenueSimulators(
  options: VenueSimulatorsOptions,
  logger: Logger,
): Promise<VenueSimulators> {
  const starters = await simulatorStarters();
  const missing = options.venues.filter((v) => !starters.has(v));
  if (missing.length > 0) {
    throw new Error(
      `No simulator for venue(s) ${missing.join(', ')} in @volstream/exchange-sim; simulated venues: ${[...starters.keys()].sort().join(', ')}`,
    );
  }
  await initPricing();
  const seed = options.seed ?? '1';
  const market = new SharedMarket({ seed, startTime: options.startTime ?? Date.now() }, logger);
  market.start();
  const share = (options.rate ?? 2000) / Math.max(1, options.venues.length);
  let optionCount = 0;
  for (const cm of market.currencies.values()) optionCount += cm.options.length;
  const running = new Map<string, RunningVenueSimulator>();
  try {
    for (const venue of options.venues) {
      const start = starters.get(venue) as VenueSimulatorStarter;
      const rates = venueRateOptions(venue, share, optionCount);
      running.set(venue, await start({ market, seed, ...rates, logger: logger.child({ simVenue: venue }) }));
    }
  } catch (error) {
    for (const sim of running.values()) await sim.stop().catch(() => {});
    market.stop();
    throw error;
  }
  return {
    market,
    venues: [...options.venues],
    url: (venue) => running.get(venue)?.url,
    truth: () => truthSnapshot(market),
    async stop() {
      for (const sim of running.values()) await sim.stop();
      running.clear();
      market.stop();
    },
  };
}

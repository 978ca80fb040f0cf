/**
 * Tuning of the surface worker. Every filter, the weighting, the fit cadence and the display
 * cadence is a parameter; the defaults are argued in docs/PIPELINE.md ("Surface worker").
 * Times are EVENT time (exchange time of the inputs), never wall time, so a replay of the same
 * events gives the same surfaces.
 */

export type WeightScheme = 'vega' | 'spread';

export interface QuoteFilterOptions {
  /** Drop quotes whose bid is below this many ticks (QUANT.md §4: one tick can be 11,000 bp). */
  minBidTicks: number;
  /** Drop quotes whose IV spread (ask_iv − bid_iv) exceeds this fraction of the mid IV. */
  maxRelativeSpread: number;
  /** Drop quotes valued more than this long before the expiry's newest batch, ms. */
  maxQuoteAgeMs: number;
  /**
   * Also drop quotes the volatility worker flagged `stale`. Off by default: its budget (5 s between
   * a book's last change and the newest input of its window) flags quiet but live books whenever
   * the forward moves, which would empty the wings of every smile in a calm market.
   */
  honourStaleFlag: boolean;
  /** Drop quotes beyond this standardised moneyness |k|/√T (the far wings). */
  maxWingZ: number;
  /** Keep only out-of-the-money quotes (calls K ≥ F, puts K < F): ITM quotes add no information. */
  otmOnly: boolean;
}

export interface SurfaceOptions {
  filters: QuoteFilterOptions;
  /**
   * Tick size of an option price by price unit (coin / quote currency) and the instrument's listed
   * tick (`VolQuote.tick_size`, when the venue lists one), see defaultTickSize.
   */
  tickSize: (venue: string, coinPriced: boolean, price: number, listed?: number) => number;
  weights: WeightScheme;
  /** Smallest number of filtered quotes for which an expiry is fitted and published. */
  minQuotes: number;
  /**
   * ... of which at least this many on each side of the money (k < 0 and k ≥ 0): a smile fitted
   * from one wing extrapolates its ATM vol (a venue still syncing its books gave ATM errors of
   * tens of vol points on long expiries for a few seconds).
   */
  minQuotesPerSide: number;
  /** At most one fit per expiry per this many ms of event time. */
  fitIntervalMs: number;
  /** A refit needs some mid IV to move at least this much (decimal: 0.0001 = 1 bp) ... */
  minIvChange: number;
  /** ... or some k = ln(K/F) to move at least this much, or the quote set to change ... */
  minLogMoneynessChange: number;
  /** ... or the time to expiry to shrink by this fraction since the last fit. */
  minRelativeTimeChange: number;
  /**
   * Surfaces of one (currency, venue) are published at most once per this many ms of event time
   * (a ceiling: a changed surface goes out at the first window its tick allows; an unchanged one
   * is not republished).
   */
  displayIntervalMs: number;
  /** Fixed tenors of the surface, calendar days. */
  tenorsDays: readonly number[];
  /** Relative weight of each venue in a composite (default 1). */
  venueWeights: Readonly<Record<string, number>>;
  /** A venue's expiry is left out of the composite when its newest batch is older than this, ms. */
  compositeMaxVenueAgeMs: number;
  /** Delta convention of composite surfaces (venues keep their own). */
  compositeDeltaConvention: 'forward' | 'premium-adjusted';
  /** Whether to build composite surfaces once a currency has more than one venue. */
  composite: boolean;
  runId: string;
  producerId: string;
}

/**
 * The instrument's listed tick when the venue gives one (Bybit/Binance ETH options tick 0.1 USD,
 * BTC 5 USD: one USD figure for every linear venue would drop every cheap ETH quote); else
 * Deribit's option ticks, 0.0001 coin up to 0.005 and 0.0005 above (QUANT.md §4), and 5 USD for
 * linear options.
 */
export function defaultTickSize(_venue: string, coinPriced: boolean, price: number, listed?: number): number {
  if (listed !== undefined && listed > 0) return listed;
  if (coinPriced) return price <= 0.005 ? 0.0001 : 0.0005;
  return 5;
}

export const DEFAULT_SURFACE_OPTIONS: SurfaceOptions = {
  filters: {
    minBidTicks: 2,
    maxRelativeSpread: 0.5,
    maxQuoteAgeMs: 300_000,
    honourStaleFlag: false,
    maxWingZ: 3,
    otmOnly: true,
  },
  tickSize: defaultTickSize,
  weights: 'vega',
  minQuotes: 6,
  minQuotesPerSide: 2,
  fitIntervalMs: 250,
  minIvChange: 0.0001,
  minLogMoneynessChange: 0.0001,
  minRelativeTimeChange: 0.001,
  displayIntervalMs: 100,
  tenorsDays: [1, 7, 14, 30, 60, 90, 180, 365],
  venueWeights: {},
  compositeMaxVenueAgeMs: 30_000,
  compositeDeltaConvention: 'premium-adjusted',
  composite: true,
  runId: 'live',
  producerId: 'surface-worker-0',
};

export interface SurfaceOptionsInit extends Partial<Omit<SurfaceOptions, 'filters'>> {
  filters?: Partial<QuoteFilterOptions>;
}

export function resolveOptions(init: SurfaceOptionsInit = {}): SurfaceOptions {
  const { filters, ...rest } = init;
  return {
    ...DEFAULT_SURFACE_OPTIONS,
    ...rest,
    filters: { ...DEFAULT_SURFACE_OPTIONS.filters, ...filters },
  };
}

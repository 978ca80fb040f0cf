/**
 * Fitted surfaces vs the simulator's ground truth (docs/SIMULATOR.md "Truth"): per currency and
 * expiry, |fitted − true| of the ATM-forward vol and of the 25Δ risk reversal (premium-adjusted
 * delta for Deribit's coin-settled options, the convention of both the truth and the surface), in
 * vol points (1 vol point = 0.01). Each surface is compared with the truth snapshot nearest to its
 * `as_of_ms` (the simulator's clock is the exchange time). Only expiries of at least 7 days count
 * toward the headline maxima: a smile days from expiry has too few quotes inside the spread-width
 * filters to pin the ATM vol to half a vol point (QUANT.md §6; the per-expiry errors still list them).
 * Several venues (and their composite) quoting one simulated market share one truth: errors are
 * kept per (venue, currency, expiry); the headline maxima are over every venue and the composite,
 * and `byVenue` has each venue's own. A surface in forward delta (USD-priced venues) is compared
 * with the truth's RR25 in forward delta, from its raw-SVI slice (truth-delta.ts).
 */
import { DeltaConvention, type Surface } from '@volstream/contracts';
import { type RawSviLike, rr25ForwardDelta } from './truth-delta.ts';

export interface TruthExpiryLike {
  expiry: number;
  code: string;
  years: number;
  atmVol: number;
  /** Premium-adjusted forward delta (the simulator's convention). */
  rr25: number;
  /** The truth slice, for other delta conventions. */
  rawSvi?: RawSviLike;
}

export interface TruthSnapshotLike {
  timestamp: number;
  currencies: Record<string, { expiries: TruthExpiryLike[] }>;
}

export interface ExpiryError {
  /** The surface's venue (`composite` for the composite surface). */
  venue: string;
  currency: string;
  expiry: string;
  years: number;
  /** Counts toward the headline maxima (T ≥ 7 days). */
  counted: boolean;
  /** Error in the last compared surface, and the max over compared surfaces after warm-up. */
  atmVolErrVolPts: number;
  rr25ErrVolPts: number;
  atmVolErrVolPtsMaxOverRun: number;
  rr25ErrVolPtsMaxOverRun: number;
  compared: number;
}

export interface TruthSummary {
  rule: string;
  surfacesCompared: number;
  /** Max over counted expiries of each expiry's error in the latest surface. */
  atmVolErrVolPts: { max: number; maxOverRun: number };
  rr25ErrVolPts: { max: number; maxOverRun: number };
  expiriesCounted: number;
  perExpiry: ExpiryError[];
}

/** The headline figures of one venue (or the composite). */
export type VenueTruthSummary = Omit<TruthSummary, 'rule' | 'perExpiry'>;

/** All venues' errors (headline = max over venues and composite) and each venue's own. */
export interface MultiVenueTruthSummary extends TruthSummary {
  byVenue: Record<string, VenueTruthSummary>;
}

export const MIN_COUNTED_YEARS = 7 / 365;

export class TruthTracker {
  readonly #snapshots: TruthSnapshotLike[] = [];
  readonly #errors = new Map<string, ExpiryError>();
  readonly #comparedByVenue = new Map<string, number>();

  /**
   * @param warmupUntilMs exchange time before which surfaces count toward `last` only (the
   *   first surfaces of a run are fitted from partial chains while subscriptions complete).
   */
  constructor(
    private readonly warmupUntilMs = 0,
    private readonly maxGapMs = 2_000,
  ) {}

  addSnapshot(snapshot: TruthSnapshotLike): void {
    this.#snapshots.push(snapshot);
    if (this.#snapshots.length > 600) this.#snapshots.shift();
  }

  /** Compares one published surface; false when no truth snapshot is near enough in time. */
  compare(surface: Surface): boolean {
    const asOf = Number(surface.asOfMs);
    let best: TruthSnapshotLike | undefined;
    for (const s of this.#snapshots) {
      if (best === undefined || Math.abs(s.timestamp - asOf) < Math.abs(best.timestamp - asOf)) best = s;
    }
    if (best === undefined || Math.abs(best.timestamp - asOf) > this.maxGapMs) return false;
    const truth = best.currencies[surface.currency];
    if (truth === undefined) return false;
    const venue = surface.venue === '' ? 'unknown' : surface.venue;
    this.#comparedByVenue.set(venue, (this.#comparedByVenue.get(venue) ?? 0) + 1);
    const afterWarmup = asOf >= this.warmupUntilMs;
    for (const t of truth.expiries) {
      const m = surface.expiries.find((e) => Number(e.expiryMs) === t.expiry);
      if (m === undefined || m.atmVol === undefined) continue;
      const atm = Math.abs(m.atmVol - t.atmVol) * 100;
      const truthRr =
        surface.deltaConvention === DeltaConvention.FORWARD && t.rawSvi !== undefined
          ? rr25ForwardDelta(t.rawSvi, t.years)
          : t.rr25;
      const rr = m.rr25 === undefined ? Number.POSITIVE_INFINITY : Math.abs(m.rr25 - truthRr) * 100;
      const id = `${venue}:${surface.currency}:${t.code}`;
      const e = this.#errors.get(id) ?? {
        venue,
        currency: surface.currency,
        expiry: t.code,
        years: t.years,
        counted: false,
        atmVolErrVolPts: 0,
        rr25ErrVolPts: 0,
        atmVolErrVolPtsMaxOverRun: 0,
        rr25ErrVolPtsMaxOverRun: 0,
        compared: 0,
      };
      e.years = t.years;
      e.counted = t.years >= MIN_COUNTED_YEARS;
      e.atmVolErrVolPts = atm;
      e.rr25ErrVolPts = rr;
      if (afterWarmup) {
        e.atmVolErrVolPtsMaxOverRun = Math.max(e.atmVolErrVolPtsMaxOverRun, atm);
        e.rr25ErrVolPtsMaxOverRun = Math.max(e.rr25ErrVolPtsMaxOverRun, rr);
      }
      e.compared++;
      this.#errors.set(id, e);
    }
    return true;
  }

  summary(): MultiVenueTruthSummary {
    const perExpiry = [...this.#errors.values()].sort(
      (a, b) => a.venue.localeCompare(b.venue) || a.currency.localeCompare(b.currency) || a.years - b.years,
    );
    let compared = 0;
    for (const n of this.#comparedByVenue.values()) compared += n;
    const byVenue: Record<string, VenueTruthSummary> = {};
    for (const [venue, n] of [...this.#comparedByVenue].sort((a, b) => a[0].localeCompare(b[0]))) {
      byVenue[venue] = headline(
        perExpiry.filter((e) => e.venue === venue),
        n,
      );
    }
    return {
      rule:
        'per venue (and composite), currency and expiry, |fitted - truth| in vol points vs the truth snapshot nearest the surface as_of_ms; ' +
        'max = over venues, composite and expiries >= 7 days of the error in the latest surface; maxOverRun = the same over every surface after warm-up',
      ...headline(perExpiry, compared),
      perExpiry,
      byVenue,
    };
  }
}

/** Max over the counted (T ≥ 7 d) expiries of `errors`; NaN when none counted. */
function headline(errors: readonly ExpiryError[], surfacesCompared: number): VenueTruthSummary {
  const counted = errors.filter((e) => e.counted);
  const max = (f: (e: ExpiryError) => number): number =>
    counted.length === 0 ? Number.NaN : Math.max(...counted.map(f));
  return {
    surfacesCompared,
    atmVolErrVolPts: {
      max: max((e) => e.atmVolErrVolPts),
      maxOverRun: max((e) => e.atmVolErrVolPtsMaxOverRun),
    },
    rr25ErrVolPts: { max: max((e) => e.rr25ErrVolPts), maxOverRun: max((e) => e.rr25ErrVolPtsMaxOverRun) },
    expiriesCounted: counted.length,
  };
}

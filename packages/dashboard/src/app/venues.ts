/**
 * Multi-venue views: the composite smile's quotes grouped by venue (bid/ask bars in one colour per
 * venue, with a legend), what each venue contributed to the composite fit (`Surface.contributions`,
 * `ExpiryMetrics.contributions`) and how far the venues disagree per expiry
 * (`Surface.venue_disagreement`: each venue's ATM vol and the max − min spread). Pure functions.
 */
import type { QuoteView } from './view-model.ts';

/** Fixed colours for the known venues (stable across reloads); others take one by name hash. */
const KNOWN: Readonly<Record<string, string>> = {
  deribit: '#ffb300',
  okx: '#ab47bc',
  bybit: '#66bb6a',
  binance: '#f06292',
};
const SPARE = ['#26c6da', '#8d6e63', '#d4e157', '#7986cb', '#ff8a65'];

export function venueColour(venue: string): string {
  const known = KNOWN[venue];
  if (known !== undefined) return known;
  let h = 0;
  for (const c of venue) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return SPARE[h % SPARE.length] ?? '#ffca28';
}

export interface VenueQuotes {
  venue: string;
  colour: string;
  quotes: QuoteView[];
  inFit: number;
  outsideFit: number;
}

/** The quotes grouped by venue, venues alphabetically; quotes without a venue under "unknown". */
export function venueOverlay(quotes: readonly QuoteView[]): VenueQuotes[] {
  const groups = new Map<string, QuoteView[]>();
  for (const q of quotes) {
    const venue = q.venue === '' ? 'unknown' : q.venue;
    const g = groups.get(venue);
    if (g === undefined) groups.set(venue, [q]);
    else g.push(q);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([venue, qs]) => ({
      venue,
      colour: venueColour(venue),
      quotes: qs,
      inFit: qs.filter((q) => q.inFit).length,
      outsideFit: qs.filter((q) => !q.inFit).length,
    }));
}

/** The parts of a Surface this module reads; `venueDisagreement` is optional (a newer field). */
export interface VenueSurfaceLike {
  contributions: readonly { venue: string; quotes: number; expiries: number; weight: number }[];
  expiries: readonly {
    expiryMs: bigint;
    timeToExpiryYears: number;
    contributions: readonly {
      venue: string;
      quotes: number;
      excludedQuotes: number;
      weight: number;
      stale: boolean;
    }[];
  }[];
  venueDisagreement?: readonly {
    expiryMs: bigint;
    venues: readonly { venue: string; atmVol: number }[];
    atmVolSpread: number;
  }[];
}

export interface ContributionRow {
  venue: string;
  colour: string;
  quotes: number;
  expiries: number;
  /** Share of the composite's fit weight, 0..1. */
  weight: number;
}

export interface VenueCell {
  /** The venue's ATM vol for the expiry (decimal), null when it does not list it or is not compared. */
  atmVol: number | null;
  quotes: number | null;
  excludedQuotes: number | null;
  weight: number | null;
  stale: boolean;
}

export interface DisagreementRow {
  expiryMs: number;
  days: number;
  /** One cell per venue of `VenueDiagnostics.venues`, in that order. */
  cells: VenueCell[];
  /** max − min of the venues' ATM vols, decimal; null when fewer than two venues list the expiry. */
  spread: number | null;
  /** Spread above 2 vol points. */
  bad: boolean;
}

export interface VenueDiagnostics {
  venues: string[];
  contributions: ContributionRow[];
  rows: DisagreementRow[];
}

export const SPREAD_BAD = 0.02;

const EMPTY: VenueCell = { atmVol: null, quotes: null, excludedQuotes: null, weight: null, stale: false };

/**
 * Which venue contributed what, and the disagreement per expiry. Rows: every expiry that has
 * per-venue contributions or a disagreement entry, by expiry; venues: every venue named anywhere.
 */
export function venueDiagnostics(surface: VenueSurfaceLike): VenueDiagnostics {
  const names = new Set<string>();
  for (const c of surface.contributions) names.add(c.venue);
  for (const e of surface.expiries) for (const c of e.contributions) names.add(c.venue);
  const disagreement = new Map<number, NonNullable<VenueSurfaceLike['venueDisagreement']>[number]>();
  for (const d of surface.venueDisagreement ?? []) {
    disagreement.set(Number(d.expiryMs), d);
    for (const v of d.venues) names.add(v.venue);
  }
  const venues = [...names].filter((v) => v !== '').sort((a, b) => a.localeCompare(b));
  const days = new Map<number, number>();
  const perExpiry = new Map<number, Map<string, VenueCell>>();
  for (const e of surface.expiries) {
    const ms = Number(e.expiryMs);
    days.set(ms, e.timeToExpiryYears * 365);
    if (e.contributions.length === 0) continue;
    const cells = new Map<string, VenueCell>();
    for (const c of e.contributions)
      cells.set(c.venue, {
        atmVol: null,
        quotes: c.quotes,
        excludedQuotes: c.excludedQuotes,
        weight: c.weight,
        stale: c.stale,
      });
    perExpiry.set(ms, cells);
  }
  for (const [ms, d] of disagreement) {
    const cells = perExpiry.get(ms) ?? new Map<string, VenueCell>();
    perExpiry.set(ms, cells);
    for (const v of d.venues) {
      if (!Number.isFinite(v.atmVol)) continue;
      cells.set(v.venue, { ...(cells.get(v.venue) ?? EMPTY), atmVol: v.atmVol });
    }
  }
  const rows = [...perExpiry.entries()]
    .sort(([a], [b]) => a - b)
    .map(([expiryMs, cells]) => {
      const d = disagreement.get(expiryMs);
      const spread = d !== undefined && Number.isFinite(d.atmVolSpread) ? d.atmVolSpread : null;
      return {
        expiryMs,
        days: days.get(expiryMs) ?? Number.NaN,
        cells: venues.map((v) => cells.get(v) ?? EMPTY),
        spread,
        bad: spread !== null && spread > SPREAD_BAD,
      };
    });
  const contributions = [...surface.contributions]
    .filter((c) => c.venue !== '')
    .sort((a, b) => a.venue.localeCompare(b.venue))
    .map((c) => ({
      venue: c.venue,
      colour: venueColour(c.venue),
      quotes: c.quotes,
      expiries: c.expiries,
      weight: c.weight,
    }));
  return { venues, contributions, rows };
}

/** "60.5% · 17q · 61%" (ATM, quotes used, fit weight; parts the venue lacks left out), "–" if none. */
export function venueCellText(c: VenueCell): string {
  const parts = [
    ...(c.atmVol === null ? [] : [`${(c.atmVol * 100).toFixed(1)}%`]),
    ...(c.quotes === null ? [] : [`${c.quotes}q`]),
    ...(c.weight === null ? [] : [`${(c.weight * 100).toFixed(0)}%`]),
    ...(c.stale ? ['STALE'] : []),
  ];
  return parts.length === 0 ? '–' : parts.join(' · ');
}

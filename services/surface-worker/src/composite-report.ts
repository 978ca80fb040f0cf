/**
 * What a composite surface reports besides its smiles (docs/adr/0001-composite-surface.md
 * "Reported with it"): per venue, what it contributed to the whole surface (`Surface.contributions`)
 * and to each expiry (`ExpiryMetrics.contributions`), and the venues' disagreement per expiry
 * (`Surface.venue_disagreement`): the ATM vol (k = 0, QUANT.md §3 "ATM = ATMF") that each fresh
 * venue listing the expiry published on its own surface, and max − min of them.
 */
import type { AcceptedFit } from './fit-tracker.ts';
import type {
  ExpiryVenueContributionInit,
  VenueContributionInit,
  VenueDisagreementInit,
} from './proto-types.ts';
import type { SmileEntry } from './surface-builder.ts';

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Quotes, expiries and share of the total fit weight each venue contributed to the published fits. */
export function contributions(entries: readonly SmileEntry[]): VenueContributionInit[] {
  const by = new Map<string, { quotes: number; expiries: Set<bigint>; weight: number }>();
  let total = 0;
  for (const e of entries) {
    for (const q of e.tracker.fit?.quotes ?? []) {
      if (q.reason !== undefined) continue;
      const c = by.get(q.venue) ?? { quotes: 0, expiries: new Set(), weight: 0 };
      c.quotes++;
      c.expiries.add(e.expiryMs);
      c.weight += q.weight;
      total += q.weight;
      by.set(q.venue, c);
    }
  }
  return [...by.entries()]
    .sort(([a], [b]) => byName(a, b))
    .map(([venue, c]) => ({
      venue,
      quotes: c.quotes,
      expiries: c.expiries.size,
      weight: total > 0 ? c.weight / total : 0,
    }));
}

/**
 * Every venue the fit of one composite expiry considered (fresh or stale), by name: its quotes
 * used and left out, its share of the fit weight, its forward and whether it was stale.
 */
export function expiryContributions(fit: AcceptedFit): ExpiryVenueContributionInit[] {
  const by = new Map<string, { quotes: number; excluded: number; weight: number }>();
  let total = 0;
  for (const q of fit.quotes) {
    const c = by.get(q.venue) ?? { quotes: 0, excluded: 0, weight: 0 };
    if (q.reason === undefined) {
      c.quotes++;
      c.weight += q.weight;
      total += q.weight;
    } else c.excluded++;
    by.set(q.venue, c);
  }
  return fit.sources.map((s) => {
    const c = by.get(s.venue) ?? { quotes: 0, excluded: 0, weight: 0 };
    return {
      venue: s.venue,
      quotes: c.quotes,
      excludedQuotes: c.excluded,
      weight: total > 0 ? c.weight / total : 0,
      forward: s.forward,
      stale: s.stale,
    };
  });
}

/**
 * Venue disagreement per expiry listed by at least two fresh venues that published an ATM vol for
 * it: `members` are the fresh venues per expiry, `atmOf` a venue's last published ATM vol.
 * Expiries ascending, venues by name.
 */
export function disagreement(
  members: ReadonlyMap<bigint, readonly string[]>,
  atmOf: (venue: string, expiryMs: bigint) => number | undefined,
): VenueDisagreementInit[] {
  const out: VenueDisagreementInit[] = [];
  for (const expiryMs of [...members.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    const venues: { venue: string; atmVol: number }[] = [];
    for (const venue of [...(members.get(expiryMs) ?? [])].sort(byName)) {
      const atmVol = atmOf(venue, expiryMs);
      if (atmVol !== undefined && Number.isFinite(atmVol)) venues.push({ venue, atmVol });
    }
    if (venues.length < 2) continue;
    const vols = venues.map((v) => v.atmVol);
    out.push({ expiryMs, venues, atmVolSpread: Math.max(...vols) - Math.min(...vols) });
  }
  return out;
}

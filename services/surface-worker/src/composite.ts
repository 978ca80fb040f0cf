/**
 * The composite surface of a currency across venues (decision and reasons:
 * docs/adr/0001-composite-surface.md). Per expiry in the union of the venues' expiries, one SVI fit
 * of the pooled usable quotes of the venues that list it and are fresh (newest batch within
 * `compositeMaxVenueAgeMs` of the newest batch of any venue). Each quote keeps its own venue's
 * forward, k = ln(K/F_venue): an IV is convention-free once placed on its own forward's moneyness,
 * so coin-priced (inverse) and USD-priced (linear) quotes pool directly; the venues' strike grids
 * never need to match. Weights are the quote weights times a per-venue weight.
 */
import type { SviCore } from 'svi-core';
import { contributions } from './composite-report.ts';
import type { Counts } from './counts.ts';
import { FitTracker } from './fit-tracker.ts';
import type { SurfaceOptions } from './options.ts';
import type { VenueContributionInit } from './proto-types.ts';
import type { VenueQuotes } from './slice-fit.ts';
import type { SmileEntry } from './surface-builder.ts';
import type { ExpiryState, VenueSurfaceState } from './venue-state.ts';

const YEAR_MS = 365 * 86_400_000;

export interface CompositeState {
  currency: string;
  trackers: Map<bigint, FitTracker>;
  lastDisplayTick: number;
  shown: Set<bigint>;
  /** A composite fit changed since the last published composite surface. */
  pending: boolean;
}

export interface CompositeUpdate {
  entries: SmileEntry[];
  contributions: VenueContributionInit[];
  /** The fresh venues listing each expiry (the members of its fit). */
  members: Map<bigint, string[]>;
  clockMs: number;
}

function sourceOf(s: ExpiryState, o: SurfaceOptions, stale: boolean): VenueQuotes {
  return {
    venue: s.venue,
    quotes: s.quotes.values(),
    ctx: { venue: s.venue, forward: s.forward, timeYears: s.timeYears, nowMs: s.lastEventMs },
    venueWeight: o.venueWeights[s.venue] ?? 1,
    stale,
  };
}

export function updateComposite(
  core: SviCore,
  o: SurfaceOptions,
  clockUs: () => number,
  counts: Counts,
  comp: CompositeState,
  venues: readonly VenueSurfaceState[],
): CompositeUpdate {
  const clockMs = Math.max(...venues.map((v) => v.clockMs));
  const expiries = new Set<bigint>();
  for (const v of venues) for (const e of v.expiries.keys()) expiries.add(e);
  for (const e of comp.trackers.keys()) if (!expiries.has(e)) comp.trackers.delete(e);
  const membersByExpiry = new Map<bigint, string[]>();
  for (const expiryMs of [...expiries].sort((a, b) => (a < b ? -1 : 1))) {
    const members: ExpiryState[] = [];
    // Stale venues stay in the fit's input with every quote excluded ('venue_stale'): the smile
    // still shows them, and the expiry's contributions say why they count for nothing.
    const stale: ExpiryState[] = [];
    for (const v of venues) {
      const s = v.expiries.get(expiryMs);
      if (s === undefined) continue;
      if (clockMs - s.lastEventMs > o.compositeMaxVenueAgeMs) {
        counts.add('composite_venue_stale');
        stale.push(s);
      } else members.push(s);
    }
    membersByExpiry.set(
      expiryMs,
      members.map((s) => s.venue),
    );
    const first = members[0];
    if (first === undefined) {
      comp.trackers.delete(expiryMs);
      continue;
    }
    let tracker = comp.trackers.get(expiryMs);
    if (tracker === undefined) {
      tracker = new FitTracker();
      comp.trackers.set(expiryMs, tracker);
    }
    // Membership and member quotes can change with any venue's batch: always re-evaluate.
    tracker.dirty = true;
    let wSum = 0;
    let logF = 0;
    let receiveNs = 0n;
    for (const s of members) {
      const vw = o.venueWeights[s.venue] ?? 1;
      wSum += vw;
      logF += vw * Math.log(s.forward);
      if (s.receiveNs > receiveNs) receiveNs = s.receiveNs;
    }
    tracker.attempt(
      core,
      [...members.map((s) => sourceOf(s, o, false)), ...stale.map((s) => sourceOf(s, o, true))],
      {
        timeYears: Number(expiryMs - BigInt(clockMs)) / YEAR_MS,
        // Reported forward of the composite smile: venue-weighted geometric mean (quotes keep theirs).
        forward: Math.exp(logF / wSum),
        forwardSource: first.forwardSource,
        nowMs: clockMs,
        receiveNs,
      },
      o,
      clockUs,
      counts,
    );
  }
  const entries = [...comp.trackers.entries()].map(([expiryMs, tracker]) => ({ expiryMs, tracker }));
  return { entries, contributions: contributions(entries), members: membersByExpiry, clockMs };
}

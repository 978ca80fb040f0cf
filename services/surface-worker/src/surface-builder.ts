/**
 * Turns the accepted fits of one (currency, venue) — or of a currency's composite — into the events
 * of one display tick: calendar control across expiries (arbitrage.ts), per-expiry and fixed-tenor
 * metrics and risk nodes (surface-metrics.ts), a Smile event for each smile whose published
 * parameters changed since the last tick, and one Surface event holding every smile.
 */
import type { Smile, SurfaceEvent } from '@volstream/contracts';
import { ArbitrageKind } from '@volstream/contracts';
import type { SviCore, SviParams } from 'svi-core';
import { controlCalendar } from './arbitrage.ts';
import { expiryContributions } from './composite-report.ts';
import type { DeltaConventionName } from './delta-strike.ts';
import type { FitTracker } from './fit-tracker.ts';
import { buildSmile, type Identity, smileEvent, surfaceEvent } from './messages.ts';
import type { MetricsCache } from './metrics-cache.ts';
import type { SurfaceOptions } from './options.ts';
import type { ArbitrageViolationInit, VenueContributionInit, VenueDisagreementInit } from './proto-types.ts';
import { minGOnGrid } from './slice-fit.ts';
import { expiryMetrics, type SurfaceSlice } from './surface-metrics.ts';

export interface SmileEntry {
  expiryMs: bigint;
  tracker: FitTracker;
}

export interface BuilderDeps {
  core: SviCore;
  options: SurfaceOptions;
  identity: Identity;
  nowNs: () => bigint;
  /** Published stamp (fit seq and parameters) and message per smile key: a Smile event is
   * published, and its message rebuilt, only when the stamp changed. */
  published: Map<string, { stamp: string; smile: Smile }>;
  metrics: MetricsCache;
}

export interface SurfaceRequest {
  currency: string;
  venue: string;
  displayMs: number;
  entries: readonly SmileEntry[];
  convention: DeltaConventionName;
  contributions: VenueContributionInit[];
  /** Composite only: per-expiry venue contributions on each ExpiryMetrics, and the disagreement. */
  composite?: { venueDisagreement: VenueDisagreementInit[] };
}

export interface BuiltSurface {
  events: SurfaceEvent[];
  /** ATM vol of each published smile by expiry (composite disagreement uses it). */
  atmByExpiry: Map<bigint, number>;
  smilesPublished: number;
  calendarRepaired: boolean;
  calendarResidual: number;
}

const paramsKey = (p: SviParams): string => `${p.a},${p.b},${p.rho},${p.m},${p.sigma}`;

export function buildSurface(deps: BuilderDeps, req: SurfaceRequest): BuiltSurface | undefined {
  const { core, options, identity } = deps;
  const fitted = req.entries
    .filter((e) => e.tracker.fit !== undefined)
    .sort((a, b) => (a.expiryMs < b.expiryMs ? -1 : a.expiryMs > b.expiryMs ? 1 : 0));
  if (fitted.length === 0) return undefined;
  const slices: SurfaceSlice[] = fitted.map((e) => {
    const fit = e.tracker.fit;
    if (fit === undefined) throw new Error('unreachable: filtered above');
    return { expiryMs: e.expiryMs, timeYears: fit.timeYears, forward: fit.forward, params: fit.params };
  });
  const arb = controlCalendar(core, slices, options.filters.maxWingZ);
  const surfaceId = `${req.currency}|${req.venue}`;
  const metrics = deps.metrics.sliceMetrics(core, arb.slices, req.convention);
  const expiries = expiryMetrics(arb.slices, metrics);
  if (req.composite !== undefined) {
    expiries.forEach((m, i) => {
      const fit = fitted[i]?.tracker.fit;
      if (fit !== undefined) m.contributions = expiryContributions(fit);
    });
  }
  const { tenors, riskNodes } = deps.metrics.tenorView(core, arb.slices, options.tenorsDays, req.convention);
  const nowNs = deps.nowNs();
  const events: SurfaceEvent[] = [];
  const atmByExpiry = new Map<bigint, number>();
  const violations: ArbitrageViolationInit[] = [];
  let butterflyViolations = 0;
  let repairedSmiles = 0;
  let asOf = Number.NEGATIVE_INFINITY;
  let oldest = Number.POSITIVE_INFINITY;
  let receiveNs = 0n;
  const smiles = fitted.map((e, i) => {
    const fit = e.tracker.fit;
    const published = arb.slices[i];
    if (fit === undefined || published === undefined) throw new Error('unreachable: same length');
    const lifted = arb.lifted.has(i);
    const atm = metrics[i]?.atmVol;
    const atmVol = atm !== undefined && Number.isFinite(atm) ? atm : undefined;
    if (atmVol !== undefined) atmByExpiry.set(e.expiryMs, atmVol);
    if (lifted || fit.outcome.repaired) repairedSmiles++;
    if (fit.outcome.repaired) butterflyViolations++;
    asOf = Math.max(asOf, fit.asOfMs);
    oldest = Math.min(oldest, fit.oldestMs);
    if (fit.receiveNs > receiveNs) receiveNs = fit.receiveNs;
    const key = `${surfaceId}|${e.expiryMs}`;
    const stamp = `${e.tracker.seq}|${paramsKey(published.params)}|${lifted}`;
    const before = deps.published.get(key);
    if (before !== undefined && before.stamp === stamp) return before.smile;
    const smile = buildSmile(
      {
        currency: req.currency,
        venue: req.venue,
        expiryMs: e.expiryMs,
        fit,
        params: published.params,
        lifted,
        minG: lifted ? minGOnGrid(core, published.params) : fit.outcome.minG,
        atmVol,
      },
      identity,
    );
    deps.published.set(key, { stamp, smile });
    events.push(smileEvent(smile, identity, fit.receiveNs, nowNs));
    return smile;
  });
  // Expiries whose latest fit failed the butterfly check keep their previous smile (if any) and
  // are reported, never published with arbitrage.
  for (const e of req.entries) {
    const r = e.tracker.rejected;
    if (r === undefined) continue;
    butterflyViolations++;
    violations.push({
      kind: ArbitrageKind.BUTTERFLY,
      expiryMs: e.expiryMs,
      logMoneyness: r.k,
      magnitude: Number.isFinite(r.minG) ? -r.minG : 0,
      repaired: false,
    });
  }
  violations.push(...arb.violations);
  const smileEvents = events.length;
  events.push(
    surfaceEvent(
      {
        currency: req.currency,
        venue: req.venue,
        asOfMs: asOf,
        displayMs: req.displayMs,
        receiveNs,
        smiles,
        expiries,
        tenors,
        riskNodes,
        convention: req.convention,
        butterflyViolations,
        calendarViolations: arb.calendarViolations,
        repairedSmiles,
        violations,
        newestInputAgeMs: req.displayMs - asOf,
        oldestInputAgeMs: req.displayMs - oldest,
        contributions: req.contributions,
        venueDisagreement: req.composite?.venueDisagreement ?? [],
      },
      identity,
      nowNs,
    ),
  );
  return {
    events,
    atmByExpiry,
    smilesPublished: smileEvents,
    calendarRepaired: arb.calendarViolations > 0 && arb.residualCalendarViolations === 0,
    calendarResidual: arb.residualCalendarViolations,
  };
}

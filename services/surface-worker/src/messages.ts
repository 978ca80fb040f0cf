/**
 * Contract messages of the surface topic (proto/volstream/v1/smile.proto, surface.proto): a Smile
 * per fitted expiry and a Surface per (currency, venue) or (currency, "composite"), wrapped in
 * SurfaceEvents whose ids are deterministic in the inputs (eventId of venue, currency, expiry and
 * the event times involved), so a re-computation after a restart carries the same id.
 */
import {
  AtmConvention,
  create,
  DeltaConvention,
  eventId,
  expiryKey,
  newHeader,
  type Smile,
  SmileSchema,
  type SurfaceEvent,
  SurfaceEventSchema,
  SurfaceSchema,
} from '@volstream/contracts';
import type { SviParams } from 'svi-core';
import type { DeltaConventionName } from './delta-strike.ts';
import type { AcceptedFit } from './fit-tracker.ts';
import type {
  ArbitrageViolationInit,
  ExpiryMetricsInit,
  RiskNodeInit,
  SmileQuoteInit,
  TenorMetricsInit,
  VenueContributionInit,
  VenueDisagreementInit,
} from './proto-types.ts';

export interface Identity {
  runId: string;
  producerId: string;
  fitterId: string;
  fitterVersion: string;
}

export interface SmileParts {
  currency: string;
  venue: string;
  expiryMs: bigint;
  fit: AcceptedFit;
  /** Published parameters (the fit's, or calendar-lifted). */
  params: SviParams;
  lifted: boolean;
  minG: number;
  atmVol: number | undefined;
}

function smileQuotes(fit: AcceptedFit): SmileQuoteInit[] {
  // Plain assignments, not conditional spreads: this runs for every quote of every new smile.
  const out: SmileQuoteInit[] = new Array(fit.quotes.length);
  fit.quotes.forEach((q, i) => {
    const src = q.quote;
    const init: SmileQuoteInit = {
      instrumentName: src.instrumentName,
      strike: src.strike,
      logMoneyness: q.k,
      optionType: src.optionType,
      weight: q.weight,
      inFit: q.reason === undefined,
      venue: q.venue,
    };
    if (src.bidIv !== undefined) init.bidIv = src.bidIv;
    if (src.askIv !== undefined) init.askIv = src.askIv;
    if (src.midIv !== undefined) init.midIv = src.midIv;
    if (src.markIv !== undefined) init.markIv = src.markIv;
    if (q.reason !== undefined) init.excludedReason = q.reason;
    out[i] = init;
  });
  return out;
}

export function buildSmile(p: SmileParts, id: Identity): Smile {
  const o = p.fit.outcome;
  return create(SmileSchema, {
    currency: p.currency,
    venue: p.venue,
    expiryMs: p.expiryMs,
    forward: p.fit.forward,
    timeToExpiryYears: p.fit.timeYears,
    ...(p.atmVol === undefined ? {} : { atmVol: p.atmVol }),
    svi: { ...p.params },
    fitterId: id.fitterId,
    fitterVersion: id.fitterVersion,
    diagnostics: {
      rmseVolPoints: o.rmseVolPoints,
      rmseTotalVariance: o.rmseTotalVariance,
      minG: p.minG,
      quotesInFit: p.fit.quotes.length - p.fit.excludedCount,
      quotesThroughFit: o.quotesThroughFit,
      fitTimeUs: o.fitTimeUs,
      iterations: o.iterations,
      inputQuotes: p.fit.quotes.length,
      excludedQuotes: p.fit.excludedCount,
      repaired: o.repaired || p.lifted,
      butterflyFree: p.minG >= 0,
    },
    quotes: smileQuotes(p.fit),
    runId: id.runId,
    asOfMs: BigInt(p.fit.asOfMs),
    forwardSource: p.fit.forwardSource,
  });
}

const sviKey = (s: Smile): string => {
  const p = s.svi;
  return p === undefined ? '' : `${p.a},${p.b},${p.rho},${p.m},${p.sigma}`;
};

export function smileEvent(smile: Smile, id: Identity, receiveNs: bigint, nowNs: bigint): SurfaceEvent {
  return create(SurfaceEventSchema, {
    header: newHeader({
      venue: smile.venue,
      producerId: id.producerId,
      // From what the smile is (its newest input's time and the fitted parameters), not from when it
      // is shown: a replay that re-derives the same fit re-derives the same id.
      eventId: eventId(
        'smile',
        id.runId,
        smile.venue,
        smile.currency,
        expiryKey(smile.expiryMs),
        smile.asOfMs,
        sviKey(smile),
      ),
      exchangeTimeMs: smile.asOfMs,
      receiveTimeNs: receiveNs,
      publishTimeNs: nowNs,
      runId: id.runId,
    }),
    payload: { case: 'smile', value: smile },
  });
}

export interface SurfaceParts {
  currency: string;
  venue: string;
  asOfMs: number;
  displayMs: number;
  receiveNs: bigint;
  smiles: Smile[];
  expiries: ExpiryMetricsInit[];
  tenors: TenorMetricsInit[];
  riskNodes: RiskNodeInit[];
  convention: DeltaConventionName;
  butterflyViolations: number;
  calendarViolations: number;
  repairedSmiles: number;
  violations: ArbitrageViolationInit[];
  newestInputAgeMs: number;
  oldestInputAgeMs: number;
  contributions: VenueContributionInit[];
  venueDisagreement: VenueDisagreementInit[];
}

export function surfaceEvent(p: SurfaceParts, id: Identity, nowNs: bigint): SurfaceEvent {
  const surface = create(SurfaceSchema, {
    currency: p.currency,
    venue: p.venue,
    asOfMs: BigInt(p.asOfMs),
    smiles: p.smiles,
    expiries: p.expiries,
    tenors: p.tenors,
    riskNodes: p.riskNodes,
    deltaConvention: p.convention === 'forward' ? DeltaConvention.FORWARD : DeltaConvention.PREMIUM_ADJUSTED,
    atmConvention: AtmConvention.FORWARD,
    arbitrage: {
      butterflyViolations: p.butterflyViolations,
      calendarViolations: p.calendarViolations,
      repairedSmiles: p.repairedSmiles,
      violations: p.violations,
    },
    staleness: {
      newestInputAgeMs: BigInt(Math.max(0, Math.round(p.newestInputAgeMs))),
      oldestInputAgeMs: BigInt(Math.max(0, Math.round(p.oldestInputAgeMs))),
    },
    runId: id.runId,
    fitterId: id.fitterId,
    fitterVersion: id.fitterVersion,
    contributions: p.contributions,
    venueDisagreement: p.venueDisagreement,
  });
  return create(SurfaceEventSchema, {
    header: newHeader({
      venue: p.venue,
      producerId: id.producerId,
      // Display time plus what is shown: two surfaces of one tick (a first smile appeared) differ.
      eventId: eventId(
        'surface',
        id.runId,
        p.venue,
        p.currency,
        p.displayMs,
        p.smiles.map((s) => `${s.expiryMs}:${s.asOfMs}:${sviKey(s)}`).join(','),
      ),
      exchangeTimeMs: p.asOfMs,
      receiveTimeNs: p.receiveNs,
      publishTimeNs: nowNs,
      runId: id.runId,
    }),
    payload: { case: 'surface', value: surface },
  });
}

/**
 * Pure view models built from the stream's Surface and Smile messages (proto/volstream/v1): what
 * each panel draws, in plain numbers, so rendering code never touches protobuf types and the
 * derivations are unit-tested without a browser.
 */
import { ArbitrageKind, type Smile, type Surface } from '@volstream/contracts';
import { type SviParams, sviCurve, sviImpliedVol } from './svi.ts';

/** Moneyness span drawn for every smile and the heatmap (k = ln(K/F)). */
export const K_RANGE: readonly [number, number] = [-0.6, 0.6];
export const CURVE_POINTS = 121;

export interface QuoteView {
  k: number;
  bid: number | null;
  ask: number | null;
  mid: number | null;
  /** The venue's own mark IV, when it publishes one. */
  mark: number | null;
  inFit: boolean;
  /** Why the quote is outside the fit ("wide_spread", "wing", ...); empty when in the fit. */
  reason: string;
  /** The quote's venue (a composite smile mixes venues). */
  venue: string;
}

export interface DiagnosticsRow {
  expiryMs: number;
  label: string;
  rmseVolPoints: number;
  minG: number;
  butterflyFree: boolean;
  calendarFlag: boolean;
  quotesInFit: number;
  quotesThroughFit: number;
  inputQuotes: number;
  fitTimeUs: number;
  /** Wall-clock age of the smile's newest input at render time, ms. */
  ageMs: number;
}

export interface SmileView {
  expiryMs: number;
  label: string;
  days: number;
  forward: number;
  atmVol: number | null;
  svi: SviParams;
  quotes: QuoteView[];
  curve: { k: number[]; iv: (number | null)[] };
  diagnostics: DiagnosticsRow;
}

export interface TermPoint {
  label: string;
  days: number;
  atm: number | null;
  rr25: number | null;
  bf25: number | null;
  rr10: number | null;
  bf10: number | null;
  forwardVol: number | null;
}

export interface HeatmapView {
  /** Row per expiry (ascending days), column per k of `ks`; null where SVI gives no vol. */
  days: number[];
  ks: number[];
  vols: (number | null)[][];
}

export interface SurfaceView {
  currency: string;
  venue: string;
  asOfMs: number;
  indexPrice: number | null;
  smiles: SmileView[];
  byExpiry: TermPoint[];
  byTenor: TermPoint[];
  heatmap: HeatmapView;
  newestInputAgeMs: number;
  oldestInputAgeMs: number;
  butterflyViolations: number;
  calendarViolations: number;
  fitter: string;
  runId: string;
}

const opt = (v: number | undefined): number | null => (v === undefined || !Number.isFinite(v) ? null : v);

/** "27JUN25"-style expiry label (Deribit's, in UTC), what traders read off the venue. */
export function expiryLabel(expiryMs: number): string {
  const d = new Date(expiryMs);
  const month = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'][
    d.getUTCMonth()
  ];
  return `${d.getUTCDate()}${month}${String(d.getUTCFullYear()).slice(2)}`;
}

export function smileView(smile: Smile, calendarExpiries: ReadonlySet<number>, nowMs: number): SmileView {
  const expiryMs = Number(smile.expiryMs);
  const t = smile.timeToExpiryYears;
  const svi: SviParams = {
    a: smile.svi?.a ?? 0,
    b: smile.svi?.b ?? 0,
    rho: smile.svi?.rho ?? 0,
    m: smile.svi?.m ?? 0,
    sigma: smile.svi?.sigma ?? 0,
  };
  const d = smile.diagnostics;
  const quotes = smile.quotes
    .map((q) => ({
      k: q.logMoneyness,
      bid: opt(q.bidIv),
      ask: opt(q.askIv),
      mid: opt(q.midIv),
      mark: opt(q.markIv),
      inFit: q.inFit,
      reason: q.excludedReason,
      venue: q.venue,
    }))
    .filter((q) => Number.isFinite(q.k))
    .sort((x, y) => x.k - y.k);
  const label = expiryLabel(expiryMs);
  // The curve covers the quotes (long expiries reach |k| > 1) and at least K_RANGE.
  const kLo = Math.min(K_RANGE[0], (quotes[0]?.k ?? 0) - 0.05);
  const kHi = Math.max(K_RANGE[1], (quotes.at(-1)?.k ?? 0) + 0.05);
  return {
    expiryMs,
    label,
    days: t * 365,
    forward: smile.forward,
    atmVol: opt(smile.atmVol) ?? sviImpliedVol(svi, 0, t),
    svi,
    quotes,
    curve: sviCurve(svi, t, kLo, kHi, CURVE_POINTS),
    diagnostics: {
      expiryMs,
      label,
      rmseVolPoints: d?.rmseVolPoints ?? Number.NaN,
      minG: d?.minG ?? Number.NaN,
      butterflyFree: d?.butterflyFree ?? false,
      calendarFlag: calendarExpiries.has(expiryMs),
      quotesInFit: d?.quotesInFit ?? 0,
      quotesThroughFit: d?.quotesThroughFit ?? 0,
      inputQuotes: d?.inputQuotes ?? 0,
      fitTimeUs: d?.fitTimeUs ?? Number.NaN,
      ageMs: nowMs - Number(smile.asOfMs),
    },
  };
}

/**
 * The surface's view. `smiles` may carry newer per-expiry Smile updates than the surface's own
 * (the stream sends both); the newer one (by as_of) wins for that expiry.
 */
export function surfaceView(
  surface: Surface,
  nowMs: number,
  newerSmiles: readonly Smile[] = [],
): SurfaceView {
  const calendar = new Set<number>();
  for (const v of surface.arbitrage?.violations ?? []) {
    if (v.kind !== ArbitrageKind.CALENDAR) continue;
    calendar.add(Number(v.expiryMs));
    if (v.otherExpiryMs !== undefined) calendar.add(Number(v.otherExpiryMs));
  }
  const byExpiryMs = new Map<number, Smile>();
  for (const s of surface.smiles) byExpiryMs.set(Number(s.expiryMs), s);
  for (const s of newerSmiles) {
    const have = byExpiryMs.get(Number(s.expiryMs));
    if (have !== undefined && s.asOfMs >= have.asOfMs) byExpiryMs.set(Number(s.expiryMs), s);
  }
  const smiles = [...byExpiryMs.values()]
    .map((s) => smileView(s, calendar, nowMs))
    .sort((x, y) => x.expiryMs - y.expiryMs);
  const byExpiry: TermPoint[] = surface.expiries
    .map((e) => ({
      label: expiryLabel(Number(e.expiryMs)),
      days: e.timeToExpiryYears * 365,
      atm: opt(e.atmVol),
      rr25: opt(e.rr25),
      bf25: opt(e.bf25),
      rr10: opt(e.rr10),
      bf10: opt(e.bf10),
      forwardVol: opt(e.forwardVol),
    }))
    .sort((x, y) => x.days - y.days);
  const byTenor: TermPoint[] = surface.tenors
    .map((t) => ({
      label: `${t.tenorDays}d`,
      days: t.tenorDays,
      atm: opt(t.atmVol),
      rr25: opt(t.rr25),
      bf25: opt(t.bf25),
      rr10: opt(t.rr10),
      bf10: opt(t.bf10),
      forwardVol: opt(t.forwardVol),
    }))
    .sort((x, y) => x.days - y.days);
  return {
    currency: surface.currency,
    venue: surface.venue,
    asOfMs: Number(surface.asOfMs),
    indexPrice: opt(surface.indexPrice),
    smiles,
    byExpiry,
    byTenor,
    heatmap: heatmapOf(smiles),
    newestInputAgeMs: Number(surface.staleness?.newestInputAgeMs ?? 0n),
    oldestInputAgeMs: Number(surface.staleness?.oldestInputAgeMs ?? 0n),
    butterflyViolations: surface.arbitrage?.butterflyViolations ?? 0,
    calendarViolations: surface.arbitrage?.calendarViolations ?? 0,
    fitter: `${surface.fitterId} ${surface.fitterVersion}`.trim(),
    runId: surface.runId,
  };
}

/** Tenor × moneyness grid of SVI vols: one row per listed smile, 41 moneyness columns. */
export function heatmapOf(smiles: readonly SmileView[], columns = 41): HeatmapView {
  const ks: number[] = [];
  for (let i = 0; i < columns; i += 1) ks.push(K_RANGE[0] + ((K_RANGE[1] - K_RANGE[0]) * i) / (columns - 1));
  const rows = [...smiles].filter((s) => s.days > 0).sort((x, y) => x.days - y.days);
  return {
    days: rows.map((s) => s.days),
    ks,
    vols: rows.map((s) => ks.map((k) => sviImpliedVol(s.svi, k, s.days / 365))),
  };
}

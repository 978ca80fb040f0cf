/**
 * Parameterised history queries for the gateway's history endpoints (ATM/RR/BF history, the
 * surface at a time). No caller text ever reaches SQL unchecked: every parameter is validated
 * against a strict pattern or range and rendered by this file (the 18.16 server has no server-side
 * query parameters, so binding happens here, the same way on both backends). Anything else is
 * rejected with CONFIG_INVALID before a query is built.
 */
import { VolstreamError } from '@volstream/errors';
import type { Store } from './store.ts';

export interface HistoryRange {
  currency: string;
  /** Venue id or "composite" (default "composite"). */
  venue?: string;
  fromMs: number;
  toMs: number;
  /** Run id (default "live"). */
  runId?: string;
}

export interface HistoryPoint {
  readonly asOfMs: number;
  readonly value: number | null;
}

export type TenorMetric = 'atm_vol' | 'rr25' | 'bf25' | 'rr10' | 'bf10';
/** Metrics stored per listed expiry (surface_expiries): the tenor metrics plus forward vol. */
export type ExpiryMetric = TenorMetric | 'forward_vol';

export interface SeriesOptions {
  /**
   * Downsampling step, ms: one point per step (the last value in it, at its own time). Without
   * it the series is downsampled only when `maxPoints` is given and the range could exceed it.
   */
  stepMs?: number;
  /** Most points wanted (ceiling 100,000): the step grows so the range fits in them. */
  maxPoints?: number;
}

export const TENOR_METRICS: readonly TenorMetric[] = ['atm_vol', 'rr25', 'bf25', 'rr10', 'bf10'];
export const EXPIRY_METRICS: readonly ExpiryMetric[] = [...TENOR_METRICS, 'forward_vol'];
const METRICS: ReadonlySet<string> = new Set<string>(TENOR_METRICS);
const EXPIRY_METRIC_SET: ReadonlySet<string> = new Set<string>(EXPIRY_METRICS);
const IDENT = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;
export const MAX_HISTORY_POINTS = 100_000;
/** Largest step accepted (a year): beyond it a series has one point anyway. */
const MAX_STEP_MS = 366 * 86_400_000;

function ident(name: string, value: unknown): string {
  if (typeof value !== 'string' || !IDENT.test(value)) {
    throw new VolstreamError('CONFIG_INVALID', `history query: invalid ${name}`, {
      context: { [name]: String(value).slice(0, 80) },
    });
  }
  return `'${value}'`;
}

function epochMs(name: string, value: unknown): string {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new VolstreamError(
      'CONFIG_INVALID',
      `history query: ${name} must be a non-negative integer epoch ms`,
      {
        context: { [name]: String(value).slice(0, 80) },
      },
    );
  }
  return String(value);
}

function tenor(value: unknown): string {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 3650) {
    throw new VolstreamError('CONFIG_INVALID', 'history query: tenorDays must be an integer 1..3650', {
      context: { tenorDays: String(value).slice(0, 80) },
    });
  }
  return String(value);
}

function positiveInt(name: string, value: unknown, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 || value > max) {
    throw new VolstreamError('CONFIG_INVALID', `history query: ${name} must be an integer 1..${max}`, {
      context: { [name]: String(value).slice(0, 80) },
    });
  }
  return value;
}

function metricOf(allowed: ReadonlySet<string>, metric: unknown): string {
  if (typeof metric !== 'string' || !allowed.has(metric)) {
    throw new VolstreamError('CONFIG_INVALID', 'history query: unknown metric', {
      context: { metric: String(metric).slice(0, 40) },
    });
  }
  return metric;
}

/**
 * The step actually used: none when neither a step nor a point budget is asked for (every stored
 * point, up to MAX_HISTORY_POINTS, oldest first); else the caller's step, grown so that
 * (to - from) / step stays within maxPoints; none when that comes to 1 ms and no step was asked.
 */
export function effectiveStep(
  range: { fromMs: number; toMs: number },
  options: SeriesOptions,
): number | undefined {
  if (options.stepMs === undefined && options.maxPoints === undefined) return undefined;
  const maxPoints = positiveInt('maxPoints', options.maxPoints ?? MAX_HISTORY_POINTS, MAX_HISTORY_POINTS);
  const asked = options.stepMs === undefined ? 1 : positiveInt('stepMs', options.stepMs, MAX_STEP_MS);
  const span = Math.max(0, range.toMs - range.fromMs);
  const step = Math.max(asked, Math.ceil(span / maxPoints));
  return step <= 1 && options.stepMs === undefined ? undefined : step;
}

function num(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

export class HistoryQueries {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  #where(range: HistoryRange): string {
    const from = epochMs('fromMs', range.fromMs);
    const to = epochMs('toMs', range.toMs);
    return `run_id = ${ident('runId', range.runId ?? 'live')} AND currency = ${ident('currency', range.currency)}
      AND venue = ${ident('venue', range.venue ?? 'composite')} AND as_of_ms >= ${from} AND as_of_ms < ${to}`;
  }

  /**
   * One metric column over time, oldest first, one point per instant (the surface worker may
   * publish a surface twice for one as-of time, e.g. a display tick and the final flush, as two
   * events: both are stored, the series shows the instant once). Downsampled in SQL when a step applies: rows are
   * grouped by intDiv(as_of_ms, step) and each group keeps its newest row (argMax on as_of_ms; a
   * NULL metric travels as NaN through argMax so "last" means the newest row, not the newest
   * non-null one, and comes back as null).
   */
  async #series(
    table: string,
    filter: string,
    metric: string,
    range: HistoryRange,
    options: SeriesOptions,
  ): Promise<HistoryPoint[]> {
    const where = this.#where(range);
    const step = effectiveStep(range, options);
    const limit = Math.min(MAX_HISTORY_POINTS, options.maxPoints ?? MAX_HISTORY_POINTS) + 1;
    const sql =
      step === undefined
        ? `SELECT as_of_ms AS t, ${metric} AS v FROM ${table} FINAL
           WHERE ${where} AND ${filter} ORDER BY as_of_ms LIMIT 1 BY as_of_ms LIMIT ${limit}`
        : `SELECT max(as_of_ms) AS t, argMax(ifNull(${metric}, nan), as_of_ms) AS v FROM ${table} FINAL
           WHERE ${where} AND ${filter} GROUP BY intDiv(as_of_ms, ${step}) ORDER BY t LIMIT ${limit}`;
    const rows = await this.#store.query<{ t: string; v: number | null }>(sql);
    // The bucket grid may straddle the range's ends by one bucket; keep the promised ceiling.
    const cap = Math.min(MAX_HISTORY_POINTS, options.maxPoints ?? MAX_HISTORY_POINTS);
    const points = rows.map((r) => ({ asOfMs: Number(r.t), value: num(r.v) }));
    return points.length > cap ? points.slice(points.length - cap) : points;
  }

  /** A fixed-tenor metric over time (ATM vol, 25Δ/10Δ RR or BF), oldest first. */
  tenorHistory(
    range: HistoryRange,
    tenorDays: number,
    metric: TenorMetric,
    options: SeriesOptions = {},
  ): Promise<HistoryPoint[]> {
    try {
      const m = metricOf(METRICS, metric);
      return this.#series('surface_tenors', `tenor_days = ${tenor(tenorDays)}`, m, range, options);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** A listed expiry's metric over time (ATM, RR/BF 25/10, forward vol), oldest first. */
  expiryHistory(
    range: HistoryRange,
    expiryMs: number,
    metric: ExpiryMetric,
    options: SeriesOptions = {},
  ): Promise<HistoryPoint[]> {
    try {
      const m = metricOf(EXPIRY_METRIC_SET, metric);
      return this.#series(
        'surface_expiries',
        `expiry_ms = ${epochMs('expiryMs', expiryMs)}`,
        m,
        range,
        options,
      );
    } catch (error) {
      return Promise.reject(error);
    }
  }

  atmHistory(range: HistoryRange, tenorDays: number): Promise<HistoryPoint[]> {
    return this.tenorHistory(range, tenorDays, 'atm_vol');
  }

  rrHistory(range: HistoryRange, tenorDays: number, delta: 25 | 10 = 25): Promise<HistoryPoint[]> {
    return this.tenorHistory(range, tenorDays, delta === 10 ? 'rr10' : 'rr25');
  }

  bfHistory(range: HistoryRange, tenorDays: number, delta: 25 | 10 = 25): Promise<HistoryPoint[]> {
    return this.tenorHistory(range, tenorDays, delta === 10 ? 'bf10' : 'bf25');
  }

  /**
   * The surface as it was at `atMs`: the newest stored surface with as_of_ms <= atMs, as its
   * protobuf bytes (decode with SurfaceEventSchema), or undefined when there is none.
   */
  async surfaceAt(q: {
    currency: string;
    venue?: string;
    atMs: number;
    runId?: string;
  }): Promise<Uint8Array | undefined> {
    const rows = await this.#store.query<{ payload: string }>(
      `SELECT payload FROM surfaces FINAL WHERE run_id = ${ident('runId', q.runId ?? 'live')}
       AND currency = ${ident('currency', q.currency)} AND venue = ${ident('venue', q.venue ?? 'composite')}
       AND as_of_ms <= ${epochMs('atMs', q.atMs)} ORDER BY as_of_ms DESC, event_id DESC LIMIT 1`,
    );
    const row = rows[0];
    return row === undefined ? undefined : new Uint8Array(Buffer.from(row.payload, 'base64'));
  }
}

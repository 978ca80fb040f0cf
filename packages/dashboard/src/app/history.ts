/**
 * History charts' data: the gateway's `GET /v1/history/:currency/tenor` (docs/API.md) shaped for
 * uPlot. A gateway without a store answers 503 HISTORY_UNAVAILABLE (one without the route, 404):
 * both become the "history unavailable" state, shown as such. Pure functions.
 */

export type HistoryMetric = 'atm_vol' | 'rr25' | 'bf25' | 'rr10' | 'bf10';

export interface HistoryRange {
  label: string;
  ms: number;
}

/** Selectable look-back windows; the default is the last hour. */
export const HISTORY_RANGES: readonly HistoryRange[] = [
  { label: '15 min', ms: 15 * 60_000 },
  { label: '1 h', ms: 60 * 60_000 },
  { label: '6 h', ms: 6 * 60 * 60_000 },
  { label: '24 h', ms: 24 * 60 * 60_000 },
];
export const DEFAULT_RANGE_MS = 60 * 60_000;
export const HISTORY_TENOR_DAYS = 30;
/** About this many points per chart, whatever the range (a chart is ~600 px wide). */
const TARGET_POINTS = 240;
const NICE_STEPS_MS = [
  1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000,
];

/** Bucket width for a range: the smallest "nice" step giving at most ~240 points. */
export function historyStepMs(rangeMs: number): number {
  const want = rangeMs / TARGET_POINTS;
  return NICE_STEPS_MS.find((s) => s >= want) ?? NICE_STEPS_MS.at(-1) ?? 60_000;
}

export interface HistoryQuery {
  currency: string;
  venue: string;
  metric: HistoryMetric;
  tenorDays: number;
  fromMs: number;
  toMs: number;
  stepMs: number;
}

/** The request path; exactly the documented parameters (the gateway rejects unknown ones). */
export function historyPath(q: HistoryQuery): string {
  const params = new URLSearchParams({
    metric: q.metric,
    tenorDays: String(q.tenorDays),
    venue: q.venue,
    from: String(Math.floor(q.fromMs)),
    to: String(Math.floor(q.toMs)),
    stepMs: String(q.stepMs),
  });
  return `/v1/history/${encodeURIComponent(q.currency)}/tenor?${params.toString()}`;
}

/**
 * The y range of a history chart: the data's span padded by 10 %, at least 1 vol point wide, so a
 * nearly flat series is drawn as the flat line it is instead of filling the chart with noise.
 */
export function historyYRange(min: number | null, max: number | null): [number, number] {
  if (min === null || max === null || !Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  const mid = (min + max) / 2;
  const half = Math.max((max - min) * 0.55, 0.005);
  return [mid - half, mid + half];
}

/** uPlot's aligned data: x in seconds (uPlot's time scale), y decimals with null gaps. */
export interface HistorySeries {
  t: number[];
  v: (number | null)[];
  /** Points with a value. */
  count: number;
}

export type HistoryState =
  | { kind: 'pending' }
  | { kind: 'ok'; series: HistorySeries; runId: string }
  | { kind: 'unavailable'; reason: string }
  | { kind: 'error'; message: string };

/**
 * Points → series: sorted by time, one point per timestamp (the last wins), non-finite times
 * dropped, non-finite values as gaps (null), only points inside [fromMs, toMs].
 */
export function historySeries(points: readonly unknown[], fromMs: number, toMs: number): HistorySeries {
  const byT = new Map<number, number | null>();
  for (const p of points) {
    if (typeof p !== 'object' || p === null) continue;
    const { t, v } = p as { t?: unknown; v?: unknown };
    const tm = typeof t === 'string' ? Number(t) : t;
    if (typeof tm !== 'number' || !Number.isFinite(tm) || tm < fromMs || tm > toMs) continue;
    byT.set(tm, typeof v === 'number' && Number.isFinite(v) ? v : null);
  }
  const ts = [...byT.keys()].sort((a, b) => a - b);
  const v = ts.map((t) => byT.get(t) ?? null);
  return { t: ts.map((t) => t / 1000), v, count: v.filter((x) => x !== null).length };
}

/** The state after one request: HTTP status and parsed JSON body (undefined when not JSON). */
export function historyStateOf(
  httpStatus: number,
  body: unknown,
  fromMs: number,
  toMs: number,
): HistoryState {
  const { code, message } = (body ?? {}) as { code?: unknown; message?: unknown };
  const why = typeof message === 'string' ? ` (${message})` : '';
  // 503 HISTORY_UNAVAILABLE: no store, or the store did not answer (the message says which).
  // 404: a gateway without the route, or HISTORY_NOT_FOUND (nothing stored for the series).
  if (httpStatus === 503 || httpStatus === 404)
    return {
      kind: 'unavailable',
      reason: `history unavailable: ${typeof code === 'string' ? code : httpStatus}${why}`,
    };
  if (httpStatus < 200 || httpStatus >= 300)
    return {
      kind: 'error',
      message: `history: ${httpStatus}${typeof code === 'string' ? ` ${code}` : ''}${why}`,
    };
  const r = body as { points?: unknown; runId?: unknown } | undefined;
  if (r === undefined || !Array.isArray(r.points))
    return { kind: 'error', message: 'history: unexpected body' };
  return {
    kind: 'ok',
    series: historySeries(r.points, fromMs, toMs),
    runId: typeof r.runId === 'string' ? r.runId : '',
  };
}

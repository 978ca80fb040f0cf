import { fromBinary, SurfaceEventSchema } from '@volstream/contracts';
import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../errors.ts';
import type {
  HistoryExpiryMetric,
  HistoryPointLike,
  HistorySource,
  HistoryTenorMetric,
} from './history-source.ts';
import { currencyParams, venueQuery } from './routes.ts';
import { surfaceJson } from './views.ts';

/**
 * History endpoints over the store (docs/API.md "History"). Every query parameter is checked by
 * the JSON schemas below before the handler runs, and HistoryQueries validates and renders each
 * value again before any SQL exists: caller text is never concatenated into a query.
 */

/** 2100-01-01: later "epoch ms" are typos or attacks, not times this data can have. */
export const MAX_EPOCH_MS = 4_102_444_800_000;
/** Default window when `from`/`to` are absent: the last hour. */
export const DEFAULT_WINDOW_MS = 3_600_000;
/** Points per series unless `maxPoints` asks for fewer or more (up to MAX_POINTS_CEILING). */
export const DEFAULT_MAX_POINTS = 5_000;
export const MAX_POINTS_CEILING = 20_000;

const epoch = { type: 'integer', minimum: 0, maximum: MAX_EPOCH_MS } as const;
const common = {
  venue: venueQuery.properties.venue,
  api_key: venueQuery.properties.api_key,
  from: epoch,
  to: epoch,
  runId: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$', default: 'live' },
  stepMs: { type: 'integer', minimum: 1, maximum: 366 * 86_400_000 },
  maxPoints: { type: 'integer', minimum: 1, maximum: MAX_POINTS_CEILING },
} as const;

export const TENOR_METRIC_VALUES = ['atm_vol', 'rr25', 'bf25', 'rr10', 'bf10'] as const;
export const EXPIRY_METRIC_VALUES = [...TENOR_METRIC_VALUES, 'forward_vol'] as const;

const tenorQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...common,
    metric: { type: 'string', enum: TENOR_METRIC_VALUES, default: 'atm_vol' },
    tenorDays: { type: 'integer', minimum: 1, maximum: 3650, default: 30 },
  },
} as const;
const expiryQuery = {
  type: 'object',
  additionalProperties: false,
  required: ['expiryMs'],
  properties: {
    ...common,
    metric: { type: 'string', enum: EXPIRY_METRIC_VALUES, default: 'atm_vol' },
    expiryMs: epoch,
  },
} as const;
const surfaceQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    venue: common.venue,
    api_key: common.api_key,
    runId: common.runId,
    at: epoch,
  },
} as const;

export const HISTORY_QUERY_SCHEMAS = { tenor: tenorQuery, expiry: expiryQuery, surface: surfaceQuery };

interface RangeQuery {
  venue: string;
  runId: string;
  from?: number;
  to?: number;
  stepMs?: number;
  maxPoints?: number;
}
interface TenorQuery extends RangeQuery {
  metric: HistoryTenorMetric;
  tenorDays: number;
}
interface ExpiryQuery extends RangeQuery {
  metric: HistoryExpiryMetric;
  expiryMs: number;
}
interface SurfaceQuery {
  venue: string;
  runId: string;
  at?: number;
}
interface Params {
  currency: string;
}

/** from/to with their defaults; an empty or inverted range is a bad request, not an empty answer. */
export function resolveRange(
  q: { from?: number; to?: number },
  nowMs: number,
): { fromMs: number; toMs: number } {
  const toMs = q.to ?? nowMs;
  const fromMs = q.from ?? Math.max(0, toMs - DEFAULT_WINDOW_MS);
  if (fromMs >= toMs) {
    throw new GatewayError('BAD_REQUEST', { detail: `from (${fromMs}) must be before to (${toMs})` });
  }
  return { fromMs, toMs };
}

const points = (list: readonly HistoryPointLike[]) => list.map((p) => ({ t: p.asOfMs, v: p.value }));

/** The step the store will use, echoed so a chart knows the resolution it got. */
function stepOf(range: { fromMs: number; toMs: number }, q: RangeQuery): number | null {
  const maxPoints = q.maxPoints ?? DEFAULT_MAX_POINTS;
  const step = Math.max(q.stepMs ?? 1, Math.ceil((range.toMs - range.fromMs) / maxPoints));
  return step <= 1 && q.stepMs === undefined ? null : step;
}

export function registerHistoryRoutes(
  app: FastifyInstance,
  history: () => HistorySource | undefined,
  now: () => number = Date.now,
): void {
  const source = (): HistorySource => {
    const h = history();
    if (h === undefined) throw new GatewayError('HISTORY_UNAVAILABLE', { detail: 'no store configured' });
    return h;
  };
  // Store failures are the store's, not the caller's: logged with the cause, answered 503.
  const ask = async <T>(
    req: { log: { warn(o: object, m: string): void } },
    run: () => Promise<T>,
  ): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      if (error instanceof GatewayError) throw error;
      req.log.warn({ err: error }, 'history query failed');
      throw new GatewayError('HISTORY_UNAVAILABLE', { detail: 'the store did not answer' });
    }
  };

  app.get<{ Params: Params; Querystring: TenorQuery }>(
    '/v1/history/:currency/tenor',
    { schema: { params: currencyParams, querystring: tenorQuery } },
    async (req) => {
      const q = req.query;
      const currency = req.params.currency.toUpperCase();
      const range = resolveRange(q, now());
      const h = source();
      const stepMs = stepOf(range, q);
      const series = await ask(req, () =>
        h.tenorHistory({ currency, venue: q.venue, runId: q.runId, ...range }, q.tenorDays, q.metric, {
          ...(stepMs === null ? {} : { stepMs }),
          maxPoints: q.maxPoints ?? DEFAULT_MAX_POINTS,
        }),
      );
      return {
        currency,
        venue: q.venue,
        metric: q.metric,
        tenorDays: q.tenorDays,
        runId: q.runId,
        from: range.fromMs,
        to: range.toMs,
        stepMs,
        points: points(series),
      };
    },
  );

  app.get<{ Params: Params; Querystring: ExpiryQuery }>(
    '/v1/history/:currency/expiry',
    { schema: { params: currencyParams, querystring: expiryQuery } },
    async (req) => {
      const q = req.query;
      const currency = req.params.currency.toUpperCase();
      const range = resolveRange(q, now());
      const h = source();
      const stepMs = stepOf(range, q);
      const series = await ask(req, () =>
        h.expiryHistory({ currency, venue: q.venue, runId: q.runId, ...range }, q.expiryMs, q.metric, {
          ...(stepMs === null ? {} : { stepMs }),
          maxPoints: q.maxPoints ?? DEFAULT_MAX_POINTS,
        }),
      );
      return {
        currency,
        venue: q.venue,
        metric: q.metric,
        expiryMs: q.expiryMs,
        runId: q.runId,
        from: range.fromMs,
        to: range.toMs,
        stepMs,
        points: points(series),
      };
    },
  );

  app.get<{ Params: Params; Querystring: SurfaceQuery }>(
    '/v1/history/:currency/surface',
    { schema: { params: currencyParams, querystring: surfaceQuery } },
    async (req) => {
      const q = req.query;
      const currency = req.params.currency.toUpperCase();
      const atMs = q.at ?? now();
      const h = source();
      const bytes = await ask(req, () => h.surfaceAt({ currency, venue: q.venue, runId: q.runId, atMs }));
      const event = bytes === undefined ? undefined : fromBinary(SurfaceEventSchema, bytes);
      if (event?.payload.case !== 'surface') {
        throw new GatewayError('HISTORY_NOT_FOUND', {
          what: 'surface',
          key: `${q.venue}/${currency} at or before ${atMs} (run ${q.runId})`,
        });
      }
      return surfaceJson(event.payload.value);
    },
  );
}

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

const METRICS: ReadonlySet<string> = new Set(['atm_vol', 'rr25', 'bf25', 'rr10', 'bf10']);
const IDENT = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;
const MAX_POINTS = 100_000;

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

  /** A fixed-tenor metric over time (ATM vol, 25Δ/10Δ RR or BF), oldest first. */
  async tenorHistory(range: HistoryRange, tenorDays: number, metric: TenorMetric): Promise<HistoryPoint[]> {
    if (!METRICS.has(metric)) {
      throw new VolstreamError('CONFIG_INVALID', 'history query: unknown metric', {
        context: { metric: String(metric).slice(0, 40) },
      });
    }
    const rows = await this.#store.query<{ t: string; v: number | null }>(
      `SELECT as_of_ms AS t, ${metric} AS v FROM surface_tenors FINAL
       WHERE ${this.#where(range)} AND tenor_days = ${tenor(tenorDays)}
       ORDER BY as_of_ms LIMIT ${MAX_POINTS}`,
    );
    return rows.map((r) => ({ asOfMs: Number(r.t), value: num(r.v) }));
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

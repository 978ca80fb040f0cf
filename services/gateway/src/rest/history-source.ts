/**
 * What the history endpoints need from storage, structurally: `HistoryQueries` of
 * `@volstream/storage-writer` satisfies it, and the gateway does not load the storage package
 * (and its 540 MB engine) unless the embedding process hands one in.
 */
export interface HistoryRangeLike {
  currency: string;
  venue?: string;
  fromMs: number;
  toMs: number;
  runId?: string;
}

export interface HistoryPointLike {
  readonly asOfMs: number;
  readonly value: number | null;
}

export interface SeriesOptionsLike {
  stepMs?: number;
  maxPoints?: number;
}

export type HistoryTenorMetric = 'atm_vol' | 'rr25' | 'bf25' | 'rr10' | 'bf10';
export type HistoryExpiryMetric = HistoryTenorMetric | 'forward_vol';

export interface HistorySource {
  tenorHistory(
    range: HistoryRangeLike,
    tenorDays: number,
    metric: HistoryTenorMetric,
    options?: SeriesOptionsLike,
  ): Promise<HistoryPointLike[]>;
  expiryHistory(
    range: HistoryRangeLike,
    expiryMs: number,
    metric: HistoryExpiryMetric,
    options?: SeriesOptionsLike,
  ): Promise<HistoryPointLike[]>;
  /** Protobuf SurfaceEvent bytes of the newest stored surface at or before atMs. */
  surfaceAt(q: {
    currency: string;
    venue?: string;
    atMs: number;
    runId?: string;
  }): Promise<Uint8Array | undefined>;
}

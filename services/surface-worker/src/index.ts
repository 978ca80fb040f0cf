/**
 * @volstream/surface-worker: smile state, SVI fits, arbitrage checks, metrics, per-venue and
 * composite surfaces (docs/PIPELINE.md "Surface worker", docs/adr/0001-composite-surface.md).
 */
export {
  build,
  SURFACE_WORKER,
  type SurfaceWorker,
  type SurfaceWorkerDeps,
  type SurfaceWorkerOptions,
} from './app.ts';
export { deltaAt, normCdf, strikeForDelta } from './delta-strike.ts';
export { startSurfaceWorker } from './main.ts';
export {
  DEFAULT_SURFACE_OPTIONS,
  defaultTickSize,
  type QuoteFilterOptions,
  resolveOptions,
  type SurfaceOptions,
  type SurfaceOptionsInit,
  type WeightScheme,
} from './options.ts';
export { EXCLUSION_REASONS, type ExclusionReason } from './quote-filter.ts';
export { type SurfaceStats, SurfaceTransform, type SurfaceTransformDeps } from './transform.ts';

export {
  build,
  coalesceKey,
  VOLATILITY_WORKER,
  type VolatilityWorkerDeps,
  type VolatilityWorkerOptions,
  volatilityWorkerDefinition,
} from './app.ts';
export { startVolatilityWorker } from './main.ts';
export { belowTick, MS_PER_YEAR, type QuoteInput, quoteInput, SIDES, yearsTo } from './quote-input.ts';
export {
  VOLATILITY_DROP_REASONS,
  VolatilityTransform,
  type VolatilityTransformOptions,
  type WorkSaved,
} from './transform.ts';
export {
  type Candidate,
  DEFAULT_WORK_REDUCTION,
  type Decision,
  decide,
  type WorkReductionOptions,
} from './work-reduction.ts';

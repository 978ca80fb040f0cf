/**
 * @volstream/worker-runtime: the shared consume -> transform -> produce -> commit loop of the
 * pipeline workers (docs/PIPELINE.md).
 */
export { coalesceLatest } from './coalesce.ts';
export { WorkerMetrics } from './metrics.ts';
export { WORKER_OPTIONS } from './options.ts';
export { type RunningWorker, startWorker, type WorkerOptions } from './run-worker.ts';
export type {
  LatencyStats,
  WindowResult,
  WorkerDefinition,
  WorkerInput,
  WorkerStats,
} from './types.ts';
export { openWorkerBus, type WorkerConfig, type WorkerStarter, workerMain } from './worker-main.ts';

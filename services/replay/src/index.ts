export { type ChainOutputs, PipelineChain } from './pipeline-chain.ts';
export {
  type ProgressPrinterOptions,
  type ProgressStream,
  progressPrinter,
  progressText,
} from './progress.ts';
export {
  DEFAULT_INSERT_ROWS,
  DEFAULT_PAGE_SIZE,
  type ReplayOptions,
  type ReplayProgress,
  type ReplayResult,
  replay,
} from './replay.ts';
export { DEFAULT_MAX_WINDOW_EVENTS, DEFAULT_WINDOW_MS, Windower, windowsOf } from './windower.ts';

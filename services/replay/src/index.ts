export { type ChainOutputs, PipelineChain } from './pipeline-chain.ts';
export { type ReplayOptions, type ReplayProgress, type ReplayResult, replay } from './replay.ts';
export { DEFAULT_MAX_WINDOW_EVENTS, DEFAULT_WINDOW_MS, Windower, windowsOf } from './windower.ts';

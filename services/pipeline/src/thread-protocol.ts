/**
 * Messages between the embedded host (main thread, where the connector runs) and the compute
 * thread (in-process bus + the three workers). See docs/PIPELINE.md "Modes".
 */
import type { LagReport } from '@volstream/bus';
import type { WorkerStats } from '@volstream/worker-runtime';
import type { WireBatch } from './wire.ts';

export const STAGES = ['orderbook', 'volatility', 'surface'] as const;
export type Stage = (typeof STAGES)[number];

/** Runtime settings of one worker in the compute thread. */
export interface StageSettings {
  windowMs: number;
  maxWindowMessages: number;
}

/** `workerData` of the compute thread. */
export interface ComputeThreadData {
  transport: 'inprocess' | 'kafka';
  brokers: string[];
  kafkaIdempotent: boolean;
  logLevel: string;
  stages: Record<Stage, StageSettings>;
  /** Topics whose records go back to the main thread's bus (in-process transport only). */
  egressTopics: string[];
  /** In-process retention per partition (messages), the bound on lag before backpressure. */
  retentionMessages: number;
}

export interface ComputeStats {
  readonly workers: Record<Stage, WorkerStats>;
  /** Consumer lag (messages) of each worker's group on its input topic. */
  readonly lag: Record<Stage, number>;
  readonly lagDetail: Record<Stage, LagReport>;
  /** Records received from the main thread (in-process transport). */
  readonly ingress: { records: number; batches: number };
  /** Records sent back to the main thread. */
  readonly egress: { records: number; batches: number };
}

export type ToThread =
  | { type: 'records'; id: number; batch: WireBatch }
  | { type: 'stats'; id: number }
  | { type: 'stop' };

export type FromThread =
  | { type: 'ready'; describe: string }
  | { type: 'ack'; id: number; count: number }
  | { type: 'records'; batch: WireBatch }
  | { type: 'stats'; id: number; stats: ComputeStats }
  | { type: 'stopped'; stats: ComputeStats }
  | { type: 'failed'; message: string };

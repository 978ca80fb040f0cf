/**
 * Messages between the embedded host (main thread, where the connector runs) and its compute
 * threads (each an in-process bus with some of the workers), and between two compute threads.
 * Layout `split` (default): the order-book thread, then the volatility + surface thread, linked by
 * a MessageChannel of transferred orderbook-topic batches; `single`: one thread with all three
 * workers. See docs/PIPELINE.md "Modes".
 */
import type { MessagePort } from 'node:worker_threads';
import type { LagReport } from '@volstream/bus';
import type { WorkerStats } from '@volstream/worker-runtime';
import type { WireBatch } from './wire.ts';

export const STAGES = ['orderbook', 'volatility', 'surface'] as const;
export type Stage = (typeof STAGES)[number];

/** Runtime settings of one worker in the compute thread. */
export interface StageSettings {
  windowMs: number;
  maxWindowMessages: number;
  /** Order-book stage: conflation cadence in ms of event time (0 = once per window). */
  publishIntervalMs?: number;
}

/** How the embedded workers are spread over threads. */
export type ComputeLayout = 'split' | 'single';

/** `workerData` of a compute thread. */
export interface ComputeThreadData {
  transport: 'inprocess' | 'kafka';
  brokers: string[];
  kafkaIdempotent: boolean;
  logLevel: string;
  /** The workers this thread runs, with their settings. */
  stages: Partial<Record<Stage, StageSettings>>;
  /** Topics whose records go back to the main thread's bus (in-process transport only). */
  egressTopics: string[];
  /** Topics whose records go to the next thread through `downstream` (in-process transport only). */
  forwardTopics: string[];
  /** To the next compute thread: `records` out, `ack` back (credit: one batch in flight per topic). */
  downstream?: MessagePort;
  /** From the previous compute thread: `records` in, appended to this thread's bus, then acked. */
  upstream?: MessagePort;
  /** In-process retention per partition (messages), the bound on lag before backpressure. */
  retentionMessages: number;
}

/** What one compute thread reports: its own stages, and the lag of what it still has to forward. */
export interface ThreadStats {
  readonly workers: Partial<Record<Stage, WorkerStats>>;
  readonly lag: Partial<Record<Stage, number>>;
  readonly lagDetail: Partial<Record<Stage, LagReport>>;
  readonly ingress: { records: number; batches: number };
  readonly egress: { records: number; batches: number };
  /** Records of `forwardTopics` not yet handed to the next thread. */
  readonly forwardLag: number;
  /** CPU time of this thread so far, ms (Linux /proc/thread-self/stat, 10 ms ticks; else NaN). */
  readonly cpuMs: number;
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
  /** Per compute thread: the stages it runs and its CPU time so far (ms; NaN where unknown). */
  readonly threads?: readonly { stages: readonly Stage[]; cpuMs: number }[];
}

export type ToThread =
  | { type: 'records'; id: number; batch: WireBatch }
  | { type: 'stats'; id: number }
  | { type: 'stop' };

export type FromThread =
  | { type: 'ready'; describe: string }
  | { type: 'ack'; id: number; count: number }
  | { type: 'records'; batch: WireBatch }
  | { type: 'stats'; id: number; stats: ThreadStats }
  | { type: 'stopped'; stats: ThreadStats }
  | { type: 'failed'; message: string };

/** Between two compute threads (on their MessageChannel). */
export type BetweenThreads =
  | { type: 'records'; id: number; batch: WireBatch }
  | { type: 'ack'; id: number; count: number };

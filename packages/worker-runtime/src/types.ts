import type { TopicCodec } from '@volstream/bus';

/** One input event as the transformation sees it: the decoded value and where it came from. */
export interface WorkerInput<I> {
  readonly value: I;
  readonly key: string;
  readonly partition: number;
  readonly offset: number;
}

/**
 * What one window produced. `dropped` counts bad input by reason (the transformation logs nothing:
 * it is pure); `counters` are worker-specific work counters (the volatility worker's skipped /
 * approximated / fully inverted), both accumulated by the runtime into `stats()`.
 */
export interface WindowResult<O> {
  readonly outputs: readonly O[];
  readonly dropped?: Readonly<Record<string, number>>;
  readonly counters?: Readonly<Record<string, number>>;
  /** One example per drop reason, for the "logged once with context" rule. */
  readonly dropExamples?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/**
 * A pipeline worker as the runtime needs it: an input and an output topic, and a transformation of
 * one window of inputs (consecutive messages of one partition, in offset order) to outputs. The
 * transformation may keep state (books, last vols); that state is rebuilt from the topics after a
 * restart (docs/PIPELINE.md says how, per worker).
 */
export interface WorkerDefinition<I, O> {
  /** Service name, e.g. `orderbook-worker` (logs, metrics, default group id). */
  readonly name: string;
  readonly input: TopicCodec<I>;
  readonly output: TopicCodec<O>;
  /**
   * Latest-wins coalescing inside a window: inputs with the same non-undefined key are reduced to
   * the last one (kept at its own position). Undefined = keep every input.
   */
  coalesceKey?(value: I): string | undefined;
  transform(inputs: readonly WorkerInput<I>[]): WindowResult<O>;
}

/** Latency summary of the windows processed so far, milliseconds. */
export interface LatencyStats {
  readonly count: number;
  readonly meanMs: number;
  readonly maxMs: number;
  readonly lastMs: number;
}

/** Snapshot of a running worker's counters (`stats()`). */
export interface WorkerStats {
  readonly name: string;
  readonly groupId: string;
  /** Messages delivered by the bus. */
  readonly in: number;
  /** Inputs removed by latest-wins coalescing before the transformation. */
  readonly coalesced: number;
  /** Events produced. */
  readonly out: number;
  readonly windows: number;
  /** Failed window attempts (transform or produce threw); each such window is delivered again. */
  readonly retries: number;
  readonly dropped: Readonly<Record<string, number>>;
  readonly counters: Readonly<Record<string, number>>;
  /** Undecodable input skipped by the bus, by error code. */
  readonly decodeFailures: Readonly<Record<string, number>>;
  /** Times the bus consumer restarted itself after its client crashed (Kafka; resumes from commits). */
  readonly consumerRestarts: number;
  readonly batchLatency: LatencyStats;
}

import { setTimeout as sleep } from 'node:timers/promises';
import type { Bus, BusBatch, Consumer, LagReport, Producer } from '@volstream/bus';
import { type Logger, LogOnce } from '@volstream/logging';
import { coalesceLatest } from './coalesce.ts';
import { WorkerMetrics } from './metrics.ts';
import type { WindowResult, WorkerDefinition, WorkerInput, WorkerStats } from './types.ts';

export interface WorkerOptions {
  bus: Bus;
  logger: Logger;
  /** Consumer group (default: the worker's name). Replicas share it; partitions are split. */
  groupId?: string;
  /** Where a group without committed offsets starts (default true: replay the retained input). */
  fromBeginning?: boolean;
  /**
   * Coalescing window, ms (default 0). After a window is produced the handler waits until this long
   * has passed since the window started, so the next bus batch holds everything that arrived in
   * the meantime (latest-wins coalescing then works across that span). Costs up to this much
   * latency; 0 = process each bus batch as soon as it comes (batches still grow under load).
   */
  windowMs?: number;
  /** Most messages per window (the bus batch size, default 1,000). */
  maxWindowMessages?: number;
  /** Delay before a failed window is delivered again (default 200 ms). */
  retryDelayMs?: number;
  /** An already made producer to use (default: one of the bus's). */
  producer?: Producer;
}

export interface RunningWorker {
  stats(): WorkerStats;
  lag(): Promise<LagReport>;
  /** Stops after the in-flight window (produced and committed), then leaves the group. */
  stop(): Promise<void>;
}

/** Outputs of a window whose produce failed, resent as they are when the same window comes back. */
interface PendingWindow<O> {
  readonly id: string;
  readonly result: WindowResult<O>;
  readonly inputs: number;
  readonly kept: number;
}

const windowId = (batch: BusBatch<unknown>): string =>
  `${batch.topic}/${batch.partition}/${batch.messages[0]?.offset ?? -1}/${batch.nextOffset}`;

/**
 * The loop every pipeline worker runs: a consumer-group member on the input topic hands each batch
 * (one window) to the pure transformation, the outputs are produced, and only when the producer
 * has them does the handler resolve, so the bus commits the window's offsets after its outputs
 * exist (at-least-once; the deterministic event ids let consumers drop duplicates).
 *
 * A failing transformation or produce rejects the handler: nothing is committed and the bus
 * delivers the window again. Outputs computed for a window whose produce failed are kept and sent
 * again verbatim when that window returns, because a stateful transformation may not recompute
 * them (a book delta applied once is a duplicate the second time).
 */
export async function startWorker<I, O>(
  definition: WorkerDefinition<I, O>,
  options: WorkerOptions,
): Promise<RunningWorker> {
  const groupId = options.groupId ?? definition.name;
  const logger = options.logger.child({ component: 'worker-runtime', worker: definition.name, groupId });
  const logOnce = new LogOnce(logger);
  const metrics = new WorkerMetrics(definition.name, groupId);
  const windowMs = options.windowMs ?? 0;
  const producer = options.producer ?? options.bus.producer();
  const ownsProducer = options.producer === undefined;
  await options.bus.admin.ensureTopics([definition.input, definition.output]);
  const consumer: Consumer<I> = options.bus.consumer<I>({
    groupId,
    maxBatchMessages: options.maxWindowMessages ?? 1000,
    retryDelayMs: options.retryDelayMs ?? 200,
  });
  const stopping = new AbortController();
  let pending: PendingWindow<O> | undefined;

  const handle = async (batch: BusBatch<I>): Promise<void> => {
    const started = performance.now();
    const id = windowId(batch as BusBatch<unknown>);
    if (pending !== undefined && pending.id === id) {
      try {
        await producer.send(definition.output, pending.result.outputs);
      } catch (error) {
        metrics.retries += 1;
        throw error;
      }
      metrics.window(pending.inputs, pending.kept, pending.result, performance.now() - started);
      pending = undefined;
      return;
    }
    pending = undefined;
    // A bus message already is a WorkerInput (value, key, partition, offset): no copy per message.
    const inputs: readonly WorkerInput<I>[] = batch.messages;
    const keyOf = definition.coalesceKey?.bind(definition);
    const kept = keyOf === undefined ? inputs : coalesceLatest(inputs, keyOf);
    let result: WindowResult<O>;
    try {
      result = definition.transform(kept);
    } catch (error) {
      metrics.retries += 1;
      logOnce.warn(
        `transform-failed:${id}`,
        { err: error, topic: batch.topic, partition: batch.partition, nextOffset: batch.nextOffset },
        'transform failed; the window will be delivered again',
      );
      throw error;
    }
    for (const [reason, example] of Object.entries(result.dropExamples ?? {})) {
      logOnce.warn(`drop:${reason}`, { reason, ...example }, 'dropped bad input (counted from now on)');
    }
    if (result.outputs.length > 0) {
      try {
        await producer.send(definition.output, result.outputs);
      } catch (error) {
        pending = { id, result, inputs: inputs.length, kept: kept.length };
        metrics.retries += 1;
        logger.warn({ err: error, window: id }, 'produce failed; the window will be delivered again');
        throw error;
      }
    }
    const elapsed = performance.now() - started;
    metrics.window(inputs.length, kept.length, result, elapsed);
    if (windowMs > elapsed && !stopping.signal.aborted) {
      await sleep(windowMs - elapsed, undefined, { signal: stopping.signal }).catch(() => undefined);
    }
  };

  await consumer.subscribe([definition.input], { fromBeginning: options.fromBeginning ?? true });
  await consumer.run({ eachBatch: handle });
  logger.info({ input: definition.input.name, output: definition.output.name, windowMs }, 'worker started');
  let stopped: Promise<void> | undefined;
  return {
    stats: () => {
      const bus = consumer.stats();
      return metrics.snapshot(bus.decodeFailures[definition.input.name] ?? {}, bus.restarts);
    },
    lag: () => consumer.lag(),
    stop() {
      stopped ??= (async () => {
        stopping.abort();
        await consumer.stop();
        if (ownsProducer) await producer.close();
        else await producer.flush();
        logger.info({ stats: metrics.snapshot({}) }, 'worker stopped');
      })();
      return stopped;
    },
  };
}

/**
 * The main thread's handle on one compute thread (compute-thread.ts): starts it, sends it record
 * batches with credit (at most `maxInFlight` unacknowledged records, then `post` waits for acks),
 * asks for its stats, hands its egress records to a callback and stops it.
 */
import { Worker } from 'node:worker_threads';
import { VolstreamError } from '@volstream/errors';
import type { Logger } from '@volstream/logging';
import type { ComputeThreadData, FromThread, ThreadStats, ToThread } from './thread-protocol.ts';
import { transferables, type WireBatch } from './wire.ts';

export interface ThreadHandle {
  readonly describe: string;
  readonly ingress: { records: number; batches: number; waits: number };
  /** Sends one batch; resolves once it is posted (after waiting for credit if needed). */
  post(batch: WireBatch): Promise<void>;
  /** Resolves when every posted record is acknowledged (or the thread is gone). */
  flushed(): Promise<void>;
  stats(): Promise<ThreadStats>;
  readonly exited: boolean;
  /** Stops the thread's workers (in-flight windows finish) and the thread; its final stats. */
  stop(): Promise<ThreadStats | undefined>;
}

export async function startThread(
  data: ComputeThreadData,
  transferList: readonly (import('node:worker_threads').MessagePort | ArrayBuffer)[],
  options: { maxInFlight: number; onRecords: (batch: WireBatch) => void; logger: Logger },
): Promise<ThreadHandle> {
  const profileDir = process.env.VOLSTREAM_THREAD_CPU_PROF || undefined;
  // The thread runs TypeScript too: its bootstrap registers tsx's loader (compute-thread-entry.mjs).
  const worker = new Worker(new URL('./compute-thread-entry.mjs', import.meta.url), {
    workerData: data,
    transferList: [...transferList],
    // Profiling (docs/BENCHMARKS.md "End to end"): VOLSTREAM_THREAD_CPU_PROF=<dir> writes a V8 CPU
    // profile of each compute thread there when it ends (`node --cpu-prof` covers the main thread).
    execArgv: profileDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', profileDir],
  });
  const ingress = { records: 0, batches: 0, waits: 0 };
  let inFlight = 0;
  let nextId = 1;
  let waiters: (() => void)[] = [];
  const pendingStats = new Map<number, (s: ThreadStats) => void>();
  let onStopped: ((s: ThreadStats | undefined) => void) | undefined;
  let exited = false;
  let describe = '';
  const send = (message: ToThread, transfer: ArrayBuffer[] = []): void =>
    worker.postMessage(message, transfer);

  const ready = new Promise<void>((resolve, reject) => {
    worker.on('message', (message: FromThread) => {
      switch (message.type) {
        case 'ready':
          describe = message.describe;
          resolve();
          break;
        case 'ack': {
          inFlight -= message.count;
          if (inFlight < options.maxInFlight && waiters.length > 0) {
            const run = waiters;
            waiters = [];
            for (const w of run) w();
          }
          break;
        }
        case 'records':
          options.onRecords(message.batch);
          break;
        case 'stats':
          pendingStats.get(message.id)?.(message.stats);
          pendingStats.delete(message.id);
          break;
        case 'stopped':
          onStopped?.(message.stats);
          break;
        case 'failed':
          options.logger.error({ reason: message.message }, 'compute thread failed');
          reject(new VolstreamError('INTERNAL', `Compute thread failed: ${message.message}`));
          onStopped?.(undefined);
          break;
      }
    });
    worker.once('error', (error) => {
      options.logger.error({ err: error }, 'compute thread crashed');
      reject(error);
      onStopped?.(undefined);
    });
    worker.once('exit', () => {
      exited = true;
      for (const w of waiters) w();
      waiters = [];
      onStopped?.(undefined);
    });
  });
  await ready;

  return {
    get describe() {
      return describe;
    },
    get exited() {
      return exited;
    },
    ingress,
    async post(batch: WireBatch): Promise<void> {
      while (inFlight >= options.maxInFlight && !exited) {
        ingress.waits++;
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
      if (exited) throw new VolstreamError('BUS_CLOSED', 'Expected a running compute thread, was stopped');
      inFlight += batch.count;
      ingress.records += batch.count;
      ingress.batches++;
      send({ type: 'records', id: nextId++, batch }, transferables(batch));
    },
    async flushed(): Promise<void> {
      while (inFlight > 0 && !exited) await new Promise<void>((resolve) => setTimeout(resolve, 5));
    },
    stats() {
      if (exited) return Promise.reject(new VolstreamError('BUS_CLOSED', 'Compute thread stopped'));
      const id = nextId++;
      return new Promise((resolve) => {
        pendingStats.set(id, resolve);
        send({ type: 'stats', id });
      });
    },
    async stop() {
      if (exited) return undefined;
      const final = await new Promise<ThreadStats | undefined>((resolve) => {
        onStopped = resolve;
        send({ type: 'stop' });
      });
      await worker.terminate();
      return final;
    },
  };
}

/**
 * A compute thread of the embedded mode: an in-process bus with some of the pipeline workers (the
 * `split` layout: the order-book worker in one thread, the volatility and surface workers in the
 * next; `single`: all three), fed through MessagePort batches by the main thread's connector or by
 * the previous thread. Everything CPU heavy (book maintenance, IV inversion, SVI fits) runs in
 * these threads, so the connector's event loop on the main thread only parses frames and answers
 * heartbeats (ARCHITECTURE.md "Modes"), and a surface is never queued behind order-book windows.
 *
 * Started by `startComputeHost` (compute-host.ts) as `new Worker(compute-thread-entry.mjs)`.
 */
import { readFileSync } from 'node:fs';
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import {
  type Bus,
  type BusBatch,
  type Consumer,
  createBus,
  InProcessBroker,
  type TopicCodec,
} from '@volstream/bus';
import { TOPICS } from '@volstream/contracts';
import { describeError } from '@volstream/errors';
import { createLogger, type Logger } from '@volstream/logging';
import type { RunningWorker, WorkerConfig, WorkerStarter } from '@volstream/worker-runtime';
import {
  type BetweenThreads,
  type ComputeThreadData,
  type FromThread,
  STAGES,
  type Stage,
  type ThreadStats,
  type ToThread,
} from './thread-protocol.ts';
import { packRecords, transferables, unpackRecords } from './wire.ts';

if (parentPort === null) throw new Error('Expected to run as a worker thread, was the main thread');
const port = parentPort;
const data = workerData as ComputeThreadData;
const post = (message: FromThread, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);

/** Passes stored bytes through untouched: the egress forwards records without decoding them. */
function rawCodec(name: string, partitions: number): TopicCodec<Uint8Array> {
  return {
    name,
    partitions,
    retentionMs: 0,
    compacted: false,
    encode: (v) => v,
    decode: (b) => b,
    keyOf: () => '',
  };
}

async function starterOf(stage: Stage): Promise<WorkerStarter> {
  if (stage === 'orderbook') return (await import('@volstream/orderbook-worker')).startOrderBookWorker;
  if (stage === 'volatility') return (await import('@volstream/volatility-worker')).startVolatilityWorker;
  return (await import('@volstream/surface-worker')).startSurfaceWorker;
}

function openBus(logger: Logger): Bus {
  if (data.transport === 'kafka') {
    return createBus(
      {
        transport: 'kafka',
        brokers: data.brokers,
        clientId: 'volstream-pipeline',
        idempotent: data.kafkaIdempotent,
        compression: 'gzip',
      },
      { logger },
    );
  }
  const broker = new InProcessBroker({ retention: { maxMessages: data.retentionMessages } });
  return createBus({ transport: 'inprocess', broker }, { logger });
}

/**
 * Sends batches to the next thread, at most one unacknowledged batch at a time (the next thread
 * acks once the records are in its log, so its retention bounds what waits here).
 */
class Downstream {
  #nextId = 1;
  #waiting = new Map<number, () => void>();

  constructor(readonly port: MessagePort) {
    port.on('message', (m: BetweenThreads) => {
      if (m.type !== 'ack') return;
      this.#waiting.get(m.id)?.();
      this.#waiting.delete(m.id);
    });
  }

  send(topic: string, values: Uint8Array[], keys: string[]): Promise<void> {
    const id = this.#nextId++;
    const batch = packRecords(topic, values, keys);
    const acked = new Promise<void>((resolve) => this.#waiting.set(id, resolve));
    this.port.postMessage({ type: 'records', id, batch } satisfies BetweenThreads, transferables(batch));
    return acked;
  }

  /** Releases whoever waits (the next thread is gone). */
  close(): void {
    for (const w of this.#waiting.values()) w();
    this.#waiting.clear();
    this.port.close();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const CLOCK_TICKS = 100; // USER_HZ on Linux

/** This thread's CPU time (user + system), ms: fields 14 and 15 of /proc/thread-self/stat. */
function threadCpuMs(): number {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After "pid (comm) ", field 3 (state) is index 0, so utime (14) and stime (15) are 11 and 12.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return Number.NaN;
  }
}

async function main(): Promise<void> {
  // Logs on stderr like the CLI's (stdout is for command output); the thread's stderr is forwarded.
  const logger = createLogger({
    service: 'pipeline',
    level: data.logLevel as 'info',
    destination: process.stderr,
  });
  const bus = openBus(logger);
  const stages = STAGES.filter((s) => data.stages[s] !== undefined);
  const workers: Partial<Record<Stage, RunningWorker>> = {};
  for (const stage of stages) {
    const settings = data.stages[stage]!;
    const config = {
      bus: data.transport,
      brokers: data.brokers,
      kafkaIdempotent: data.kafkaIdempotent,
      logLevel: data.logLevel,
      group: undefined,
      fromBeginning: true,
      windowMs: settings.windowMs,
      maxWindowMessages: settings.maxWindowMessages,
      publishIntervalMs: settings.publishIntervalMs ?? 0,
      producerId: `${stage}-worker-embedded`,
    } as unknown as WorkerConfig;
    workers[stage] = await (await starterOf(stage))(config, { bus, logger });
  }
  const ingress = { records: 0, batches: 0 };
  const egress = { records: 0, batches: 0 };
  const producer = bus.producer({ maxBufferedMessages: 1_000_000, backpressureTimeoutMs: 600_000 });
  const downstream = data.downstream === undefined ? undefined : new Downstream(data.downstream);

  // Egress: outputs the main thread serves (surfaces for the report, gateway, storage), and
  // forwarded topics the next thread consumes (the order-book thread's book tops and forwards).
  const egressConsumers: Consumer<Uint8Array>[] = [];
  const forwardConsumers: Consumer<Uint8Array>[] = [];
  if (data.transport === 'inprocess') {
    const routes = [
      ...data.egressTopics.map((name) => ({ name, forward: false })),
      ...(downstream === undefined ? [] : data.forwardTopics.map((name) => ({ name, forward: true }))),
    ];
    for (const { name, forward } of routes) {
      const spec = Object.values(TOPICS).find((t) => t.name === name);
      const consumer = bus.consumer<Uint8Array>({
        groupId: forward ? 'pipeline-forward' : 'pipeline-egress',
        maxBatchMessages: 5000,
      });
      await consumer.subscribe([rawCodec(name, spec?.partitions ?? 4)], { fromBeginning: true });
      await consumer.run({
        eachBatch: async (batch: BusBatch<Uint8Array>) => {
          const values = batch.messages.map((m) => m.value);
          const keys = batch.messages.map((m) => m.key);
          egress.records += values.length;
          egress.batches++;
          if (forward && downstream !== undefined) {
            await downstream.send(batch.topic, values, keys);
            return;
          }
          const packed = packRecords(batch.topic, values, keys);
          post({ type: 'records', batch: packed }, transferables(packed));
        },
      });
      (forward ? forwardConsumers : egressConsumers).push(consumer);
    }
  }

  // Records from the previous thread: appended to this thread's log, then acked (its credit).
  data.upstream?.on('message', (m: BetweenThreads) => {
    if (m.type !== 'records') return;
    const records = unpackRecords(m.batch);
    ingress.records += records.length;
    ingress.batches++;
    const ack = () => data.upstream?.postMessage({ type: 'ack', id: m.id, count: records.length });
    producer.sendRaw(m.batch.topic, records).then(ack, (error: unknown) => {
      logger.error({ err: error, topic: m.batch.topic }, 'compute thread: append from upstream failed');
      ack();
    });
  });

  const forwardLag = async (): Promise<number> => {
    let total = 0;
    for (const c of forwardConsumers) total += (await c.lag()).total;
    return total;
  };

  const stats = async (): Promise<ThreadStats> => {
    const lagDetail: ThreadStats['lagDetail'] & Record<string, unknown> = {};
    const lag: Partial<Record<Stage, number>> = {};
    const workerStats: Partial<Record<Stage, ReturnType<RunningWorker['stats']>>> = {};
    for (const stage of stages) {
      const w = workers[stage]!;
      workerStats[stage] = w.stats();
      const detail = await w.lag();
      lagDetail[stage] = detail;
      lag[stage] = detail.total;
    }
    return {
      workers: workerStats,
      lag,
      lagDetail,
      ingress: { ...ingress },
      egress: { ...egress },
      forwardLag: await forwardLag(),
      cpuMs: threadCpuMs(),
    };
  };

  let stopping = false;
  port.on('message', (message: ToThread) => {
    if (message.type === 'records') {
      const records = unpackRecords(message.batch);
      ingress.records += records.length;
      ingress.batches++;
      producer.sendRaw(message.batch.topic, records).then(
        () => post({ type: 'ack', id: message.id, count: records.length }),
        (error: unknown) => {
          logger.error({ err: error, topic: message.batch.topic }, 'compute thread: append failed');
          post({ type: 'ack', id: message.id, count: records.length });
        },
      );
    } else if (message.type === 'stats') {
      stats().then((s) => post({ type: 'stats', id: message.id, stats: s }));
    } else if (message.type === 'stop' && !stopping) {
      stopping = true;
      (async () => {
        await producer.flush();
        for (const stage of stages) await workers[stage]!.stop();
        // Everything the stopped workers produced goes on to the next thread before this one ends.
        for (let i = 0; i < 400 && (await forwardLag()) > 0; i++) await sleep(25);
        const final = await stats();
        for (const c of [...forwardConsumers, ...egressConsumers]) await c.stop();
        downstream?.close();
        data.upstream?.close();
        await bus.close();
        post({ type: 'stopped', stats: final });
        port.close();
      })().catch((error: unknown) => post({ type: 'failed', message: describeError(error) }));
    }
  });
  post({
    type: 'ready',
    describe: `${stages.map((s) => `${s} worker`).join(', ')} on the ${data.transport} bus`,
  });
}

main().catch((error: unknown) => post({ type: 'failed', message: describeError(error) }));

/**
 * The compute thread of the embedded mode: an in-process bus with the order-book, volatility and
 * surface workers, fed by the main thread's connector through MessagePort batches. Everything CPU
 * heavy (book maintenance, IV inversion, SVI fits) runs here, so the connector's event loop on the
 * main thread only parses frames and answers heartbeats (ARCHITECTURE.md "Modes").
 *
 * Started by `startComputeThread` (embedded-pipeline.ts) as `new Worker(this file)`.
 */
import { parentPort, workerData } from 'node:worker_threads';
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
  type ComputeStats,
  type ComputeThreadData,
  type FromThread,
  STAGES,
  type Stage,
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

async function main(): Promise<void> {
  // Logs on stderr like the CLI's (stdout is for command output); the thread's stderr is forwarded.
  const logger = createLogger({
    service: 'pipeline',
    level: data.logLevel as 'info',
    destination: process.stderr,
  });
  const bus = openBus(logger);
  const workers = {} as Record<Stage, RunningWorker>;
  for (const stage of STAGES) {
    const config = {
      bus: data.transport,
      brokers: data.brokers,
      kafkaIdempotent: data.kafkaIdempotent,
      logLevel: data.logLevel,
      group: undefined,
      fromBeginning: true,
      windowMs: data.stages[stage].windowMs,
      maxWindowMessages: data.stages[stage].maxWindowMessages,
      producerId: `${stage}-worker-embedded`,
    } as unknown as WorkerConfig;
    workers[stage] = await (await starterOf(stage))(config, { bus, logger });
  }
  const ingress = { records: 0, batches: 0 };
  const egress = { records: 0, batches: 0 };
  const producer = bus.producer({ maxBufferedMessages: 1_000_000, backpressureTimeoutMs: 600_000 });

  // Egress: outputs the main thread serves (surfaces for the report, gateway, storage).
  const egressConsumers: Consumer<Uint8Array>[] = [];
  if (data.transport === 'inprocess') {
    for (const name of data.egressTopics) {
      const spec = Object.values(TOPICS).find((t) => t.name === name);
      const consumer = bus.consumer<Uint8Array>({ groupId: 'pipeline-egress', maxBatchMessages: 5000 });
      await consumer.subscribe([rawCodec(name, spec?.partitions ?? 4)], { fromBeginning: true });
      await consumer.run({
        eachBatch: async (batch: BusBatch<Uint8Array>) => {
          const values = batch.messages.map((m) => m.value);
          const keys = batch.messages.map((m) => m.key);
          const packed = packRecords(batch.topic, values, keys);
          egress.records += values.length;
          egress.batches++;
          post({ type: 'records', batch: packed }, transferables(packed));
        },
      });
      egressConsumers.push(consumer);
    }
  }

  const stats = async (): Promise<ComputeStats> => {
    const lagDetail = {} as ComputeStats['lagDetail'];
    const lag = {} as Record<Stage, number>;
    const workerStats = {} as ComputeStats['workers'];
    for (const stage of STAGES) {
      workerStats[stage] = workers[stage].stats();
      lagDetail[stage] = await workers[stage].lag();
      lag[stage] = lagDetail[stage].total;
    }
    return { workers: workerStats, lag, lagDetail, ingress: { ...ingress }, egress: { ...egress } };
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
        for (const stage of STAGES) await workers[stage].stop();
        const final = await stats();
        for (const c of egressConsumers) await c.stop();
        await bus.close();
        post({ type: 'stopped', stats: final });
        port.close();
      })().catch((error: unknown) => post({ type: 'failed', message: describeError(error) }));
    }
  });
  post({
    type: 'ready',
    describe: `${STAGES.map((s) => `${s} worker`).join(', ')} on the ${data.transport} bus`,
  });
}

main().catch((error: unknown) => post({ type: 'failed', message: describeError(error) }));

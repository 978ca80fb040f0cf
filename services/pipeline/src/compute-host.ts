/**
 * The main-thread side of the embedded mode: starts the compute thread (compute-thread.ts), routes
 * the connector's market data into it and its outputs (surfaces) back onto the main thread's bus.
 *
 * Ingress is credit based: `send` encodes on the caller's thread (what a Kafka producer does too),
 * posts one transferred batch per call (the connector already batches per event-loop turn) and
 * resolves at once while fewer than `maxInFlight` records are unacknowledged; past that it waits
 * for the thread's acks. The thread acks once the records are appended to its in-process log, so
 * a busy compute thread shows up as consumer lag there first and as connector backpressure only
 * when its retention is full.
 */
import { Worker } from 'node:worker_threads';
import type { Bus, Producer, ProducerOptions, RawRecord, TopicCodec } from '@volstream/bus';
import { TOPICS } from '@volstream/contracts';
import { VolstreamError } from '@volstream/errors';
import type { Logger } from '@volstream/logging';
import {
  type ComputeStats,
  type ComputeThreadData,
  type FromThread,
  STAGES,
  type Stage,
  type StageSettings,
  type ToThread,
} from './thread-protocol.ts';
import { packRecords, transferables, unpackRecords, type WireBatch } from './wire.ts';

export interface ComputeHostOptions {
  transport?: 'inprocess' | 'kafka';
  brokers?: readonly string[];
  kafkaIdempotent?: boolean;
  logLevel?: string;
  stages?: Partial<Record<Stage, Partial<StageSettings>>>;
  /** Most unacknowledged ingress records before `send` waits (default 200,000). */
  maxInFlight?: number;
  /** In-process retention per partition in messages (default 100,000). */
  retentionMessages?: number;
  /**
   * Also put market data and volatility on the main bus (for the storage writer there): market data
   * is tapped as the already-encoded ingress bytes, volatility comes back as egress. Default false.
   */
  mirror?: boolean;
}

export interface ComputeHost {
  readonly describe: string;
  /** A bus whose producers send market data to the compute thread and everything else to `bus`. */
  ingressBus(bus: Bus): Bus;
  /** Raw records straight into a compute-thread topic (tests: bad input). */
  inject(topic: string, records: readonly RawRecord[]): Promise<void>;
  stats(): Promise<ComputeStats>;
  /** Records received from the thread (ingress) so far. */
  readonly ingress: { records: number; batches: number; waits: number };
  /** Stops the workers (in-flight windows finish) and the thread; returns the final stats. */
  stop(): Promise<ComputeStats | undefined>;
}

const DEFAULT_STAGES: Record<Stage, StageSettings> = {
  orderbook: { windowMs: 0, maxWindowMessages: 4000 },
  volatility: { windowMs: 0, maxWindowMessages: 2000 },
  surface: { windowMs: 0, maxWindowMessages: 1000 },
};

const INGRESS_TOPICS = new Set<string>([TOPICS.marketdata.name]);
const EGRESS_TOPICS = [TOPICS.surface.name];
const MIRROR_EGRESS_TOPICS = [TOPICS.surface.name, TOPICS.volatility.name];

/** Starts the compute thread and resolves once its workers are running. */
export async function startComputeHost(
  options: ComputeHostOptions,
  deps: { bus: Bus; logger: Logger },
): Promise<ComputeHost> {
  const stages = {} as Record<Stage, StageSettings>;
  for (const s of STAGES) stages[s] = { ...DEFAULT_STAGES[s], ...options.stages?.[s] };
  const transport = options.transport ?? 'inprocess';
  const data: ComputeThreadData = {
    transport,
    brokers: [...(options.brokers ?? [])],
    kafkaIdempotent: options.kafkaIdempotent ?? false,
    logLevel: options.logLevel ?? 'info',
    stages,
    egressTopics: options.mirror === true ? MIRROR_EGRESS_TOPICS : EGRESS_TOPICS,
    retentionMessages: options.retentionMessages ?? 100_000,
  };
  // The thread runs TypeScript too: its bootstrap registers tsx's loader (compute-thread-entry.mjs).
  const worker = new Worker(new URL('./compute-thread-entry.mjs', import.meta.url), {
    workerData: data,
    execArgv: [],
  });
  const maxInFlight = options.maxInFlight ?? 200_000;
  const egressProducer = deps.bus.producer({ maxBufferedMessages: 1_000_000 });
  const ingress = { records: 0, batches: 0, waits: 0 };
  let inFlight = 0;
  let nextId = 1;
  let waiters: (() => void)[] = [];
  const pendingStats = new Map<number, (s: ComputeStats) => void>();
  let onStopped: ((s: ComputeStats | undefined) => void) | undefined;
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
          if (inFlight < maxInFlight && waiters.length > 0) {
            const run = waiters;
            waiters = [];
            for (const w of run) w();
          }
          break;
        }
        case 'records':
          egressProducer
            .sendRaw(message.batch.topic, unpackRecords(message.batch))
            .catch((error: unknown) => {
              deps.logger.error({ err: error }, 'egress append failed');
            });
          break;
        case 'stats':
          pendingStats.get(message.id)?.(message.stats);
          pendingStats.delete(message.id);
          break;
        case 'stopped':
          onStopped?.(message.stats);
          break;
        case 'failed':
          deps.logger.error({ reason: message.message }, 'compute thread failed');
          reject(new VolstreamError('INTERNAL', `Compute thread failed: ${message.message}`));
          onStopped?.(undefined);
          break;
      }
    });
    worker.once('error', (error) => {
      deps.logger.error({ err: error }, 'compute thread crashed');
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

  const post = async (batch: WireBatch): Promise<void> => {
    while (inFlight >= maxInFlight && !exited) {
      ingress.waits++;
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
    if (exited) throw new VolstreamError('BUS_CLOSED', 'Expected a running compute thread, was stopped');
    inFlight += batch.count;
    ingress.records += batch.count;
    ingress.batches++;
    send({ type: 'records', id: nextId++, batch }, transferables(batch));
  };
  const flushed = async (): Promise<void> => {
    while (inFlight > 0 && !exited) await new Promise<void>((resolve) => setTimeout(resolve, 5));
  };

  const routingProducer = (local: Producer): Producer => ({
    send<T>(topic: TopicCodec<T>, values: readonly T[]): Promise<void> {
      if (!INGRESS_TOPICS.has(topic.name)) return local.send(topic, values);
      if (values.length === 0) return Promise.resolve();
      const encoded: Uint8Array[] = new Array(values.length);
      const keys: string[] = new Array(values.length);
      for (let i = 0; i < values.length; i++) {
        const v = values[i] as T;
        encoded[i] = topic.encode(v);
        keys[i] = topic.keyOf(v);
      }
      const posted = post(packRecords(topic.name, encoded, keys));
      if (options.mirror !== true) return posted;
      // The tap: the bytes just encoded (packRecords copied them), no second encode, no round trip.
      const raw: RawRecord[] = new Array(values.length);
      for (let i = 0; i < values.length; i++)
        raw[i] = { key: keys[i] ?? '', value: encoded[i] as Uint8Array };
      return Promise.all([posted, local.sendRaw(topic.name, raw)]).then(() => undefined);
    },
    sendRaw(topic: string, records: readonly RawRecord[]): Promise<void> {
      if (!INGRESS_TOPICS.has(topic)) return local.sendRaw(topic, records);
      const injected = host.inject(topic, records);
      if (options.mirror !== true) return injected;
      return Promise.all([injected, local.sendRaw(topic, records)]).then(() => undefined);
    },
    async flush() {
      await flushed();
      await local.flush();
    },
    async close() {
      await flushed();
      await local.close();
    },
  });

  const host: ComputeHost = {
    get describe() {
      return describe;
    },
    ingress,
    ingressBus(bus: Bus): Bus {
      if (transport === 'kafka') return bus;
      return {
        transport: bus.transport,
        admin: bus.admin,
        producer: (o?: ProducerOptions) => routingProducer(bus.producer(o)),
        consumer: (o) => bus.consumer(o),
        close: () => bus.close(),
      };
    },
    inject(topic, records) {
      if (records.length === 0) return Promise.resolve();
      return post(
        packRecords(
          topic,
          records.map((r) => r.value),
          records.map((r) => r.key),
        ),
      );
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
      await flushed();
      const final = await new Promise<ComputeStats | undefined>((resolve) => {
        onStopped = resolve;
        send({ type: 'stop' });
      });
      await egressProducer.flush();
      await worker.terminate();
      return final;
    },
  };
  return host;
}

/**
 * The main-thread side of the embedded mode: starts the compute threads (compute-thread.ts), routes
 * the connector's market data into them and their outputs (surfaces) back onto the main thread's bus.
 *
 * Layout `split` (default): thread 1 runs the order-book worker, thread 2 the volatility and
 * surface workers; thread 1's book tops and forwards go to thread 2 over a MessageChannel of
 * transferred batches (thread 2 acks each batch once appended, so its retention bounds thread 1),
 * so a surface fit never waits behind an order-book window and the two use both cores. Layout
 * `single`: one thread with all three workers (the layout before; kept for comparison).
 *
 * Ingress is credit based: `send` encodes on the caller's thread (what a Kafka producer does too),
 * posts one transferred batch per call (the connector already batches per event-loop turn) and
 * resolves at once while fewer than `maxInFlight` records are unacknowledged; past that it waits
 * for the thread's acks. A thread acks once the records are appended to its in-process log, so
 * a busy compute thread shows up as consumer lag there first and as connector backpressure only
 * when its retention is full.
 */
import { MessageChannel } from 'node:worker_threads';
import type { Bus, Producer, ProducerOptions, RawRecord, TopicCodec } from '@volstream/bus';
import { TOPICS } from '@volstream/contracts';
import type { Logger } from '@volstream/logging';
import { startThread, type ThreadHandle } from './thread-handle.ts';
import {
  type ComputeLayout,
  type ComputeStats,
  type ComputeThreadData,
  STAGES,
  type Stage,
  type StageSettings,
  type ThreadStats,
} from './thread-protocol.ts';
import { packRecords, unpackRecords, type WireBatch } from './wire.ts';

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
  /** Threads: `split` (order-book thread + volatility/surface thread, default) or `single`. */
  layout?: ComputeLayout;
  /**
   * Benchmarks: also put every intermediate topic (book tops and forwards, volatility batches) on
   * the main bus as raw bytes, so the latency of each stage can be read from its headers
   * (bench/latency.bench.ts). Costs a copy and a postMessage per batch. Default false.
   */
  trace?: boolean;
}

export interface ComputeHost {
  readonly describe: string;
  /** A bus whose producers send market data to the compute thread and everything else to `bus`. */
  ingressBus(bus: Bus): Bus;
  /** Raw records straight into a compute-thread topic (tests: bad input). */
  inject(topic: string, records: readonly RawRecord[]): Promise<void>;
  stats(): Promise<ComputeStats>;
  /** Records sent to the compute threads (ingress) so far. */
  readonly ingress: { records: number; batches: number; waits: number };
  /** Stops the workers (in-flight windows finish) and the thread; returns the final stats. */
  stop(): Promise<ComputeStats | undefined>;
}

const DEFAULT_STAGES: Record<Stage, StageSettings> = {
  // One book top per touched instrument per window, no event-time conflation: a conflated update
  // waited for the next 100 ms of event time before any surface could carry it (up to 100 ms of
  // the 250 ms receipt -> surface budget), and under load windows grow and conflate by themselves
  // (docs/PIPELINE.md "Modes").
  orderbook: { windowMs: 0, maxWindowMessages: 4000, publishIntervalMs: 0 },
  volatility: { windowMs: 0, maxWindowMessages: 2000 },
  surface: { windowMs: 0, maxWindowMessages: 1000 },
};

const INGRESS_TOPICS = new Set<string>([TOPICS.marketdata.name]);
const EGRESS_TOPICS = [TOPICS.surface.name];
const MIRROR_EGRESS_TOPICS = [TOPICS.surface.name, TOPICS.volatility.name];
const TRACE_EGRESS_TOPICS = [TOPICS.surface.name, TOPICS.volatility.name, TOPICS.orderbook.name];

/** The threads' reports as one: every stage, the forwarding backlog counted as volatility lag. */
function merge(parts: readonly ThreadStats[], host: { records: number; batches: number }): ComputeStats {
  const workers = {} as ComputeStats['workers'];
  const lag = {} as Record<Stage, number>;
  const lagDetail = {} as ComputeStats['lagDetail'];
  let forwardLag = 0;
  for (const p of parts) {
    Object.assign(workers, p.workers);
    Object.assign(lag, p.lag);
    Object.assign(lagDetail, p.lagDetail);
    forwardLag += p.forwardLag;
  }
  lag.volatility = (lag.volatility ?? 0) + forwardLag;
  // Egress = what came back to the main thread: the last thread's (the first one's goes onwards).
  const last = parts[parts.length - 1];
  const egress = last === undefined ? { records: 0, batches: 0 } : { ...last.egress };
  const threads = parts.map((p) => ({
    stages: STAGES.filter((s) => p.workers[s] !== undefined),
    cpuMs: p.cpuMs,
  }));
  return { workers, lag, lagDetail, ingress: host, egress, threads };
}

/** Starts the compute threads and resolves once their workers are running. */
export async function startComputeHost(
  options: ComputeHostOptions,
  deps: { bus: Bus; logger: Logger },
): Promise<ComputeHost> {
  const stages = {} as Record<Stage, StageSettings>;
  for (const s of STAGES) stages[s] = { ...DEFAULT_STAGES[s], ...options.stages?.[s] };
  const transport = options.transport ?? 'inprocess';
  const layout = options.layout ?? 'split';
  const maxInFlight = options.maxInFlight ?? 200_000;
  const egressProducer = deps.bus.producer({ maxBufferedMessages: 1_000_000 });
  const onRecords = (batch: WireBatch): void => {
    egressProducer.sendRaw(batch.topic, unpackRecords(batch)).catch((error: unknown) => {
      deps.logger.error({ err: error }, 'egress append failed');
    });
  };
  const base = {
    transport,
    brokers: [...(options.brokers ?? [])],
    kafkaIdempotent: options.kafkaIdempotent ?? false,
    logLevel: options.logLevel ?? 'info',
    retentionMessages: options.retentionMessages ?? 100_000,
  };
  const trace = options.trace === true;
  const egressTopics = trace
    ? TRACE_EGRESS_TOPICS
    : options.mirror === true
      ? MIRROR_EGRESS_TOPICS
      : EGRESS_TOPICS;
  const threadOptions = { maxInFlight, onRecords, logger: deps.logger };
  // threads[0] takes the market data; the last one gives the surfaces back.
  const threads: ThreadHandle[] = [];
  if (layout === 'single') {
    const data: ComputeThreadData = { ...base, stages, egressTopics, forwardTopics: [] };
    threads.push(await startThread(data, [], threadOptions));
  } else {
    const { port1, port2 } = new MessageChannel();
    // Thread 2 first, so thread 1's first forwarded batch finds its reader.
    const later: ComputeThreadData = {
      ...base,
      stages: { volatility: stages.volatility, surface: stages.surface },
      egressTopics: egressTopics.filter((t) => t !== TOPICS.orderbook.name),
      forwardTopics: [],
      upstream: port2,
    };
    const second = await startThread(later, [port2], threadOptions);
    const first: ComputeThreadData = {
      ...base,
      stages: { orderbook: stages.orderbook },
      egressTopics: trace ? [TOPICS.orderbook.name] : [],
      forwardTopics: [TOPICS.orderbook.name],
      downstream: port1,
    };
    threads.push(await startThread(first, [port1], threadOptions), second);
  }
  const entry = threads[0] as ThreadHandle;
  const exit = threads[threads.length - 1] as ThreadHandle;
  /** The thread whose bus holds `topic` (market data: the first; the rest: the last). */
  const threadOf = (topic: string): ThreadHandle => (INGRESS_TOPICS.has(topic) ? entry : exit);
  const ingress = { records: 0, batches: 0, waits: 0 };
  const post = async (batch: WireBatch): Promise<void> => {
    const thread = threadOf(batch.topic);
    const waits = thread.ingress.waits;
    await thread.post(batch);
    ingress.records += batch.count;
    ingress.batches++;
    ingress.waits += thread.ingress.waits - waits;
  };
  const flushed = async (): Promise<void> => {
    for (const t of threads) await t.flushed();
  };
  const describe =
    `${STAGES.map((s) => `${s} worker`).join(', ')} on the ${transport} bus, ` +
    (layout === 'split' ? 'in two threads (orderbook | volatility, surface)' : 'in one thread');

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
    describe,
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
    async stats() {
      const parts = await Promise.all(threads.map((t) => t.stats()));
      return merge(parts, { records: ingress.records, batches: ingress.batches });
    },
    async stop() {
      if (threads.some((t) => t.exited)) {
        for (const t of threads) await t.stop();
        return undefined;
      }
      await flushed();
      // In pipeline order: each thread hands everything it produced to the next before it ends.
      const parts: ThreadStats[] = [];
      for (const t of threads) {
        const final = await t.stop();
        if (final !== undefined) parts.push(final);
      }
      await egressProducer.flush();
      if (parts.length !== threads.length) return undefined;
      return merge(parts, { records: ingress.records, batches: ingress.batches });
    },
  };
  return host;
}

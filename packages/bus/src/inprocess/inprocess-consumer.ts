import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { VolstreamError } from '@volstream/errors';
import type { Logger } from '@volstream/logging';
import { DecodeTracker } from '../decode-tracker.ts';
import type {
  BusBatch,
  BusMessage,
  Consumer,
  ConsumerOptions,
  ConsumerStats,
  LagReport,
  PartitionLag,
  RunOptions,
  SubscribeOptions,
  TopicCodec,
} from '../types.ts';
import type { ConsumerGroup, GroupMember } from './consumer-group.ts';
import type { InProcessBroker } from './inprocess-broker.ts';
import type { PartitionLog } from './partition-log.ts';

/** Longest stretch the loop runs without letting timers and I/O in, when data never runs out. */
const YIELD_EVERY_MS = 10;

/**
 * A member of an in-process consumer group. One loop per consumer: take a batch from the next
 * owned partition with data (round-robin), await the handler, commit, repeat; sleep on a single
 * wake-up promise when every partition is drained. Offsets are committed only after the handler
 * resolves; a rejected handler gets the same batch again after `retryDelayMs`.
 */
export class InProcessConsumer<T> implements Consumer<T>, GroupMember {
  readonly subscriptions = new Map<string, readonly PartitionLog[]>();
  fromBeginning = false;
  readonly #broker: InProcessBroker;
  readonly #group: ConsumerGroup;
  readonly #logger: Logger;
  readonly #tracker: DecodeTracker;
  readonly #codecs = new Map<string, TopicCodec<T>>();
  readonly #positions = new Map<PartitionLog, number>();
  readonly #paused = new Set<string>();
  readonly #maxBatch: number;
  readonly #retryDelayMs: number;
  #assigned: readonly PartitionLog[] = [];
  #cursor = 0;
  #running = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;

  constructor(broker: InProcessBroker, options: ConsumerOptions, logger: Logger) {
    this.#broker = broker;
    this.#group = broker.group(options.groupId);
    this.#logger = logger.child({ groupId: options.groupId });
    this.#tracker = new DecodeTracker(this.#logger);
    this.#maxBatch = options.maxBatchMessages ?? 1000;
    this.#retryDelayMs = options.retryDelayMs ?? 200;
  }

  async subscribe(topics: readonly TopicCodec<T>[], options: SubscribeOptions = {}): Promise<void> {
    if (this.#running) {
      throw new VolstreamError('BUS_TRANSPORT_FAILED', 'Expected subscribe before run, was running');
    }
    for (const topic of topics) {
      this.#codecs.set(topic.name, topic);
      this.subscriptions.set(topic.name, this.#broker.topic(topic.name, topic.partitions).partitions);
    }
    this.fromBeginning = options.fromBeginning ?? false;
  }

  async run(options: RunOptions<T>): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    this.#group.join(this);
    this.#loop = this.#consume(options.eachBatch);
  }

  signal(): void {
    const wake = this.#wake;
    if (wake !== undefined) {
      this.#wake = undefined;
      wake();
    }
  }

  assign(partitions: readonly PartitionLog[]): void {
    for (const log of this.#assigned) log.readers.delete(this);
    for (const log of this.#positions.keys()) if (!partitions.includes(log)) this.#positions.delete(log);
    this.#assigned = partitions;
    for (const log of partitions) log.readers.add(this);
    this.signal();
  }

  seek(topic: string, partition: number, offset: number): void {
    const log = this.subscriptions.get(topic)?.[partition];
    if (log === undefined) {
      throw new VolstreamError(
        'BUS_UNKNOWN_TOPIC',
        `Expected a subscribed topic-partition, was ${topic}[${partition}]`,
      );
    }
    this.#positions.set(log, Math.min(Math.max(offset, log.startOffset), log.endOffset));
    this.signal();
  }

  async seekToTimestamp(topic: string, timestampMs: number): Promise<void> {
    const logs = this.subscriptions.get(topic) ?? [];
    for (const log of logs) this.seek(topic, log.partition, log.offsetForTimestamp(timestampMs));
  }

  async lag(): Promise<LagReport> {
    const partitions: PartitionLag[] = [];
    let total = 0;
    for (const logs of this.subscriptions.values()) {
      for (const log of logs) {
        const committed = this.#group.committed.get(log) ?? -1;
        const lag = log.endOffset - Math.max(committed, log.startOffset);
        partitions.push({ topic: log.topic, partition: log.partition, committed, end: log.endOffset, lag });
        total += lag;
      }
    }
    return { partitions, total };
  }

  pause(topics: readonly string[]): void {
    for (const t of topics) this.#paused.add(t);
  }

  resume(topics: readonly string[]): void {
    for (const t of topics) this.#paused.delete(t);
    this.signal();
  }

  stats(): ConsumerStats {
    return this.#tracker.stats();
  }

  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.signal();
    await this.#loop;
    this.#group.leave(this);
    for (const log of this.#assigned) log.readers.delete(this);
    this.#assigned = [];
  }

  async #consume(eachBatch: (batch: BusBatch<T>) => Promise<void>): Promise<void> {
    let lastYield = performance.now();
    while (this.#running) {
      const log = this.#nextPartition();
      if (log === undefined) {
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
        });
        lastYield = performance.now();
        continue;
      }
      await this.#handle(log, eachBatch);
      if (performance.now() - lastYield > YIELD_EVERY_MS) {
        await yieldToEventLoop();
        lastYield = performance.now();
      }
    }
  }

  /** Next owned, unpaused, unheld partition with unread messages, round-robin. */
  #nextPartition(): PartitionLog | undefined {
    const assigned = this.#assigned;
    for (let n = 0; n < assigned.length; n++) {
      const i = (this.#cursor + n) % assigned.length;
      const log = assigned[i]!;
      if (this.#paused.has(log.topic)) continue;
      const holder = this.#group.holder.get(log);
      if (holder !== undefined && holder !== this) continue;
      if (this.#position(log) < log.endOffset) {
        this.#cursor = i + 1;
        return log;
      }
    }
    return undefined;
  }

  #position(log: PartitionLog): number {
    const pos = this.#positions.get(log) ?? this.#group.committed.get(log) ?? log.startOffset;
    return Math.max(pos, log.startOffset);
  }

  async #handle(log: PartitionLog, eachBatch: (batch: BusBatch<T>) => Promise<void>): Promise<void> {
    const from = this.#position(log);
    const explicit = this.#positions.get(log);
    const batch = this.#read(log, from);
    this.#group.holder.set(log, this);
    try {
      if (batch.messages.length > 0) await eachBatch(batch);
      this.#group.commit(log, batch.nextOffset);
      if (explicit !== undefined && this.#positions.get(log) === explicit) {
        this.#positions.set(log, batch.nextOffset);
      }
      this.#tracker.messages += batch.messages.length;
      this.#tracker.batches++;
    } catch (err) {
      this.#logger.error(
        { err, topic: log.topic, partition: log.partition, offset: from },
        'batch handler failed; the batch will be delivered again',
      );
      if (this.#positions.get(log) === explicit && explicit !== undefined) this.#positions.set(log, from);
      await new Promise((resolve) => setTimeout(resolve, this.#retryDelayMs));
    } finally {
      this.#group.release(log, this);
    }
  }

  /** Decodes up to `maxBatchMessages` from `from`; bytes that fail to decode are counted and skipped. */
  #read(log: PartitionLog, from: number): BusBatch<T> {
    const codec = this.#codecs.get(log.topic)!;
    const decode = codec.decode.bind(codec);
    const end = Math.min(log.endOffset, from + this.#maxBatch);
    const messages: BusMessage<T>[] = [];
    const { values, keys, times, topic, partition } = log;
    let idx = log.indexOf(from);
    for (let offset = from; offset < end; offset++, idx++) {
      let value: T;
      try {
        value = decode(values[idx]!);
      } catch (err) {
        this.#tracker.fail(topic, partition, offset, err);
        continue;
      }
      messages.push({ topic, partition, offset, key: keys[idx]!, timestamp: times[idx]!, value });
    }
    return { topic, partition, messages, nextOffset: end };
  }
}

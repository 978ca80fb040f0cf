/**
 * Consumer over kafkajs (https://kafka.js.org/docs/consuming): consumer groups, `eachBatch` with
 * `autoCommit: false` and `eachBatchAutoResolve: false`. Each fetched batch is handed to the
 * handler in chunks of `maxBatchMessages`; a chunk's offsets are resolved and committed only after
 * the handler resolves. If the handler rejects, nothing is resolved, so kafkajs fetches the same
 * messages again (at-least-once).
 */
import { VolstreamError } from '@volstream/errors';
import type { Logger } from '@volstream/logging';
import type { Admin, EachBatchPayload, Kafka, Consumer as KafkajsConsumer, KafkaMessage } from 'kafkajs';
import { DecodeTracker } from '../decode-tracker.ts';
import type {
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

const REBALANCING = new Set(['REBALANCE_IN_PROGRESS', 'NOT_COORDINATOR_FOR_GROUP', 'ILLEGAL_GENERATION']);

function isRebalancing(err: unknown): boolean {
  return typeof err === 'object' && err !== null && REBALANCING.has(String((err as { type?: unknown }).type));
}

export interface KafkaConsumerSettings {
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  maxWaitTimeMs: number;
}

export class KafkaConsumer<T> implements Consumer<T> {
  readonly #consumer: KafkajsConsumer;
  readonly #admin: () => Promise<Admin>;
  readonly #groupId: string;
  readonly #logger: Logger;
  readonly #tracker: DecodeTracker;
  readonly #codecs = new Map<string, TopicCodec<T>>();
  readonly #maxBatch: number;
  readonly #retryDelayMs: number;
  #connected = false;
  #running = false;
  #stopped = false;

  constructor(
    kafka: Kafka,
    admin: () => Promise<Admin>,
    settings: KafkaConsumerSettings,
    options: ConsumerOptions,
    logger: Logger,
  ) {
    this.#admin = admin;
    this.#groupId = options.groupId;
    this.#logger = logger.child({ groupId: options.groupId });
    this.#tracker = new DecodeTracker(this.#logger);
    this.#maxBatch = options.maxBatchMessages ?? 1000;
    this.#retryDelayMs = options.retryDelayMs ?? 200;
    this.#consumer = kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: true,
      sessionTimeout: settings.sessionTimeoutMs,
      heartbeatInterval: settings.heartbeatIntervalMs,
      maxWaitTimeInMs: settings.maxWaitTimeMs,
    });
  }

  async subscribe(topics: readonly TopicCodec<T>[], options: SubscribeOptions = {}): Promise<void> {
    await this.#connect();
    for (const t of topics) this.#codecs.set(t.name, t);
    await this.#consumer.subscribe({
      topics: topics.map((t) => t.name),
      fromBeginning: options.fromBeginning ?? false,
    });
  }

  async run(options: RunOptions<T>): Promise<void> {
    if (this.#running) return;
    await this.#connect();
    this.#running = true;
    await this.#consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.#eachBatch(payload, options.eachBatch),
    });
  }

  seek(topic: string, partition: number, offset: number): void {
    if (!this.#running)
      throw new VolstreamError('BUS_TRANSPORT_FAILED', 'Expected seek after run, was not running');
    this.#consumer.seek({ topic, partition, offset: String(offset) });
  }

  async seekToTimestamp(topic: string, timestampMs: number): Promise<void> {
    const admin = await this.#admin();
    for (const { partition, offset } of await admin.fetchTopicOffsetsByTimestamp(topic, timestampMs)) {
      this.seek(topic, partition, Number(offset));
    }
  }

  async lag(): Promise<LagReport> {
    const admin = await this.#admin();
    const topics = [...this.#codecs.keys()];
    const committed = await admin.fetchOffsets({ groupId: this.#groupId, topics });
    const partitions: PartitionLag[] = [];
    let total = 0;
    for (const topic of topics) {
      const mine = committed.find((c) => c.topic === topic)?.partitions ?? [];
      for (const p of await admin.fetchTopicOffsets(topic)) {
        const c = Number(mine.find((m) => m.partition === p.partition)?.offset ?? -1);
        const end = Number(p.high);
        const lag = end - Math.max(c, Number(p.low));
        partitions.push({ topic, partition: p.partition, committed: c, end, lag });
        total += lag;
      }
    }
    return { partitions, total };
  }

  pause(topics: readonly string[]): void {
    this.#consumer.pause(topics.map((topic) => ({ topic })));
  }

  resume(topics: readonly string[]): void {
    this.#consumer.resume(topics.map((topic) => ({ topic })));
  }

  stats(): ConsumerStats {
    return this.#tracker.stats();
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#running = false;
    // disconnect() stops after the in-flight batch and leaves the group, so others take over at once.
    if (this.#connected) await this.#consumer.disconnect();
  }

  async #connect(): Promise<void> {
    if (this.#stopped) throw new VolstreamError('BUS_CLOSED', 'Expected a running consumer, was stopped');
    if (this.#connected) return;
    await this.#consumer.connect();
    this.#connected = true;
  }

  async #eachBatch(payload: EachBatchPayload, handler: RunOptions<T>['eachBatch']): Promise<void> {
    const { batch } = payload;
    const { topic, partition } = batch;
    const codec = this.#codecs.get(topic);
    if (codec === undefined) return;
    const all = batch.messages;
    for (let start = 0; start < all.length; start += this.#maxBatch) {
      if (!payload.isRunning() || payload.isStale()) return;
      const chunk = all.slice(start, start + this.#maxBatch);
      const messages = this.#decode(codec, topic, partition, chunk);
      const last = chunk[chunk.length - 1]!.offset;
      const nextOffset = Number(last) + 1;
      try {
        if (messages.length > 0) await handler({ topic, partition, messages, nextOffset });
      } catch (err) {
        this.#logger.error(
          { err, topic, partition, offset: chunk[0]!.offset },
          'batch handler failed; the batch will be delivered again',
        );
        await new Promise((resolve) => setTimeout(resolve, this.#retryDelayMs));
        return;
      }
      await this.#commit(topic, partition, nextOffset);
      payload.resolveOffset(last);
      this.#tracker.messages += messages.length;
      this.#tracker.batches++;
      await payload.heartbeat();
    }
  }

  /**
   * Commits, surfacing a rebalance as the protocol error kafkajs's runner recognises (its retrier
   * wraps it in a non-retriable error otherwise, which would crash the consumer instead of
   * re-joining). The uncommitted batch is then delivered again to the partition's next owner.
   */
  async #commit(topic: string, partition: number, nextOffset: number): Promise<void> {
    try {
      await this.#consumer.commitOffsets([{ topic, partition, offset: String(nextOffset) }]);
    } catch (err) {
      const cause = (err as { cause?: unknown }).cause;
      if (isRebalancing(err) || isRebalancing(cause)) {
        this.#logger.debug({ topic, partition }, 'commit refused during a rebalance; re-joining');
        throw isRebalancing(err) ? err : cause;
      }
      throw err;
    }
  }

  #decode(codec: TopicCodec<T>, topic: string, partition: number, chunk: KafkaMessage[]): BusMessage<T>[] {
    const messages: BusMessage<T>[] = [];
    for (const m of chunk) {
      const offset = Number(m.offset);
      if (m.value === null) {
        const err = new VolstreamError(
          'BUS_DECODE_FAILED',
          'Expected a message value, was null (a tombstone)',
        );
        this.#tracker.fail(topic, partition, offset, err);
        continue;
      }
      let value: T;
      try {
        value = codec.decode(m.value);
      } catch (err) {
        this.#tracker.fail(topic, partition, offset, err);
        continue;
      }
      const key = m.key === null ? '' : m.key.toString();
      messages.push({ topic, partition, offset, key, timestamp: Number(m.timestamp), value });
    }
    return messages;
  }
}

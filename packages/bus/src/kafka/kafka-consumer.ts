/**
 * Consumer over kafkajs (https://kafka.js.org/docs/consuming): consumer groups, `eachBatch` with
 * `autoCommit: false` and `eachBatchAutoResolve: false`. Each fetched batch is handed to the
 * handler in chunks of `maxBatchMessages`; a chunk's offsets are resolved and committed only after
 * the handler resolves. If the handler rejects, nothing is resolved, so kafkajs fetches the same
 * messages again (at-least-once).
 *
 * kafkajs restarts its runner only after retriable errors; after a non-retriable one it disconnects
 * and stays down while the process keeps running (seen against the test broker: INVALID_REQUEST to
 * a SyncGroup that arrived after the leader's). A service that silently stopped consuming is the
 * worst outcome, so this consumer owns every restart (kafkajs is told never to restart by itself):
 * after any crash it reconnects with backoff and resumes from the committed offsets.
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
  #runOptions: RunOptions<T> | undefined;
  readonly #paused = new Set<string>();
  #restartTimer: NodeJS.Timeout | undefined;
  #restarting: Promise<void> | undefined;
  #crashesSinceJoin = 0;

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
      retry: { restartOnFailure: async () => false },
    });
    this.#logGroupEvents();
  }

  /**
   * Group membership is what an operator asks about when a partition stops moving: which member
   * owns what since when, and whether the runner crashed. kafkajs never restarts a runner here
   * (`restartOnFailure` is false), so every crash arrives with `restart: false` and is restarted
   * by this consumer.
   */
  #logGroupEvents(): void {
    const { GROUP_JOIN, CRASH, REBALANCING } = this.#consumer.events;
    this.#consumer.on(GROUP_JOIN, ({ payload }) => {
      const { memberId, isLeader, memberAssignment, duration } = payload;
      this.#crashesSinceJoin = 0;
      this.#logger.info(
        { memberId, isLeader, assignment: memberAssignment, joinMs: duration },
        'joined the group',
      );
    });
    this.#consumer.on(REBALANCING, ({ payload }) => {
      this.#logger.debug({ memberId: payload.memberId }, 'group rebalancing');
    });
    this.#consumer.on(CRASH, ({ payload }) => {
      const { error, restart } = payload;
      this.#logger.error({ err: error, restart }, 'consumer crashed');
      if (!restart) this.#scheduleRestart();
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
    this.#runOptions = options;
    await this.#startRunner(options);
  }

  #startRunner(options: RunOptions<T>): Promise<void> {
    return this.#consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.#eachBatch(payload, options.eachBatch),
    });
  }

  /** Backoff 1 s, 2 s, 4 s … up to 30 s between restarts, reset by a successful group join. */
  #scheduleRestart(): void {
    if (this.#stopped || this.#runOptions === undefined || this.#restartTimer !== undefined) return;
    const delayMs = Math.min(30_000, 1_000 * 2 ** Math.min(this.#crashesSinceJoin, 5));
    this.#crashesSinceJoin++;
    this.#logger.warn({ delayMs }, 'restarting the consumer after its crash');
    this.#restartTimer = setTimeout(() => {
      this.#restartTimer = undefined;
      this.#restarting = this.#restart().finally(() => {
        this.#restarting = undefined;
      });
    }, delayMs);
  }

  async #restart(): Promise<void> {
    const options = this.#runOptions;
    if (this.#stopped || options === undefined) return;
    try {
      await this.#consumer.connect();
      await this.#startRunner(options);
      if (this.#paused.size > 0) this.#consumer.pause([...this.#paused].map((topic) => ({ topic })));
      this.#tracker.restarts++;
    } catch (err) {
      this.#logger.error({ err }, 'consumer restart failed; trying again');
      this.#scheduleRestart();
    }
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
    for (const topic of topics) this.#paused.add(topic);
    this.#consumer.pause(topics.map((topic) => ({ topic })));
  }

  resume(topics: readonly string[]): void {
    for (const topic of topics) this.#paused.delete(topic);
    this.#consumer.resume(topics.map((topic) => ({ topic })));
  }

  stats(): ConsumerStats {
    return this.#tracker.stats();
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#running = false;
    clearTimeout(this.#restartTimer);
    await this.#restarting;
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

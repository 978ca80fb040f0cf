/**
 * The bus API shared by both transports. Worker code depends only on these types, so the same code
 * runs on the in-process transport (embedded mode, unit tests) and on Kafka (Redpanda).
 */

/**
 * What the bus needs to know about a topic. Structurally identical to `TopicSpec<T>` of
 * `@volstream/contracts`, so a contract topic is passed as is; the bus itself never imports
 * protobuf. `decode` throws (a `VolstreamError` with `BUS_DECODE_FAILED` or
 * `CONTRACT_UNSUPPORTED_SCHEMA_VERSION`) on bytes it cannot read.
 */
export interface TopicCodec<T> {
  readonly name: string;
  readonly partitions: number;
  readonly retentionMs: number;
  readonly compacted: boolean;
  encode(value: T): Uint8Array;
  decode(bytes: Uint8Array): T;
  keyOf(value: T): string;
}

/** One decoded message as a handler sees it. Offsets are numbers (int64 offsets stay < 2^53). */
export interface BusMessage<T> {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: string;
  /** Append time in epoch milliseconds (broker time on Kafka, `Date.now()` in process). */
  readonly timestamp: number;
  readonly value: T;
}

/** Consecutive messages of one topic-partition; undecodable messages are already left out. */
export interface BusBatch<T> {
  readonly topic: string;
  readonly partition: number;
  readonly messages: readonly BusMessage<T>[];
  /** Offset after the last message of this batch (what gets committed once the handler resolves). */
  readonly nextOffset: number;
}

/** An encoded message for the raw API (tests, replay tools): bytes go to the topic unchecked. */
export interface RawRecord {
  readonly key: string;
  readonly value: Uint8Array;
  /** Explicit partition; default is the key's partition (murmur2, as for typed sends). */
  readonly partition?: number;
}

export interface ProducerOptions {
  /** Most messages accepted but not yet acknowledged before `send` waits (default 100,000). */
  maxBufferedMessages?: number;
  /** Most bytes accepted but not yet acknowledged before `send` waits (default 64 MiB). */
  maxBufferedBytes?: number;
  /** How long `send` waits for capacity before failing with BUS_BACKPRESSURE_TIMEOUT (default 30 s). */
  backpressureTimeoutMs?: number;
  /** Kafka only: how long to gather concurrent sends into one request (default 2 ms). */
  lingerMs?: number;
}

export interface Producer {
  /**
   * Encodes and sends `values` (key = `topic.keyOf`, partition = murmur2(key)). Resolves once the
   * transport holds them durably (broker acknowledged / appended to the in-process log); waits for
   * capacity first when the buffer is full (backpressure), rejecting with BUS_BACKPRESSURE_TIMEOUT.
   */
  send<T>(topic: TopicCodec<T>, values: readonly T[]): Promise<void>;
  /** Sends already-encoded bytes without the codec (replay, tests of bad input). */
  sendRaw(topic: string, records: readonly RawRecord[]): Promise<void>;
  /** Resolves when everything sent so far is acknowledged. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export interface ConsumerOptions {
  groupId: string;
  /** Most messages per batch handed to `eachBatch` (default 1,000). */
  maxBatchMessages?: number;
  /** Delay before a batch whose handler threw is delivered again (default 200 ms). */
  retryDelayMs?: number;
}

export interface SubscribeOptions {
  /** Where a group with no committed offset starts: earliest retained (true) or the end (false). */
  fromBeginning?: boolean;
}

export interface RunOptions<T> {
  /**
   * Called with each batch; the batch's offsets are committed only after the returned promise
   * resolves (at-least-once). If it rejects, nothing is committed and the batch is delivered again.
   */
  eachBatch(batch: BusBatch<T>): Promise<void>;
}

export interface PartitionLag {
  readonly topic: string;
  readonly partition: number;
  /** Group's committed offset (next offset to read), or -1 when nothing is committed. */
  readonly committed: number;
  /** Offset after the last message in the partition (high watermark). */
  readonly end: number;
  readonly lag: number;
}

export interface LagReport {
  readonly partitions: readonly PartitionLag[];
  readonly total: number;
}

export interface ConsumerStats {
  readonly messages: number;
  readonly batches: number;
  /** Times the consumer restarted itself after a non-retriable client error (at-least-once from commits). */
  readonly restarts: number;
  /** Undecodable messages skipped, per topic and per reason (the error code). */
  readonly decodeFailures: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

export interface Consumer<T> {
  subscribe(topics: readonly TopicCodec<T>[], options?: SubscribeOptions): Promise<void>;
  /** Starts consuming; resolves once the consumer is running (not when it stops). */
  run(options: RunOptions<T>): Promise<void>;
  /** Next read of `topic`/`partition` starts at `offset` (replay). Takes effect after `run`. */
  seek(topic: string, partition: number, offset: number): void;
  /** Moves every partition of `topic` to the first message at or after `timestampMs`. */
  seekToTimestamp(topic: string, timestampMs: number): Promise<void>;
  lag(): Promise<LagReport>;
  pause(topics: readonly string[]): void;
  resume(topics: readonly string[]): void;
  stats(): ConsumerStats;
  /** Stops after the in-flight batch (which is committed), then leaves the group. */
  stop(): Promise<void>;
}

export interface BusAdmin {
  /** Creates missing topics; tolerates brokers that auto-create topics or refuse CreateTopics. */
  ensureTopics(topics: readonly TopicCodec<unknown>[]): Promise<void>;
}

export interface Bus {
  readonly transport: 'inprocess' | 'kafka';
  readonly admin: BusAdmin;
  producer(options?: ProducerOptions): Producer;
  consumer<T>(options: ConsumerOptions): Consumer<T>;
  /** Stops every consumer and closes every producer made by this bus. */
  close(): Promise<void>;
}

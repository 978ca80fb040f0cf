/**
 * Producer over kafkajs (https://kafka.js.org/docs/producing). Concurrent `send`s are gathered for
 * `lingerMs` into one `sendBatch` request; requests go out one at a time so a retried request can
 * never overtake a later one (per-key order). Everything accepted and not yet acknowledged counts
 * against a bounded buffer (messages and bytes): when it is full, `send` waits, and fails with
 * BUS_BACKPRESSURE_TIMEOUT if the broker does not catch up in time.
 */
import { VolstreamError } from '@volstream/errors';
import type { Logger } from '@volstream/logging';
import { CompressionTypes, type Kafka, type Producer as KafkajsProducer, type Message } from 'kafkajs';
import { CapacityGate } from '../capacity-gate.ts';
import { murmur2 } from '../murmur2.ts';
import type { Producer, ProducerOptions, RawRecord, TopicCodec } from '../types.ts';

export interface KafkaProducerSettings {
  idempotent: boolean;
  compression: 'gzip' | 'none';
}

interface Deferred {
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** Kafka's default partitioner (the same murmur2 as the in-process transport). */
const createPartitioner =
  () =>
  ({ partitionMetadata, message }: { partitionMetadata: readonly unknown[]; message: Message }): number => {
    const key = message.key;
    const bytes = typeof key === 'string' ? Buffer.from(key) : (key ?? Buffer.alloc(0));
    return (murmur2(bytes) & 0x7fffffff) % partitionMetadata.length;
  };

/** A request this large goes out without waiting for the linger. */
const MAX_REQUEST_MESSAGES = 10_000;

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export class KafkaProducer implements Producer {
  readonly #producer: KafkajsProducer;
  readonly #settings: KafkaProducerSettings;
  readonly #logger: Logger;
  readonly #gate: CapacityGate;
  readonly #lingerMs: number;
  #connected: Promise<void> | undefined;
  #pending = new Map<string, Message[]>();
  #pendingCount = 0;
  #pendingBytes = 0;
  #deferreds: Deferred[] = [];
  #timer: NodeJS.Timeout | undefined;
  /** The chain of requests, one at a time. */
  #chain: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(kafka: Kafka, settings: KafkaProducerSettings, options: ProducerOptions, logger: Logger) {
    this.#settings = settings;
    this.#logger = logger;
    this.#lingerMs = options.lingerMs ?? 2;
    this.#gate = new CapacityGate(
      options.maxBufferedMessages ?? 100_000,
      options.maxBufferedBytes ?? 64 * 1024 * 1024,
      options.backpressureTimeoutMs ?? 30_000,
    );
    this.#producer = kafka.producer({
      idempotent: settings.idempotent,
      // One request in flight per broker: required for idempotence, and keeps order on retry.
      maxInFlightRequests: 1,
      allowAutoTopicCreation: true,
      createPartitioner,
    });
  }

  send<T>(topic: TopicCodec<T>, values: readonly T[]): Promise<void> {
    const messages: Message[] = new Array(values.length);
    let bytes = 0;
    for (let i = 0; i < values.length; i++) {
      const value = values[i] as T;
      const encoded = topic.encode(value);
      bytes += encoded.byteLength;
      messages[i] = { key: topic.keyOf(value), value: toBuffer(encoded) };
    }
    return this.#enqueue(topic.name, messages, bytes);
  }

  sendRaw(topic: string, records: readonly RawRecord[]): Promise<void> {
    let bytes = 0;
    const messages = records.map((r): Message => {
      bytes += r.value.byteLength;
      const m: Message = { key: r.key, value: toBuffer(r.value) };
      if (r.partition !== undefined) m.partition = r.partition;
      return m;
    });
    return this.#enqueue(topic, messages, bytes);
  }

  async flush(): Promise<void> {
    if (this.#pendingCount > 0) this.#dispatch();
    await this.#chain;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#gate.rejectAll(new VolstreamError('BUS_CLOSED', 'Expected an open producer, was closed'));
    await this.flush();
    if (this.#connected !== undefined) await this.#producer.disconnect();
  }

  async #enqueue(topic: string, messages: Message[], bytes: number): Promise<void> {
    if (this.#closed) throw new VolstreamError('BUS_CLOSED', 'Expected an open producer, was closed');
    if (messages.length === 0) return;
    await this.#gate.acquire(messages.length, bytes, { topic });
    await new Promise<void>((resolve, reject) => {
      const list = this.#pending.get(topic);
      if (list === undefined) this.#pending.set(topic, messages);
      else for (const m of messages) list.push(m);
      this.#pendingCount += messages.length;
      this.#pendingBytes += bytes;
      this.#deferreds.push({ resolve, reject });
      if (this.#pendingCount >= MAX_REQUEST_MESSAGES) this.#dispatch();
      else this.#timer ??= setTimeout(() => this.#dispatch(), this.#lingerMs);
    });
  }

  /** Moves everything pending into one request queued behind the previous one. */
  #dispatch(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#pendingCount === 0) return;
    const topicMessages = [...this.#pending].map(([topic, messages]) => ({ topic, messages }));
    const deferreds = this.#deferreds;
    const count = this.#pendingCount;
    const bytes = this.#pendingBytes;
    this.#pending = new Map();
    this.#deferreds = [];
    this.#pendingCount = 0;
    this.#pendingBytes = 0;
    this.#chain = this.#chain.then(async () => {
      try {
        await this.#connect();
        await this.#producer.sendBatch({
          topicMessages,
          acks: -1,
          compression: this.#settings.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None,
        });
        for (const d of deferreds) d.resolve();
      } catch (cause) {
        const topics = topicMessages.map((t) => t.topic);
        this.#logger.error({ err: cause, topics, messages: count }, 'produce request failed');
        const err = new VolstreamError(
          'BUS_TRANSPORT_FAILED',
          'Expected the broker to acknowledge, was a failure',
          {
            cause,
            context: { topics, messages: count },
            errorClass: 'retryable',
          },
        );
        for (const d of deferreds) d.reject(err);
      } finally {
        this.#gate.release(count, bytes);
      }
    });
  }

  #connect(): Promise<void> {
    // A failed connect is forgotten so the next request tries again.
    this.#connected ??= this.#producer.connect().catch((err: unknown) => {
      this.#connected = undefined;
      throw err;
    });
    return this.#connected;
  }
}

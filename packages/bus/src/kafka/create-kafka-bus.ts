import type { Logger } from '@volstream/logging';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import type { Bus, Consumer, ConsumerOptions, Producer, ProducerOptions, TopicCodec } from '../types.ts';
import { KafkaConsumer, type KafkaConsumerSettings } from './kafka-consumer.ts';
import { kafkaLogCreator } from './kafka-log-creator.ts';
import { KafkaProducer } from './kafka-producer.ts';

export interface KafkaBusConfig {
  transport: 'kafka';
  brokers: string[];
  clientId: string;
  /** Idempotent producer: on for Redpanda; off for brokers without it (librdkafka's mock). */
  idempotent: boolean;
  compression: 'gzip' | 'none';
  /** kafkajs connection and request retry (reconnects are kafkajs's): initial delay and attempts. */
  retry?: { initialRetryTimeMs?: number; retries?: number };
  connectionTimeoutMs?: number;
  /** How long kafkajs waits for any broker answer before it counts as a failed attempt (default 30 s). */
  requestTimeoutMs?: number;
  consumer?: Partial<KafkaConsumerSettings>;
}

const DEFAULT_CONSUMER: KafkaConsumerSettings = {
  sessionTimeoutMs: 30_000,
  heartbeatIntervalMs: 3_000,
  maxWaitTimeMs: 100,
};

/**
 * Creates topics that do not exist yet. Brokers that refuse CreateTopics (librdkafka's mock: no
 * controller) or that auto-create topics are tolerated: a metadata request for the topics then
 * makes an auto-creating broker create them, and a broker that does neither fails at first use.
 */
async function ensureTopics(
  admin: Admin,
  topics: readonly TopicCodec<unknown>[],
  logger: Logger,
): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t.name));
  if (missing.length === 0) return;
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((t) => ({
        topic: t.name,
        numPartitions: t.partitions,
        configEntries: [
          { name: 'retention.ms', value: String(t.retentionMs) },
          { name: 'cleanup.policy', value: t.compacted ? 'compact' : 'delete' },
        ],
      })),
    });
  } catch (err) {
    logger.info(
      { err, topics: missing.map((t) => t.name) },
      'broker refused CreateTopics; relying on auto-create',
    );
    await admin.fetchTopicMetadata({ topics: missing.map((t) => t.name) });
  }
}

export function createKafkaBus(config: KafkaBusConfig, logger: Logger): Bus {
  const kafka = new Kafka({
    clientId: config.clientId,
    brokers: config.brokers,
    connectionTimeout: config.connectionTimeoutMs ?? 3_000,
    requestTimeout: config.requestTimeoutMs ?? 30_000,
    retry: { initialRetryTime: config.retry?.initialRetryTimeMs ?? 300, retries: config.retry?.retries ?? 8 },
    logLevel: logLevel.WARN,
    logCreator: kafkaLogCreator(logger),
  });
  const consumerSettings = { ...DEFAULT_CONSUMER, ...config.consumer };
  let adminConnection: Promise<Admin> | undefined;
  const admin = (): Promise<Admin> => {
    adminConnection ??= (async () => {
      const a = kafka.admin();
      await a.connect();
      return a;
    })().catch((err: unknown) => {
      adminConnection = undefined;
      throw err;
    });
    return adminConnection;
  };
  const producers = new Set<Producer>();
  const consumers = new Set<Consumer<unknown>>();
  return {
    transport: 'kafka',
    admin: {
      async ensureTopics(topics) {
        await ensureTopics(await admin(), topics, logger);
      },
    },
    producer(options: ProducerOptions = {}): Producer {
      const settings = { idempotent: config.idempotent, compression: config.compression };
      const producer = new KafkaProducer(kafka, settings, options, logger);
      producers.add(producer);
      return producer;
    },
    consumer<T>(options: ConsumerOptions): Consumer<T> {
      const consumer = new KafkaConsumer<T>(kafka, admin, consumerSettings, options, logger);
      consumers.add(consumer as Consumer<unknown>);
      return consumer;
    },
    async close() {
      await Promise.all([...consumers].map((c) => c.stop()));
      await Promise.all([...producers].map((p) => p.close()));
      consumers.clear();
      producers.clear();
      if (adminConnection !== undefined) await (await adminConnection).disconnect();
      adminConnection = undefined;
    },
  };
}

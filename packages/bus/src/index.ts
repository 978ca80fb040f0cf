export { CapacityGate } from './capacity-gate.ts';
export { type BusConfig, type BusDeps, createBus } from './create-bus.ts';
export type { InProcessBusConfig } from './inprocess/create-inprocess-bus.ts';
export { InProcessBroker, type InProcessBrokerOptions } from './inprocess/inprocess-broker.ts';
export { DEFAULT_RETENTION, type RetentionLimits } from './inprocess/partition-log.ts';
export type { KafkaBusConfig } from './kafka/create-kafka-bus.ts';
export type { KafkaConsumerSettings } from './kafka/kafka-consumer.ts';
export { murmur2, PartitionCache, partitionOf } from './murmur2.ts';
export type {
  Bus,
  BusAdmin,
  BusBatch,
  BusMessage,
  Consumer,
  ConsumerOptions,
  ConsumerStats,
  LagReport,
  PartitionLag,
  Producer,
  ProducerOptions,
  RawRecord,
  RunOptions,
  SubscribeOptions,
  TopicCodec,
} from './types.ts';

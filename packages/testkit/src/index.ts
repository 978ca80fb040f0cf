export { type MockKafka, type MockKafkaOptions, startMockKafka, uniqueTopic } from './kafka-broker.ts';

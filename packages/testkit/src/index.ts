export { Budget, type DiagnosticSink, pollUntil } from './budget.ts';
export {
  type ClickHouseServerOptions,
  type ClickHouseTestServer,
  startClickHouseServer,
} from './clickhouse-server.ts';
export { type MockKafka, type MockKafkaOptions, startMockKafka, uniqueTopic } from './kafka-broker.ts';

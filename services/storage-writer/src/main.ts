/**
 * The writer as its own process (what tests kill -9): settings from the environment, Kafka bus,
 * one status line of JSON per 100 ms on stdout ({"rows":…,"lag":…}), clean stop on SIGTERM.
 * VOLSTREAM_BROKERS, VOLSTREAM_STORE (chdb|clickhouse), VOLSTREAM_STORE_DIR (chdb data dir),
 * VOLSTREAM_CLICKHOUSE_URL, VOLSTREAM_STORE_GROUP, VOLSTREAM_STORE_BATCH (max batch messages).
 */
import { createBus } from '@volstream/bus';
import { createLogger } from '@volstream/logging';
import { openStore } from './open-store.ts';
import { migrate } from './schema.ts';
import { startStorageWriter } from './writer.ts';

const env = process.env;
const logger = createLogger({
  service: 'storage-writer',
  level: (env.LOG_LEVEL as 'info' | undefined) ?? 'warn',
});
const store = await openStore(
  env.VOLSTREAM_STORE === 'clickhouse'
    ? { backend: 'clickhouse', url: env.VOLSTREAM_CLICKHOUSE_URL ?? 'http://127.0.0.1:8123' }
    : { backend: 'chdb', dataDir: env.VOLSTREAM_STORE_DIR ?? './.volstream/data' },
);
await migrate(store);
const bus = createBus(
  {
    transport: 'kafka',
    brokers: (env.VOLSTREAM_BROKERS ?? '127.0.0.1:9092').split(','),
    clientId: 'storage-writer',
    idempotent: false,
    compression: 'gzip',
    consumer: { heartbeatIntervalMs: 300, sessionTimeoutMs: 6_000, maxWaitTimeMs: 50 },
  },
  { logger },
);
const writer = await startStorageWriter(
  store,
  { bus, logger },
  {
    groupId: env.VOLSTREAM_STORE_GROUP ?? 'storage-writer',
    maxBatchMessages: Number(env.VOLSTREAM_STORE_BATCH ?? 5000),
  },
);
const timer = setInterval(() => {
  writer
    .lag()
    .then((lag) => process.stdout.write(`${JSON.stringify({ ...writer.stats(), lag: lag.total })}\n`))
    .catch(() => undefined);
}, 100);
process.once('SIGTERM', () => {
  clearInterval(timer);
  void (async () => {
    await writer.stop();
    await bus.close();
    await store.close();
    process.exit(0);
  })();
});

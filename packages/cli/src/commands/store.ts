import { bool, COMMON_OPTIONS, enumOf, string, url } from '@volstream/config';
import { defineCommand, EXIT_FAILURE, EXIT_OK } from '../command.ts';
import { openBus } from '../open-bus.ts';

/**
 * Settings shared by `store`, `sql` and `replay`: which ClickHouse and where. The embedded store
 * (chdb) lives in `<data-dir>/data` (default ./.volstream/data), the same place for every command.
 */
export const STORE_OPTIONS = {
  store: enumOf(['chdb', 'clickhouse'] as const)
    .default('chdb')
    .env('VOLSTREAM_STORE')
    .flag('store')
    .describe('Storage backend: embedded chdb (default) or a ClickHouse server.'),
  clickhouseUrl: url({ protocols: ['http', 'https'] })
    .optional()
    .env('VOLSTREAM_CLICKHOUSE_URL')
    .flag('clickhouse-url')
    .describe('ClickHouse server HTTP URL for --store clickhouse, e.g. http://127.0.0.1:8123.'),
  dataDir: COMMON_OPTIONS.dataDir,
};

export interface StoreSettings {
  readonly store: 'chdb' | 'clickhouse';
  readonly clickhouseUrl: string | undefined;
  readonly dataDir: string;
}

/** Opens and migrates the configured store (imports the storage package only when called). */
export async function openConfiguredStore(settings: StoreSettings) {
  const { migrate, openStore } = await import('@volstream/storage-writer');
  const { join } = await import('node:path');
  const store = await openStore(
    settings.store === 'clickhouse'
      ? {
          backend: 'clickhouse',
          ...(settings.clickhouseUrl === undefined ? {} : { url: settings.clickhouseUrl }),
        }
      : { backend: 'chdb', dataDir: join(settings.dataDir, 'data') },
  );
  try {
    await migrate(store);
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}

const options = {
  ...STORE_OPTIONS,
  bus: COMMON_OPTIONS.bus,
  brokers: COMMON_OPTIONS.brokers,
  kafkaIdempotent: COMMON_OPTIONS.kafkaIdempotent,
  group: string()
    .default('storage-writer')
    .flag('group')
    .env('VOLSTREAM_STORE_GROUP')
    .describe('Consumer group of the writer.'),
  fromBeginning: bool()
    .default(true)
    .flag('from-beginning')
    .describe('A group without committed offsets starts at the earliest retained event.'),
};

export const storeCommand = defineCommand({
  name: 'store',
  summary: 'Store the marketdata, volatility and surface topics in ClickHouse (embedded or server).',
  description: `Runs the storage writer: a consumer group on volstream.marketdata.v1, volstream.volatility.v1
and volstream.surface.v1 that inserts each batch and commits offsets only after ClickHouse
acknowledged it. ClickHouse slow or down: inserts are retried with backoff, offsets stay
uncommitted and lag grows; nothing is lost. Tables and queries: docs/STORAGE.md, docs/SQL.md.
Stops on SIGINT/SIGTERM and prints the row counts on stdout.`,
  examples: [
    'volstream store --brokers 127.0.0.1:9092',
    'volstream store --brokers 127.0.0.1:9092 --store clickhouse --clickhouse-url http://127.0.0.1:8123',
  ],
  options,
  async run({ config, logger, stdout, signal }) {
    const store = await openConfiguredStore(config);
    const bus = await openBus(config, logger, 'volstream-store');
    const { startStorageWriter } = await import('@volstream/storage-writer');
    try {
      const writer = await startStorageWriter(
        store,
        { bus, logger },
        { groupId: config.group, fromBeginning: config.fromBeginning },
      );
      // One progress line per second while something changes (rows stored, lag).
      let last = '';
      const progress = setInterval(() => {
        writer
          .lag()
          .then((lag) => {
            const { rows, insertFailures } = writer.stats();
            const line = JSON.stringify({ rows, lag: lag.total, insertFailures });
            if (line !== last)
              logger.info({ rows, lag: lag.total, insertFailures }, 'storage writer progress');
            last = line;
          })
          .catch(() => undefined);
      }, 1_000);
      if (!signal.aborted) {
        await new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }));
      }
      clearInterval(progress);
      await writer.stop();
      stdout.write(`${JSON.stringify(writer.stats())}\n`);
      return EXIT_OK;
    } catch (err) {
      logger.error({ err }, 'storage writer failed');
      return EXIT_FAILURE;
    } finally {
      await bus.close();
      await store.close();
    }
  },
});

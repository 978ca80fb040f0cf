import { once } from 'node:events';
import { bool, COMMON_OPTIONS, enumOf, int, list, number, string } from '@volstream/config';
import { defineCommand, EXIT_OK } from '../command.ts';
import { openBus } from '../open-bus.ts';
import { openConfiguredStore, STORE_OPTIONS } from './store.ts';

const options = {
  port: int({ min: 0, max: 65535 })
    .default(8080)
    .env('VOLSTREAM_GATEWAY_PORT')
    .flag('port')
    .describe('HTTP/websocket port.'),
  host: string()
    .default('0.0.0.0')
    .env('VOLSTREAM_GATEWAY_HOST')
    .flag('host')
    .describe('Address to listen on.'),
  apiKeys: list(string())
    .optional()
    .env('VOLSTREAM_API_KEYS')
    .flag('api-keys')
    .describe('Accepted API keys (comma-separated); none = authentication off. Never logged.'),
  rateLimit: number({ min: 0.001 })
    .default(50)
    .env('VOLSTREAM_GATEWAY_RATE')
    .flag('rate-limit')
    .describe('Requests + stream messages per second per key (token bucket).'),
  burst: int({ min: 1 })
    .default(100)
    .env('VOLSTREAM_GATEWAY_BURST')
    .flag('burst')
    .describe('Token bucket size.'),
  maxSubscriptions: int({ min: 1 })
    .default(32)
    .env('VOLSTREAM_GATEWAY_MAX_SUBSCRIPTIONS')
    .flag('max-subscriptions')
    .describe('Subscriptions per websocket connection.'),
  maxSubscriptionsPerKey: int({ min: 1 })
    .default(256)
    .env('VOLSTREAM_GATEWAY_MAX_SUBSCRIPTIONS_PER_KEY')
    .flag('max-subscriptions-per-key')
    .describe('Subscriptions per API key (per address with keys off) over all its connections.'),
  corsOrigins: list(string())
    .optional()
    .env('VOLSTREAM_CORS_ORIGINS')
    .flag('cors-origins')
    .describe('Allowed CORS origins (comma-separated, * for any); none = no CORS headers.'),
  readyRequiresData: bool()
    .default(false)
    .env('VOLSTREAM_GATEWAY_READY_REQUIRES_DATA')
    .flag('ready-requires-data')
    .describe('/readyz waits for the first surface event, not only the running consumer.'),
  group: string()
    .optional()
    .flag('group')
    .env('VOLSTREAM_GATEWAY_GROUP')
    .describe('Consumer group (default unique per process: every replica needs every partition).'),
  history: enumOf(['off', 'clickhouse'] as const)
    .default('off')
    .env('VOLSTREAM_GATEWAY_HISTORY')
    .flag('history')
    .describe(
      'History endpoints (/v1/history/...): off (503 HISTORY_UNAVAILABLE) or read from the ClickHouse server at --clickhouse-url (the store that `volstream store --store clickhouse` fills).',
    ),
  clickhouseUrl: STORE_OPTIONS.clickhouseUrl,
  bus: COMMON_OPTIONS.bus,
  brokers: COMMON_OPTIONS.brokers,
  kafkaIdempotent: COMMON_OPTIONS.kafkaIdempotent,
};

export const gatewayCommand = defineCommand({
  name: 'gateway',
  summary: 'Serve the latest surfaces over REST (OpenAPI at /docs) and protobuf websockets (/v1/stream).',
  description: `Consumes volstream.surface.v1 into a latest-state store (smile per venue/currency/expiry,
surface per venue or composite and currency) and serves it: REST JSON under /v1 (OpenAPI at
/docs/openapi.json), a streaming websocket at /v1/stream (protobuf frames, ?format=json for JSON),
/healthz, /readyz and Prometheus /metrics. API keys are off unless --api-keys/VOLSTREAM_API_KEYS
is given. With --history clickhouse the history endpoints read the ClickHouse server the storage
writer fills (embedded chdb is not offered here: its data directory is open in one process at a
time, the writer's). See docs/API.md.`,
  examples: [
    'volstream gateway --brokers 127.0.0.1:9092 --port 8080',
    'VOLSTREAM_API_KEYS=k1,k2 volstream gateway --brokers 127.0.0.1:9092 --cors-origins https://dash.example',
    'volstream gateway --brokers 127.0.0.1:9092 --history clickhouse --clickhouse-url http://127.0.0.1:8123',
  ],
  options,
  async run({ config, logger, signal }) {
    const { build, DEFAULT_STREAM_LIMITS } = await import('@volstream/gateway');
    // Opened first: a wrong --clickhouse-url fails the start with the server's error, not later.
    const store =
      config.history === 'clickhouse'
        ? await openConfiguredStore({ store: 'clickhouse', clickhouseUrl: config.clickhouseUrl, dataDir: '' })
        : undefined;
    const history =
      store === undefined ? undefined : new (await import('@volstream/storage-writer')).HistoryQueries(store);
    const bus = await openBus(config, logger, 'volstream-gateway');
    const gateway = build({
      logger: logger.child({ component: 'gateway' }),
      bus,
      options: {
        apiKeys: config.apiKeys ?? [],
        ratePerSec: config.rateLimit,
        burst: config.burst,
        maxSubscriptionsPerKey: config.maxSubscriptionsPerKey,
        corsOrigins: config.corsOrigins ?? [],
        readyRequiresData: config.readyRequiresData,
        stream: { ...DEFAULT_STREAM_LIMITS, maxSubscriptions: config.maxSubscriptions },
        ...(config.group === undefined ? {} : { groupId: config.group }),
        ...(history === undefined ? {} : { history: () => history }),
      },
    });
    try {
      await gateway.listen(config.port, config.host);
      if (!signal.aborted) await once(signal, 'abort');
    } finally {
      await gateway.close();
      await bus.close();
      await store?.close();
    }
    return EXIT_OK;
  },
});

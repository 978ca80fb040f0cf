import type { Bus } from '@volstream/bus';
import type { Logger } from '@volstream/logging';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  LogController,
} from 'fastify';
import { AccessControl, apiKeyOf } from './auth.ts';
import { registerDashboard } from './dashboard-route.ts';
import { GatewayError } from './errors.ts';
import { SurfaceFeed } from './feed.ts';
import { GatewayMetrics } from './metrics.ts';
import { registerHistoryRoutes } from './rest/history-routes.ts';
import type { HistorySource } from './rest/history-source.ts';
import { DOCS_HTML, OPENAPI_DOCUMENT } from './rest/openapi.ts';
import { registerDataRoutes } from './rest/routes.ts';
import { registerStatusRoute, type StoreStatus } from './rest/status-route.ts';
import { type DataSourceKind, StatusTracker, type VenueReport } from './rest/status-tracker.ts';
import { StateStore } from './state-store.ts';
import type { StreamLimits } from './stream/session.ts';
import { StreamServer } from './stream/stream-server.ts';

export interface GatewayOptions {
  /** Accepted API keys; empty (the embedded default) turns authentication off. */
  apiKeys: readonly string[];
  /** Per-key (or per-address when keys are off) token bucket: requests + stream messages a second. */
  ratePerSec: number;
  burst: number;
  /** Stream subscriptions one key (one address with keys off) may hold over all its connections. */
  maxSubscriptionsPerKey: number;
  /** Allowed CORS origins; "*" allows any; empty sends no CORS headers. */
  corsOrigins: readonly string[];
  /** /readyz also waits for the first surface-topic event. */
  readyRequiresData: boolean;
  stream: StreamLimits;
  /** Consumer group of the surface feed (default unique per process, see SurfaceFeed). */
  groupId?: string;
  fromBeginning?: boolean;
  /** Appended to /metrics (e.g. the pipeline run report in embedded mode). */
  extraMetrics?: () => string;
  /** `/v1/status` source (default from VOLSTREAM_SOURCE, else "unknown"). */
  source?: DataSourceKind | (() => DataSourceKind);
  /** Connector-side venue state laid over what the gateway derives from the surfaces. */
  venueStatus?: () => readonly VenueReport[];
  /** The store behind `/v1/history/...`; undefined (or absent) answers 503 HISTORY_UNAVAILABLE. */
  history?: () => HistorySource | undefined;
  /** The store's backlog for `/v1/status` (embedded run). */
  storeStatus?: () => StoreStatus | Promise<StoreStatus | undefined> | undefined;
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = {
  maxMessageBytes: 16 * 1024,
  maxSubscriptions: 32,
  conflateAboveBytes: 1024 * 1024,
  maxBufferedBytes: 16 * 1024 * 1024,
  maxBehindMs: 30_000,
  maxBadMessages: 20,
};

export const DEFAULT_GATEWAY_OPTIONS: GatewayOptions = {
  apiKeys: [],
  ratePerSec: 50,
  burst: 100,
  maxSubscriptionsPerKey: 256,
  corsOrigins: [],
  readyRequiresData: false,
  stream: DEFAULT_STREAM_LIMITS,
};

export interface GatewayDeps {
  logger: Logger;
  /** The surface topic's bus; without one the store is fed by the caller (tests, embedding). */
  bus?: Bus;
  options?: Partial<GatewayOptions>;
}

export interface Gateway {
  readonly app: FastifyInstance;
  readonly store: StateStore;
  readonly metrics: GatewayMetrics;
  readonly stream: StreamServer;
  readonly status: StatusTracker;
  /** Starts the surface feed (if any), then listens; resolves to the bound port. */
  listen(port: number, host?: string): Promise<number>;
  /** Starts only the surface feed (for app.inject() tests that need readiness). */
  startFeed(): Promise<void>;
  close(): Promise<void>;
}

/** Only the data API needs a key; health, metrics, docs and the dashboard page stay open. */
const isProtected = (path: string): boolean => path.startsWith('/v1/') || path === '/v1';

/** The gateway app: no I/O until listen()/startFeed(), so routes are tested with app.inject(). */
export function build(deps: GatewayDeps): Gateway {
  const options: GatewayOptions = { ...DEFAULT_GATEWAY_OPTIONS, ...deps.options };
  const logger = deps.logger;
  const store = new StateStore();
  const metrics = new GatewayMetrics();
  const status = new StatusTracker(store);
  const startedAtMs = Date.now();
  const access = new AccessControl(options);
  const feed =
    deps.bus === undefined
      ? undefined
      : new SurfaceFeed(deps.bus, store, metrics, logger, {
          ...(options.groupId === undefined ? {} : { groupId: options.groupId }),
          ...(options.fromBeginning === undefined ? {} : { fromBeginning: options.fromBeginning }),
        });
  const stream = new StreamServer(
    store,
    access,
    metrics,
    options.stream,
    logger.child({ component: 'stream' }),
  );
  metrics.gauge('volstream_gateway_surfaces', () => store.counts().surfaces);
  metrics.gauge('volstream_gateway_smiles', () => store.counts().smiles);

  // Request logging is ours (onResponse) so a ?api_key= in a URL never reaches a log line.
  const app: FastifyInstance = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    // Unknown query parameters are an error, not silently dropped.
    ajv: { customOptions: { removeAdditional: false } },
    bodyLimit: 16 * 1024,
  });
  stream.attach(app.server);

  app.addHook('onRequest', async (req, reply) => {
    metrics.counters.httpRequests += 1;
    const origin = req.headers.origin;
    if (origin !== undefined && (options.corsOrigins.includes('*') || options.corsOrigins.includes(origin))) {
      reply.header('access-control-allow-origin', options.corsOrigins.includes('*') ? '*' : origin);
      reply.header('access-control-allow-headers', 'x-api-key, content-type');
      reply.header('vary', 'origin');
    }
    const path = req.url.split('?')[0] ?? '/';
    if (req.method === 'OPTIONS' || !isProtected(path)) return;
    try {
      const principal = access.authenticate(apiKeyOf(req.headers, req.url), req.ip);
      access.charge(principal);
    } catch (error) {
      if (error instanceof GatewayError && error.code === 'RATE_LIMITED') metrics.counters.rateLimited += 1;
      else metrics.counters.authFailures += 1;
      throw error;
    }
  });

  app.addHook('onResponse', async (req, reply) => {
    if (reply.statusCode >= 400) metrics.counters.httpErrors += 1;
    req.log.debug({ method: req.method, path: req.url.split('?')[0], status: reply.statusCode }, 'request');
  });

  app.setErrorHandler((error: FastifyError | GatewayError, req, reply) => {
    let gw: GatewayError;
    if (error instanceof GatewayError) gw = error;
    else if ((error as FastifyError).validation !== undefined)
      gw = new GatewayError('BAD_REQUEST', { detail: error.message });
    else if ((error as FastifyError).statusCode === 404)
      gw = new GatewayError('NOT_FOUND', { what: 'route', key: req.url.split('?')[0] ?? '' });
    else {
      req.log.error({ err: error }, 'request failed');
      gw = new GatewayError('INTERNAL');
    }
    void reply.status(gw.status).send(gw.toBody());
  });

  app.setNotFoundHandler((req, reply) => {
    const gw = new GatewayError('NOT_FOUND', {
      what: 'route',
      key: `${req.method} ${req.url.split('?')[0]}`,
    });
    void reply.status(gw.status).send(gw.toBody());
  });

  app.options('/*', async (_req, reply) => reply.status(204).send());
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const consuming = feed?.running ?? true;
    const hasData = store.lastUpdate() > 0;
    const ready = consuming && (!options.readyRequiresData || hasData);
    const body = { ready, consuming, hasData, ...store.counts() };
    if (!ready)
      return reply.status(503).send({
        ...new GatewayError('NOT_READY', {
          detail: consuming ? 'no surface data yet' : 'surface consumer not running',
        }).toBody(),
        ...body,
      });
    return body;
  });
  app.get('/metrics', async (_req, reply) =>
    reply.type('text/plain; version=0.0.4').send(metrics.render(options.extraMetrics)),
  );
  app.get('/docs', async (_req, reply) => reply.type('text/html; charset=utf-8').send(DOCS_HTML));
  app.get('/docs/openapi.json', async () => OPENAPI_DOCUMENT);
  registerDashboard(app);
  registerDataRoutes(app, store);
  const history = options.history ?? (() => undefined);
  registerHistoryRoutes(app, history);
  registerStatusRoute(
    app,
    status,
    {
      ...(options.source === undefined ? {} : { source: options.source }),
      ...(options.venueStatus === undefined ? {} : { venueStatus: options.venueStatus }),
      ...(options.storeStatus === undefined ? {} : { storeStatus: options.storeStatus }),
      history: () => history() !== undefined,
    },
    startedAtMs,
  );

  if (access.enabled) logger.info({ keys: options.apiKeys.length }, 'API keys required');
  else
    logger.warn('API keys OFF: every client is accepted (embedded default; give --api-keys to require them)');

  let feedStarted = false;
  const startFeed = async (): Promise<void> => {
    if (feed === undefined || feedStarted) return;
    feedStarted = true;
    await feed.start();
  };

  return {
    app,
    store,
    metrics,
    stream,
    status,
    startFeed,
    async listen(port, host = '0.0.0.0') {
      await startFeed();
      await app.listen({ port, host });
      const address = app.server.address();
      const bound = typeof address === 'object' && address !== null ? address.port : port;
      logger.info({ port: bound, host }, 'gateway listening');
      return bound;
    },
    async close() {
      stream.close();
      status.close();
      await feed?.stop();
      await app.close();
    },
  };
}

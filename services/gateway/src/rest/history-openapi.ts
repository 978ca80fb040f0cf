import { HISTORY_QUERY_SCHEMAS } from './history-routes.ts';

/**
 * OpenAPI paths of the history and status endpoints, with their query parameters taken from the
 * same JSON schemas fastify validates with (so the document cannot drift from the routes).
 */
type QuerySchema = { properties: Record<string, unknown>; required?: readonly string[] };

function parameters(schema: QuerySchema): Record<string, unknown>[] {
  const required = new Set(schema.required ?? []);
  const currency = {
    name: 'currency',
    in: 'path',
    required: true,
    schema: { type: 'string', example: 'BTC' },
  };
  return [
    currency,
    ...Object.entries(schema.properties)
      .filter(([name]) => name !== 'api_key')
      .map(([name, s]) => ({ name, in: 'query', required: required.has(name), schema: s })),
  ];
}

const errorRef = { $ref: '#/components/schemas/Error' };
const errors = {
  400: {
    description: 'Invalid parameter (BAD_REQUEST)',
    content: { 'application/json': { schema: errorRef } },
  },
  401: {
    description: 'AUTH_REQUIRED or AUTH_INVALID',
    content: { 'application/json': { schema: errorRef } },
  },
  429: { description: 'RATE_LIMITED', content: { 'application/json': { schema: errorRef } } },
  503: {
    description: 'HISTORY_UNAVAILABLE: no store configured, or it did not answer',
    content: { 'application/json': { schema: errorRef } },
  },
};

const series = (key: string, keyType: string): Record<string, unknown> => ({
  type: 'object',
  properties: {
    currency: { type: 'string' },
    venue: { type: 'string' },
    metric: { type: 'string' },
    [key]: { type: keyType },
    runId: { type: 'string' },
    from: { type: 'integer' },
    to: { type: 'integer' },
    stepMs: { type: ['integer', 'null'], description: 'Downsampling step used, null when none' },
    points: {
      type: 'array',
      items: {
        type: 'object',
        properties: { t: { type: 'integer' }, v: { type: ['number', 'null'] } },
      },
    },
  },
});

const STATUS_SCHEMA = {
  type: 'object',
  properties: {
    source: { type: 'string', enum: ['sim', 'live', 'replay', 'unknown'] },
    simulated: { type: 'boolean' },
    startedAtMs: { type: 'integer' },
    history: { type: 'boolean', description: 'Whether /v1/history/... has a store' },
    venues: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          venue: { type: 'string' },
          connected: { type: 'boolean' },
          lastEventMs: { type: ['integer', 'null'] },
          msgsPerSec: { type: 'number' },
          currencies: { type: 'array', items: { type: 'string' } },
        },
      },
    },
    lag: { type: ['integer', 'null'], description: 'ms between now and the newest surface as-of time' },
    surfacesPerSec: { type: 'number' },
    store: {
      type: ['object', 'null'],
      properties: {
        lagEvents: { type: 'integer' },
        spooledEvents: { type: 'integer' },
        spoolBytes: { type: 'integer' },
        oldestAgeMs: { type: 'integer' },
        spoolMaxBytes: { type: 'integer', description: 'the spool cap (when the writer spools)' },
        spoolFull: {
          type: 'boolean',
          description: 'at the cap: the bus is held back until inserts free room',
        },
      },
    },
  },
};

export const HISTORY_OPENAPI_PATHS = {
  '/v1/history/{currency}/tenor': {
    get: {
      summary: 'A fixed-tenor metric over time (default: ATM 30d, composite, run live, last hour)',
      parameters: parameters(HISTORY_QUERY_SCHEMAS.tenor),
      responses: {
        200: {
          description: 'Series',
          content: { 'application/json': { schema: series('tenorDays', 'integer') } },
        },
        ...errors,
      },
    },
  },
  '/v1/history/{currency}/expiry': {
    get: {
      summary: 'A listed expiry metric over time',
      parameters: parameters(HISTORY_QUERY_SCHEMAS.expiry),
      responses: {
        200: {
          description: 'Series',
          content: { 'application/json': { schema: series('expiryMs', 'integer') } },
        },
        ...errors,
      },
    },
  },
  '/v1/history/{currency}/surface': {
    get: {
      summary: 'The stored surface in force at `at` (default now), same body as /v1/surfaces/{currency}',
      parameters: parameters(HISTORY_QUERY_SCHEMAS.surface),
      responses: {
        200: {
          description: 'Surface',
          content: {
            'application/json': {
              schema: { type: 'object', description: 'protobuf JSON mapping of volstream.v1.Surface' },
            },
          },
        },
        404: { description: 'HISTORY_NOT_FOUND', content: { 'application/json': { schema: errorRef } } },
        ...errors,
      },
    },
  },
  '/v1/status': {
    get: {
      summary: 'Data source (simulated?), venues, lag, surfaces per second, history availability',
      responses: {
        200: { description: 'Status', content: { 'application/json': { schema: STATUS_SCHEMA } } },
      },
    },
  },
};

import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../errors.ts';
import type { StateStore } from '../state-store.ts';
import { diagnosticsJson, instrumentsOf, smileJson, surfaceJson, surfaceSummary } from './views.ts';

// JSON-schema fragments shared by the routes (fastify validates params and query with them).
export const currencyParams = {
  type: 'object',
  required: ['currency'],
  properties: { currency: { type: 'string', pattern: '^[A-Za-z0-9]{1,16}$' } },
} as const;
export const venueQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    venue: { type: 'string', pattern: '^[a-z0-9_-]{1,32}$', default: 'composite' },
    // The API key may travel in the query (browsers cannot set websocket headers; same rule here).
    api_key: { type: 'string' },
  },
} as const;
const smilesQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    venue: venueQuery.properties.venue,
    api_key: venueQuery.properties.api_key,
    expiry: { type: 'string', pattern: '^[0-9]{1,16}$' },
    quotes: { type: 'boolean', default: true },
  },
} as const;
const instrumentsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    currency: currencyParams.properties.currency,
    api_key: venueQuery.properties.api_key,
    venue: { type: 'string', pattern: '^[a-z0-9_-]{1,32}$' },
  },
} as const;

interface CurrencyParams {
  currency: string;
}
interface VenueQuery {
  venue: string;
}
interface SmilesQuery {
  venue: string;
  expiry?: string;
  quotes: boolean;
}

/** The read API over the state store (docs/API.md, OpenAPI at /docs/openapi.json). */
export function registerDataRoutes(app: FastifyInstance, store: StateStore): void {
  const surfaceOf = (params: CurrencyParams, query: VenueQuery) => {
    const currency = params.currency.toUpperCase();
    const surface = store.surface(query.venue, currency);
    if (surface === undefined)
      throw new GatewayError('NOT_FOUND', { what: 'surface', key: `${query.venue}/${currency}` });
    return surface;
  };

  app.get('/v1/surfaces', async () => ({
    surfaces: store.allSurfaces().map(surfaceSummary),
  }));

  app.get<{ Params: CurrencyParams; Querystring: VenueQuery }>(
    '/v1/surfaces/:currency',
    { schema: { params: currencyParams, querystring: venueQuery } },
    async (req) => surfaceJson(surfaceOf(req.params, req.query)),
  );

  app.get<{ Params: CurrencyParams; Querystring: SmilesQuery }>(
    '/v1/surfaces/:currency/smiles',
    { schema: { params: currencyParams, querystring: smilesQuery } },
    async (req) => {
      const surface = surfaceOf(req.params, req.query);
      const expiry = req.query.expiry === undefined ? undefined : BigInt(req.query.expiry);
      const smiles = surface.smiles.filter((s) => expiry === undefined || s.expiryMs === expiry);
      if (expiry !== undefined && smiles.length === 0) {
        throw new GatewayError('NOT_FOUND', {
          what: 'smile',
          key: `${surface.venue}/${surface.currency}/${expiry}`,
        });
      }
      return { smiles: smiles.map((s) => smileJson(s, req.query.quotes)) };
    },
  );

  app.get<{ Params: CurrencyParams; Querystring: VenueQuery }>(
    '/v1/surfaces/:currency/expiries',
    { schema: { params: currencyParams, querystring: venueQuery } },
    async (req) => ({ expiries: pick(surfaceJson(surfaceOf(req.params, req.query)), 'expiries') }),
  );

  app.get<{ Params: CurrencyParams; Querystring: VenueQuery }>(
    '/v1/surfaces/:currency/tenors',
    { schema: { params: currencyParams, querystring: venueQuery } },
    async (req) => ({ tenors: pick(surfaceJson(surfaceOf(req.params, req.query)), 'tenors') }),
  );

  app.get<{ Params: CurrencyParams; Querystring: VenueQuery }>(
    '/v1/surfaces/:currency/risk-nodes',
    { schema: { params: currencyParams, querystring: venueQuery } },
    async (req) => ({ riskNodes: pick(surfaceJson(surfaceOf(req.params, req.query)), 'riskNodes') }),
  );

  app.get<{ Params: CurrencyParams; Querystring: VenueQuery }>(
    '/v1/surfaces/:currency/diagnostics',
    { schema: { params: currencyParams, querystring: venueQuery } },
    async (req) => diagnosticsJson(surfaceOf(req.params, req.query)),
  );

  app.get<{ Querystring: { currency?: string; venue?: string } }>(
    '/v1/instruments',
    { schema: { querystring: instrumentsQuery } },
    async (req) => {
      const currency = req.query.currency?.toUpperCase();
      const venue = req.query.venue;
      // Composite smiles repeat venue quotes; list each venue's own smiles only.
      const smiles = store
        .allSmiles()
        .filter((s) => s.venue !== 'composite' && (currency === undefined || s.currency === currency));
      const instruments = instrumentsOf(smiles).filter((i) => venue === undefined || i.venue === venue);
      return { instruments };
    },
  );
}

function pick(json: unknown, field: string): unknown {
  const value = (json as Record<string, unknown>)[field];
  return value ?? [];
}

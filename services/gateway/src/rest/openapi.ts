import { GATEWAY_ERRORS } from '../errors.ts';
import { HISTORY_OPENAPI_PATHS } from './history-openapi.ts';

/**
 * The OpenAPI 3.1 description of the REST API, hand-written (no swagger plugin installed) and
 * checked against the registered routes by the tests. Bodies are the protobuf JSON mapping of the
 * contracts (proto/volstream/v1), so their schemas point at the proto messages instead of
 * repeating every field.
 */
const currency = { name: 'currency', in: 'path', required: true, schema: { type: 'string', example: 'BTC' } };
const venue = {
  name: 'venue',
  in: 'query',
  schema: { type: 'string', default: 'composite' },
  description: 'Venue id (deribit, okx, bybit, binance) or "composite".',
};
const errorRef = { $ref: '#/components/schemas/Error' };

function ok(description: string, schema: Record<string, unknown>): Record<string, unknown> {
  return {
    200: { description, content: { 'application/json': { schema } } },
    400: {
      description: 'Invalid parameter (BAD_REQUEST)',
      content: { 'application/json': { schema: errorRef } },
    },
    401: {
      description: 'AUTH_REQUIRED or AUTH_INVALID',
      content: { 'application/json': { schema: errorRef } },
    },
    404: { description: 'NOT_FOUND', content: { 'application/json': { schema: errorRef } } },
    429: { description: 'RATE_LIMITED', content: { 'application/json': { schema: errorRef } } },
  };
}

function proto(message: string): Record<string, unknown> {
  return { type: 'object', description: `protobuf JSON mapping of volstream.v1.${message}` };
}

function list(field: string, message: string): Record<string, unknown> {
  return { type: 'object', properties: { [field]: { type: 'array', items: proto(message) } } };
}

export const OPENAPI_DOCUMENT = {
  openapi: '3.1.0',
  info: {
    title: 'volstream gateway',
    version: '1',
    description:
      'Latest volatility surfaces and smiles. Streaming: websocket /v1/stream (protobuf volstream.v1.ClientMessage/ServerMessage, or JSON with ?format=json); see docs/API.md.',
  },
  components: {
    securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' } },
    schemas: {
      Error: {
        type: 'object',
        required: ['code', 'message'],
        properties: {
          code: { type: 'string', enum: Object.keys(GATEWAY_ERRORS) },
          message: { type: 'string' },
        },
      },
    },
  },
  security: [{ apiKey: [] }],
  paths: {
    '/v1/surfaces': {
      get: {
        summary: 'Every surface held, one summary per (venue, currency)',
        responses: ok('Summaries', {
          type: 'object',
          properties: { surfaces: { type: 'array', items: { type: 'object' } } },
        }),
      },
    },
    '/v1/surfaces/{currency}': {
      get: {
        summary: 'Latest surface',
        parameters: [currency, venue],
        responses: ok('Surface', proto('Surface')),
      },
    },
    '/v1/surfaces/{currency}/smiles': {
      get: {
        summary: 'Smiles per expiry with their quotes',
        parameters: [
          currency,
          venue,
          { name: 'expiry', in: 'query', schema: { type: 'string' }, description: 'Expiry, epoch ms' },
          { name: 'quotes', in: 'query', schema: { type: 'boolean', default: true } },
        ],
        responses: ok('Smiles', list('smiles', 'Smile')),
      },
    },
    '/v1/surfaces/{currency}/expiries': {
      get: {
        summary: 'ATM vol, RR/BF 25/10 and forward vol by listed expiry',
        parameters: [currency, venue],
        responses: ok('Expiry metrics', list('expiries', 'ExpiryMetrics')),
      },
    },
    '/v1/surfaces/{currency}/tenors': {
      get: {
        summary: 'The same metrics at fixed tenors',
        parameters: [currency, venue],
        responses: ok('Tenor metrics', list('tenors', 'TenorMetrics')),
      },
    },
    '/v1/surfaces/{currency}/risk-nodes': {
      get: {
        summary: 'Delta x tenor risk grid',
        parameters: [currency, venue],
        responses: ok('Risk nodes', list('riskNodes', 'RiskNode')),
      },
    },
    '/v1/surfaces/{currency}/diagnostics': {
      get: {
        summary: 'Fit diagnostics per smile, arbitrage report, staleness',
        parameters: [currency, venue],
        responses: ok('Diagnostics', { type: 'object' }),
      },
    },
    '/v1/instruments': {
      get: {
        summary: 'Instruments quoted into the latest smiles',
        parameters: [
          { name: 'currency', in: 'query', schema: { type: 'string' } },
          { name: 'venue', in: 'query', schema: { type: 'string' } },
        ],
        responses: ok('Instruments', { type: 'object', properties: { instruments: { type: 'array' } } }),
      },
    },
    ...HISTORY_OPENAPI_PATHS,
    '/healthz': { get: { summary: 'Liveness', security: [], responses: { 200: { description: 'Alive' } } } },
    '/readyz': {
      get: {
        summary: 'Readiness: the surface consumer runs (and, if required, data arrived)',
        security: [],
        responses: { 200: { description: 'Ready' }, 503: { description: 'NOT_READY' } },
      },
    },
    '/metrics': {
      get: {
        summary: 'Prometheus metrics',
        security: [],
        responses: { 200: { description: 'text/plain 0.0.4' } },
      },
    },
  },
} as const;

export const DOCS_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>volstream gateway API</title>
<style>body{font:14px system-ui,sans-serif;max-width:60em;margin:2em auto}code{background:#eee;padding:0 .2em}</style>
</head><body><h1>volstream gateway API</h1>
<p>OpenAPI document: <a href="/docs/openapi.json"><code>/docs/openapi.json</code></a>.</p>
<ul id="paths"></ul>
<p>Streaming: websocket <code>/v1/stream</code> (protobuf frames; <code>?format=json</code> for JSON text frames).</p>
<script>
fetch('/docs/openapi.json').then(r=>r.json()).then(d=>{const ul=document.getElementById('paths');
for(const [p,ops] of Object.entries(d.paths)){for(const [m,op] of Object.entries(ops)){const li=document.createElement('li');
li.textContent=m.toUpperCase()+' '+p+' - '+op.summary;ul.appendChild(li);}}});
</script></body></html>
`;

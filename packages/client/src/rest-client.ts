import { fromJson, type JsonValue } from '@bufbuild/protobuf';
import {
  type ExpiryMetrics,
  ExpiryMetricsSchema,
  type RiskNode,
  RiskNodeSchema,
  type Smile,
  SmileSchema,
  type Surface,
  SurfaceSchema,
  type TenorMetrics,
  TenorMetricsSchema,
} from '@volstream/contracts';

/** An error answer of the gateway: its stable `code` (docs/API.md) and HTTP status. */
export class GatewayApiError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'GatewayApiError';
  }
}

export interface RestClientOptions {
  /** http://host:port */
  baseUrl: string;
  apiKey?: string;
  /** Default: globalThis.fetch (Node 20 and browsers). */
  fetch?: typeof fetch;
}

export interface SurfaceSummary {
  currency: string;
  venue: string;
  asOfMs: string;
  expiries: number;
  fitterId: string;
  runId: string;
}

export interface Instrument {
  instrumentName: string;
  venue: string;
  currency: string;
  expiryMs: string;
  strike: number;
  optionType: 'call' | 'put' | 'unspecified';
}

/** Typed REST client: bodies come back as the contract message types (bigint int64, enums). */
export class RestClient {
  private readonly fetchFn: typeof fetch;

  constructor(private readonly options: RestClientOptions) {
    this.fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  async surfaces(): Promise<SurfaceSummary[]> {
    return ((await this.get('/v1/surfaces')) as unknown as { surfaces: SurfaceSummary[] }).surfaces;
  }

  async surface(currency: string, venue = 'composite'): Promise<Surface> {
    return fromJson(SurfaceSchema, await this.get(`/v1/surfaces/${currency}`, { venue }));
  }

  async smiles(
    currency: string,
    opts: { venue?: string; expiryMs?: bigint; quotes?: boolean } = {},
  ): Promise<Smile[]> {
    const query: Record<string, string> = { venue: opts.venue ?? 'composite' };
    if (opts.expiryMs !== undefined) query.expiry = opts.expiryMs.toString();
    if (opts.quotes !== undefined) query.quotes = String(opts.quotes);
    const body = (await this.get(`/v1/surfaces/${currency}/smiles`, query)) as { smiles: JsonValue[] };
    return body.smiles.map((s) => fromJson(SmileSchema, s));
  }

  async expiries(currency: string, venue = 'composite'): Promise<ExpiryMetrics[]> {
    const body = (await this.get(`/v1/surfaces/${currency}/expiries`, { venue })) as {
      expiries: JsonValue[];
    };
    return body.expiries.map((e) => fromJson(ExpiryMetricsSchema, e));
  }

  async tenors(currency: string, venue = 'composite'): Promise<TenorMetrics[]> {
    const body = (await this.get(`/v1/surfaces/${currency}/tenors`, { venue })) as { tenors: JsonValue[] };
    return body.tenors.map((t) => fromJson(TenorMetricsSchema, t));
  }

  async riskNodes(currency: string, venue = 'composite'): Promise<RiskNode[]> {
    const body = (await this.get(`/v1/surfaces/${currency}/risk-nodes`, { venue })) as {
      riskNodes: JsonValue[];
    };
    return body.riskNodes.map((n) => fromJson(RiskNodeSchema, n));
  }

  async diagnostics(currency: string, venue = 'composite'): Promise<Record<string, unknown>> {
    return (await this.get(`/v1/surfaces/${currency}/diagnostics`, { venue })) as Record<string, unknown>;
  }

  async instruments(filter: { currency?: string; venue?: string } = {}): Promise<Instrument[]> {
    const query: Record<string, string> = {};
    if (filter.currency !== undefined) query.currency = filter.currency;
    if (filter.venue !== undefined) query.venue = filter.venue;
    return ((await this.get('/v1/instruments', query)) as unknown as { instruments: Instrument[] })
      .instruments;
  }

  async ready(): Promise<boolean> {
    const res = await this.fetchFn(new URL('/readyz', this.options.baseUrl));
    return res.ok;
  }

  private async get(path: string, query: Record<string, string> = {}): Promise<JsonValue> {
    const url = new URL(path, this.options.baseUrl);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const headers: Record<string, string> = {};
    if (this.options.apiKey !== undefined) headers['x-api-key'] = this.options.apiKey;
    const res = await this.fetchFn(url, { headers });
    const body = (await res.json()) as JsonValue;
    if (!res.ok) {
      const err = body as { code?: string; message?: string };
      throw new GatewayApiError(err.code ?? 'INTERNAL', res.status, err.message ?? `HTTP ${res.status}`);
    }
    return body;
  }
}

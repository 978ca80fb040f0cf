import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createBus } from '@volstream/bus';
import { build, type Gateway, OPENAPI_DOCUMENT } from '../src/index.ts';
import { logger, smileEvent, surfaceEvent, surfaceOf } from './helpers.ts';

function fedGateway(options: Parameters<typeof build>[0]['options'] = {}): Gateway {
  const gw = build({ logger, options });
  gw.store.apply(surfaceEvent(surfaceOf('BTC', 'composite', 0.7)));
  gw.store.apply(surfaceEvent(surfaceOf('BTC', 'deribit', 0.71)));
  gw.store.apply(surfaceEvent(surfaceOf('ETH', 'deribit', 0.8)));
  return gw;
}

describe('REST routes (app.inject)', () => {
  let gw: Gateway;
  before(() => {
    gw = fedGateway({ extraMetrics: () => 'volstream_pipeline_extra_total 7' });
  });
  after(() => gw.close());

  test('healthz and readyz answer without a key', async () => {
    assert.equal((await gw.app.inject('/healthz')).statusCode, 200);
    const ready = await gw.app.inject('/readyz');
    assert.equal(ready.statusCode, 200);
    assert.equal(ready.json().surfaces, 3);
  });

  test('surface list and the latest surface per currency and venue (composite by default)', async () => {
    const list = await gw.app.inject('/v1/surfaces');
    assert.deepEqual(
      list
        .json()
        .surfaces.map((s: { venue: string; currency: string }) => `${s.venue}/${s.currency}`)
        .sort(),
      ['composite/BTC', 'deribit/BTC', 'deribit/ETH'],
    );
    const composite = (await gw.app.inject('/v1/surfaces/btc')).json();
    assert.equal(composite.venue, 'composite');
    assert.equal(composite.smiles[0].atmVol, 0.7);
    assert.equal(composite.deltaConvention, 'DELTA_CONVENTION_PREMIUM_ADJUSTED');
    const deribit = (await gw.app.inject('/v1/surfaces/ETH?venue=deribit')).json();
    assert.equal(deribit.smiles[0].atmVol, 0.8);
  });

  test('a newer event replaces the state (conflation) and smiles come with or without quotes', async () => {
    gw.store.apply(smileEvent('BTC', 'okx', 0.9));
    gw.store.apply(surfaceEvent(surfaceOf('BTC', 'composite', 0.72)));
    const smiles = (await gw.app.inject('/v1/surfaces/BTC/smiles')).json().smiles;
    assert.equal(smiles.length, 1);
    assert.equal(smiles[0].atmVol, 0.72);
    // The sample smile: one put in the fit, one call left out for its spread (with its reason).
    assert.equal(smiles[0].quotes.length, 2);
    assert.deepEqual(
      smiles[0].quotes.map((q: { inFit?: boolean; excludedReason?: string; markIv?: number }) => [
        q.inFit ?? false,
        q.excludedReason ?? '',
        q.markIv,
      ]),
      [
        [true, '', 0.7668],
        [false, 'wide_spread', 0.7903],
      ],
    );
    const expiry = smiles[0].expiryMs as string;
    const one = (await gw.app.inject(`/v1/surfaces/BTC/smiles?expiry=${expiry}&quotes=false`)).json();
    assert.equal(one.smiles.length, 1);
    assert.equal(one.smiles[0].quotes, undefined);
    const missing = await gw.app.inject('/v1/surfaces/BTC/smiles?expiry=123');
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().code, 'NOT_FOUND');
  });

  test('metric views: expiries (RR/BF), tenors, risk nodes, diagnostics, instruments', async () => {
    const expiries = (await gw.app.inject('/v1/surfaces/BTC/expiries')).json().expiries;
    assert.equal(expiries[0].rr25, -0.0412);
    const tenors = (await gw.app.inject('/v1/surfaces/BTC/tenors')).json().tenors;
    assert.equal(tenors[0].tenorDays, 30);
    const nodes = (await gw.app.inject('/v1/surfaces/BTC/risk-nodes')).json().riskNodes;
    assert.deepEqual(
      nodes.map((n: { deltaLabel: string }) => n.deltaLabel),
      ['25P', 'ATM'],
    );
    const diag = (await gw.app.inject('/v1/surfaces/BTC/diagnostics')).json();
    assert.equal(diag.smiles[0].diagnostics.quotesInFit, 38);
    assert.equal(diag.arbitrage.calendarViolations, 1);
    assert.equal(diag.staleness.newestInputAgeMs, '43');
    const instruments = (await gw.app.inject('/v1/instruments?currency=btc')).json().instruments;
    assert.deepEqual(
      instruments.map((i: { optionType: string; currency: string }) => [i.optionType, i.currency]).sort(),
      [
        ['call', 'BTC'],
        ['put', 'BTC'],
      ],
    );
  });

  test('invalid parameters get BAD_REQUEST, unknown surfaces and routes NOT_FOUND', async () => {
    for (const url of [
      '/v1/surfaces/B%20TC',
      '/v1/surfaces/BTC?venue=Deribit',
      '/v1/surfaces/BTC?bogus=1',
      '/v1/surfaces/BTC/smiles?expiry=abc',
    ]) {
      const res = await gw.app.inject(url);
      assert.equal(res.statusCode, 400, url);
      assert.equal(res.json().code, 'BAD_REQUEST', url);
    }
    const unknown = await gw.app.inject('/v1/surfaces/SOL');
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.json().code, 'NOT_FOUND');
    assert.equal((await gw.app.inject('/v2/nothing')).json().code, 'NOT_FOUND');
  });

  test('/metrics carries the gateway counters and the injected exposition', async () => {
    const res = await gw.app.inject('/metrics');
    assert.match(res.headers['content-type'] as string, /text\/plain/);
    assert.match(res.body, /^volstream_gateway_surface_events_total \d+$/m);
    assert.match(res.body, /^volstream_gateway_surfaces 3$/m);
    assert.match(res.body, /^volstream_pipeline_extra_total 7$/m);
  });

  test('/docs serves HTML and every OpenAPI path is a registered route', async () => {
    const html = await gw.app.inject('/docs');
    assert.match(html.headers['content-type'] as string, /text\/html/);
    const doc = (await gw.app.inject('/docs/openapi.json')).json();
    assert.equal(doc.openapi, '3.1.0');
    for (const path of Object.keys(OPENAPI_DOCUMENT.paths)) {
      const url = path.replace(/\{(\w+)\}/g, ':$1');
      assert.ok(gw.app.hasRoute({ method: 'GET', url }), `route for ${path}`);
    }
  });
});

describe('readiness', () => {
  test('with a bus, /readyz is 503 until the surface consumer runs', async () => {
    const bus = createBus({ transport: 'inprocess' }, { logger });
    const gw = build({ logger, bus });
    const before = await gw.app.inject('/readyz');
    assert.equal(before.statusCode, 503);
    assert.equal(before.json().consuming, false);
    await gw.startFeed();
    assert.equal((await gw.app.inject('/readyz')).statusCode, 200);
    await gw.close();
    await bus.close();
  });

  test('with readyRequiresData, /readyz is 503 NOT_READY until the first event', async () => {
    const gw = build({ logger, options: { readyRequiresData: true } });
    const before = await gw.app.inject('/readyz');
    assert.equal(before.statusCode, 503);
    assert.equal(before.json().code, 'NOT_READY');
    gw.store.apply(surfaceEvent(surfaceOf('BTC', 'composite')));
    assert.equal((await gw.app.inject('/readyz')).statusCode, 200);
    await gw.close();
  });
});

describe('security', () => {
  test('API keys: missing and unknown keys are refused, header or query key accepted, health stays open', async () => {
    const gw = fedGateway({ apiKeys: ['k-alpha', 'k-beta'] });
    const none = await gw.app.inject('/v1/surfaces');
    assert.equal(none.statusCode, 401);
    assert.equal(none.json().code, 'AUTH_REQUIRED');
    const wrong = await gw.app.inject({ url: '/v1/surfaces', headers: { 'x-api-key': 'k-gamma' } });
    assert.equal(wrong.json().code, 'AUTH_INVALID');
    assert.equal(
      (await gw.app.inject({ url: '/v1/surfaces', headers: { 'x-api-key': 'k-beta' } })).statusCode,
      200,
    );
    assert.equal((await gw.app.inject('/v1/surfaces?api_key=k-alpha')).statusCode, 200);
    assert.equal((await gw.app.inject('/healthz')).statusCode, 200);
    assert.match((await gw.app.inject('/metrics')).body, /^volstream_gateway_auth_failures_total 2$/m);
    await gw.close();
  });

  test('per-key token bucket: the burst passes, the next request is RATE_LIMITED, other keys unaffected', async () => {
    const gw = fedGateway({ apiKeys: ['a', 'b'], ratePerSec: 0.001, burst: 3 });
    const codes: number[] = [];
    for (let i = 0; i < 4; i++)
      codes.push((await gw.app.inject({ url: '/v1/surfaces', headers: { 'x-api-key': 'a' } })).statusCode);
    assert.deepEqual(codes, [200, 200, 200, 429]);
    const limited = await gw.app.inject({ url: '/v1/surfaces', headers: { 'x-api-key': 'a' } });
    assert.equal(limited.json().code, 'RATE_LIMITED');
    assert.equal(
      (await gw.app.inject({ url: '/v1/surfaces', headers: { 'x-api-key': 'b' } })).statusCode,
      200,
    );
    await gw.close();
  });

  test('CORS: allowed origins get the header, others do not; preflight answers 204', async () => {
    const gw = fedGateway({ corsOrigins: ['https://dash.example'] });
    const allowed = await gw.app.inject({ url: '/v1/surfaces', headers: { origin: 'https://dash.example' } });
    assert.equal(allowed.headers['access-control-allow-origin'], 'https://dash.example');
    const other = await gw.app.inject({ url: '/v1/surfaces', headers: { origin: 'https://evil.example' } });
    assert.equal(other.headers['access-control-allow-origin'], undefined);
    const preflight = await gw.app.inject({
      method: 'OPTIONS',
      url: '/v1/surfaces',
      headers: { origin: 'https://dash.example' },
    });
    assert.equal(preflight.statusCode, 204);
    await gw.close();
  });
});

import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { build } from '@volstream/gateway';
import { createLogger } from '@volstream/logging';
import { dashboardPage, dataSource, ensureBuilt, isStale, setDataSource } from '../src/index.ts';

const logger = createLogger({ service: 'dashboard-page-test', level: 'silent' });

describe('the page the gateway serves at /', () => {
  after(() => setDataSource(undefined));

  it('is one self-contained HTML response: CSS and JS inlined, the data source injected', async () => {
    setDataSource('live');
    const gw = build({ logger });
    const res = await gw.app.inject({ method: 'GET', url: '/' });
    await gw.close();
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/html/);
    const html = res.body;
    assert.match(html, /<style>[^<]*\.banner/);
    assert.match(html, /<script>window\.__VOLSTREAM__=\{"source":"live"\}<\/script><script type="module">/);
    assert.doesNotMatch(html, /<!--volstream:/, 'placeholders replaced');
    // Only the closing tags of the two inline elements themselves.
    assert.equal(html.split('</script>').length - 1, 2);
    assert.ok(html.length > 50_000, 'the bundle (uPlot, protobuf, client SDK) is inlined');
  });

  it('reflects a changed source without a rebuild; built output is not stale', async () => {
    setDataSource('sim');
    assert.match(await dashboardPage(), /"source":"sim"/);
    assert.equal(await ensureBuilt(), false, 'fresh dist: no second build');
    assert.equal(await isStale(), false);
  });

  it('falls back to VOLSTREAM_SOURCE, else unknown', () => {
    setDataSource(undefined);
    const saved = process.env.VOLSTREAM_SOURCE;
    try {
      process.env.VOLSTREAM_SOURCE = 'sim';
      assert.equal(dataSource(), 'sim');
      process.env.VOLSTREAM_SOURCE = 'auto';
      assert.equal(dataSource(), 'unknown');
    } finally {
      if (saved === undefined) delete process.env.VOLSTREAM_SOURCE;
      else process.env.VOLSTREAM_SOURCE = saved;
    }
  });
});

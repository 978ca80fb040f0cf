// `volstream run --source sim --venues deribit,okx --for 20s --report FILE --no-store` as a child
// process: one WARN line per simulated venue, one connector component per venue, and the report's
// per-venue figures (stages.connector-<venue>, connectors, arbitrage and truth by venue, the
// composite). multi-venue-e2e.test.ts checks the figures themselves with every venue.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { RunReport } from '../src/index.ts';
import { logLines, startCli } from './cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'volstream-mv-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('volstream run --venues (child process)', () => {
  it('volstream run --venues deribit,okx writes per-venue figures to its report', async () => {
    const path = join(dir, 'cli.json');
    const cli = startCli([
      'run',
      '--source',
      'sim',
      '--venues',
      'deribit,okx',
      '--for',
      '20s',
      '--report',
      path,
      '--no-store',
      '--port',
      '0',
    ]);
    const result = await cli.done;
    assert.equal(result.code, 0, result.stderr.slice(-3000));
    const lines = logLines(result.stderr);
    for (const v of ['deribit', 'okx']) {
      const warn = new RegExp(`^SIMULATED DATA for ${v}: `);
      assert.ok(
        lines.some((l) => l.level === 40 && warn.test(String(l.msg))),
        `a WARN line announces simulated ${v}`,
      );
      assert.ok(lines.some((l) => l.component === `connector-${v}` && typeof l.describe === 'string'));
    }
    const r = JSON.parse(readFileSync(path, 'utf8')) as RunReport;
    for (const v of ['deribit', 'okx']) {
      assert.ok((r.stages[`connector-${v}`]?.in ?? 0) > 0, `stages.connector-${v}`);
      assert.ok(r.connectors?.[v] !== undefined, `connectors.${v}`);
    }
    assert.equal(
      r.stages.connector.in,
      (r.stages['connector-deribit']?.in ?? 0) + (r.stages['connector-okx']?.in ?? 0),
    );
    for (const v of ['deribit', 'okx', 'composite']) {
      assert.ok((r.arbitrage.byVenue[v]?.surfacesChecked ?? 0) > 0, `arbitrage.byVenue.${v}`);
      assert.ok(r.truth?.byVenue[v] !== undefined, `truth.byVenue.${v}`);
    }
  });
});

/**
 * `volstream run` wires its store and connectors into the gateway: during a short simulated run,
 * `/v1/status` says the source is simulated, lists the Deribit venue as connected with a message
 * rate, reports history available and the store's backlog, and `/v1/history/...` serves the
 * surfaces the run has stored so far (docs/API.md "Status", "History"; docs/PIPELINE.md "Modes").
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startCli } from './cli-process.ts';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'volstream-run-history-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function poll<T>(
  what: string,
  fetchIt: () => Promise<T>,
  ok: (v: T) => boolean,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    try {
      last = await fetchIt();
      if (ok(last)) return last;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
    await sleep(500);
  }
}

describe('volstream run: gateway status and history', { timeout: 150_000 }, () => {
  it('status shows the simulated source, a connected venue, the store; history serves stored surfaces', async () => {
    const run = startCli(['run', '--source', 'sim', '--for', '100s', '--port', '0', '--data-dir', dir]);
    let stderr = '';
    run.child.stderr?.on('data', (chunk: string) => {
      stderr += chunk;
    });
    try {
      await run.waitForStderr(/gateway on http:\/\/127\.0\.0\.1:\d+/, 60_000);
      const base = /(http:\/\/127\.0\.0\.1:\d+)/.exec(stderr.slice(stderr.indexOf('gateway on')))?.[1];
      assert.ok(base !== undefined, 'gateway URL in the log');
      const json = async (path: string): Promise<{ status: number; body: Record<string, unknown> }> => {
        const res = await fetch(`${base}${path}`);
        return { status: res.status, body: (await res.json()) as Record<string, unknown> };
      };
      type Status = {
        source: string;
        simulated: boolean;
        history: boolean;
        venues: { venue: string; connected: boolean; msgsPerSec: number; currencies: string[] }[];
        store: { lagEvents: number } | null;
      };
      const status = await poll(
        'a connected deribit with currencies in /v1/status',
        async () => (await json('/v1/status')).body as unknown as Status,
        (s) => s.venues.some((v) => v.venue === 'deribit' && v.connected && v.currencies.length > 0),
        60_000,
      );
      assert.equal(status.source, 'sim');
      assert.equal(status.simulated, true);
      assert.equal(status.history, true);
      assert.ok(status.store !== null && typeof status.store.lagEvents === 'number');
      const deribit = status.venues.find((v) => v.venue === 'deribit');
      assert.ok(deribit !== undefined && deribit.msgsPerSec >= 0);

      // The run stores its surfaces; the last hour of the deribit ATM 30d has points once they land.
      const series = await poll(
        'stored ATM history',
        async () => (await json('/v1/history/BTC/tenor?metric=atm_vol&tenorDays=30&venue=deribit')).body,
        (b) => Array.isArray(b.points) && b.points.length > 0,
        60_000,
      );
      const points = series.points as { t: number; v: number | null }[];
      assert.ok(points.every((p) => p.t > Date.now() - 3_600_000 && p.t <= Date.now()));
      assert.ok(points.some((p) => p.v !== null && p.v > 0.05 && p.v < 5));
      const at = points[points.length - 1]?.t ?? 0;
      const surface = await json(`/v1/history/BTC/surface?venue=deribit&at=${at}`);
      assert.equal(surface.status, 200);
      assert.equal(surface.body.venue, 'deribit');
      assert.equal(surface.body.asOfMs, String(at));
      const bad = await json("/v1/history/BTC/tenor?venue=deribit'--");
      assert.equal(bad.status, 400);
    } finally {
      run.child.kill('SIGINT');
      const result = await run.done;
      assert.equal(result.code, 0, result.stderr.slice(-2000));
    }
  });
});

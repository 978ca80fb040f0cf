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
import { Budget, pollUntil } from '@volstream/testkit';
import { startCli } from './cli-process.ts';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'volstream-run-history-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/**
 * One budget for the whole run (start-up, first connected venue, first stored surface): under CI
 * load any phase can take most of a minute, so the phases share a generous deadline instead of each
 * having a tight one, and report their durations (TAP diagnostics).
 */
const BUDGET_MS = 200_000;

// The runner's per-test limit is 300 s; the budget above plus the run's shutdown stay inside it.
describe('volstream run: gateway status and history', { timeout: 280_000 }, () => {
  it('status shows the simulated source, a connected venue, the store; history serves stored surfaces', async (t) => {
    const phases = new Budget(BUDGET_MS, t);
    // --for is only a safety net for a test that dies without stopping the run: it outlasts the budget.
    const run = startCli(['run', '--source', 'sim', '--for', '270s', '--port', '0', '--data-dir', dir]);
    try {
      await run.waitForStderr(/gateway on http:\/\/127\.0\.0\.1:\d+/, phases.left());
      phases.done('gateway started');
      const stderr = run.stderr();
      const base = /(http:\/\/127\.0\.0\.1:\d+)/.exec(stderr.slice(stderr.indexOf('gateway on')))?.[1];
      assert.ok(base !== undefined, 'gateway URL in the log');
      const json = async (path: string): Promise<{ status: number; body: Record<string, unknown> }> => {
        const res = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(20_000) });
        return { status: res.status, body: (await res.json()) as Record<string, unknown> };
      };
      type Status = {
        source: string;
        simulated: boolean;
        history: boolean;
        venues: { venue: string; connected: boolean; msgsPerSec: number; currencies: string[] }[];
        store: { lagEvents: number; spoolMaxBytes?: number; spoolFull?: boolean } | null;
      };
      const status = await pollUntil(
        'a connected deribit with currencies in /v1/status',
        async () => (await json('/v1/status')).body as unknown as Status,
        (s) => s.venues.some((v) => v.venue === 'deribit' && v.connected && v.currencies.length > 0),
        phases.left(),
      );
      phases.done('deribit connected');
      assert.equal(status.source, 'sim');
      assert.equal(status.simulated, true);
      assert.equal(status.history, true);
      assert.ok(status.store !== null && typeof status.store.lagEvents === 'number');
      // The embedded run spools (in-process bus): its cap and state are visible to an operator.
      assert.ok((status.store.spoolMaxBytes ?? 0) >= 64 * 1024 * 1024, 'the spool cap (64 MiB floor)');
      assert.equal(status.store.spoolFull, false);
      const deribit = status.venues.find((v) => v.venue === 'deribit');
      assert.ok(deribit !== undefined && deribit.msgsPerSec >= 0);

      // The run stores its surfaces; the last hour of the deribit ATM 30d has points once they land.
      const series = await pollUntil(
        'stored ATM history',
        async () => (await json('/v1/history/BTC/tenor?metric=atm_vol&tenorDays=30&venue=deribit')).body,
        (b) => Array.isArray(b.points) && b.points.length > 0,
        phases.left(),
      );
      phases.done('history points stored');
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
      phases.done('run stopped');
      assert.equal(result.code, 0, result.stderr.slice(-2000));
    }
  });
});

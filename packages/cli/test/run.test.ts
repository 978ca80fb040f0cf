import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { canReach, runComponents } from '../src/run-components.ts';
import { logLines, runCli, startCli } from './cli-process.ts';

/** Names `run` must announce: the bus and every registered component. */
const EXPECTED = ['bus', ...runComponents().map((entry) => entry.name)];

function assertOneLinePerComponent(stderr: string): void {
  const lines = logLines(stderr);
  for (const name of EXPECTED) {
    const announced = lines.filter(
      (l) =>
        l.component === name &&
        (name === 'bus' ? /^bus: /.test(String(l.msg)) : typeof l.describe === 'string'),
    );
    assert.equal(announced.length, 1, `expected one start line for ${name}; stderr:\n${stderr}`);
  }
  const running = lines.find((l) => /^running \d+ component/.test(String(l.msg)));
  assert.deepEqual(running?.components, EXPECTED);
}

describe('volstream run (child process)', () => {
  it('--for 2s starts every component, stops them in reverse order and exits 0', async () => {
    const started = Date.now();
    // Every component, the store too: in its own data dir, never shared with another test file.
    const dataDir = mkdtempSync(join(tmpdir(), 'volstream-run-test-'));
    const result = await runCli(['run', '--for', '2s', '--source', 'sim', '--data-dir', dataDir]);
    rmSync(dataDir, { recursive: true, force: true });
    const elapsed = Date.now() - started;
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, '', 'run prints logs on stderr only');
    assertOneLinePerComponent(result.stderr);
    const lines = logLines(result.stderr);
    assert.equal(lines.find((l) => l.msg === 'shutting down')?.reason, 'duration elapsed');
    assert.ok(lines.some((l) => l.msg === 'bus flushed and closed'));
    assert.equal(lines.at(-1)?.msg, 'stopped');
    const stopOrder = lines
      .filter((l) => l.msg === 'stopped' && typeof l.component === 'string')
      .map((l) => l.component);
    assert.deepEqual(stopOrder, EXPECTED.slice(1).reverse());
    assert.ok(elapsed >= 2000, `ran only ${elapsed} ms`);
    // The connector is wired to the simulator's ephemeral port, not to the live venue.
    const simUrl = /ws:\/\/127\.0\.0\.1:\d+\S*/.exec(
      String(lines.find((l) => l.component === 'sim' && l.describe)?.describe),
    );
    assert.ok(simUrl !== null, 'simulator describe names its ws:// URL');
    const connector = lines.find((l) => l.component === 'connector-deribit' && l.describe);
    assert.ok(String(connector?.describe).includes(simUrl[0]), String(connector?.describe));
  });

  it('stops cleanly on SIGTERM and exits 0', async () => {
    const cli = startCli(['run', '--source', 'sim', '--no-store']);
    // Generous: the compute threads compile the workers through tsx and load the WASM core, which
    // took about 60 s before the gateway line once when the 2 cores were heavily shared.
    try {
      await cli.waitForStderr(/"msg":"running \d+ component/, 180_000);
    } catch (error) {
      // Left running, the child would hold this file open until the runner's per-file timeout.
      cli.child.kill('SIGKILL');
      throw error;
    }
    cli.child.kill('SIGTERM');
    const result = await cli.done;
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.signal, null);
    const lines = logLines(result.stderr);
    assert.equal(lines.find((l) => l.msg === 'shutting down')?.reason, 'signal');
    assert.ok(lines.some((l) => l.signal === 'SIGTERM'));
    assert.equal(lines.at(-1)?.msg, 'stopped');
  });

  it('--source auto without a reachable venue runs the simulator and says so in a WARN line', async (t) => {
    if (await canReach('www.deribit.com', 1500)) {
      t.skip('the live venue is reachable from this machine, so auto would not fall back');
      return;
    }
    const result = await runCli(['run', '--source', 'auto', '--for', '1s', '--no-store']);
    assert.equal(result.code, 0, result.stderr);
    const lines = logLines(result.stderr);
    const warn = lines.find((l) => l.level === 40 && /^SIMULATED DATA for deribit: /.test(String(l.msg)));
    assert.match(
      String(warn?.msg),
      /live venue www\.deribit\.com:443 unreachable, running the built-in Deribit simulator/,
    );
    assert.ok(lines.some((l) => l.component === 'sim' && typeof l.describe === 'string'));
  });

  it('refuses a kafka bus without brokers before starting anything', async () => {
    const result = await runCli(['run', '--bus', 'kafka', '--for', '1s', '--no-store']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /--bus kafka needs --brokers or VOLSTREAM_BROKERS/);
  });
});

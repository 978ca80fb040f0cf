// The connector's real main.ts in its own process: heartbeats under CPU saturation, and SIGTERM.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type DeribitSimulator, startDeribitSimulator } from '@volstream/exchange-sim';
import type { ConnectorStats } from '../src/metrics.ts';
import { spawnBusyLoops, spawnConnector } from './helpers/child.ts';
import { sleep, waitFor } from './helpers/harness.ts';

describe('connector process', () => {
  let sim: DeribitSimulator;
  let dir: string;

  before(async () => {
    sim = await startDeribitSimulator({ seed: 5, rate: 300, currencies: ['BTC'], minHeartbeatIntervalS: 1 });
    dir = mkdtempSync(join(tmpdir(), 'volstream-connector-'));
  });

  after(async () => {
    await sim?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const args = (file: string) => [
    '--venue',
    'deribit',
    '--url',
    sim.url,
    '--currencies',
    'BTC',
    '--connections',
    '2',
    '--heartbeat-interval',
    '1',
    '--sink',
    `file:${file}`,
  ];

  const subscribed = () => {
    const sessions = sim.stats().sessions;
    return sessions.length === 2 && sessions.every((s) => s.subscriptions > 100);
  };

  it('answers every test_request on time while two busy loops saturate the CPU', async (t) => {
    const file = join(dir, 'cpu.jsonl');
    const proc = spawnConnector(args(file));
    await waitFor('the connector to subscribe', subscribed, 30_000);
    const dropsBefore = sim.stats().counters.heartbeatDrops;
    // The connector's only requests once subscribed are its public/test answers.
    const requests = () => sim.stats().sessions.reduce((n, session) => n + session.requests, 0);
    const requestsBefore = requests();
    const hogs = spawnBusyLoops(2);
    try {
      // At least 5 s of saturation (5 heartbeat periods on each of the 2 sockets) and at least two
      // answers per socket: the starved simulator sends its test_requests late, so on a loaded
      // machine a fixed 5 s saw as few as 2 (bounded by a generous deadline).
      await sleep(5000);
      await waitFor(
        'two answered test_requests per socket under load',
        () => requests() >= requestsBefore + 4,
        60_000,
      );
    } finally {
      for (const hog of hogs) hog.kill('SIGKILL');
    }
    proc.child.kill('SIGTERM');
    const { code, final } = await proc.exited;
    assert.equal(code, 0, proc.stderr.slice(-5).join('\n'));
    assert.ok(final !== undefined);
    const hb = final.heartbeat;
    // The simulator shares the starved CPU too, so it sends fewer than the nominal 2 per second.
    assert.ok(hb.testRequests >= 4, `test_requests: ${hb.testRequests}`);
    assert.equal(hb.answered, hb.testRequests, 'every test_request answered');
    // From the frame's arrival to the answer leaving: the loop never makes a test_request wait
    // (what remains is the OS preempting the process between two statements on a saturated CPU).
    assert.ok(hb.maxAnswerUs < 100_000, `worst answer delay ${hb.maxAnswerUs} us`);
    // The round trip also waits for the (equally starved) simulator; the venue's deadline is the
    // next heartbeat (1 s here, 10 s on Deribit). Recent ones only: the start-up burst of ~1,000
    // snapshots sits in front of the very first reply.
    const worstRecent = Math.max(...hb.recentRttMs);
    assert.ok(worstRecent < 1000, `public/test round trips under load: ${hb.recentRttMs.join(', ')} ms`);
    t.diagnostic(`heartbeat under load: ${JSON.stringify(hb)}`);
    assert.equal(final.reconnects, 0);
    assert.equal(sim.stats().counters.heartbeatDrops, dropsBefore, 'the venue never dropped us');
  });

  it('SIGTERM closes the sockets and flushes: every event counted as produced is in the sink', async () => {
    const file = join(dir, 'sigterm.jsonl');
    const proc = spawnConnector(args(file));
    await waitFor('the connector to subscribe', subscribed, 30_000);
    await sleep(1000);
    proc.child.kill('SIGTERM');
    const { code, final } = await proc.exited;
    assert.equal(code, 0, proc.stderr.slice(-5).join('\n'));
    assert.ok(final !== undefined);
    const lines = readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l !== '');
    assert.ok(final.eventsOut > 1000, `events out: ${final.eventsOut}`);
    assert.equal(lines.length, final.eventsOut, 'nothing produced is lost');
    assert.equal(final.bufferedEvents, 0);
    assert.equal(final.messagesIn, final.controlFrames + final.droppedTotal + countFrames(lines));
    await waitFor('the venue to see the sockets closed', () => sim.stats().sessions.length === 0, 20_000);
  });
});

describe('volstream connector (CLI)', () => {
  it('runs against the simulator until SIGINT, then prints the final stats and exits 0', async () => {
    const sim = await startDeribitSimulator({
      seed: 9,
      rate: 200,
      currencies: ['ETH'],
      minHeartbeatIntervalS: 1,
    });
    const dir = mkdtempSync(join(tmpdir(), 'volstream-connector-cli-'));
    try {
      const file = join(dir, 'md.jsonl');
      const bin = join(new URL('../../../', import.meta.url).pathname, 'bin', 'volstream.mjs');
      const child = spawn(
        process.execPath,
        [
          bin,
          'connector',
          '--url',
          sim.url,
          '--currencies',
          'ETH',
          '--connections',
          '2',
          '--sink',
          `file:${file}`,
        ],
        { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, LOG_LEVEL: 'warn' } },
      );
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
      });
      await waitFor(
        'the CLI connector to subscribe',
        () => sim.stats().sessions.some((s) => s.subscriptions > 100),
        30_000,
      );
      await sleep(500);
      child.kill('SIGINT');
      const [code] = await once(child, 'exit');
      assert.equal(code, 0);
      const final = (JSON.parse(stdout.trim().split('\n').at(-1)!) as { final: ConnectorStats }).final;
      assert.equal(final.venue, 'deribit');
      assert.ok(final.instruments > 100);
      assert.equal(
        readFileSync(file, 'utf8')
          .split('\n')
          .filter((l) => l !== '').length,
        final.eventsOut,
      );
    } finally {
      await sim.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * Venue frames behind the published events: one event per market-data frame, except instruments
 * (from get_instruments replies, counted as control frames) and unsynced markers (no frame).
 */
function countFrames(lines: string[]): number {
  let n = 0;
  for (const line of lines) {
    const value = JSON.parse(line) as { instrument?: unknown; bookSnapshot?: { changeId?: string } };
    if (value.instrument !== undefined) continue;
    if (value.bookSnapshot !== undefined && value.bookSnapshot.changeId === undefined) continue;
    n += 1;
  }
  return n;
}

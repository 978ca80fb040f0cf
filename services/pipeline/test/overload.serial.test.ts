// Overload, embedded mode: the simulator (own process) is driven above what the workers can
// handle (bursts of book updates, up to 8 s, against an order-book stage capped at 3,000 msgs/s)
// and then back to its normal rate. The connector keeps answering heartbeats (within 1 s) and its
// books stay synced; the workers' lag grows during the overload and shrinks again afterwards;
// nothing crashes, disconnects or is dropped for backpressure.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { after, describe, it } from 'node:test';
import { createBus } from '@volstream/bus';
import { busSink, type Connector, createConnector } from '@volstream/connector';
import { createLogger } from '@volstream/logging';
import { type ComputeHost, startComputeHost } from '../src/index.ts';
import { ROOT } from './cli.ts';

/** Lag of the throttled pipeline keeping up: about one 1 s window of input waiting. */
const STEADY = 6_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let sim: ChildProcess | undefined;
let host: ComputeHost | undefined;
let connector: Connector | undefined;
after(async () => {
  await connector?.stop().catch(() => {});
  await host?.stop().catch(() => {});
  sim?.kill('SIGTERM');
});

const totalLag = async (h: ComputeHost): Promise<number> => {
  const s = await h.stats();
  return s.lag.orderbook + s.lag.volatility + s.lag.surface;
};

// A `.serial` file: it depends on the capped order-book stage being the bottleneck, which holds
// when this file runs alone (scripts/run-tests.mjs runs serial files after the others, one at a
// time) but not when other test files starve the 2 cores (then nothing keeps up and the lag does
// not grow by the asserted 8,000: measured +2,000 in a concurrent run).

describe('overload (embedded)', () => {
  it('lag grows and shrinks; heartbeats answered, books synced, nothing crashes', async () => {
    sim = spawn(
      process.execPath,
      ['--import', 'tsx', 'services/pipeline/test/helpers/sim-child.ts', '11', '2000'],
      {
        cwd: ROOT,
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    );
    const { url, base } = await new Promise<{ url: string; base: string }>((resolve, reject) => {
      let text = '';
      sim?.stdout?.on('data', (d: Buffer) => {
        text += d.toString();
        const line = text.split('\n').find((l) => l.startsWith('{"url"'));
        if (line !== undefined) resolve(JSON.parse(line));
      });
      sim?.once('exit', () => reject(new Error('simulator exited')));
    });
    const logger = createLogger({ service: 'overload-test', level: 'warn' });
    const bus = createBus({ transport: 'inprocess' }, { logger });
    // The order-book stage is capped at 3,000 msgs/s (windows of at most 3,000 messages, one per
    // second): the simulator and the connector top out at 4,500-7,500 msgs/s on this machine,
    // which the unthrottled workers absorb, so the cap is what makes the bursts an overload.
    host = await startComputeHost(
      { logLevel: 'warn', stages: { orderbook: { windowMs: 1_000, maxWindowMessages: 3_000 } } },
      { bus, logger },
    );
    connector = createConnector(
      { venue: 'deribit', url, tuning: { heartbeatIntervalSec: 5 } },
      { sink: busSink(host.ingressBus(bus).producer()), logger },
    );
    connector.start();
    const c = connector;
    // The simulator lists a few instruments whose books never get a snapshot (~1 %, also seen in
    // the end-to-end run), so "synced" is 98 % of the books and, after the overload, at least as
    // many as before it.
    const synced = async (timeoutMs: number, atLeast = 0): Promise<void> => {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const s = c.stats();
        if (s.instruments > 1000 && s.booksSynced >= 0.98 * s.instruments && s.booksSynced >= atLeast) return;
        assert.ok(Date.now() < end, `books synced ${s.booksSynced}/${s.instruments}`);
        await sleep(250);
      }
    };
    await synced(30_000);
    // Steady state first: the initial snapshots are consumed and the lag is back to normal.
    let baseline = await totalLag(host);
    for (let i = 0; i < 240 && baseline > STEADY; i++) {
      await sleep(250);
      baseline = await totalLag(host);
    }
    assert.ok(baseline <= STEADY, `steady state before the overload (lag ${baseline})`);
    const beforeStats = c.stats();

    // Overload: bursts of 10,000 book updates every 250 ms (the simulator's slow_consumer fault,
    // which ignores its rate and per-instrument interval; its model steps every 100 ms, so a
    // higher `rate` alone cannot exceed one update per instrument per step) for 8 s.
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    let peak = 0;
    const burstUntil = Date.now() + 8_000;
    // The bursts stop once the backlog is 10,000 above normal (or after 8 s), so the drain time
    // does not depend on how fast the connector happened to read on a shared machine.
    while (Date.now() < burstUntil && peak < baseline + 10_000) {
      await fetch(`${base}/faults`, {
        method: 'POST',
        body: JSON.stringify({ type: 'slow_consumer', messages: 10_000 }),
      });
      peak = Math.max(peak, await totalLag(host));
      await sleep(250);
    }
    loop.disable();
    const during = c.stats();
    assert.ok(
      peak > baseline + 8_000,
      `lag grew under overload (baseline ${baseline}, peak ${peak}, connector in ${during.messagesIn - beforeStats.messagesIn})`,
    );
    assert.ok(during.messagesIn - beforeStats.messagesIn > 20_000, 'the connector took the burst in');

    // Back to normal: the backlog drains (at the throttled stage's spare capacity, a few hundred
    // to a thousand msgs/s on the shared machine); at least half of the excess within 45 s.
    const target = baseline + (peak - baseline) / 2;
    const end = Date.now() + 45_000;
    let lag = await totalLag(host);
    while (lag > target && Date.now() < end) {
      await sleep(500);
      lag = await totalLag(host);
    }
    assert.ok(lag <= target, `lag shrank back (now ${lag}, peak ${peak}, baseline ${baseline})`);
    await synced(10_000, beforeStats.booksSynced);

    const s = c.stats();
    // Main-thread event-loop delay during the overload is printed, not asserted: on a shared
    // 2-core machine it measures the other tenants as much as the pipeline.
    const p99Ms = loop.percentile(99) / 1e6;
    assert.ok(s.heartbeat.testRequests > beforeStats.heartbeat.testRequests, 'heartbeats kept coming');
    assert.equal(s.heartbeat.answered, s.heartbeat.testRequests, 'every test_request answered');
    // Deribit drops a session whose test_request is not answered within its heartbeat interval
    // (>= 10 s live; 5 s here, short enough to see several during the test; with 1 s the
    // simulator's own overloaded loop timed sessions out); 1 s leaves an order of magnitude even with other tenants on the cores.
    assert.ok(s.heartbeat.maxAnswerUs < 1_000_000, `answer delay ${s.heartbeat.maxAnswerUs} us`);
    assert.equal(s.reconnects, 0, 'no reconnect');
    assert.equal(s.connectionsOpen, s.connections);
    assert.equal(s.dropped.backpressure, 0, 'no event dropped for backpressure');
    const stats = await host.stats();
    assert.ok(
      stats.workers.orderbook.in >= during.messagesIn - beforeStats.messagesIn,
      'workers consumed it all',
    );
    process.stderr.write(
      `overload: baseline lag ${baseline}, peak lag ${peak}, connector in ${during.messagesIn - beforeStats.messagesIn} in 8 s, loop p99 ${p99Ms.toFixed(1)} ms max ${(loop.max / 1e6).toFixed(1)} ms, heartbeat rtt max ${s.heartbeat.maxRttMs.toFixed(0)} ms\n`,
    );
  });
});

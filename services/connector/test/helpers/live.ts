import assert from 'node:assert/strict';
import { connect } from 'node:net';
import type { MarketDataEvent } from '@volstream/contracts';
import { createLogger } from '@volstream/logging';
import { createConnector } from '../../src/app.ts';
import type { ConnectorStats } from '../../src/metrics.ts';
import { CollectingSink } from '../../src/sink.ts';

/**
 * The opt-in scaffolding of the `*.live.test.ts` files (real venues, public data, no credentials):
 * they run only with RUN_LIVE_TESTS=1 and when every host answers; otherwise they are skipped with
 * the reason this returns (CI here has no route to any exchange).
 */

/** Whether a TCP connection to host:port opens within 3 s (no data exchanged). */
export function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 3000 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

/** `false` to run, else the skip reason: RUN_LIVE_TESTS unset, or a host unreachable. */
export async function liveSkip(hosts: readonly (readonly [string, number])[]): Promise<string | false> {
  const names = hosts.map(([host, port]) => `${host}:${port}`);
  if (process.env.RUN_LIVE_TESTS !== '1')
    return `live venue test: set RUN_LIVE_TESTS=1 on a machine that can reach ${names.join(' and ')}`;
  for (const [host, port] of hosts) {
    if (!(await reachable(host, port)))
      return `RUN_LIVE_TESTS=1 but ${names.join(' or ')} is unreachable from this machine (offline)`;
  }
  return false;
}

export interface LiveRun {
  readonly venue: string;
  readonly connections: number;
  /** How long the subscriptions may take to converge. */
  readonly convergeMs: number;
  /** How long to let data flow after converging. */
  readonly settleMs: number;
}

/**
 * A connector for the real venue (BTC), started, converged, left running `settleMs`, flushed;
 * then the common checks (more than 50 instruments, no bad values, more than 50 tickers, every
 * mark IV a decimal) and `check` with the stats and events; always stopped.
 */
export async function withLiveConnector(
  run: LiveRun,
  check: (stats: ConnectorStats, events: readonly MarketDataEvent[]) => void,
): Promise<void> {
  const sink = new CollectingSink();
  const connector = createConnector(
    { venue: run.venue, currencies: ['BTC'], connections: run.connections },
    { sink, logger: createLogger({ service: 'connector', level: 'warn' }) },
  );
  connector.start();
  try {
    await connector.whenConverged(run.convergeMs);
    await new Promise((r) => setTimeout(r, run.settleMs));
    await connector.flush();
    const stats = connector.stats();
    assert.ok(stats.instruments > 50, `instruments: ${stats.instruments}`);
    assert.equal(stats.dropped.bad_value, 0);
    const tickers = sink.events.filter((e) => e.payload.case === 'ticker');
    assert.ok(tickers.length > 50);
    for (const e of tickers) {
      const t = e.payload.case === 'ticker' ? e.payload.value : undefined;
      if (t?.markIv !== undefined) assert.ok(t.markIv > 0.01 && t.markIv < 10, `decimal IV: ${t.markIv}`);
    }
    check(stats, sink.events);
  } finally {
    await connector.stop();
  }
}

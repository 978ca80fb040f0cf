import {
  type DeribitSimulator,
  type DeribitSimulatorOptions,
  startDeribitSimulator,
} from '@volstream/exchange-sim';
import { createLogger } from '@volstream/logging';
import { type Connector, createConnector } from '../../src/app.ts';
import { CollectingSink } from '../../src/sink.ts';

export interface Pair {
  sim: DeribitSimulator;
  connector: Connector;
  sink: CollectingSink;
  stop(): Promise<void>;
}

/**
 * A simulator on loopback plus a connector publishing to an in-memory sink. Heartbeats are 1 s
 * (the simulator accepts it when told to) so heartbeat behaviour shows within a test's seconds;
 * everything else, including Deribit's subscribe rate limits, keeps production values.
 */
export async function startPair(
  simOptions: DeribitSimulatorOptions = {},
  tuning: Record<string, unknown> = {},
  connections = 3,
): Promise<Pair> {
  const sim = await startDeribitSimulator({
    seed: 11,
    rate: 1000,
    currencies: ['BTC'],
    minHeartbeatIntervalS: 1,
    ...simOptions,
  });
  const sink = new CollectingSink();
  const connector = createConnector(
    {
      venue: 'deribit',
      url: sim.url,
      currencies: simOptions.currencies ?? ['BTC'],
      connections,
      tuning: { heartbeatIntervalSec: 1, backoffBaseMs: 50, backoffCapMs: 500, ...tuning },
    },
    { sink, logger: createLogger({ service: 'connector', venue: 'deribit', level: 'silent' }) },
  );
  connector.start();
  return {
    sim,
    connector,
    sink,
    async stop() {
      await connector.stop();
      await sim.stop();
    },
  };
}

export async function waitFor(what: string, predicate: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until `count()` (frames received, say) stops changing: unchanged over `quietChecks`
 * consecutive `stepMs` steps, each step a full event-loop turn that reads what the sockets hold.
 * For "everything in flight has arrived" after pausing a simulator, where a fixed sleep is too
 * short on a loaded machine. Bounded by `timeoutMs`.
 */
export async function settle(
  count: () => number,
  quietChecks = 3,
  stepMs = 100,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = count();
  let quiet = 0;
  while (quiet < quietChecks) {
    if (Date.now() > deadline)
      throw new Error(`Timed out after ${timeoutMs} ms waiting for the input to settle`);
    await sleep(stepMs);
    const now = count();
    quiet = now === last ? quiet + 1 : 0;
    last = now;
  }
}

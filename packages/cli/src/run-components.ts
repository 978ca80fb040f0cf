import { connect } from 'node:net';
import type { Component, ComponentEntry } from './components.ts';

/** Where `volstream run` gets market data: the built-in simulator, the live venue, or whichever works. */
export const RUN_SOURCES = ['auto', 'sim', 'live'] as const;
export type RunSource = (typeof RUN_SOURCES)[number];

/** Deribit's public websocket host (https://docs.deribit.com/#json-rpc), probed by `--source auto`. */
const DERIBIT_HOST = 'www.deribit.com';

/** Whether a TCP connection to host:443 opens within `timeoutMs` (no data is exchanged). */
export function canReach(host: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port: 443, timeout: timeoutMs });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

async function resolveSource(config: Readonly<Record<string, unknown>>): Promise<'sim' | 'live'> {
  const source = (config.source ?? 'sim') as RunSource;
  if (source !== 'auto') return source;
  return (await canReach(DERIBIT_HOST, 1500)) ? 'live' : 'sim';
}

/** The slice of the simulator component the connector entry needs: its URL once started. */
interface SimulatorLike extends Component {
  simulator(): { readonly url: string } | undefined;
}

/**
 * What `volstream run` starts, in order (stopped in reverse). Each entry imports its service
 * lazily, so `--help` stays fast. A fresh list per run: entries share state (the simulator's
 * ephemeral URL) through this closure, never through module globals. Later components (workers,
 * gateway, storage) append an entry here.
 */
export function runComponents(): ComponentEntry[] {
  let source: Promise<'sim' | 'live'> | undefined;
  let sim: SimulatorLike | undefined;
  const sourceOf = (config: Readonly<Record<string, unknown>>): Promise<'sim' | 'live'> => {
    source ??= resolveSource(config);
    return source;
  };
  return [
    {
      name: 'sim',
      async create(config) {
        if ((await sourceOf(config)) !== 'sim') return undefined;
        const { createSimulatorComponent } = await import('@volstream/exchange-sim');
        sim = createSimulatorComponent({
          ...(config.simSeed === undefined ? {} : { seed: config.simSeed as string }),
          ...(config.simRate === undefined ? {} : { rate: config.simRate as number }),
        });
        return sim;
      },
    },
    {
      name: 'connector-deribit',
      async create(config) {
        const live = (await sourceOf(config)) === 'live';
        const { createConnectorComponent } = await import('@volstream/connector');
        return createConnectorComponent({
          venue: 'deribit',
          // Live: the connector's default public endpoint. Simulated: the simulator's ephemeral port.
          ...(live ? {} : { resolveUrl: () => sim?.simulator()?.url }),
        });
      },
    },
  ];
}

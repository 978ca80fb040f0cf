import { connect } from 'node:net';
import type {
  ComputeComponent,
  ConnectorStatsLike,
  ReportComponent,
  TruthSnapshotLike,
} from '@volstream/pipeline';
import type { Component, ComponentEntry } from './components.ts';
import { storeComponent } from './store-component.ts';

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
  simulator(): { readonly url: string; truth(): unknown } | undefined;
}

/** The slice of the connector component the report needs: its running connector's stats. */
interface ConnectorLike extends Component {
  readonly connector: { stats(): unknown } | undefined;
}

/**
 * What `volstream run` starts, in order (stopped in reverse). Each entry imports its service
 * lazily, so `--help` stays fast. A fresh list per run: entries share state (the simulator's
 * ephemeral URL, the compute thread the connector feeds) through this closure, never through
 * module globals. Order matters: the compute thread is up before the connector publishes into it,
 * and on shutdown the connector stops first, then the report is written (the workers and the
 * simulator's truth still answer), then the compute thread and the simulator stop.
 */
export function runComponents(): ComponentEntry[] {
  let source: Promise<'sim' | 'live'> | undefined;
  let sim: SimulatorLike | undefined;
  let compute: ComputeComponent | undefined;
  let connector: ConnectorLike | undefined;
  let report: ReportComponent | undefined;
  let storing = false;
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
        const seed = config.seed ?? config.simSeed;
        const inner = createSimulatorComponent({
          ...(seed === undefined ? {} : { seed: seed as string }),
          ...(config.simRate === undefined ? {} : { rate: config.simRate as number }),
        });
        const why =
          config.source === 'auto'
            ? `live venue ${DERIBIT_HOST}:443 unreachable, running the built-in Deribit simulator instead`
            : '--source sim: the built-in Deribit simulator';
        sim = {
          name: inner.name,
          async start(ctx) {
            // Loud on purpose: simulated data must never be mistaken for a live market.
            ctx.logger.warn({ source: config.source ?? 'sim' }, `SIMULATED DATA: ${why}`);
            return inner.start(ctx);
          },
          stop: () => inner.stop(),
          simulator: () => inner.simulator(),
        };
        return sim;
      },
    },
    {
      // Before the pipeline so it stops after it (the compute thread's last outputs get stored).
      name: 'store',
      async create(config) {
        if (config.store === false) return undefined;
        storing = true;
        return storeComponent(String(config.dataDir ?? '.volstream'));
      },
    },
    {
      name: 'pipeline',
      async create() {
        const { createComputeComponent } = await import('@volstream/pipeline');
        // Storing: market data and volatility also reach the main bus, where the writer consumes.
        compute = createComputeComponent(storing ? { mirror: true } : {});
        return compute;
      },
    },
    {
      name: 'report',
      async create() {
        const { createReportComponent } = await import('@volstream/pipeline');
        if (compute === undefined) return undefined;
        report = createReportComponent({
          compute,
          connector: () => connector?.connector?.stats() as ConnectorStatsLike | undefined,
          ...(sim === undefined
            ? {}
            : { truth: () => sim?.simulator()?.truth() as TruthSnapshotLike | undefined }),
        });
        return report;
      },
    },
    {
      name: 'gateway',
      async create(config) {
        const { createGatewayComponent } = await import('@volstream/gateway');
        const { setDataSource } = await import('@volstream/dashboard');
        const { reportToPrometheus } = await import('@volstream/pipeline');
        // The dashboard shows its SIMULATED DATA banner from this.
        setDataSource(await sourceOf(config));
        const port = config.port as number | undefined;
        // Started before the connector so it stops after it; an explicit --port never falls back.
        return createGatewayComponent({
          port: port ?? 8080,
          fallbackToEphemeral: port === undefined,
          gateway: {
            // The run report's figures beside the gateway's own on /metrics.
            extraMetrics: () => {
              const current = report?.report();
              return current === undefined ? '' : reportToPrometheus(current);
            },
          },
        });
      },
    },
    {
      name: 'connector-deribit',
      async create(config) {
        const live = (await sourceOf(config)) === 'live';
        const { createConnectorComponent } = await import('@volstream/connector');
        const inner = createConnectorComponent({
          venue: 'deribit',
          // Live: the connector's default public endpoint. Simulated: the simulator's ephemeral port.
          ...(live ? {} : { resolveUrl: () => sim?.simulator()?.url }),
        });
        connector = inner;
        // The connector publishes market data into the compute thread (embedded mode).
        return {
          name: inner.name,
          start: (ctx) => inner.start({ ...ctx, bus: compute?.host()?.ingressBus(ctx.bus) ?? ctx.bus }),
          stop: () => inner.stop(),
        };
      },
    },
  ];
}

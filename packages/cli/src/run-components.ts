import type {
  ComputeComponent,
  ConnectorStatsLike,
  ReportComponent,
  TruthSnapshotLike,
} from '@volstream/pipeline';
import type { Component, ComponentEntry } from './components.ts';
import {
  assertSimulated,
  type RunSource,
  resolveVenueSources,
  runVenues,
  SIM_CONNECTOR_TUNING,
  type VenueSource,
  type VenueStatus,
  VenueStatusBoard,
} from './run-venues.ts';
import { type StoreComponent, storeComponent } from './store-component.ts';

export { canReach, RUN_SOURCES, type RunSource, type VenueStatus } from './run-venues.ts';

/** The slice of the venue simulators the connector entries and the report need. */
interface SimulatorsLike {
  url(venue: string): string | undefined;
  truth(): unknown;
}

/** The slice of a connector component the report and the venue status need: its stats. */
interface ConnectorLike extends Component {
  readonly connector: { stats(): unknown } | undefined;
}

/** The component list of a run, plus each venue's connection state for the gateway/dashboard. */
export type RunComponents = ComponentEntry[] & {
  /** Per venue of the run: source, connected, msgs/s since the previous call, books (connector stats). */
  venueStatus(): VenueStatus[];
};

/**
 * What `volstream run` starts, in order (stopped in reverse). Each entry imports its service
 * lazily, so `--help` stays fast. A fresh list per run: entries share state (the simulator's
 * ephemeral URL, the compute thread the connector feeds) through this closure, never through
 * module globals. Order matters: the compute thread is up before the connector publishes into it,
 * and on shutdown the connectors stop first, then the report is written (the workers and the
 * simulator's truth still answer), then the compute thread and the simulators stop.
 * `config.venues` (default deribit) gives one `connector-<venue>` entry per venue; the simulated
 * venues share one `sim` component (one market model, one clock).
 */
export function runComponents(config: Readonly<Record<string, unknown>> = {}): RunComponents {
  const venues = runVenues(config);
  let sources: Promise<VenueSource[]> | undefined;
  let sims: SimulatorsLike | undefined;
  let simulatedNames: string[] = [];
  let compute: ComputeComponent | undefined;
  const connectors = new Map<string, ConnectorLike>();
  const board = new VenueStatusBoard();
  let report: ReportComponent | undefined;
  let storing = false;
  let store: StoreComponent | undefined;
  const sourcesOf = (cfg: Readonly<Record<string, unknown>>): Promise<VenueSource[]> => {
    sources ??= resolveVenueSources(venues, (cfg.source ?? 'sim') as RunSource);
    return sources;
  };
  /** The run's source as one word (the dashboard banner): `sim` when any venue is simulated. */
  const sourceOf = async (cfg: Readonly<Record<string, unknown>>): Promise<'sim' | 'live'> =>
    (await sourcesOf(cfg)).some((s) => s.source === 'sim') ? 'sim' : 'live';
  const entries: ComponentEntry[] = [
    {
      name: 'sim',
      async create(cfg) {
        const simulated = (await sourcesOf(cfg)).filter((s) => s.source === 'sim');
        if (simulated.length === 0) return undefined;
        simulatedNames = simulated.map((s) => s.venue);
        const { simulatedVenues, startVenueSimulators } = await import('@volstream/exchange-sim');
        assertSimulated(
          simulated.map((s) => s.venue),
          await simulatedVenues(),
        );
        const seed = (cfg.seed ?? cfg.simSeed) as string | undefined;
        let running: Awaited<ReturnType<typeof startVenueSimulators>> | undefined;
        sims = {
          url: (venue) => running?.url(venue),
          truth: () => running?.truth(),
        };
        return {
          name: 'sim',
          async start(ctx) {
            for (const s of simulated) {
              // Loud on purpose: simulated data must never be mistaken for a live market.
              ctx.logger.warn(
                { source: cfg.source ?? 'sim', venue: s.venue },
                `SIMULATED DATA for ${s.venue}: ${s.why}`,
              );
            }
            running = await startVenueSimulators(
              {
                venues: simulated.map((s) => s.venue),
                ...(seed === undefined ? {} : { seed }),
                ...(cfg.simRate === undefined ? {} : { rate: cfg.simRate as number }),
              },
              ctx.logger,
            );
            const urls = running.venues.map((v) => `${v} on ${running?.url(v)}`).join(', ');
            return {
              describe: `simulators sharing one market (seed ${seed ?? '1'}, total rate ${String(cfg.simRate ?? 2000)}/s): ${urls}`,
            };
          },
          async stop() {
            const r = running;
            running = undefined;
            await r?.stop();
          },
        };
      },
    },
    {
      // Before the pipeline so it stops after it (the compute thread's last outputs get stored).
      name: 'store',
      async create(config) {
        if (config.store === false) return undefined;
        storing = true;
        store = storeComponent(
          String(config.dataDir ?? '.volstream'),
          typeof config.spoolMaxBytes === 'number' ? { spoolMaxBytes: config.spoolMaxBytes } : {},
        );
        return store;
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
          connector: () => undefined,
          connectors: () =>
            [...connectors.values()]
              .map((c) => c.connector?.stats() as ConnectorStatsLike | undefined)
              .filter((s) => s !== undefined),
          ...(sims === undefined
            ? {}
            : {
                truth: () => sims?.truth() as TruthSnapshotLike | undefined,
                // A live venue's surface (and a composite with one in it) is not the simulator's.
                truthVenues: [
                  ...simulatedNames,
                  ...(simulatedNames.length === venues.length ? ['composite'] : []),
                ],
              }),
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
        const source = await sourceOf(config);
        // Deprecated: the dashboard reads /v1/status now; kept until its page stops using this.
        setDataSource(source);
        const port = config.port as number | undefined;
        // Started before the connector so it stops after it; an explicit --port never falls back.
        return createGatewayComponent({
          port: port ?? 8080,
          fallbackToEphemeral: port === undefined,
          // /v1/status: the run's source, each connector's own state, the store's backlog;
          // /v1/history/... from the run's store (503 HISTORY_UNAVAILABLE with --no-store).
          source,
          venueStatus: () => board.status(),
          history: () => store?.history(),
          storeStatus: () => store?.status(),
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
  ];
  for (const venue of venues) {
    entries.push({
      name: `connector-${venue}`,
      async create(cfg) {
        const source = (await sourcesOf(cfg)).find((s) => s.venue === venue)?.source ?? 'sim';
        const { createConnectorComponent } = await import('@volstream/connector');
        const inner = createConnectorComponent({
          venue,
          // Live: the connector's default public endpoint. Simulated: the simulator's ephemeral port.
          ...(source === 'live'
            ? {}
            : {
                resolveUrl: () => sims?.url(venue),
                ...(SIM_CONNECTOR_TUNING[venue] === undefined ? {} : { tuning: SIM_CONNECTOR_TUNING[venue] }),
              }),
        });
        connectors.set(venue, inner);
        board.add(venue, source, () => inner.connector?.stats());
        // The connector publishes market data into the compute thread (embedded mode).
        return {
          name: inner.name,
          start: (ctx) => inner.start({ ...ctx, bus: compute?.host()?.ingressBus(ctx.bus) ?? ctx.bus }),
          stop: () => inner.stop(),
        };
      },
    });
  }
  return Object.assign(entries, { venueStatus: () => board.status() });
}

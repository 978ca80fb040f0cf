/**
 * `volstream run` components of the pipeline (the CLI's `{ name, start(ctx), stop() }` shape,
 * packages/cli/src/components.ts, restated structurally so this service does not depend on the CLI):
 * `compute` hosts the three workers in a worker thread; `report` writes the run report and serves
 * the metrics.
 */
import { writeFile } from 'node:fs/promises';
import type { Bus } from '@volstream/bus';
import type { Logger } from '@volstream/logging';
import { type ComputeHost, type ComputeHostOptions, startComputeHost } from './compute-host.ts';
import { type MetricsServer, startMetricsServer } from './metrics-server.ts';
import { type ConnectorStatsLike, type RunReport, RunReportCollector } from './report.ts';
import type { ComputeStats } from './thread-protocol.ts';
import type { TruthSnapshotLike } from './truth-check.ts';

export interface PipelineComponentContext {
  readonly bus: Bus;
  readonly config: Readonly<Record<string, unknown>>;
  readonly logger: Logger;
  readonly signal: AbortSignal;
}

export interface ComputeComponent {
  readonly name: string;
  start(ctx: PipelineComponentContext): Promise<{ describe: string }>;
  stop(): Promise<void>;
  host(): ComputeHost | undefined;
  /** The workers' stats: live while running, final after stop. */
  stats(): Promise<ComputeStats | undefined>;
}

export function createComputeComponent(options: ComputeHostOptions = {}): ComputeComponent {
  let host: ComputeHost | undefined;
  let final: ComputeStats | undefined;
  return {
    name: 'pipeline',
    async start(ctx) {
      const transport = ctx.bus.transport;
      host = await startComputeHost(
        {
          ...options,
          transport,
          ...(transport === 'kafka' ? { brokers: (ctx.config.brokers as string[] | undefined) ?? [] } : {}),
          kafkaIdempotent: ctx.config.kafkaIdempotent === true,
        },
        { bus: ctx.bus, logger: ctx.logger },
      );
      const back = options.mirror === true ? 'volatility and surfaces' : 'surfaces';
      const where =
        transport === 'inprocess'
          ? `market data in over MessagePort${options.mirror === true ? ' (and onto the main bus)' : ''}, ${back} back onto the main bus`
          : 'its own kafka clients';
      return { describe: `compute thread: ${host.describe} (${where}); main thread keeps the connector` };
    },
    async stop() {
      const h = host;
      host = undefined;
      final = (await h?.stop()) ?? final;
    },
    host: () => host,
    stats: async () => (host === undefined ? final : host.stats().catch(() => final)),
  };
}

export interface ReportComponentOptions {
  compute: ComputeComponent;
  connector(): ConnectorStatsLike | undefined;
  /** Every venue's connector stats (multi-venue runs); wins over `connector`. */
  connectors?(): ConnectorStatsLike[];
  truth?(): TruthSnapshotLike | undefined;
  /** Surface venues compared with the truth (RunReportSources.truthVenues); default all. */
  truthVenues?: readonly string[];
}

export interface ReportComponent {
  readonly name: string;
  start(ctx: PipelineComponentContext): Promise<{ describe: string }>;
  stop(): Promise<void>;
  report(): RunReport | undefined;
}

/** Writes `config.report` (a path) at stop and serves `config.metricsPort`; idle without either. */
export function createReportComponent(options: ReportComponentOptions): ReportComponent {
  let collector: RunReportCollector | undefined;
  let server: MetricsServer | undefined;
  let path: string | undefined;
  let logger: Logger | undefined;
  return {
    name: 'report',
    async start(ctx) {
      path = ctx.config.report as string | undefined;
      const port = ctx.config.metricsPort as number | undefined;
      if (path === undefined && port === undefined)
        return { describe: 'run report off (no --report or --metrics-port)' };
      logger = ctx.logger;
      const { load } = await import('svi-core');
      const seed = (ctx.config.seed ?? ctx.config.simSeed) as string | undefined;
      collector = new RunReportCollector(
        await load(),
        {
          connector: options.connector,
          ...(options.connectors === undefined ? {} : { connectors: options.connectors }),
          compute: () => options.compute.stats(),
          ...(options.truth === undefined ? {} : { truth: options.truth }),
          ...(options.truthVenues === undefined ? {} : { truthVenues: options.truthVenues }),
        },
        { source: String(ctx.config.source ?? 'unknown'), ...(seed === undefined ? {} : { seed }) },
        ctx.logger,
      );
      await collector.start(ctx.bus);
      const c = collector;
      if (port !== undefined) server = await startMetricsServer(() => c.report(), port);
      const parts = [
        ...(path === undefined ? [] : [`report to ${path} at exit`]),
        ...(server === undefined ? [] : [`metrics on ${server.url}/metrics`]),
      ];
      return { describe: `run report: ${parts.join('; ')} (surfaces re-checked on the main thread)` };
    },
    async stop() {
      if (collector === undefined) return;
      await collector.stop(await options.compute.stats());
      await server?.close();
      if (path !== undefined) {
        const report = collector.report();
        await writeFile(path, `${JSON.stringify(report, null, 2)}\n`);
        logger?.info(
          {
            path,
            msgsPerSec: Math.round(report.throughput.msgsPerSec),
            latencyMs: report.latencyMs,
            arbitrage: [report.arbitrage.butterflyViolations, report.arbitrage.calendarViolations],
            truth: report.truth && [report.truth.atmVolErrVolPts, report.truth.rr25ErrVolPts],
          },
          `run report written to ${path}`,
        );
      }
    },
    report: () => collector?.report(),
  };
}

/**
 * @volstream/pipeline: the embedded mode's compute host (workers in a worker thread), the run
 * report and its Prometheus exposition (docs/PIPELINE.md "Modes", "Run report").
 */
export { type ArbitrageCount, checkArbitrage, type SliceParams } from './arbitrage-check.ts';
export {
  type ComputeComponent,
  createComputeComponent,
  createReportComponent,
  type PipelineComponentContext,
  type ReportComponent,
  type ReportComponentOptions,
} from './components.ts';
export { type ComputeHost, type ComputeHostOptions, startComputeHost } from './compute-host.ts';
export { LatencySamples } from './latency.ts';
export { type MetricsServer, startMetricsServer } from './metrics-server.ts';
export { reportToPrometheus } from './prometheus.ts';
export {
  type CompositeReport,
  type ConnectorStatsLike,
  type RunReport,
  RunReportCollector,
  type RunReportOptions,
  type RunReportSources,
  type VenueArbitrage,
  type VenueConnectorReport,
} from './report.ts';
export { type ComputeStats, STAGES, type Stage, type StageSettings } from './thread-protocol.ts';
export {
  type ExpiryError,
  MIN_COUNTED_YEARS,
  type MultiVenueTruthSummary,
  type TruthSnapshotLike,
  type TruthSummary,
  TruthTracker,
  type VenueTruthSummary,
} from './truth-check.ts';
export { packRecords, unpackRecords, type WireBatch } from './wire.ts';

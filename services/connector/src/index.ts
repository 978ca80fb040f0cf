export { build, type Connector, type ConnectorDeps, type ConnectorOptions, createConnector } from './app.ts';
export { Backoff } from './backoff.ts';
export { createReceiveClock, type ReceiveClock } from './clock.ts';
export {
  type ConnectorComponent,
  type ConnectorComponentContext,
  type ConnectorComponentOptions,
  createConnectorComponent,
} from './component.ts';
export { type ConnectorStats, DROP_REASONS, type DropReason, toPrometheus } from './metrics.ts';
export { CONNECTOR_OPTIONS } from './options.ts';
export { getVenue, VENUES, venueNames } from './registry.ts';
export { type ConnectorConfig, type RunningConnector, runConnector } from './run.ts';
export { busSink, CollectingSink, type EventSink, FileSink, type MarketDataProducer } from './sink.ts';
export type { VenueDefinition, VenueFeed, VenueOptions } from './venue.ts';
export { isUnsyncedMarker } from './venues/deribit/index.ts';

export {
  build,
  DEFAULT_GATEWAY_OPTIONS,
  DEFAULT_STREAM_LIMITS,
  type Gateway,
  type GatewayDeps,
  type GatewayOptions,
} from './app.ts';
export { AccessControl, TokenBucket } from './auth.ts';
export {
  createGatewayComponent,
  type GatewayComponentContext,
  type GatewayComponentOptions,
} from './component.ts';
export { CLOSE_CODES, GATEWAY_ERRORS, GatewayError, type GatewayErrorCode } from './errors.ts';
export { GatewayMetrics } from './metrics.ts';
export {
  DEFAULT_MAX_POINTS,
  DEFAULT_WINDOW_MS,
  MAX_EPOCH_MS,
  MAX_POINTS_CEILING,
  registerHistoryRoutes,
} from './rest/history-routes.ts';
export type {
  HistoryExpiryMetric,
  HistoryPointLike,
  HistoryRangeLike,
  HistorySource,
  HistoryTenorMetric,
  SeriesOptionsLike,
} from './rest/history-source.ts';
export { OPENAPI_DOCUMENT } from './rest/openapi.ts';
export { type StoreStatus, sourceFromEnv } from './rest/status-route.ts';
export {
  type DataSourceKind,
  mergeVenues,
  STALE_AFTER_MS,
  StatusTracker,
  type VenueReport,
  type VenueStatus,
} from './rest/status-tracker.ts';
export { type ChangeListener, type StateChange, StateStore } from './state-store.ts';
export { decodeClient, encodeServer, encodeUpdate, type WireFormat } from './stream/codec.ts';
export type { StreamLimits } from './stream/session.ts';
export { STREAM_PATH } from './stream/stream-server.ts';

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
export { OPENAPI_DOCUMENT } from './rest/openapi.ts';
export { type ChangeListener, type StateChange, StateStore } from './state-store.ts';
export { decodeClient, encodeServer, encodeUpdate, type WireFormat } from './stream/codec.ts';
export type { StreamLimits } from './stream/session.ts';
export { STREAM_PATH } from './stream/stream-server.ts';

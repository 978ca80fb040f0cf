/**
 * @volstream/client: typed client of the volstream gateway. REST (RestClient) and the protobuf
 * websocket stream (StreamClient: reconnect with backoff, resubscribe, gap -> snapshot).
 */
export {
  GatewayApiError,
  type Instrument,
  RestClient,
  type RestClientOptions,
  type SurfaceSummary,
} from './rest-client.ts';
export {
  type ClientSubscription,
  StreamClient,
  type StreamClientOptions,
  type StreamFilterInit,
  type StreamStats,
  type SubscriptionHandlers,
} from './stream-client.ts';
export { resolveWebSocket, type WebSocketConstructor, type WebSocketLike } from './websocket.ts';

/**
 * @volstream/contracts: the generated Protobuf contracts (proto/volstream/v1, protoc-gen-es) and the
 * topic registry. Build messages with `create(Schema, init)`; move them with TOPICS[...].encode/decode.
 */
export { clone, create, equals, fromBinary, fromJson, toBinary, toJson } from '@bufbuild/protobuf';
export { type EventIdPart, eventId, fnv1a64Hex } from './event-id.ts';
export { decodeOrderBookEvent } from './fast/decode-orderbook.ts';
export { decodeVolatilityEvent } from './fast/decode-volatility.ts';
export { encodeOrderBookEvent } from './fast/encode-orderbook.ts';
export { encodeVolatilityEvent } from './fast/encode-volatility.ts';
export * from './gen/volstream/v1/events_pb.ts';
export * from './gen/volstream/v1/header_pb.ts';
export * from './gen/volstream/v1/instrument_pb.ts';
export * from './gen/volstream/v1/marketdata_pb.ts';
export * from './gen/volstream/v1/orderbook_pb.ts';
export * from './gen/volstream/v1/smile_pb.ts';
export * from './gen/volstream/v1/stream_pb.ts';
export * from './gen/volstream/v1/surface_pb.ts';
export * from './gen/volstream/v1/volatility_pb.ts';
export {
  type HeaderInit,
  LIVE_RUN_ID,
  newHeader,
  nowNs,
  SCHEMA_VERSION,
  SUPPORTED_SCHEMA_VERSIONS,
} from './header.ts';
export {
  expiryKey,
  marketDataKey,
  NO_EXPIRY_KEY,
  orderBookKey,
  surfaceKey,
  volatilityKey,
} from './keys.ts';
export { finiteOrAbsent, presentField } from './missing.ts';
export { type SampleEvents, sampleEvents } from './samples.ts';
export { type ProtoTopicInit, type ProtoTopicSpec, protoTopic, type TopicSpec } from './topic-spec.ts';
export { TOPIC_NAMES, TOPICS, type TopicKey, type TopicMessages, topicByName } from './topics.ts';

import { type DescMessage, fromBinary, type MessageShape, toBinary, toJson } from '@bufbuild/protobuf';
import { VolstreamError } from '@volstream/errors';
import type { EventHeader } from './gen/volstream/v1/header_pb.ts';
import { SUPPORTED_SCHEMA_VERSIONS } from './header.ts';

/**
 * What the bus needs to know about a topic, with no protobuf types in sight: the bus moves bytes
 * and keys, the spec converts. One spec per topic, gathered in TOPICS (topics.ts).
 */
export interface TopicSpec<T> {
  /** Versioned topic name, e.g. 'volstream.marketdata.v1'. */
  readonly name: string;
  /** Default partition count for topic creation. */
  readonly partitions: number;
  /** Documented production retention, ms (docs/CONTRACTS.md). */
  readonly retentionMs: number;
  /** Whether the topic is log-compacted by key. */
  readonly compacted: boolean;
  encode(value: T): Uint8Array;
  /**
   * Throws VolstreamError BUS_DECODE_FAILED on undecodable bytes or a missing header, and
   * CONTRACT_UNSUPPORTED_SCHEMA_VERSION when header.schema_version is not one this code knows.
   */
  decode(bytes: Uint8Array): T;
  /** Partition key (keys.ts). */
  keyOf(value: T): string;
  /** Protobuf JSON mapping, for `volstream tap` and logs. */
  toJson(value: T): unknown;
}

/** Every envelope has `EventHeader header = 1`. */
type Envelope = DescMessage & { readonly typeName: string };
type WithHeader = { header?: EventHeader | undefined };

export interface ProtoTopicInit<Desc extends Envelope> {
  name: string;
  partitions: number;
  retentionMs: number;
  compacted: boolean;
  schema: Desc;
  keyOf(value: MessageShape<Desc>): string;
}

/** A TopicSpec that also exposes its message schema (for create()/equals() in protobuf-aware code). */
export interface ProtoTopicSpec<Desc extends Envelope> extends TopicSpec<MessageShape<Desc>> {
  readonly schema: Desc;
}

/**
 * Wire format: the value is the protobuf binary encoding of the envelope message (no framing, no
 * magic byte); the schema version travels inside it (header.schema_version), the message type is
 * implied by the topic name.
 */
export function protoTopic<Desc extends Envelope>(init: ProtoTopicInit<Desc>): ProtoTopicSpec<Desc> {
  const { schema, name } = init;
  return {
    name,
    partitions: init.partitions,
    retentionMs: init.retentionMs,
    compacted: init.compacted,
    schema,
    keyOf: init.keyOf,
    encode: (value) => toBinary(schema, value),
    decode: (bytes) => {
      let value: MessageShape<Desc>;
      try {
        value = fromBinary(schema, bytes);
      } catch (cause) {
        throw new VolstreamError(
          'BUS_DECODE_FAILED',
          `Expected a protobuf ${schema.typeName} on ${name}, was undecodable (${bytes.length} bytes)`,
          { cause, context: { topic: name, bytes: bytes.length } },
        );
      }
      const header = (value as WithHeader).header;
      if (header === undefined) {
        throw new VolstreamError(
          'BUS_DECODE_FAILED',
          `Expected a ${schema.typeName} with a header on ${name}, was one without header`,
          { context: { topic: name, bytes: bytes.length } },
        );
      }
      if (!SUPPORTED_SCHEMA_VERSIONS.has(header.schemaVersion)) {
        throw new VolstreamError(
          'CONTRACT_UNSUPPORTED_SCHEMA_VERSION',
          `Expected schema_version in [${[...SUPPORTED_SCHEMA_VERSIONS].join(', ')}] on ${name}, was ${header.schemaVersion}`,
          {
            context: {
              topic: name,
              schemaVersion: header.schemaVersion,
              eventId: header.eventId,
              producerId: header.producerId,
            },
          },
        );
      }
      return value;
    },
    toJson: (value) => toJson(schema, value),
  };
}

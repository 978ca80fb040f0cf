/**
 * A topic spec whose encode/decode go through a hand-written codec, byte-identical to protobuf-es
 * (decode-*.ts return exactly what fromBinary returns, or undefined to hand the bytes back). The
 * header checks stay those of protoTopic: a message the fast decoder does not handle, without
 * header or with an unknown schema version is decoded again by the spec's own decode, which
 * decodes it or throws its usual error.
 */
import type { DescMessage, MessageShape } from '@bufbuild/protobuf';
import type { EventHeader } from '../gen/volstream/v1/header_pb.ts';
import { SUPPORTED_SCHEMA_VERSIONS } from '../header.ts';
import type { ProtoTopicSpec } from '../topic-spec.ts';

export function withFastCodec<Desc extends DescMessage & { readonly typeName: string }>(
  spec: ProtoTopicSpec<Desc>,
  encode: (value: MessageShape<Desc>) => Uint8Array,
  decode: (bytes: Uint8Array) => MessageShape<Desc> | undefined,
): ProtoTopicSpec<Desc> {
  return {
    ...spec,
    encode,
    decode: (bytes) => {
      const event = decode(bytes);
      const header = (event as { header?: EventHeader } | undefined)?.header;
      if (event !== undefined && header !== undefined && SUPPORTED_SCHEMA_VERSIONS.has(header.schemaVersion))
        return event;
      return spec.decode(bytes);
    },
  };
}

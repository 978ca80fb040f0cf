import { fromBinary, fromJson, type JsonValue, toBinary, toJson } from '@bufbuild/protobuf';
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import {
  type ClientMessage,
  ClientMessageSchema,
  type ServerMessage,
  ServerMessageSchema,
  type Smile,
  SmileSchema,
  type Surface,
  SurfaceSchema,
} from '@volstream/contracts';
import { GatewayError } from '../errors.ts';

export type WireFormat = 'protobuf' | 'json';

/**
 * Wire format of /v1/stream frames. Binary frame = one protobuf `ServerMessage` /
 * `ClientMessage` (stream.proto). Text frame = the same message in the protobuf JSON mapping
 * (int64 as decimal strings, enums by name). Updates dominate the traffic and differ per subscriber
 * only in subscription_id and sequence, so the payload (Smile or Surface) is encoded once per object
 * and spliced in: a protobuf message is the concatenation of its fields, so
 *   ServerMessage{update=2: Update{subscription_id=1, sequence=2, smile=3 | surface=4}}
 * is written as tag(2,LEN) len [tag(1,LEN) id tag(2,VARINT) seq tag(3|4,LEN) payload-bytes].
 */
const binaryCache = new WeakMap<object, Uint8Array>();
const jsonCache = new WeakMap<object, string>();

function payloadBytes(payload: { smile: Smile } | { surface: Surface }): Uint8Array {
  const obj = 'smile' in payload ? payload.smile : payload.surface;
  let bytes = binaryCache.get(obj);
  if (bytes === undefined) {
    bytes =
      'smile' in payload ? toBinary(SmileSchema, payload.smile) : toBinary(SurfaceSchema, payload.surface);
    binaryCache.set(obj, bytes);
  }
  return bytes;
}

/** The payload's JSON text, serialised once per object. */
function payloadJson(payload: { smile: Smile } | { surface: Surface }): string {
  const obj = 'smile' in payload ? payload.smile : payload.surface;
  let json = jsonCache.get(obj);
  if (json === undefined) {
    json = JSON.stringify(
      'smile' in payload ? toJson(SmileSchema, payload.smile) : toJson(SurfaceSchema, payload.surface),
    );
    jsonCache.set(obj, json);
  }
  return json;
}

/** One Update frame, payload encoded at most once per object whatever the number of subscribers. */
export function encodeUpdate(
  format: WireFormat,
  subscriptionId: string,
  sequence: bigint,
  payload: { smile: Smile } | { surface: Surface },
): Uint8Array | string {
  if (format === 'json') {
    // Same splice in text: {"update":{"subscriptionId":…,"sequence":"n","smile"|"surface":<payload>}}.
    const field = 'smile' in payload ? 'smile' : 'surface';
    return `{"update":{"subscriptionId":${JSON.stringify(subscriptionId)},"sequence":"${sequence}","${field}":${payloadJson(payload)}}}`;
  }
  // Only the small heads go through BinaryWriter; the payload is copied once, straight into place.
  const bytes = payloadBytes(payload);
  const innerHead = new BinaryWriter()
    .tag(1, WireType.LengthDelimited)
    .string(subscriptionId)
    .tag(2, WireType.Varint)
    .uint64(sequence)
    .tag('smile' in payload ? 3 : 4, WireType.LengthDelimited)
    .uint32(bytes.length)
    .finish();
  const innerLength = innerHead.length + bytes.length;
  const outerHead = new BinaryWriter().tag(2, WireType.LengthDelimited).uint32(innerLength).finish();
  const frame = new Uint8Array(outerHead.length + innerLength);
  frame.set(outerHead, 0);
  frame.set(innerHead, outerHead.length);
  frame.set(bytes, outerHead.length + innerHead.length);
  return frame;
}

/** Any other ServerMessage (snapshot, unsubscribed, error). */
export function encodeServer(format: WireFormat, message: ServerMessage): Uint8Array | string {
  return format === 'json'
    ? JSON.stringify(toJson(ServerMessageSchema, message))
    : toBinary(ServerMessageSchema, message);
}

/** Decodes one client frame (binary: protobuf, text: JSON) or throws STREAM_BAD_MESSAGE. */
export function decodeClient(data: Uint8Array | string): ClientMessage {
  try {
    if (typeof data === 'string') return fromJson(ClientMessageSchema, JSON.parse(data) as JsonValue);
    return fromBinary(ClientMessageSchema, data);
  } catch (error) {
    const detail =
      typeof data === 'string' ? 'text that is not a ClientMessage in JSON' : 'bytes that do not decode';
    throw new GatewayError('STREAM_BAD_MESSAGE', {
      detail: `${detail} (${(error as Error).message.slice(0, 120)})`,
    });
  }
}

/**
 * Hand-written encoder of VolatilityEvent (proto/volstream/v1/events.proto, volatility.proto): the
 * volatility worker's VolQuoteBatch (one per currency:expiry, up to thousands of VolQuotes with
 * nested Greeks), byte-identical to protobuf-es `toBinary(VolatilityEventSchema, m)`
 * (test/fast-volatility.test.ts). Rules as in encode-marketdata.ts: fields in number order,
 * implicit scalars omitted at zero (doubles: +0 only), `optional` fields and message fields written
 * whenever set, one record per repeated element, unknown fields last.
 *
 * The worker builds its batches as plain object literals of these shapes (no protobuf-es
 * `create`), so encoding them never touches protobuf-es reflection.
 */
import type { VolatilityEvent } from '../gen/volstream/v1/events_pb.ts';
import type { VolQuoteBatch } from '../gen/volstream/v1/volatility_pb.ts';
import { dbl, enm, i64, str, u32, unknownFields, writeHeader } from './header-codec.ts';
import { QuoteWriter } from './quote-writer.ts';
import { ProtoWriter, WIRE_LEN } from './writer.ts';

const writer = new ProtoWriter();
const quoteWriter = new QuoteWriter();

/** VolQuoteBatch, fields 1-10. */
function quoteBatch(w: ProtoWriter, b: VolQuoteBatch): void {
  str(w, 1, b.currency);
  i64(w, 2, b.expiryMs);
  dbl(w, 3, b.forward);
  enm(w, 4, b.forwardSource);
  dbl(w, 5, b.timeToExpiryYears);
  // The quotes (nearly all the bytes) go through the specialised QuoteWriter, then one copy.
  const quotes = b.quotes;
  quoteWriter.pos = 0;
  for (let i = 0; i < quotes.length; i++) quoteWriter.quote(quotes[i]!);
  w.raw(quoteWriter.buf.subarray(0, quoteWriter.pos));
  u32(w, 7, b.computedCount);
  u32(w, 8, b.approximatedCount);
  u32(w, 9, b.skippedCount);
  dbl(w, 10, b.computeTimeUs);
  unknownFields(w, b.$unknown);
}

/**
 * The protobuf binary encoding of a VolatilityEvent, byte-identical to
 * `toBinary(VolatilityEventSchema, event)`. Returns a view into the writer's slab that the caller
 * owns (writer.ts "Output memory"): read it through byteOffset/byteLength.
 */
export function encodeVolatilityEvent(event: VolatilityEvent): Uint8Array {
  const w = writer;
  w.reset();
  if (event.header !== undefined) {
    w.tag(1, WIRE_LEN);
    const at = w.fork();
    writeHeader(w, event.header);
    w.join(at);
  }
  if (event.payload.case === 'quoteBatch') {
    w.tag(2, WIRE_LEN);
    const at = w.fork();
    quoteBatch(w, event.payload.value);
    w.join(at);
  }
  unknownFields(w, event.$unknown);
  return w.finish();
}

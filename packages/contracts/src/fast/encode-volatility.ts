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
import type { Greeks, VolQuote, VolQuoteBatch } from '../gen/volstream/v1/volatility_pb.ts';
import { bool, dbl, enm, i64, optDbl, str, u32, unknownFields, writeHeader } from './header-codec.ts';
import { ProtoWriter, WIRE_LEN } from './writer.ts';

const writer = new ProtoWriter();

function greeks(w: ProtoWriter, g: Greeks): void {
  optDbl(w, 1, g.deltaForward);
  optDbl(w, 2, g.deltaPremiumAdjusted);
  optDbl(w, 3, g.gamma);
  optDbl(w, 4, g.vega);
  optDbl(w, 5, g.theta);
  unknownFields(w, g.$unknown);
}

/** VolQuote, fields 1-28. */
function volQuote(w: ProtoWriter, q: VolQuote): void {
  str(w, 1, q.instrumentName);
  dbl(w, 2, q.strike);
  enm(w, 3, q.optionType);
  i64(w, 4, q.expiryMs);
  optDbl(w, 5, q.bidIv);
  optDbl(w, 6, q.askIv);
  optDbl(w, 7, q.midIv);
  optDbl(w, 8, q.markIv);
  optDbl(w, 9, q.bidPrice);
  optDbl(w, 10, q.askPrice);
  optDbl(w, 11, q.markPrice);
  enm(w, 12, q.priceUnit);
  if (q.greeks !== undefined) {
    w.tag(13, WIRE_LEN);
    const at = w.fork();
    greeks(w, q.greeks);
    w.join(at);
  }
  dbl(w, 14, q.forward);
  enm(w, 15, q.forwardSource);
  dbl(w, 16, q.timeToExpiryYears);
  enm(w, 17, q.valuationClock);
  i64(w, 18, q.valuationTimeMs);
  dbl(w, 19, q.logMoneyness);
  bool(w, 20, q.approximated);
  bool(w, 21, q.skipped);
  bool(w, 22, q.stale);
  bool(w, 23, q.crossed);
  bool(w, 24, q.belowTick);
  str(w, 25, q.skipReason);
  optDbl(w, 26, q.venueMarkIv);
  optDbl(w, 27, q.bidAmount);
  optDbl(w, 28, q.askAmount);
  unknownFields(w, q.$unknown);
}

/** VolQuoteBatch, fields 1-10. */
function quoteBatch(w: ProtoWriter, b: VolQuoteBatch): void {
  str(w, 1, b.currency);
  i64(w, 2, b.expiryMs);
  dbl(w, 3, b.forward);
  enm(w, 4, b.forwardSource);
  dbl(w, 5, b.timeToExpiryYears);
  const quotes = b.quotes;
  for (let i = 0; i < quotes.length; i++) {
    w.tag(6, WIRE_LEN);
    const at = w.fork();
    volQuote(w, quotes[i]!);
    w.join(at);
  }
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

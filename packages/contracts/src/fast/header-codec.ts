/**
 * EventHeader (proto/volstream/v1/header.proto, fields 1-9) and the field helpers shared by every
 * hand-written codec (marketdata, orderbook and volatility topics, encoders and decoders):
 * implicit-presence fields omitted at their zero value, unknown fields last on encode; the decoder
 * gives up (GIVE_UP) on anything fromBinary would treat otherwise.
 */
import type { UnknownField } from '@bufbuild/protobuf';
import type { EventHeader } from '../gen/volstream/v1/header_pb.ts';
import { GIVE_UP, type Reader } from './reader.ts';
import { type ProtoWriter, WIRE_I64, WIRE_LEN, WIRE_VARINT } from './writer.ts';

/** Unknown fields kept by a decoded message go out after the known ones, as protobuf-es does. */
export function unknownFields(w: ProtoWriter, unknown: UnknownField[] | undefined): void {
  if (unknown === undefined) return;
  for (const { no, wireType, data } of unknown) {
    w.tag(no, wireType);
    w.raw(data);
  }
}

// Implicit-presence helpers: omitted at the zero value (doubles: +0 only, Object.is as protobuf-es).
export function str(w: ProtoWriter, no: number, v: string): void {
  if (v !== '') {
    w.tag(no, WIRE_LEN);
    w.string(v);
  }
}
export function i64(w: ProtoWriter, no: number, v: bigint): void {
  if (v !== 0n) {
    w.tag(no, WIRE_VARINT);
    w.int64(v);
  }
}
export function enm(w: ProtoWriter, no: number, v: number): void {
  if (v !== 0) {
    w.tag(no, WIRE_VARINT);
    w.int32(v);
  }
}
export function u32(w: ProtoWriter, no: number, v: number): void {
  if (v !== 0) {
    w.tag(no, WIRE_VARINT);
    w.uint32(v);
  }
}
export function bool(w: ProtoWriter, no: number, v: boolean): void {
  if (v) {
    w.tag(no, WIRE_VARINT);
    w.uint32(1);
  }
}
export function dbl(w: ProtoWriter, no: number, v: number): void {
  if (!Object.is(v, 0)) {
    w.tag(no, WIRE_I64);
    w.double(v);
  }
}

// Explicit-presence (`optional`) helpers: written whenever set, even at zero.
export function optDbl(w: ProtoWriter, no: number, v: number | undefined): void {
  if (v !== undefined) {
    w.tag(no, WIRE_I64);
    w.double(v);
  }
}
export function optI64(w: ProtoWriter, no: number, v: bigint | undefined): void {
  if (v !== undefined) {
    w.tag(no, WIRE_VARINT);
    w.int64(v);
  }
}

/** Header body, fields 1-9 (the caller writes tag and length). */
export function writeHeader(w: ProtoWriter, h: EventHeader): void {
  i64(w, 1, h.exchangeTimeMs);
  i64(w, 2, h.receiveTimeNs);
  str(w, 3, h.venue);
  i64(w, 4, h.sourceSequence);
  str(w, 5, h.producerId);
  str(w, 6, h.eventId);
  u32(w, 7, h.schemaVersion);
  i64(w, 8, h.publishTimeNs);
  str(w, 9, h.runId);
  unknownFields(w, h.$unknown);
}

/** Expects `wireType` for a known field, else gives up (fromBinary decides what it means). */
export function wire(tag: number, wireType: number): void {
  if ((tag & 7) !== wireType) throw GIVE_UP;
}

/** Header body up to `end`, as fromBinary builds it. */
export function readHeader(r: Reader, end: number): EventHeader {
  const h: EventHeader = {
    $typeName: 'volstream.v1.EventHeader',
    exchangeTimeMs: 0n,
    receiveTimeNs: 0n,
    venue: '',
    sourceSequence: 0n,
    producerId: '',
    eventId: '',
    schemaVersion: 0,
    publishTimeNs: 0n,
    runId: '',
  };
  while (r.pos < end) {
    const tag = r.varint();
    const no = tag >>> 3;
    if (no === 1 || no === 2 || no === 8) {
      wire(tag, 0);
      const v = r.int64();
      if (no === 1) h.exchangeTimeMs = v;
      else if (no === 2) h.receiveTimeNs = v;
      else h.publishTimeNs = v;
    } else if (no === 4) {
      wire(tag, 0);
      h.sourceSequence = r.uint64();
    } else if (no === 7) {
      wire(tag, 0);
      h.schemaVersion = r.varint();
    } else {
      wire(tag, 2);
      if (no === 3) h.venue = r.string();
      else if (no === 5) h.producerId = r.string();
      else if (no === 6) h.eventId = r.string();
      else if (no === 9) h.runId = r.string();
      else throw GIVE_UP;
    }
  }
  if (r.pos !== end) throw GIVE_UP; // a field ran past its message
  return h;
}

/** A bool as fromBinary reads it: any non-zero varint is true. */
export function readBool(r: Reader): boolean {
  const lo = r.varint();
  return lo !== 0 || r.hi !== 0;
}

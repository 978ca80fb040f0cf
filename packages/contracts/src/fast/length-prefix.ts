/**
 * Back-patching a length-delimited field's length (https://protobuf.dev/programming-guides/encoding/#length-types):
 * the writers reserve one byte before a body, write the body, then patch its minimal varint length
 * in. A body of 128 bytes or more needs a longer varint, so the body moves right to make room.
 * Shared by ProtoWriter (writer.ts) and QuoteWriter (quote-writer.ts), which grow their buffers
 * differently and so call this after making room themselves.
 */

/** Bytes a minimal varint of `len` needs beyond the one reserved (0 below 128). */
export function extraLengthBytes(len: number): number {
  let extra = 0;
  while (len >= 2 ** (7 * (extra + 1))) extra++;
  return extra;
}

/**
 * Moves the body `[start, end)` right by `extra` bytes and writes `len` (= end − start) as a varint
 * from `start − 1`. The caller has made room for `extra` more bytes and advances its position by it.
 */
export function writeLengthBefore(buf: Uint8Array, start: number, end: number, extra: number): void {
  if (extra > 0) buf.copyWithin(start + extra, start, end);
  let at = start - 1;
  let v = end - start;
  while (v > 0x7f) {
    buf[at++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  buf[at] = v;
}

/**
 * A minimal protobuf wire writer over one reusable, growable Uint8Array, for the hand-written
 * encoders of the hottest events (encode-marketdata.ts). It produces exactly the bytes protobuf-es
 * `toBinary` produces (node_modules/@bufbuild/protobuf/dist/esm/wire/binary-encoding.js):
 *
 *   tag                = varint(field_number << 3 | wire_type)
 *   wire type 0 VARINT = uint32/enum: minimal varint; negative int32/enum: sign-extended to 10 bytes;
 *                        int64/uint64: varint of the 64-bit two's complement (negative = 10 bytes)
 *   wire type 1 I64    = double: 8 bytes little-endian IEEE 754 (NaN, ±inf, −0 as DataView writes them)
 *   wire type 2 LEN    = varint(byte length) + bytes: UTF-8 strings (lone surrogates -> U+FFFD, as
 *                        TextEncoder), nested messages; the length varint is always minimal
 *
 * Nested messages are written in place: fork() reserves one length byte, join() fills it and, for
 * the rare body of 128 bytes or more, moves the body right by the extra length bytes. That avoids
 * protobuf-es's per-fork chunk arrays, which is where most of its time goes.
 *
 * Output memory: messages are written straight into a 64 KiB slab and handed out as views of it
 * (like Node's Buffer pool), because allocating one small typed array per message costs more than
 * encoding it. Each view is the caller's for good (later messages go after it, never over it); read
 * it through byteOffset/byteLength like any Uint8Array view. A new slab starts when less than 16 KiB
 * is left, or when a message outgrows the slab (the message so far is copied over).
 *
 * Not re-entrant: one encode at a time per writer (encoding is synchronous, so a module-level writer
 * is safe in one thread).
 */

import { extraLengthBytes, writeLengthBefore } from './length-prefix.ts';

const TWO_POW_32 = 4_294_967_296;
const MAX_SAFE = 0x1f_ffff_ffff_ffffn;
const MIN_SAFE = -0x1f_ffff_ffff_ffffn;

export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;

export class ProtoWriter {
  private buf: Uint8Array;
  private view: DataView;
  /** Start of the message being written, in buf. */
  private base = 0;
  private pos = 0;
  private readonly utf8 = new TextEncoder();

  constructor(
    private readonly slabBytes = 64 * 1024,
    private readonly minFreeBytes = 16 * 1024,
  ) {
    this.buf = new Uint8Array(slabBytes);
    this.view = new DataView(this.buf.buffer);
  }

  /** Starts a new message after the last one handed out (a fresh slab if this one is nearly full). */
  reset(): void {
    // byteLength 0: the slab was transferred to another thread by a consumer; never write to it.
    if (this.buf.length - this.pos < this.minFreeBytes || this.buf.buffer.byteLength === 0) {
      this.newSlab(this.slabBytes);
      this.pos = 0;
    }
    this.base = this.pos;
  }

  /** The message written since reset(), as a view the caller keeps (never overwritten). */
  finish(): Uint8Array {
    const out = this.buf.subarray(this.base, this.pos);
    this.base = this.pos;
    return out;
  }

  private newSlab(size: number): void {
    this.buf = new Uint8Array(size);
    this.view = new DataView(this.buf.buffer);
  }

  /**
   * Makes room for `n` more bytes. A message outgrowing the slab moves to a bigger one at the SAME
   * offsets, so positions returned by fork() stay valid.
   */
  private ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    const old = this.buf;
    this.newSlab(Math.max(this.slabBytes, need * 2));
    this.buf.set(old.subarray(this.base, this.pos), this.base);
  }

  /** Tag of a field: varint(no << 3 | wireType). */
  tag(fieldNo: number, wireType: number): void {
    this.uint32(((fieldNo << 3) | wireType) >>> 0);
  }

  /** Unsigned 32-bit varint (uint32 fields, tags, lengths). */
  uint32(value: number): void {
    this.ensure(5);
    const buf = this.buf;
    let v = value >>> 0;
    while (v > 0x7f) {
      buf[this.pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[this.pos++] = v;
  }

  /** int32 and enum values: negative ones are sign-extended to 64 bits (10 bytes), as protobuf requires. */
  int32(value: number): void {
    if (value >= 0) {
      this.uint32(value);
      return;
    }
    this.ensure(10);
    let v = value | 0;
    for (let i = 0; i < 9; i++) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80;
      v >>= 7;
    }
    this.buf[this.pos++] = 1;
  }

  /** Varint of a 64-bit value given as its low and high unsigned 32-bit halves. */
  private varint64(lo: number, hi: number): void {
    this.ensure(10);
    const buf = this.buf;
    let l = lo >>> 0;
    let h = hi >>> 0;
    while (h > 0 || l > 0x7f) {
      buf[this.pos++] = (l & 0x7f) | 0x80;
      l = ((l >>> 7) | (h << 25)) >>> 0;
      h >>>= 7;
    }
    buf[this.pos++] = l;
  }

  /**
   * int64/uint64 value as a varint of its 64-bit two's complement. Values within ±2^53 take a
   * Number path (no BigInt arithmetic); the rest go through BigInt.asUintN.
   */
  int64(value: bigint): void {
    const v = typeof value === 'bigint' ? value : BigInt(value as unknown as string);
    if (v >= 0n && v <= MAX_SAFE) {
      const n = Number(v);
      this.varint64(n >>> 0, Math.floor(n / TWO_POW_32));
      return;
    }
    if (v < 0n && v >= MIN_SAFE) {
      // Two's complement of a negative safe integer: 2^64 + n, split without BigInt.
      const n = -Number(v);
      const lo = n >>> 0;
      const hi = Math.floor(n / TWO_POW_32);
      // -(hi:lo) = ~(hi:lo) + 1 over 64 bits.
      const nlo = (~lo + 1) >>> 0;
      const nhi = (~hi + (nlo === 0 ? 1 : 0)) >>> 0;
      this.varint64(nlo, nhi);
      return;
    }
    const u = BigInt.asUintN(64, v);
    this.varint64(Number(u & 0xffff_ffffn), Number(u >> 32n));
  }

  /** A double, 8 bytes little-endian. */
  double(value: number): void {
    this.ensure(8);
    this.view.setFloat64(this.pos, value, true);
    this.pos += 8;
  }

  /** Length-delimited UTF-8 string (length varint minimal; ASCII written without TextEncoder). */
  string(value: string): void {
    const len = value.length;
    // UTF-8 of a UTF-16 string takes at most 3 bytes per code unit.
    this.ensure(5 + len * 3);
    const buf = this.buf;
    if (len < 0x80) {
      const start = this.pos + 1;
      let i = 0;
      for (; i < len; i++) {
        const c = value.charCodeAt(i);
        if (c >= 0x80) break;
        buf[start + i] = c;
      }
      if (i === len) {
        buf[this.pos] = len;
        this.pos = start + len;
        return;
      }
    }
    const start = this.fork();
    const { written } = this.utf8.encodeInto(value, this.buf.subarray(this.pos));
    this.pos += written;
    this.join(start);
  }

  /** Raw bytes, as-is (unknown fields carried by a decoded message). */
  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** Reserves a one-byte length and returns where the body starts; pair with join(). */
  fork(): number {
    this.ensure(1);
    this.pos += 1;
    return this.pos;
  }

  /** Writes the minimal length varint of the body started at `start` (moving the body if needed). */
  join(start: number): void {
    const len = this.pos - start;
    if (len < 0x80) {
      this.buf[start - 1] = len;
      return;
    }
    const extra = extraLengthBytes(len);
    this.ensure(extra);
    writeLengthBefore(this.buf, start, this.pos, extra);
    this.pos += extra;
  }
}

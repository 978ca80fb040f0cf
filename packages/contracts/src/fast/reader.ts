/**
 * A minimal protobuf wire reader for the hand-written decoders (decode-marketdata.ts). Anything it
 * cannot read exactly as protobuf-es would (truncated bytes, over-long varints, invalid UTF-8) throws
 * GIVE_UP, and the caller falls back to protobuf-es `fromBinary`, which decodes or throws its own error.
 *
 * Wire format: VARINT = 7 bits per byte, low group first, high bit = continuation, at most 10 bytes
 * for 64 bits; I64 = 8 bytes little-endian; LEN = varint byte length, then the bytes.
 */
/** Thrown inside the decoder to give up; never escapes decodeMarketDataEvent. */
export const GIVE_UP = new Error('fast decode: not handled');

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const TWO_POW_32 = 4_294_967_296;

export class Reader {
  pos = 0;
  readonly view: DataView;
  // High 32 bits of the last varint64 (lo is returned).
  hi = 0;

  constructor(readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  /** Varint of up to 64 bits: returns the low 32 bits (unsigned), leaves the high 32 in `hi`. */
  varint(): number {
    const buf = this.buf;
    let lo = 0;
    let hi = 0;
    let shift = 0;
    let b: number;
    do {
      if (this.pos >= buf.length || shift > 63) throw GIVE_UP;
      b = buf[this.pos++]!;
      if (shift < 28) lo |= (b & 0x7f) << shift;
      else if (shift === 28) {
        lo |= (b & 0x0f) << 28;
        hi |= (b & 0x7f) >>> 4;
      } else hi |= (b & 0x7f) << (shift - 32);
      shift += 7;
    } while (b & 0x80);
    this.hi = hi >>> 0;
    return lo >>> 0;
  }

  uint64(): bigint {
    const lo = this.varint();
    const hi = this.hi;
    if (hi < 0x20_0000) return BigInt(hi * TWO_POW_32 + lo);
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  int64(): bigint {
    const lo = this.varint();
    const hi = this.hi;
    if (hi < 0x20_0000) return BigInt(hi * TWO_POW_32 + lo);
    return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo));
  }

  /** int32 / enum: the low 32 bits as a signed integer (negative values arrive sign-extended). */
  int32(): number {
    return this.varint() | 0;
  }

  double(): number {
    if (this.pos + 8 > this.buf.length) throw GIVE_UP;
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** End of a length-delimited body starting here. */
  end(): number {
    const len = this.varint();
    const end = this.pos + len;
    if (this.hi !== 0 || end > this.buf.length) throw GIVE_UP;
    return end;
  }

  string(): string {
    const end = this.end();
    const buf = this.buf;
    if (end - this.pos > 64) return this.utf8(end);
    let s = '';
    for (let i = this.pos; i < end; i++) {
      const c = buf[i]!;
      if (c >= 0x80) return this.utf8(end);
      s += String.fromCharCode(c);
    }
    this.pos = end;
    return s;
  }

  /** Strict UTF-8, as protobuf-es reads proto3 strings (invalid bytes: fromBinary decides). */
  private utf8(end: number): string {
    let s: string;
    try {
      s = utf8.decode(this.buf.subarray(this.pos, end));
    } catch {
      throw GIVE_UP;
    }
    this.pos = end;
    return s;
  }
}

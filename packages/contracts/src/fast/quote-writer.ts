/**
 * The VolQuote records of a VolQuoteBatch written straight into one growable buffer: one capacity
 * check per quote instead of one per field, tags as constant bytes (every VolQuote field number is
 * below 16, or 16-29 with a two-byte tag), doubles through one DataView. Same wire rules as
 * writer.ts and encode-volatility.ts (byte-identical to protobuf-es `toBinary`, proven by
 * test/fast-volatility.test.ts): implicit fields skipped at zero (doubles: +0 only), optional ones
 * written when set, minimal varint lengths, unknown fields last. The result is copied once into the
 * batch message by encode-volatility.ts.
 */
import type { UnknownField } from '@bufbuild/protobuf';
import type { Greeks, VolQuote } from '../gen/volstream/v1/volatility_pb.ts';
import { extraLengthBytes, writeLengthBefore } from './length-prefix.ts';

const TWO_POW_32 = 4_294_967_296;
const MAX_SAFE = 0x1f_ffff_ffff_ffffn;
const utf8 = new TextEncoder();

export class QuoteWriter {
  buf = new Uint8Array(256 * 1024);
  view = new DataView(this.buf.buffer);
  pos = 0;

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const old = this.buf;
    this.buf = new Uint8Array(Math.max(old.length * 2, this.pos + n));
    this.buf.set(old.subarray(0, this.pos));
    this.view = new DataView(this.buf.buffer);
  }

  private varint32(v: number): void {
    const buf = this.buf;
    let x = v >>> 0;
    while (x > 0x7f) {
      buf[this.pos++] = (x & 0x7f) | 0x80;
      x >>>= 7;
    }
    buf[this.pos++] = x;
  }

  /** Tag then varint of an int32/enum (negative: sign-extended to 10 bytes). */
  private enm(tag: number, v: number): void {
    if (v === 0) return;
    this.buf[this.pos++] = tag;
    if (v > 0) {
      this.varint32(v);
      return;
    }
    let x = v | 0;
    for (let i = 0; i < 9; i++) {
      this.buf[this.pos++] = (x & 0x7f) | 0x80;
      x >>= 7;
    }
    this.buf[this.pos++] = 1;
  }

  /** Tag then varint of an int64 (two's complement; the BigInt path only beyond ±2^53). */
  private i64(tag: number, v: bigint): void {
    if (v === 0n) return;
    this.buf[this.pos++] = tag;
    let lo: number;
    let hi: number;
    if (v > 0n && v <= MAX_SAFE) {
      const n = Number(v);
      lo = n >>> 0;
      hi = Math.floor(n / TWO_POW_32);
    } else {
      const u = BigInt.asUintN(64, v);
      lo = Number(u & 0xffff_ffffn);
      hi = Number(u >> 32n);
    }
    const buf = this.buf;
    while (hi > 0 || lo > 0x7f) {
      buf[this.pos++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    buf[this.pos++] = lo;
  }

  private dbl(tag: number, v: number): void {
    if (Object.is(v, 0)) return;
    this.buf[this.pos++] = tag;
    this.view.setFloat64(this.pos, v, true);
    this.pos += 8;
  }

  /** A two-byte tag (fields 16-29) then a double. */
  private dbl2(tag: number, v: number): void {
    if (Object.is(v, 0)) return;
    this.buf[this.pos++] = tag;
    this.buf[this.pos++] = 1;
    this.view.setFloat64(this.pos, v, true);
    this.pos += 8;
  }

  private opt(tag: number, v: number | undefined): void {
    if (v === undefined) return;
    this.buf[this.pos++] = tag;
    this.view.setFloat64(this.pos, v, true);
    this.pos += 8;
  }

  private opt2(tag: number, v: number | undefined): void {
    if (v === undefined) return;
    this.buf[this.pos++] = tag;
    this.buf[this.pos++] = 1;
    this.view.setFloat64(this.pos, v, true);
    this.pos += 8;
  }

  /** A true bool of fields 16-31 (two-byte tag `tag`, 1): false is the implicit zero, skipped. */
  private flag(tag: number): void {
    const buf = this.buf;
    buf[this.pos] = tag;
    buf[this.pos + 1] = 1;
    buf[this.pos + 2] = 1;
    this.pos += 3;
  }

  /** A string field (capacity for 3 bytes per code unit was ensured by the caller). */
  private str(tag: number, tag2: number, s: string): void {
    if (s === '') return;
    const buf = this.buf;
    buf[this.pos++] = tag;
    if (tag2 !== 0) buf[this.pos++] = tag2;
    const len = s.length;
    if (len < 0x80) {
      const start = this.pos + 1;
      let i = 0;
      for (; i < len; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[start + i] = c;
      }
      if (i === len) {
        buf[this.pos] = len;
        this.pos = start + len;
        return;
      }
    }
    const bytes = utf8.encode(s);
    this.varint32(bytes.length);
    buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  private unknown(fields: UnknownField[] | undefined): void {
    if (fields === undefined) return;
    for (const { no, wireType, data } of fields) {
      this.ensure(10 + data.length);
      this.varint32(((no << 3) | wireType) >>> 0);
      this.buf.set(data, this.pos);
      this.pos += data.length;
    }
  }

  private greeks(g: Greeks): void {
    this.buf[this.pos++] = 0x6a; // field 13, LEN
    const start = ++this.pos; // one length byte: the body is at most 45 bytes
    this.opt(0x09, g.deltaForward);
    this.opt(0x11, g.deltaPremiumAdjusted);
    this.opt(0x19, g.gamma);
    this.opt(0x21, g.vega);
    this.opt(0x29, g.theta);
    if (g.$unknown !== undefined) {
      this.unknown(g.$unknown);
      this.lengthAt(start);
      return;
    }
    this.buf[start - 1] = this.pos - start;
  }

  /** Writes the minimal length of the body that starts at `start` (one byte reserved before it). */
  private lengthAt(start: number): void {
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

  /** One `quotes` record (field 6 of VolQuoteBatch): tag, length, VolQuote fields 1-29. */
  quote(q: VolQuote): void {
    // Fixed fields at most ~330 bytes, strings at most 3 bytes per code unit plus their lengths.
    this.ensure(400 + 3 * (q.instrumentName.length + q.skipReason.length));
    this.buf[this.pos++] = 0x32; // field 6, LEN
    const start = ++this.pos; // one length byte reserved, fixed by lengthAt
    this.str(0x0a, 0, q.instrumentName);
    this.dbl(0x11, q.strike);
    this.enm(0x18, q.optionType);
    this.i64(0x20, q.expiryMs);
    this.opt(0x29, q.bidIv);
    this.opt(0x31, q.askIv);
    this.opt(0x39, q.midIv);
    this.opt(0x41, q.markIv);
    this.opt(0x49, q.bidPrice);
    this.opt(0x51, q.askPrice);
    this.opt(0x59, q.markPrice);
    this.enm(0x60, q.priceUnit);
    if (q.greeks !== undefined) this.greeks(q.greeks);
    this.dbl(0x71, q.forward);
    this.enm(0x78, q.forwardSource);
    this.dbl2(0x81, q.timeToExpiryYears);
    if (q.valuationClock !== 0) {
      this.buf[this.pos++] = 0x88;
      this.enm(1, q.valuationClock); // writes the tag's second byte (1) then the value
    }
    if (q.valuationTimeMs !== 0n) {
      this.buf[this.pos++] = 0x90;
      this.i64(1, q.valuationTimeMs);
    }
    this.dbl2(0x99, q.logMoneyness);
    if (q.approximated) this.flag(0xa0);
    if (q.skipped) this.flag(0xa8);
    if (q.stale) this.flag(0xb0);
    if (q.crossed) this.flag(0xb8);
    if (q.belowTick) this.flag(0xc0);
    this.str(0xca, 1, q.skipReason);
    this.opt2(0xd1, q.venueMarkIv);
    this.opt2(0xd9, q.bidAmount);
    this.opt2(0xe1, q.askAmount);
    this.opt2(0xe9, q.tickSize);
    this.unknown(q.$unknown);
    this.lengthAt(start);
  }
}

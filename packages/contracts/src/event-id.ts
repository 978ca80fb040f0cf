/**
 * Deterministic idempotency ids. An event id is a pure function of the inputs that caused the event
 * (venue, instrument, venue sequence, exchange time, run id, ...), so a re-delivered input produces an
 * event with the same id and consumers can drop the duplicate.
 *
 * Hash: 64-bit FNV-1a (Fowler/Noll/Vo, http://www.isthe.com/chongo/tech/comp/fnv/) over the UTF-8
 * bytes of the parts joined by U+001F (unit separator), printed as 16 lower-case hex digits. Not
 * cryptographic: it only has to make accidental collisions negligible within a topic's retention.
 */

const encoder = new TextEncoder();
const SEPARATOR = '\u001f';
const TWO_32 = 0x1_0000_0000;

/** 64-bit FNV-1a of the bytes, as 16 hex digits. Kept in two 32-bit halves to avoid bigint cost. */
export function fnv1a64Hex(bytes: Uint8Array): string {
  // offset basis 0xcbf29ce484222325
  let hi = 0xcbf29ce4;
  let lo = 0x84222325;
  for (const byte of bytes) {
    lo = (lo ^ byte) >>> 0;
    // multiply by the prime 0x100000001b3 = 2^40 + 0x1b3 modulo 2^64
    const loProduct = lo * 0x1b3; // < 2^41, exact in a double
    const carry = Math.floor(loProduct / TWO_32);
    hi = (Math.imul(hi, 0x1b3) + carry + ((lo << 8) >>> 0)) >>> 0;
    lo = loProduct >>> 0;
  }
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}

export type EventIdPart = string | number | bigint | boolean | undefined;

/**
 * The idempotency id of an event made from `parts`, e.g.
 * `eventId('deribit', 'book_delta', 'BTC-27MAR26-70000-C', changeId)`.
 * `undefined` parts are encoded as the empty string so optional inputs keep a stable position.
 */
export function eventId(...parts: readonly EventIdPart[]): string {
  const text = parts.map((part) => (part === undefined ? '' : String(part))).join(SEPARATOR);
  return fnv1a64Hex(encoder.encode(text));
}

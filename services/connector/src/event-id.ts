import { eventId } from '@volstream/contracts';

/**
 * `eventId(...)` of `@volstream/contracts` for the hot path: the same 64-bit FNV-1a over the same
 * bytes (parts joined by U+001F), but hashed straight from the string's char codes (which ARE
 * its UTF-8 bytes when every char is ASCII) in four 16-bit limbs of integer arithmetic, without
 * the TextEncoder allocation and the float division of the reference. Any non-ASCII input falls
 * back to the contract's function, so the result is identical for every input
 * (test/event-id.test.ts checks it). Venue, instrument and number parts are ASCII.
 *
 * FNV-1a 64 (http://www.isthe.com/chongo/tech/comp/fnv/): h = (h XOR byte) * 0x100000001b3 mod
 * 2^64, from the offset basis 0xcbf29ce484222325. The prime is 2^40 + 0x1b3, so a multiplication
 * is h·0x1b3 plus h shifted left by 40 bits (limb 0 into limb 2 at bit 8, limb 1 into limb 3).
 */
type Limbs = [number, number, number, number];

const OFFSET_BASIS: Readonly<Limbs> = [0x2325, 0x8422, 0x9ce4, 0xcbf2];

/** Hashes `text` into `h` (preceded by the separator unless `first`); false on a non-ASCII char. */
function hashInto(h: Limbs, text: string, first: boolean): boolean {
  let [h0, h1, h2, h3] = h;
  for (let i = first ? 0 : -1; i < text.length; i += 1) {
    const byte = i < 0 ? 0x1f : text.charCodeAt(i);
    if (byte > 0x7f) return false;
    h0 ^= byte;
    let t0 = h0 * 0x1b3;
    let t1 = h1 * 0x1b3;
    let t2 = h2 * 0x1b3 + (h0 << 8);
    const t3 = h3 * 0x1b3 + (h1 << 8);
    t1 += t0 >>> 16;
    t0 &= 0xffff;
    t2 += t1 >>> 16;
    t1 &= 0xffff;
    h3 = (t3 + (t2 >>> 16)) & 0xffff;
    h2 = t2 & 0xffff;
    h1 = t1;
    h0 = t0;
  }
  h[0] = h0;
  h[1] = h1;
  h[2] = h2;
  h[3] = h3;
  return true;
}

function hex(h: Limbs): string {
  return HEX4[h[3]]! + HEX4[h[2]]! + HEX4[h[1]]! + HEX4[h[0]]!;
}

export function fastEventId(...parts: readonly (string | number | bigint)[]): string {
  const h: Limbs = [...OFFSET_BASIS] as Limbs;
  for (let p = 0; p < parts.length; p += 1) {
    const part = parts[p];
    if (!hashInto(h, typeof part === 'string' ? part : String(part), p === 0)) return eventId(...parts);
  }
  return hex(h);
}

/**
 * `eventId(venue, kind, name, last)` for one (venue, kind), with the hash state after
 * `venue, kind, name` kept per name: FNV is sequential, so only `last` (a change id or a
 * timestamp) is hashed per event. Same output as `eventId`; bounded to `maxNames` names.
 */
export class EventIdCache {
  readonly #prefixes = new Map<string, Limbs | null>();

  constructor(
    private readonly venue: string,
    private readonly kind: string,
    private readonly maxNames = 100_000,
  ) {}

  id(name: string, last: number): string {
    let prefix = this.#prefixes.get(name);
    if (prefix === undefined) {
      const h: Limbs = [...OFFSET_BASIS] as Limbs;
      const ascii =
        hashInto(h, this.venue, true) && hashInto(h, this.kind, false) && hashInto(h, name, false);
      prefix = ascii ? h : null;
      if (this.#prefixes.size >= this.maxNames) this.#prefixes.clear();
      this.#prefixes.set(name, prefix);
    }
    if (prefix === null) return eventId(this.venue, this.kind, name, last);
    const h: Limbs = [prefix[0], prefix[1], prefix[2], prefix[3]];
    hashInto(h, String(last), false);
    return hex(h);
  }
}

/** Four hex digits per 16-bit value: `Number#toString(16)` costs more than the whole hash. */
const HEX4: readonly string[] = Array.from({ length: 0x10000 }, (_, i) => i.toString(16).padStart(4, '0'));

/**
 * Reads the stored market data of a replay range in the replay order (receive time, source
 * sequence, event id) in pages, with the next page's query running while the caller works on the
 * current one, and each stored row read once.
 *
 * Why not keyset pages on the replay order: the table is sorted by (run_id, exchange_time_ms, …),
 * so a `receive_time_ns > cursor … LIMIT n` page cannot use the primary index and every page scans
 * (and FINAL-merges) the whole rest of the range: quadratic in the range. Here pages are slabs of
 * exchange time [a, b), which the index selects directly, and the global order is restored by a
 * merge: with lag = min(receive_time_ns − exchange_time_ms·10⁶) over the range, every row of a later
 * slab has receive_time_ns ≥ b·10⁶ + lag, so the rows held back with a smaller receive time are
 * complete once slab [a, b) is read, and are emitted in order. Instrument listings carry their
 * creation time, not session time (far outside any slab), so they are read apart and merged in.
 */
import type { Store } from '@volstream/storage-writer';

/** One stored market-data row: the encoded event, its exchange time and its replay-order key. */
export interface StoredRecord {
  /** The volstream.marketdata.v1 bytes (a view into the page read). */
  readonly payload: Uint8Array;
  /** Exchange time, epoch ms. */
  readonly t: number;
  /** An instrument listing (creation time, not session time). */
  readonly listing: boolean;
  /** receive_time_ns as 32-bit halves (high signed, low unsigned): exact without a BigInt. */
  readonly rHi: number;
  readonly rLo: number;
  /** source_sequence (UInt64) as 32-bit halves. */
  readonly sHi: number;
  readonly sLo: number;
  /** event_id. */
  readonly e: string;
}

// RowBinary: no text to format in the engine nor to split and unescape here, the payload comes
// as bytes (the embedded engine decodes the base64 on its own thread; Debian's 18.16 server has no
// base64Decode, so its base64 is decoded here) and 64-bit integers as two 32-bit words.
const columns = (engineDecodes: boolean): string =>
  `${engineDecodes ? 'base64Decode(payload)' : 'payload'}, exchange_time_ms, receive_time_ns, source_sequence, event_id`;
const ORDER = 'ORDER BY receive_time_ns, source_sequence, event_id';
const TWO_32 = 4_294_967_296;

/** Rows of a RowBinary result of `columns()`. */
function records(bytes: Uint8Array, engineDecoded: boolean, listing: boolean): StoredRecord[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const out: StoredRecord[] = [];
  let at = 0;
  const length = (): number => {
    let n = 0;
    let scale = 1;
    for (;;) {
      const b = buf[at++] ?? 0;
      n += (b & 0x7f) * scale;
      if (b < 0x80) return n;
      scale *= 0x80;
    }
  };
  while (at < buf.length) {
    const pn = length();
    const payload = engineDecoded
      ? buf.subarray(at, at + pn)
      : Buffer.from(buf.toString('latin1', at, at + pn), 'base64');
    at += pn;
    const t = view.getUint32(at, true) + view.getInt32(at + 4, true) * TWO_32;
    const rLo = view.getUint32(at + 8, true);
    const rHi = view.getInt32(at + 12, true);
    const sLo = view.getUint32(at + 16, true);
    const sHi = view.getUint32(at + 20, true);
    at += 24;
    const en = length();
    const e = buf.toString('utf8', at, at + en);
    at += en;
    out.push({ payload, t, listing, rHi, rLo, sHi, sLo, e });
  }
  return out;
}

/** The replay order: receive time, source sequence, event id (bytewise, as the engine sorts). */
export function compareRecords(a: StoredRecord, b: StoredRecord): number {
  if (a.rHi !== b.rHi) return a.rHi < b.rHi ? -1 : 1;
  if (a.rLo !== b.rLo) return a.rLo < b.rLo ? -1 : 1;
  if (a.sHi !== b.sHi) return a.sHi < b.sHi ? -1 : 1;
  if (a.sLo !== b.sLo) return a.sLo < b.sLo ? -1 : 1;
  return a.e < b.e ? -1 : a.e > b.e ? 1 : 0;
}

/** Merges two lists sorted in the replay order. */
function mergeSorted(a: StoredRecord[], b: StoredRecord[]): StoredRecord[] {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out: StoredRecord[] = new Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = compareRecords(a[i]!, b[j]!) <= 0 ? a[i++]! : b[j++]!;
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}

export interface StoredRange {
  /** Rows in the range (FINAL), instrument listings included. */
  readonly total: number;
  /** The rows in the replay order, page by page (the next page is being read meanwhile). */
  pages(): AsyncGenerator<StoredRecord[]>;
}

/**
 * The rows of `where` (a condition on run_id and exchange_time_ms), in pages of about `pageRows`
 * rows (slabs of exchange time sized from the range's density; a slab may hold more or fewer).
 */
export async function storedRange(store: Store, where: string, pageRows: number): Promise<StoredRange> {
  const engineDecodes = store.backend === 'chdb';
  const cols = columns(engineDecodes);
  // The range's size and the listings: two independent queries, run together.
  const [[stats], listings] = await Promise.all([
    store.query<{ n: string; lo: string; hi: string; lag: string }>(
      `SELECT count() AS n, min(exchange_time_ms) AS lo, max(exchange_time_ms) AS hi,
         toString(min(toInt64(receive_time_ns) - exchange_time_ms * 1000000)) AS lag
       FROM marketdata FINAL WHERE ${where} AND kind != 'instrument'`,
    ),
    store.queryBytes(
      `SELECT ${cols} FROM marketdata FINAL WHERE ${where} AND kind = 'instrument' ${ORDER}`,
      'RowBinary',
    ),
  ]);
  const n = Number(stats?.n ?? 0);
  const lo = Number(stats?.lo ?? 0);
  const hi = Number(stats?.hi ?? 0);
  const lag = BigInt(stats?.lag ?? 0);
  const instruments = records(listings, engineDecodes, true);
  // Slab width for about pageRows rows at the range's average density.
  const slabMs = n === 0 ? 1 : Math.max(1, Math.ceil(((hi - lo + 1) * Math.max(1, pageRows)) / n));
  const slab = async (a: number, b: number): Promise<StoredRecord[]> =>
    records(
      await store.queryBytes(
        `SELECT ${cols} FROM marketdata FINAL WHERE ${where} AND kind != 'instrument'
         AND exchange_time_ms >= ${a} AND exchange_time_ms < ${b} ${ORDER}`,
        'RowBinary',
      ),
      engineDecodes,
      false,
    );
  // Nothing computes until the first slab is read: it is a sixteenth of a full one and its query
  // starts now, while the caller finishes its own start-up (the fitter module compiles). Each
  // next slab is twice the previous, up to the full width: reading runs about twice as fast as
  // the transforms, so each read ends about when the page before it is computed.
  let width = Math.max(1, Math.ceil(slabMs / 16));
  const firstEnd = lo + width;
  const first = n === 0 ? undefined : slab(lo, firstEnd);
  first?.catch(() => undefined);
  return {
    total: n + instruments.length,
    async *pages() {
      let held = instruments;
      let a = lo;
      let b = firstEnd;
      let next: Promise<StoredRecord[]> | undefined = first;
      while (next !== undefined) {
        const rows = await next;
        width = Math.min(slabMs, width * 2);
        a = b;
        b = a + width;
        next = a <= hi ? slab(a, b) : undefined;
        // A rejected prefetch is awaited (and thrown) on the next turn, never left unhandled.
        next?.catch(() => undefined);
        held = mergeSorted(held, rows);
        if (next === undefined) break;
        // Rows of later slabs (from a on) are received at or after a·10⁶ + lag: what is held
        // with an earlier receive time is final.
        const limit = BigInt(a) * 1_000_000n + lag;
        const limHi = Number(limit >> 32n);
        const limLo = Number(limit & 0xffffffffn);
        let cut = 0;
        for (; cut < held.length; cut++) {
          const h = held[cut]!;
          if (h.rHi > limHi || (h.rHi === limHi && h.rLo >= limLo)) break;
        }
        if (cut > 0) {
          yield held.slice(0, cut);
          held = held.slice(cut);
        }
      }
      if (held.length > 0) yield held;
    },
  };
}

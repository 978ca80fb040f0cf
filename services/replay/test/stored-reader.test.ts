// The paged reader of stored market data: pages concatenated are exactly the rows of the range in
// the replay order (receive time, source sequence, event id), whatever the page size, with receive
// times out of exchange-time order (network lag, negative clock skew), equal receive times,
// instrument listings far outside the range's time, duplicates collapsed by FINAL, other runs and
// text with tabs, newlines and backslashes; on the embedded engine and on Debian's 18.16 server.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { migrate, openStore, type Row, type Store } from '@volstream/storage-writer';
import { type ClickHouseTestServer, startClickHouseServer } from '@volstream/testkit';
import { storedRange } from '../src/stored-reader.ts';

const T0 = 1_772_000_000_000;
const WHERE = `run_id = 'live' AND exchange_time_ms >= ${T0} AND exchange_time_ms < ${T0 + 60_000}`;

/** mulberry32, so the rows are the same every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function rows(): Row[] {
  const r = rng(7);
  const out: Row[] = [];
  for (let i = 0; i < 3_000; i++) {
    const t = T0 + Math.floor(r() * 50_000);
    // Lag from -300 ms (clock skew) to +2 s, some receive times shared by several events.
    const lagMs = -300 + Math.floor(r() * 2_300);
    const receive =
      i % 10 === 0 ? BigInt(T0 + 25_000) * 1_000_000n : BigInt(t + lagMs) * 1_000_000n + BigInt(i);
    out.push({
      event_id: `e${(i * 7919) % 3_000}`.padStart(6, '0'),
      run_id: i % 50 === 0 ? 'other' : 'live',
      venue: 'deribit',
      exchange_time_ms: t,
      receive_time_ns: receive.toString(),
      instrument: `I${i % 40}`,
      kind: 'ticker',
      currency: 'BTC',
      source_sequence: String(i % 3),
      payload: Buffer.from(`row ${i}`).toString('base64'),
    });
  }
  // Listings: created long before the session, received during it.
  for (let i = 0; i < 5; i++) {
    out.push({
      ...out[i * 100]!,
      event_id: `listing${i}`,
      run_id: 'live',
      kind: 'instrument',
      exchange_time_ms: T0 + i,
      receive_time_ns: (BigInt(T0 + 10_000 * i) * 1_000_000n).toString(),
    });
  }
  // A re-delivered copy (same sorting key): FINAL keeps one.
  out.push({ ...out[1]! });
  // Text a text format would escape, and bytes beyond ASCII.
  out.push({
    ...out[2]!,
    event_id: 'tab\there\\back\nline',
    payload: Buffer.from([0x78, 0x09, 0x79, 0x00, 0xff]).toString('base64'),
  });
  return out;
}

/** Every row of the range once, in the replay order, for any page size; the payload bytes intact. */
async function readsInOrder(store: Store): Promise<void> {
  const expected = (
    await store.query<{ e: string }>(
      `SELECT event_id AS e FROM marketdata FINAL WHERE ${WHERE} ORDER BY receive_time_ns, source_sequence, event_id`,
    )
  ).map((x) => x.e);
  assert.ok(expected.length > 2_900, `${expected.length} rows`);
  for (const pageRows of [97, 1_000, 100_000]) {
    const range = await storedRange(store, WHERE, pageRows);
    assert.equal(range.total, expected.length);
    const got: string[] = [];
    let pages = 0;
    for await (const page of range.pages()) {
      pages++;
      for (const row of page) {
        got.push(row.e);
        if (row.e.startsWith('tab')) assert.deepEqual([...row.payload], [0x78, 0x09, 0x79, 0x00, 0xff]);
        else assert.match(Buffer.from(row.payload).toString(), /^row \d+$/);
      }
    }
    assert.deepEqual(got, expected, `pageRows ${pageRows}`);
    if (pageRows === 97) assert.ok(pages > 10, `${pages} pages`);
  }
}

describe('stored-reader', () => {
  let dir: string;
  let store: Store;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'volstream-reader-'));
    store = await openStore({ backend: 'chdb', dataDir: dir });
    await migrate(store);
    await store.insert('marketdata', rows());
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives every row of the range once, in the replay order, for any page size', async () => {
    await readsInOrder(store);
  });

  it('reads an empty range as no page', async () => {
    const range = await storedRange(store, `run_id = 'none'`, 100);
    assert.equal(range.total, 0);
    for await (const _ of range.pages()) assert.fail('no page expected');
  });
});

// Debian's 18.16 server has no base64Decode: the reader decodes the payloads itself there.
describe("stored-reader on Debian's 18.16 server", () => {
  let server: ClickHouseTestServer;
  let store: Store;
  before(async () => {
    server = await startClickHouseServer();
    store = await openStore({ backend: 'clickhouse', url: server.url });
    await migrate(store);
    await store.insert('marketdata', rows());
  });
  after(async () => {
    await store?.close();
    await server?.stop();
  });

  it('gives every row of the range once, in the replay order, for any page size', async () => {
    await readsInOrder(store);
  });
});

// RowBinary inserts and reads (src/row-binary.ts) on both engines: the rows of a simulated session
// for every table, plus edge values (NULL, NaN, infinities, 64-bit integers beyond 2^53, non-ASCII
// text, empty arrays), stored once as JSONEachRow and once as RowBinary under another run id, hold
// exactly the same values; and queryBytes gives RowBinary the reader can walk.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type ClickHouseTestServer, startClickHouseServer } from '@volstream/testkit';
import {
  BinaryInserter,
  batchRows,
  DATA_TABLES,
  insertColumns,
  migrate,
  openStore,
  type Row,
  RowBinaryWriter,
  type Store,
  type TableRows,
} from '../src/index.ts';
import { sessionEvents } from './events.ts';

/**
 * `nanInPlainColumn`: a NaN in a plain Float64 column, which JSON sends as null: the embedded
 * engine stores the default (0, as RowBinary does), Debian's 18.16 server stores nan.
 */
async function sessionRows(nanInPlainColumn: boolean): Promise<TableRows> {
  const ev = await sessionEvents(3, 12);
  const all: TableRows = {};
  const dropped: Record<string, number> = {};
  for (const part of [
    batchRows('volstream.marketdata.v1', ev.marketdata, dropped),
    batchRows('volstream.volatility.v1', ev.volatility, dropped),
    batchRows('volstream.surface.v1', ev.surface, dropped),
  ]) {
    for (const table of DATA_TABLES) {
      const rows = part[table];
      if (rows !== undefined) all[table] = [...(all[table] ?? []), ...rows];
    }
  }
  // Edge values the JSON path gives a meaning to: the binary path must give the same.
  const q = all.vol_quotes?.[0];
  assert.ok(q !== undefined);
  all.vol_quotes?.push(
    { ...q, event_id: 'edge-null', bid_iv: null, ask_iv: Number.NaN, mid_iv: Number.POSITIVE_INFINITY },
    {
      ...q,
      event_id: 'edge-text',
      instrument: 'BTC-Ω-✓-é',
      skip_reason: 'tab\there',
      ...(nanInPlainColumn ? { forward: Number.NaN } : {}),
    },
    { ...q, event_id: 'edge-big', receive_time_ns: '9007199254740993123', exchange_time_ms: -5 },
  );
  const s = all.surfaces?.[0];
  assert.ok(s !== undefined);
  all.surfaces?.push({
    ...s,
    event_id: 'edge-arrays',
    risk_tenor_days: [],
    risk_label: ['25Δ', ''],
    risk_vol: ['nan', 0.5],
    risk_strike: [],
    index_price: null,
  });
  return all;
}

/** Every stored column but run_id, as the engine prints it, sorted: equal runs print equal. */
async function dump(store: Store, table: string, runId: string): Promise<string> {
  const columns = (await insertColumns(store, table)).map((c) => c.name).filter((c) => c !== 'run_id');
  const text = await store.queryText(
    `SELECT ${columns.join(', ')} FROM ${table} FINAL WHERE run_id = '${runId}' ORDER BY event_id`,
    'TabSeparated',
  );
  return text;
}

function withRun(rows: readonly Row[], runId: string): Row[] {
  return rows.map((r) => ({ ...r, run_id: runId }));
}

/**
 * Debian's 18.16 server parses JSON floats inexactly (2.7135256793693863 is stored as
 * 2.713525679369386, one ulp off) where RowBinary is exact: on it, numbers are equal within
 * 1e-15 relative.
 */
function assertSameDump(bin: string, json: string, exactFloats: boolean, what: string): void {
  if (exactFloats) {
    assert.equal(bin, json, what);
    return;
  }
  const a = bin.split('\n');
  const b = json.split('\n');
  assert.equal(a.length, b.length, what);
  a.forEach((line, i) => {
    const x = line.split('\t');
    const y = (b[i] ?? '').split('\t');
    assert.equal(x.length, y.length, what);
    x.forEach((v, j) => {
      const w = y[j] ?? '';
      if (v === w) return;
      // Arrays element by element.
      const xs = v.startsWith('[') ? v.slice(1, -1).split(',') : [v];
      const ys = w.startsWith('[') ? w.slice(1, -1).split(',') : [w];
      assert.equal(xs.length, ys.length, `${what}: line ${i} column ${j}: ${v} vs ${w}`);
      xs.forEach((e, k) => {
        const [p, q] = [Number(e), Number(ys[k])];
        assert.ok(
          e === ys[k] || (Number.isFinite(p) && Math.abs(p - q) <= 1e-15 * Math.abs(q)),
          `${what}: line ${i} column ${j}: ${v} vs ${w}`,
        );
      });
    });
  });
}

async function sameValuesBothWays(store: Store, rows: TableRows): Promise<void> {
  const inserter = new BinaryInserter(store);
  for (const table of DATA_TABLES) {
    const list = rows[table];
    if (list === undefined || list.length === 0) continue;
    await store.insert(table, withRun(list, 'json'));
    await inserter.insert(table, withRun(list, 'bin'));
    const json = await dump(store, table, 'json');
    assert.ok(json.split('\n').length > 1, `${table}: nothing stored`);
    assertSameDump(
      await dump(store, table, 'bin'),
      json,
      store.backend === 'chdb',
      `${table}: RowBinary and JSON differ`,
    );
  }
}

describe('row-binary', () => {
  let dir: string;
  let server: ClickHouseTestServer;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'volstream-rowbinary-'));
    server = await startClickHouseServer();
  });
  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores the same values as JSONEachRow on the embedded engine', async () => {
    const store = await openStore({ backend: 'chdb', dataDir: join(dir, 'data') });
    try {
      await migrate(store);
      await sameValuesBothWays(store, await sessionRows(true));
      // queryBytes: RowBinary out, decoded base64 included.
      const bytes = Buffer.from(
        await store.queryBytes("SELECT base64Decode('aGk='), toInt64(-2), 'é'", 'RowBinary'),
      );
      assert.deepEqual([...bytes], [2, 0x68, 0x69, 0xfe, ...Array(7).fill(0xff), 2, 0xc3, 0xa9]);
    } finally {
      await store.close();
    }
  });

  it("stores the same values as JSONEachRow on Debian's 18.16 server", async () => {
    const store = await openStore({ backend: 'clickhouse', url: server.url });
    try {
      await migrate(store);
      await sameValuesBothWays(store, await sessionRows(false));
      const bytes = Buffer.from(await store.queryBytes("SELECT 'hi', toInt64(-2)", 'RowBinary'));
      assert.deepEqual([...bytes], [2, 0x68, 0x69, 0xfe, ...Array(7).fill(0xff)]);
    } finally {
      await store.close();
    }
  });

  it('writes lengths and strings as LEB128 + UTF-8, and grows its buffer', () => {
    const w = new RowBinaryWriter(4);
    w.str('a'.repeat(300));
    w.str('é');
    w.varint(0);
    const b = w.bytes();
    assert.deepEqual([...b.subarray(0, 2)], [0xac, 0x02]);
    assert.equal(b.length, 2 + 300 + 3 + 1);
    assert.deepEqual([...b.subarray(302)], [2, 0xc3, 0xa9, 0]);
  });
});

/**
 * The embedded backend: chdb (ClickHouse in-process, https://github.com/chdb-io/chdb-node). One
 * Session per data directory; MergeTree tables persist there. Queries run off the event loop
 * (queryAsync), so a long analyst query does not stall the process.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  type ColumnType,
  DEFAULT_DATA_DIR,
  parseJsonEachRow,
  type Row,
  type Store,
  toJsonEachRow,
} from './store.ts';

type ChdbModule = typeof import('chdb');
type ChdbSession = InstanceType<ChdbModule['Session']>;

/** Opens (creating if needed) the chdb data dir. The 540 MB library is loaded only here. */
export async function openChdbStore(dataDir: string = DEFAULT_DATA_DIR): Promise<Store> {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const chdb: ChdbModule = await import('chdb');
  const session: ChdbSession = new chdb.Session(dir);
  // 64-bit integers as JSON strings, as the server sends them: receive_time_ns (~1.8e18) would
  // lose digits as a JS number, and callers then see one type whatever the backend.
  await session.queryAsync('SET output_format_json_quote_64bit_integers = 1', { format: 'TabSeparated' });
  return new ChdbStore(session);
}

class ChdbStore implements Store {
  readonly backend = 'chdb' as const;
  readonly #session: ChdbSession;
  #closed = false;
  /** Where RowBinary bodies wait for the engine to read them (created on first use). */
  #spill: string | undefined;
  #spilled = 0;

  constructor(session: ChdbSession) {
    this.#session = session;
  }

  async exec(sql: string): Promise<void> {
    await this.#session.queryAsync(sql, { format: 'TabSeparated' });
  }

  async query<T>(sql: string): Promise<T[]> {
    return parseJsonEachRow<T>(await this.queryText(sql, 'JSONEachRow'));
  }

  async queryText(sql: string, format: string): Promise<string> {
    const result = await this.#session.queryAsync(sql, { format });
    return result.text();
  }

  async insert(table: string, rows: readonly Row[]): Promise<void> {
    if (rows.length === 0) return;
    await this.#session.insert({ table, values: Buffer.from(toJsonEachRow(rows)), format: 'JSONEachRow' });
  }

  async queryBytes(sql: string, format: string): Promise<Uint8Array> {
    const result = await this.#session.queryAsync(sql, { format });
    return result.bytes();
  }

  /**
   * chdb's raw insert takes text formats only, so the RowBinary body goes through a temp file that
   * the engine reads with file() (written to the page cache, parsed on the engine's thread: no JSON
   * text to build here nor to parse there).
   */
  async insertRowBinary(table: string, columns: readonly ColumnType[], body: Uint8Array): Promise<void> {
    if (body.length === 0) return;
    this.#spill ??= mkdtempSync(join(tmpdir(), 'volstream-chdb-insert-'));
    const file = join(this.#spill, `${this.#spilled++}.bin`);
    await writeFile(file, body);
    try {
      const names = columns.map((c) => c.name).join(', ');
      const structure = columns.map((c) => `${c.name} ${c.type}`).join(', ');
      await this.#session.queryAsync(
        `INSERT INTO ${table} (${names}) SELECT * FROM file('${file}', 'RowBinary', '${structure}')`,
        { format: 'TabSeparated' },
      );
    } finally {
      await unlink(file).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#session.close();
    if (this.#spill !== undefined) rmSync(this.#spill, { recursive: true, force: true });
  }
}

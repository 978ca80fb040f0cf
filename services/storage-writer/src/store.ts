/**
 * One interface over the two ClickHouse backends (docs/STORAGE.md): the embedded engine (chdb,
 * default) and a ClickHouse server (@clickhouse/client). Everything above this file speaks plain
 * SQL that both accept, so schema, writer, history queries and `volstream sql` are backend-blind.
 */

/** A row as it goes into JSONEachRow: 64-bit integers beyond 2^53 travel as decimal strings. */
export type Row = Readonly<Record<string, unknown>>;

/** A column as system.columns describes it. */
export interface ColumnType {
  readonly name: string;
  readonly type: string;
}

export type StoreBackend = 'chdb' | 'clickhouse';

export interface Store {
  readonly backend: StoreBackend;
  /** Runs a statement that returns nothing (DDL, OPTIMIZE). Rejects with the engine's error text. */
  exec(sql: string): Promise<void>;
  /** Runs a query and returns its rows (JSONEachRow; 64-bit integers come back as strings). */
  query<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  /** Runs a query and returns the engine's own text in `format` (TabSeparatedWithNames, CSV, JSON...). */
  queryText(sql: string, format: string): Promise<string>;
  /** Inserts rows; resolves only once the engine acknowledged them. */
  insert(table: string, rows: readonly Row[]): Promise<void>;
  /**
   * Inserts rows already encoded as RowBinary for `columns` (in that order; row-binary.ts);
   * resolves only once the engine acknowledged them.
   */
  insertRowBinary(table: string, columns: readonly ColumnType[], body: Uint8Array): Promise<void>;
  /** Runs a query and returns the engine's bytes in `format` (e.g. RowBinary). */
  queryBytes(sql: string, format: string): Promise<Uint8Array>;
  close(): Promise<void>;
}

export interface StoreConfig {
  backend: StoreBackend;
  /** chdb data directory (default ./.volstream/data). */
  dataDir?: string;
  /** Server URL for the clickhouse backend, e.g. http://127.0.0.1:8123. */
  url?: string;
  /** Database on the server (default "default"). */
  database?: string;
  /** Per-request timeout on the server, ms (default 30 s). */
  requestTimeoutMs?: number;
}

export const DEFAULT_DATA_DIR = './.volstream/data';

/**
 * JSONEachRow text of rows; bigint becomes a decimal string (ClickHouse parses quoted Int64). The
 * writer's own rows hold no bigint, so each row is first stringified without a replacer (a
 * replacer is a call per key, about half of the cost on wide rows); only a row that throws on a
 * bigint is redone with it.
 */
export function toJsonEachRow(rows: readonly Row[]): string {
  let out = '';
  for (const row of rows) {
    let line: string;
    try {
      line = JSON.stringify(row);
    } catch {
      line = JSON.stringify(row, bigintReplacer);
    }
    out += `${line}\n`;
  }
  return out;
}

function bigintReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

/** Parses JSONEachRow output. */
export function parseJsonEachRow<T>(text: string): T[] {
  const rows: T[] = [];
  for (const line of text.split('\n')) if (line.length > 0) rows.push(JSON.parse(line) as T);
  return rows;
}

/**
 * The server backend: a ClickHouse server over HTTP through @clickhouse/client
 * (https://clickhouse.com/docs/integrations/javascript). Works against modern servers and the
 * 18.16 server Debian ships (no DateTime64/CODEC/Map there; the schema avoids them).
 */

import { Readable } from 'node:stream';
import { type ClickHouseClient, ClickHouseLogLevel, createClient } from '@clickhouse/client';
import { type ColumnType, parseJsonEachRow, type Row, type Store, toJsonEachRow } from './store.ts';

export interface ServerStoreOptions {
  url: string;
  database?: string;
  requestTimeoutMs?: number;
}

export function openServerStore(options: ServerStoreOptions): Store {
  const client = createClient({
    url: options.url,
    database: options.database ?? 'default',
    request_timeout: options.requestTimeoutMs ?? 30_000,
    // The store reports failures to its caller (writer retries, CLI prints); the client's own
    // error log would print each one a second time.
    log: { level: ClickHouseLogLevel.OFF },
    // One retry-free request per call: the writer owns the retry policy.
    keep_alive: { enabled: true },
  });
  return new ServerStore(client);
}

class ServerStore implements Store {
  readonly backend = 'clickhouse' as const;
  readonly #client: ClickHouseClient;

  constructor(client: ClickHouseClient) {
    this.#client = client;
  }

  async exec(sql: string): Promise<void> {
    await this.#client.command({ query: sql });
  }

  async query<T>(sql: string): Promise<T[]> {
    return parseJsonEachRow<T>(await this.queryText(sql, 'JSONEachRow'));
  }

  async queryText(sql: string, format: string): Promise<string> {
    // exec() leaves the SQL as written (query() would append its own FORMAT clause).
    const result = await this.#client.exec({ query: `${stripSemicolon(sql)}\nFORMAT ${format}` });
    const chunks: Buffer[] = [];
    for await (const chunk of result.stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  async insert(table: string, rows: readonly Row[]): Promise<void> {
    if (rows.length === 0) return;
    // Rows are serialised here (bigint-safe) and sent as one body: the insert is one request that
    // the server acknowledges as a whole.
    await this.#client.exec({ query: `INSERT INTO ${table} FORMAT JSONEachRow\n${toJsonEachRow(rows)}` });
  }

  async queryBytes(sql: string, format: string): Promise<Uint8Array> {
    const result = await this.#client.exec({ query: `${stripSemicolon(sql)}\nFORMAT ${format}` });
    const chunks: Buffer[] = [];
    for await (const chunk of result.stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  async insertRowBinary(table: string, columns: readonly ColumnType[], body: Uint8Array): Promise<void> {
    if (body.length === 0) return;
    const names = columns.map((c) => c.name).join(', ');
    const result = await this.#client.exec({
      query: `INSERT INTO ${table} (${names}) FORMAT RowBinary`,
      values: Readable.from([Buffer.from(body.buffer, body.byteOffset, body.byteLength)]),
    });
    // The server acknowledges the insert when the response ends.
    for await (const _ of result.stream) {
      // drained
    }
  }

  async close(): Promise<void> {
    await this.#client.close();
  }
}

function stripSemicolon(sql: string): string {
  return sql.trim().replace(/;+\s*$/, '');
}

// Test helpers: both backends opened the same way, and the worked queries of docs/SQL.md.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ClickHouseTestServer, startClickHouseServer } from '@volstream/testkit';
import { migrate, openStore, type Store } from '../src/index.ts';

export interface Backend {
  readonly name: 'chdb' | 'clickhouse';
  readonly store: Store;
  close(): Promise<void>;
}

/** A fresh chdb store in a temp dir, migrated. */
export async function chdbBackend(): Promise<Backend & { dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'volstream-chdb-'));
  const store = await openStore({ backend: 'chdb', dataDir });
  await migrate(store);
  return {
    name: 'chdb',
    store,
    dataDir,
    close: async () => {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A fresh 18.16 server (temp dir, free ports) and a migrated store on it. */
export async function serverBackend(): Promise<Backend & { server: ClickHouseTestServer }> {
  const server = await startClickHouseServer();
  const store = await openStore({ backend: 'clickhouse', url: server.url, requestTimeoutMs: 5_000 });
  await migrate(store);
  return {
    name: 'clickhouse',
    store,
    server,
    close: async () => {
      await store.close();
      await server.stop();
    },
  };
}

const ROOT = new URL('../../../', import.meta.url).pathname;

/** Every ```sql block of docs/SQL.md, with the heading it sits under. */
export function sqlDocQueries(): { title: string; sql: string }[] {
  const text = readFileSync(join(ROOT, 'docs', 'SQL.md'), 'utf8');
  const out: { title: string; sql: string }[] = [];
  let title = '';
  let inBlock = false;
  let buf: string[] = [];
  for (const line of text.split('\n')) {
    if (!inBlock && line.startsWith('#')) title = line.replace(/^#+\s*/, '');
    if (!inBlock && line.trim() === '```sql') {
      inBlock = true;
      buf = [];
    } else if (inBlock && line.trim() === '```') {
      inBlock = false;
      out.push({ title, sql: buf.join('\n') });
    } else if (inBlock) buf.push(line);
  }
  return out;
}

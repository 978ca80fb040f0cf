import { openChdbStore } from './chdb-store.ts';
import { openServerStore } from './server-store.ts';
import type { Store, StoreConfig } from './store.ts';

/** Opens the configured backend (chdb unless `backend: 'clickhouse'`). */
export async function openStore(config: StoreConfig): Promise<Store> {
  if (config.backend === 'clickhouse') {
    if (config.url === undefined) throw new Error('the clickhouse backend needs a URL (--clickhouse-url)');
    return openServerStore({
      url: config.url,
      ...(config.database === undefined ? {} : { database: config.database }),
      ...(config.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: config.requestTimeoutMs }),
    });
  }
  return openChdbStore(config.dataDir);
}

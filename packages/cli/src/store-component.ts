import { join } from 'node:path';
import type { Component } from './components.ts';

/** Longest `stop` waits for the storage writer to catch up with what the run produced. */
const STORE_DRAIN_MS = 15_000;

/**
 * The embedded store: chdb at `<dataDir>/data` and the storage writer consuming the main bus's
 * marketdata, volatility and surface topics (the compute thread mirrors the first two there). The
 * writer runs on the main thread: chdb inserts are async (libuv pool), and chdb loaded in a worker
 * thread segfaulted at exit in a quick check; docs/PIPELINE.md "Modes".
 */
export function storeComponent(dataDir: string): Component {
  type Opened = {
    close(): Promise<void>;
    writer: { stop(): Promise<void>; lag(): Promise<{ total: number }>; stats(): unknown };
  };
  let opened: Opened | undefined;
  let logger: { info(o: object, m: string): void; warn(o: object, m: string): void } | undefined;
  return {
    name: 'store',
    async start(ctx) {
      logger = ctx.logger;
      const { migrate, openStore, startStorageWriter } = await import('@volstream/storage-writer');
      const path = join(dataDir, 'data');
      const store = await openStore({ backend: 'chdb', dataDir: path });
      try {
        await migrate(store);
        const writer = await startStorageWriter(store, { bus: ctx.bus, logger: ctx.logger });
        opened = { close: () => store.close(), writer };
      } catch (error) {
        await store.close();
        throw error;
      }
      return { describe: `storing marketdata, volatility and surfaces in chdb at ${path}` };
    },
    async stop() {
      const o = opened;
      opened = undefined;
      if (o === undefined) return;
      // Everything produced before the run stopped is stored: wait for the writer to catch up.
      const deadline = Date.now() + STORE_DRAIN_MS;
      let lag = await o.writer.lag().then(
        (l) => l.total,
        () => 0,
      );
      while (lag > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        lag = await o.writer.lag().then(
          (l) => l.total,
          () => 0,
        );
      }
      if (lag > 0) logger?.warn({ lag }, 'store: stopped with events not yet stored');
      await o.writer.stop();
      await o.close();
      logger?.info({ stats: o.writer.stats() }, 'store: closed');
    },
  };
}

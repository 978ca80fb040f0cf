import { join } from 'node:path';
import type { HistorySource, StoreStatus } from '@volstream/gateway';
import type { Component } from './components.ts';

/** Longest `stop` waits for the storage writer to catch up with what the run produced. */
const STORE_DRAIN_MS = 15_000;

/** The run's store as the gateway sees it: history queries and the writer's backlog. */
export interface StoreComponent extends Component {
  /** History queries on the run's store once it started; undefined before and after. */
  history(): HistorySource | undefined;
  /** The writer's backlog (bus lag plus spool) for `/v1/status`; undefined when not running. */
  status(): Promise<StoreStatus | undefined>;
}

interface WriterLike {
  stop(): Promise<void>;
  lag(): Promise<{ total: number }>;
  stats(): {
    spool?: { events: number; bytes: number; oldestAgeMs: number; full: boolean; maxBytes: number };
  };
}

export interface StoreComponentOptions {
  /** Cap on the spool's disk use (`--spool-max-bytes`); default: the writer's (4 GiB or half the free disk). */
  spoolMaxBytes?: number;
}

/**
 * The embedded store: chdb at `<dataDir>/data` and the storage writer consuming the main bus's
 * marketdata, volatility and surface topics (the compute thread mirrors the first two there). The
 * writer runs on the main thread: chdb inserts are async (libuv pool), and chdb loaded in a worker
 * thread segfaulted at exit in a quick check; docs/PIPELINE.md "Modes".
 *
 * On the in-process bus the writer spools to `<dataDir>/spool` (docs/STORAGE.md "The spool"): a
 * group that waited for inserts would fill the bus and, past its backpressure timeout, fail the
 * connector's publish; spooled, a slow or failing store only grows the spool. On Kafka the writer
 * commits offsets after the inserts as before (the broker holds the backlog, nobody waits).
 */
export function storeComponent(dataDir: string, options: StoreComponentOptions = {}): StoreComponent {
  type Opened = { close(): Promise<void>; writer: WriterLike; history: HistorySource };
  let opened: Opened | undefined;
  let logger: { info(o: object, m: string): void; warn(o: object, m: string): void } | undefined;
  const lagOf = (o: Opened): Promise<number> =>
    o.writer.lag().then(
      (l) => l.total,
      () => 0,
    );
  return {
    name: 'store',
    history: () => opened?.history,
    async status() {
      const o = opened;
      if (o === undefined) return undefined;
      const spool = o.writer.stats().spool;
      return {
        lagEvents: await lagOf(o),
        spooledEvents: spool?.events ?? 0,
        spoolBytes: spool?.bytes ?? 0,
        oldestAgeMs: spool?.oldestAgeMs ?? 0,
        ...(spool === undefined ? {} : { spoolMaxBytes: spool.maxBytes, spoolFull: spool.full }),
      };
    },
    async start(ctx) {
      logger = ctx.logger;
      const { HistoryQueries, migrate, openStore, startStorageWriter } = await import(
        '@volstream/storage-writer'
      );
      const path = join(dataDir, 'data');
      const spoolDir = join(dataDir, 'spool');
      const spooling = ctx.bus.transport === 'inprocess';
      const store = await openStore({ backend: 'chdb', dataDir: path });
      try {
        await migrate(store);
        const writer = await startStorageWriter(
          store,
          { bus: ctx.bus, logger: ctx.logger },
          spooling
            ? {
                spool: {
                  dir: spoolDir,
                  ...(options.spoolMaxBytes === undefined ? {} : { maxBytes: options.spoolMaxBytes }),
                },
              }
            : {},
        );
        opened = { close: () => store.close(), writer, history: new HistoryQueries(store) };
      } catch (error) {
        await store.close();
        throw error;
      }
      return {
        describe: `storing marketdata, volatility and surfaces in chdb at ${path}${spooling ? ` (spooled through ${spoolDir})` : ''}`,
      };
    },
    async stop() {
      const o = opened;
      opened = undefined;
      if (o === undefined) return;
      // Everything produced before the run stopped is stored: wait for the writer to catch up
      // (its lag includes the spool). What is still spooled at the deadline stays on disk and is
      // inserted at the next start.
      const deadline = Date.now() + STORE_DRAIN_MS;
      let lag = await lagOf(o);
      while (lag > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        lag = await lagOf(o);
      }
      if (lag > 0) logger?.warn({ lag }, 'store: stopped with events not yet stored');
      await o.writer.stop();
      await o.close();
      logger?.info({ stats: o.writer.stats() }, 'store: closed');
    },
  };
}

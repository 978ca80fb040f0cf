/**
 * The storage writer (docs/STORAGE.md): a consumer-group member on the marketdata, volatility and
 * surface topics that turns each bus batch into rows and inserts them, and lets the bus commit
 * the batch only after ClickHouse acknowledged every insert of it. ClickHouse slow or down: the
 * handler retries with growing backoff and does not resolve, so nothing is committed, lag grows,
 * and nothing is lost; on Kafka the live path is untouched because only this group waits.
 *
 * With `spool` (the embedded run's in-process bus, where a group that does not commit fills the
 * bus and ends up blocking the producers) the handler only appends the batch's rows to a disk
 * spool and resolves at once; a drainer inserts from the spool at the store's pace. The bus never
 * waits on the store, nothing is lost, and the backlog shows as spooled events in lag().
 */
import type { Bus, Consumer, LagReport, TopicCodec } from '@volstream/bus';
import { type MarketDataEvent, type SurfaceEvent, TOPICS, type VolatilityEvent } from '@volstream/contracts';
import type { Logger } from '@volstream/logging';
import { marketDataRows, surfaceRows, type TableRows, volatilityRows } from './rows.ts';
import { DATA_TABLES, type DataTable } from './schema.ts';
import { Spool, type SpoolOptions, type SpoolStats } from './spool.ts';
import { SpoolDrainer } from './spool-drainer.ts';
import type { Row, Store } from './store.ts';

export const STORAGE_WRITER = 'storage-writer';

export interface StorageWriterOptions {
  /** Consumer group (default "storage-writer"). */
  groupId?: string;
  /** Where a group without committed offsets starts (default true: store the retained topics). */
  fromBeginning?: boolean;
  /** Most messages per bus batch (default 5,000: fewer, larger inserts suit MergeTree). */
  maxBatchMessages?: number;
  /** First retry delay after a failed insert, ms (default 200), doubled up to maxBackoffMs. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Which topics to store (default all three). */
  topics?: readonly ('marketdata' | 'volatility' | 'surface')[];
  /**
   * Hand batches to a disk spool and insert from it (see the file comment); without it, batches
   * are inserted before their offsets are committed. `lingerMs`: youngest spooled data an idle
   * drainer inserts (default 200 ms).
   */
  spool?: SpoolOptions & { lingerMs?: number };
  /**
   * Longest `stop` waits for the insert in flight (default 5,000 ms). A store whose insert never
   * returns (a frozen server) then no longer holds up shutdown: the writer stops and says what is
   * left; spooled rows stay in the spool for the next start, unacknowledged bus batches stay
   * uncommitted on the bus. Nothing accepted is lost either way.
   */
  stopTimeoutMs?: number;
}

export const DEFAULT_STOP_TIMEOUT_MS = 5_000;

/** The pseudo-topic lag() reports spooled, not yet inserted, events under. */
export const SPOOL_LAG_TOPIC = 'storage-writer.spool';

export interface StorageWriterStats {
  readonly messages: number;
  readonly batches: number;
  readonly rows: Readonly<Record<string, number>>;
  /** Insert attempts that failed and were retried. */
  readonly insertFailures: number;
  /** Events without a header/event id: counted and dropped. */
  readonly dropped: Readonly<Record<string, number>>;
  readonly lastError: string | undefined;
  /** The spool's backlog and counters (spool mode only). */
  readonly spool?: SpoolStats;
}

export interface StorageWriter {
  stats(): StorageWriterStats;
  lag(): Promise<LagReport>;
  /** Stops after the in-flight batch (a batch still retrying is abandoned uncommitted). */
  stop(): Promise<void>;
}

type AnyEvent = MarketDataEvent | VolatilityEvent | SurfaceEvent;

function rowsOf(topic: string, value: AnyEvent): TableRows {
  if (topic === TOPICS.marketdata.name) return marketDataRows(value as MarketDataEvent);
  if (topic === TOPICS.volatility.name) return volatilityRows(value as VolatilityEvent);
  return surfaceRows(value as SurfaceEvent);
}

/** Groups a batch into rows per table; duplicate event ids inside one batch are kept once. */
export function batchRows(
  topic: string,
  values: readonly AnyEvent[],
  dropped: Record<string, number>,
): TableRows {
  const out: Partial<Record<DataTable, Row[]>> = {};
  const seen = new Set<string>();
  for (const value of values) {
    const id = value.header?.eventId ?? '';
    if (id === '') {
      dropped.missing_event_id = (dropped.missing_event_id ?? 0) + 1;
      continue;
    }
    if (seen.has(id)) continue;
    seen.add(id);
    const rows = rowsOf(topic, value);
    for (const table of DATA_TABLES) {
      const r = rows[table];
      if (r === undefined || r.length === 0) continue;
      let list = out[table];
      if (list === undefined) {
        list = [];
        out[table] = list;
      }
      for (const row of r) list.push(row);
    }
  }
  return out;
}

/** Starts the writer as a member of its consumer group; resolves once it is consuming. */
export async function startStorageWriter(
  store: Store,
  deps: { bus: Bus; logger: Logger },
  options: StorageWriterOptions = {},
): Promise<StorageWriter> {
  const logger = deps.logger.child({ component: STORAGE_WRITER, store: store.backend });
  const groupId = options.groupId ?? STORAGE_WRITER;
  const initialBackoff = options.initialBackoffMs ?? 200;
  const maxBackoff = options.maxBackoffMs ?? 5_000;
  const wanted = options.topics ?? ['marketdata', 'volatility', 'surface'];
  const topics = wanted.map((t) => TOPICS[t] as unknown as TopicCodec<AnyEvent>);
  const consumer: Consumer<AnyEvent> = deps.bus.consumer<AnyEvent>({
    groupId,
    maxBatchMessages: options.maxBatchMessages ?? 5_000,
  });
  const rows: Record<string, number> = {};
  const dropped: Record<string, number> = {};
  const droppedLogged = new Set<string>();
  let messages = 0;
  let batches = 0;
  let insertFailures = 0;
  let lastError: string | undefined;
  let stopping = false;
  const stopController = new AbortController();

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      stopController.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    });

  async function insertWithRetry(
    table: string,
    tableRows: readonly Row[],
    from: Readonly<Record<string, string | number>>,
  ): Promise<void> {
    let delay = initialBackoff;
    for (;;) {
      try {
        await store.insert(table, tableRows);
        return;
      } catch (err) {
        insertFailures++;
        const message = err instanceof Error ? err.message : String(err);
        if (lastError === undefined || insertFailures % 20 === 1) {
          logger.warn(
            {
              table,
              rows: tableRows.length,
              ...from,
              retryInMs: delay,
              err: message,
            },
            spool === undefined
              ? 'insert failed; retrying (offsets stay uncommitted)'
              : 'insert failed; retrying (rows stay spooled)',
          );
        }
        lastError = message;
        // Throwing makes the bus redeliver the batch uncommitted; rows already inserted for it
        // are deduplicated by event id (ReplacingMergeTree), so a retry is harmless.
        if (stopping) throw new Error(`storage writer stopping with an unacknowledged batch: ${message}`);
        await sleep(delay);
        delay = Math.min(maxBackoff, delay * 2);
      }
    }
  }

  const spool = options.spool === undefined ? undefined : await Spool.open(options.spool, logger);
  const drainer =
    spool === undefined
      ? undefined
      : new SpoolDrainer(spool, (table, r) => insertWithRetry(table, r, { spool: spool.dir }), {
          tables: DATA_TABLES,
          ...(options.spool?.lingerMs === undefined ? {} : { lingerMs: options.spool.lingerMs }),
          onError: (error, segment) =>
            logger.error(
              { err: error, segment: segment.path },
              'spool segment unreadable or not removable; retrying',
            ),
        });
  drainer?.start();

  await consumer.subscribe(topics, { fromBeginning: options.fromBeginning ?? true });
  await consumer.run({
    eachBatch: async (batch) => {
      const droppedBefore = { ...dropped };
      const byTable = batchRows(
        batch.topic,
        batch.messages.map((m) => m.value),
        dropped,
      );
      for (const reason of Object.keys(dropped)) {
        if (dropped[reason] !== droppedBefore[reason] && !droppedLogged.has(reason)) {
          droppedLogged.add(reason);
          logger.warn(
            { reason, topic: batch.topic, partition: batch.partition },
            'event dropped (logged once per reason)',
          );
        }
      }
      if (spool !== undefined) {
        // The batch is safe on disk once this resolves; the bus may commit it. At the spool's cap
        // this waits for room, which holds the bus back (stop ends the wait: not committed).
        await spool.append(byTable, batch.messages.length, Date.now(), stopController.signal);
      } else {
        for (const table of DATA_TABLES) {
          const r = byTable[table];
          if (r === undefined || r.length === 0) continue;
          await insertWithRetry(table, r, { topic: batch.topic, partition: batch.partition });
          rows[table] = (rows[table] ?? 0) + r.length;
        }
      }
      messages += batch.messages.length;
      batches++;
    },
  });
  logger.info(
    { groupId, topics: topics.map((t) => t.name), ...(spool === undefined ? {} : { spool: spool.dir }) },
    'storage writer consuming',
  );

  return {
    stats: () => ({
      messages,
      batches,
      rows: drainer === undefined ? { ...rows } : drainer.stats().rows,
      insertFailures,
      dropped: { ...dropped },
      lastError,
      ...(spool === undefined ? {} : { spool: spool.stats() }),
    }),
    lag: async () => {
      const bus = await consumer.lag();
      if (spool === undefined) return bus;
      const spooled = spool.stats().events;
      return {
        partitions: [
          ...bus.partitions,
          { topic: SPOOL_LAG_TOPIC, partition: 0, committed: -1, end: spooled, lag: spooled },
        ],
        total: bus.total + spooled,
      };
    },
    stop: async () => {
      stopping = true;
      stopController.abort();
      const timeoutMs = options.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS;
      const started = Date.now();
      const left = (): number => Math.max(0, timeoutMs - (Date.now() - started));
      // The batch in flight: appended to the spool at once (a wait for room ends with the abort),
      // or, without a spool, retrying its insert until the store answers or the timeout.
      const consumerStopped = await within(consumer.stop(), left());
      // After the consumer: no append can follow. The insert in flight finishes, or is left
      // behind at the timeout; the rest of the spool is sealed (fsynced) and waits on disk.
      const drained = drainer === undefined ? true : await within(drainer.stop(), left());
      if (!drained) drainer?.abandon();
      await spool?.close();
      if (consumerStopped && drained) return;
      const backlog = spool?.stats();
      logger.warn(
        {
          stopTimeoutMs: timeoutMs,
          ...(backlog === undefined
            ? { uncommittedBatch: true }
            : {
                spoolDir: spool?.dir,
                spooledEvents: backlog.events,
                spooledBytes: backlog.bytes,
                segments: backlog.segments,
              }),
          lastError,
        },
        backlog === undefined
          ? `storage writer stopped after ${timeoutMs} ms with an insert unacknowledged: its batch stays uncommitted on the bus and is delivered again at the next start`
          : `storage writer stopped after ${timeoutMs} ms with an insert unacknowledged: ${backlog.events} events (${backlog.bytes} bytes in ${backlog.segments} segments) stay in the spool at ${spool?.dir} for the next start`,
      );
    },
  };
}

/** True if `work` settled within `ms`; false (and `work` left running) otherwise. */
async function within(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([
      work.then(
        () => true,
        () => true,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

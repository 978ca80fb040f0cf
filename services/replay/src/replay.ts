/**
 * `volstream replay` (docs/STORAGE.md "Replay"): stored market data of [from, to) through the
 * pipeline transforms under a new run id, with the default or another fitter module, results
 * written beside the originals. Deterministic: events are read in a fixed order (receive time,
 * source sequence, event id), windows are fixed-size and every clock is event time.
 */
import { fromBinary, LIVE_RUN_ID, type MarketDataEvent, MarketDataEventSchema } from '@volstream/contracts';
import {
  BinaryInserter,
  DATA_TABLES,
  type Store,
  surfaceRows,
  type TableRows,
  volatilityRows,
} from '@volstream/storage-writer';
import { load } from 'svi-core';
import { type ChainOutputs, PipelineChain } from './pipeline-chain.ts';
import { storedRange } from './stored-reader.ts';
import { Windower } from './windower.ts';

export interface ReplayOptions {
  fromMs: number;
  toMs: number;
  /** Run id of the results (default replay-<from>-<fitter id>). */
  runId?: string;
  /** Run whose market data is read (default "live"). */
  sourceRunId?: string;
  /** Another fitter module; default the bundled one (or FITTER_WASM). */
  wasmPath?: string;
  /** 'max' (default) or 1 for real time. */
  speed?: 'max' | number;
  /** Transform window in event time, ms (default 500, the surface worker's display interval). */
  windowMs?: number;
  /** Most market-data events per window (default 5,000). */
  maxWindowEvents?: number;
  /**
   * About this many rows per read page (default 50,000; pages are slabs of exchange time sized from
   * the range's density): the next page is read while this one is computed.
   */
  pageSize?: number;
  /** Results are inserted once this many rows are pending, and at the end (default 20,000). */
  insertRows?: number;
  /**
   * Called after each page and once at the end with progress (the CLI draws a bar with ETA:
   * progressPrinter).
   */
  onProgress?: (p: ReplayProgress) => void;
  signal?: AbortSignal;
}

export interface ReplayProgress {
  readonly events: number;
  readonly totalEvents: number;
  readonly eventTimeMs: number;
  readonly elapsedMs: number;
  readonly etaMs: number;
  /** Replayed event-time span so far divided by wall time. */
  readonly speed?: number;
}

export interface ReplayResult {
  readonly runId: string;
  readonly fitterId: string;
  readonly events: number;
  readonly volQuoteRows: number;
  readonly smiles: number;
  readonly surfaces: number;
  readonly elapsedMs: number;
  /** Replayed event-time span divided by wall time. */
  readonly speedup: number;
}

/**
 * Rows per read page: each slab query has a fixed cost in the engine (about 10-20 ms of CPU), so
 * fewer, larger slabs read faster (session 2: the 30 s session in 9 slabs 475-690 ms, in 3
 * 275 ms); a page of 50,000 rows holds about 20 MB (the RowBinary bytes and one record each).
 */
export const DEFAULT_PAGE_SIZE = 50_000;
/**
 * Results are inserted once this many rows are pending (and at the end): fewer, larger parts for
 * MergeTree to write and merge (measured: a replay's CPU 21x -> 33x real time against an insert
 * per 5,000-row page).
 */
export const DEFAULT_INSERT_ROWS = 20_000;

const sqlString = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

export async function replay(store: Store, options: ReplayOptions): Promise<ReplayResult> {
  const started = performance.now();
  const source = options.sourceRunId ?? LIVE_RUN_ID;
  if (options.runId === source) {
    throw new Error(`replay run id must differ from the source run '${source}'`);
  }
  const from = Math.trunc(options.fromMs);
  const to = Math.trunc(options.toMs);
  const where = `run_id = ${sqlString(source)} AND exchange_time_ms >= ${from} AND exchange_time_ms < ${to}`;
  // The fitter module, the listings before the range and the range's first reads are independent:
  // started together, so the engine reads while the module compiles.
  // The result tables' columns, for the RowBinary inserts.
  const inserter = new BinaryInserter(store);
  const [core, preamble, range] = await Promise.all([
    load(options.wasmPath === undefined ? {} : { wasmPath: options.wasmPath }),
    // Instruments announced before the range: the order-book worker needs them to value the books.
    store.query<{ payload: string }>(
      `SELECT payload FROM marketdata FINAL WHERE run_id = ${sqlString(source)} AND kind = 'instrument'
       AND exchange_time_ms < ${from} ORDER BY receive_time_ns, source_sequence, event_id`,
    ),
    storedRange(store, where, options.pageSize ?? DEFAULT_PAGE_SIZE),
    inserter.prepare(DATA_TABLES.filter((t) => t !== 'marketdata')),
  ]);
  const fitterId = core.moduleInfo().fitterId;
  const runId = options.runId ?? `replay-${options.fromMs}-${fitterId}`;
  if (runId === source) throw new Error(`replay run id must differ from the source run '${source}'`);
  const total = range.total;
  const chain = new PipelineChain(core, runId);
  // Windows of encoded records, cut on the stored exchange time (no decoding to cut them).
  const windower = new Windower<Uint8Array>(options.windowMs, options.maxWindowEvents);
  let newestMs = 0;
  const speed = options.speed ?? 'max';
  let events = 0;
  let volQuoteRows = 0;
  let smiles = 0;
  let surfaces = 0;
  let firstEventMs: number | undefined;
  let lastEventMs = from;
  // Results are buffered and inserted in batches of insertRows while pages compute: few large
  // inserts suit MergeTree.
  let pending: TableRows = {};

  const collect = (out: ChainOutputs): void => {
    for (const e of out.volatility) pending = merge(pending, volatilityRows(e));
    for (const e of out.surface) pending = merge(pending, surfaceRows(e));
  };
  const runWindow = (window: readonly Uint8Array[], newestMs: bigint): void => {
    if (window.length > 0) collect(chain.pushRecords(window, newestMs));
  };
  const insertRows = options.insertRows ?? DEFAULT_INSERT_ROWS;
  const pendingRows = (): number => {
    let n = 0;
    for (const table of DATA_TABLES) n += pending[table]?.length ?? 0;
    return n;
  };
  const flushRows = async (): Promise<void> => {
    // Taken at once: the next page's windows fill a fresh buffer while these rows are inserted.
    const batch = pending;
    pending = {};
    // The tables at once: each insert has a fixed cost in the engine (about 15-20 ms of CPU
    // whatever its size) and the last flush is not overlapped with any compute.
    await Promise.all(
      DATA_TABLES.map(async (table) => {
        const rows = batch[table];
        if (rows === undefined || rows.length === 0) return;
        await inserter.insert(table, rows);
        if (table === 'vol_quotes') volQuoteRows += rows.length;
        if (table === 'smiles') smiles += rows.length;
        if (table === 'surfaces') surfaces += rows.length;
      }),
    );
  };

  const decode = (payload: string): MarketDataEvent => {
    const event = fromBinary(MarketDataEventSchema, Buffer.from(payload, 'base64'));
    if (event.header !== undefined) event.header.runId = runId;
    return event;
  };

  if (preamble.length > 0) collect(chain.push(preamble.map((r) => decode(r.payload))));
  // Pages of stored rows in the replay order; the next page is read (and the previous page's
  // results inserted) while this page runs through the transforms: the engine works off the event
  // loop, so reading, computing and writing overlap (stored-reader.ts).
  const progress = (done = events): void => {
    const elapsedMs = performance.now() - started;
    const span = firstEventMs === undefined ? 0 : lastEventMs - firstEventMs;
    options.onProgress?.({
      events: done,
      totalEvents: total,
      eventTimeMs: lastEventMs,
      elapsedMs,
      etaMs: done === 0 ? 0 : (elapsedMs / done) * Math.max(0, total - done),
      speed: elapsedMs > 0 ? span / elapsedMs : 0,
    });
  };
  let writing: Promise<void> = Promise.resolve();
  for await (const page of range.pages()) {
    if (options.signal?.aborted) break;
    for (const row of page) {
      const t = row.t;
      // Instrument listings carry their creation time, not session time: they do not count
      // towards the replayed span.
      if (!row.listing) {
        if (firstEventMs === undefined) firstEventMs = t;
        lastEventMs = Math.max(lastEventMs, t);
      }
      const closed = windower.addAt(row.payload, t);
      // The event clock when a window closes: the newest time of every record before this one
      // (the chain's clock only moves forward, as push() keeps it).
      const closedNewestMs = newestMs;
      if (t > newestMs) newestMs = t;
      if (closed === undefined) continue;
      if (speed !== 'max' && firstEventMs !== undefined) {
        // Real-time pacing: wait until wall time catches up with event time / speed.
        const due = (lastEventMs - firstEventMs) / speed - (performance.now() - started);
        if (due > 0) await new Promise((r) => setTimeout(r, due));
      }
      runWindow(closed, BigInt(closedNewestMs));
    }
    events += page.length;
    if (pendingRows() < insertRows) {
      progress();
      continue;
    }
    await writing;
    writing = flushRows();
    writing.catch(() => undefined);
    progress();
  }
  await writing;
  runWindow(windower.flush(), BigInt(newestMs));
  await flushRows();
  const elapsedMs = performance.now() - started;
  const span = firstEventMs === undefined ? 0 : lastEventMs - firstEventMs;
  if (!options.signal?.aborted) progress(total);
  return {
    runId,
    fitterId,
    events,
    volQuoteRows,
    smiles,
    surfaces,
    elapsedMs,
    speedup: elapsedMs > 0 ? span / elapsedMs : 0,
  };
}

function merge(into: TableRows, rows: TableRows): TableRows {
  for (const table of DATA_TABLES) {
    const r = rows[table];
    if (r === undefined || r.length === 0) continue;
    const list = into[table] ?? [];
    for (const row of r) list.push(row);
    into[table] = list;
  }
  return into;
}

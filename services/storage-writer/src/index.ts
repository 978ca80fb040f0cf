/**
 * @volstream/storage-writer: ClickHouse storage (embedded chdb or a server), migrations, the
 * writer that consumes the bus topics, and parameterised history queries (docs/STORAGE.md).
 */
export { openChdbStore } from './chdb-store.ts';
export {
  EXPIRY_METRICS,
  type ExpiryMetric,
  effectiveStep,
  type HistoryPoint,
  HistoryQueries,
  type HistoryRange,
  MAX_HISTORY_POINTS,
  type SeriesOptions,
  TENOR_METRICS,
  type TenorMetric,
} from './history.ts';
export { openStore } from './open-store.ts';
export {
  BinaryInserter,
  encoderFor,
  insertColumns,
  insertColumnsOf,
  type RowBinaryEncoder,
  RowBinaryWriter,
  rowBinaryEncoder,
} from './row-binary.ts';
export {
  currencyOfName,
  marketDataKeys,
  marketDataRows,
  surfaceRows,
  type TableRows,
  volatilityRows,
} from './rows.ts';
export { DATA_TABLES, type DataTable, MIGRATIONS, type Migration, migrate } from './schema.ts';
export { openServerStore, type ServerStoreOptions } from './server-store.ts';
export {
  defaultSpoolMaxBytes,
  type SealedSegment,
  SPOOL_MAX_BYTES_CAP,
  SPOOL_MIN_BYTES,
  Spool,
  SpoolClosedError,
  type SpoolOptions,
  type SpoolRecord,
  type SpoolStats,
} from './spool.ts';
export {
  SpoolDrainer,
  type SpoolDrainerOptions,
  type SpoolDrainerStats,
  segmentRows,
} from './spool-drainer.ts';
export {
  type ColumnType,
  DEFAULT_DATA_DIR,
  parseJsonEachRow,
  type Row,
  type Store,
  type StoreBackend,
  type StoreConfig,
  toJsonEachRow,
} from './store.ts';
export {
  batchRows,
  DEFAULT_STOP_TIMEOUT_MS,
  SPOOL_LAG_TOPIC,
  STORAGE_WRITER,
  type StorageWriter,
  type StorageWriterOptions,
  type StorageWriterStats,
  startStorageWriter,
} from './writer.ts';

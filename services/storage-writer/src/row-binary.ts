/**
 * ClickHouse RowBinary (https://clickhouse.com/docs/interfaces/formats/RowBinary) for bulk inserts
 * and reads: little-endian fixed-width numbers, LEB128 lengths before strings and arrays, a 0/1
 * byte before a Nullable value. Against JSONEachRow it saves the JSON text on our side (the
 * replay spent a third of its main thread in `toJsonEachRow`) and the JSON parse in the engine.
 * Both engines accept it, Debian's 18.16 server included.
 *
 * Values are read from row objects as `toJsonEachRow` would send them and given the meaning the
 * engine gives that JSON, so the same rows store the same values by either path: 64-bit integers
 * as numbers or decimal strings, `null`/`undefined` as NULL in a Nullable column and as the
 * default (0, '') elsewhere, a non-finite number as NULL (JSON has none: it becomes `null`), the
 * string 'nan' in a Float64 array as NaN.
 */
import type { ColumnType, Row, Store } from './store.ts';

const TWO_32 = 4_294_967_296;

/** A growable little-endian byte buffer. */
export class RowBinaryWriter {
  #buf: Buffer;
  #view: DataView;
  #at = 0;

  constructor(initialBytes = 1 << 16) {
    this.#buf = Buffer.allocUnsafe(initialBytes);
    this.#view = new DataView(this.#buf.buffer, this.#buf.byteOffset, this.#buf.byteLength);
  }

  get length(): number {
    return this.#at;
  }

  #room(n: number): void {
    if (this.#at + n <= this.#buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.#buf.length * 2, this.#at + n));
    this.#buf.copy(next, 0, 0, this.#at);
    this.#buf = next;
    this.#view = new DataView(next.buffer, next.byteOffset, next.byteLength);
  }

  u8(v: number): void {
    this.#room(1);
    this.#buf[this.#at++] = v & 0xff;
  }

  u32(v: number): void {
    this.#room(4);
    this.#view.setUint32(this.#at, v >>> 0, true);
    this.#at += 4;
  }

  /** A 64-bit integer from a number: exact for safe integers, two's complement for negatives. */
  i64(v: number): void {
    this.#room(8);
    if (v >= 0 && v <= Number.MAX_SAFE_INTEGER) {
      this.#view.setUint32(this.#at, v % TWO_32, true);
      this.#view.setUint32(this.#at + 4, Math.floor(v / TWO_32), true);
    } else {
      this.#view.setBigInt64(this.#at, BigInt(Math.trunc(v)), true);
    }
    this.#at += 8;
  }

  i64Big(v: bigint, unsigned = false): void {
    this.#room(8);
    if (unsigned) this.#view.setBigUint64(this.#at, v, true);
    else this.#view.setBigInt64(this.#at, v, true);
    this.#at += 8;
  }

  f64(v: number): void {
    this.#room(8);
    this.#view.setFloat64(this.#at, v, true);
    this.#at += 8;
  }

  /** LEB128, the length prefix of strings and arrays. */
  varint(n: number): void {
    this.#room(10);
    let v = n;
    while (v >= 0x80) {
      this.#buf[this.#at++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.#buf[this.#at++] = v;
  }

  str(s: string): void {
    const n = s.length;
    // ASCII (ids, names, base64) is copied byte by byte; anything else goes through the encoder.
    if (n < 128) {
      this.#room(n + 1);
      const start = this.#at;
      const buf = this.#buf;
      buf[start] = n;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[start + 1 + i] = c;
      }
      if (i === n) {
        this.#at = start + 1 + n;
        return;
      }
    }
    const bytes = Buffer.byteLength(s, 'utf8');
    this.varint(bytes);
    this.#room(bytes);
    this.#at += this.#buf.write(s, this.#at, bytes, 'utf8');
  }

  /** The bytes written so far (a view: valid until the next write; `reset` reuses the memory). */
  bytes(): Buffer {
    return this.#buf.subarray(0, this.#at);
  }

  reset(): void {
    this.#at = 0;
  }
}

type Encode = (w: RowBinaryWriter, v: unknown) => void;

/** Number the engine would read from this JSON value of an integer column (null and '' → 0). */
function intOf(v: unknown): number {
  if (typeof v === 'number') return Number.isFinite(v) ? Math.trunc(v) : 0;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v === null || v === undefined || v === '') return 0;
  return Math.trunc(Number(v));
}

/** A 64-bit column: decimal strings (beyond 2^53) parsed exactly; the last one is remembered. */
function int64Encoder(unsigned: boolean): Encode {
  let lastText = '';
  let lastValue = 0n;
  return (w, v) => {
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return w.i64(v);
    if (typeof v === 'string' && v !== '') {
      if (v !== lastText) {
        lastValue = BigInt(v);
        lastText = v;
      }
      return w.i64Big(lastValue, unsigned);
    }
    if (typeof v === 'bigint') return w.i64Big(v, unsigned);
    const n = intOf(v);
    if (unsigned && n < 0) return w.i64Big(BigInt.asUintN(64, BigInt(n)), true);
    return w.i64(n);
  };
}

function floatOf(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v === null || v === undefined) return 0;
  if (typeof v === 'string') {
    const t = v.toLowerCase();
    if (t === 'nan') return Number.NaN;
    if (t === 'inf' || t === '+inf') return Number.POSITIVE_INFINITY;
    if (t === '-inf') return Number.NEGATIVE_INFINITY;
  }
  return Number(v);
}

/** The encoder of one ClickHouse column type, or undefined for a type this file does not write. */
export function encoderFor(type: string): Encode | undefined {
  const nullable = /^Nullable\((.+)\)$/.exec(type);
  if (nullable !== null) {
    const inner = encoderFor(nullable[1]!);
    if (inner === undefined) return undefined;
    return (w, v) => {
      // JSON has no NaN/Infinity: JSON.stringify writes them as null.
      if (v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v))) return w.u8(1);
      w.u8(0);
      inner(w, v);
    };
  }
  const array = /^Array\((.+)\)$/.exec(type);
  if (array !== null) {
    const inner = encoderFor(array[1]!);
    if (inner === undefined) return undefined;
    return (w, v) => {
      const list = Array.isArray(v) ? (v as unknown[]) : [];
      w.varint(list.length);
      for (const x of list) inner(w, x);
    };
  }
  switch (type) {
    case 'String':
      return (w, v) => w.str(typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v));
    case 'Float64':
      // A plain Float64 column given null (JSON's non-finite) takes the default, 0.
      return (w, v) => w.f64(typeof v === 'number' ? (Number.isFinite(v) ? v : 0) : floatOf(v));
    case 'Int64':
      return int64Encoder(false);
    case 'UInt64':
      return int64Encoder(true);
    case 'UInt32':
      return (w, v) => w.u32(intOf(v));
    case 'UInt8':
      return (w, v) => w.u8(intOf(v));
    default:
      return undefined;
  }
}

/** Rows → RowBinary for a fixed column list; undefined when a column type is not supported. */
export interface RowBinaryEncoder {
  readonly columns: readonly string[];
  encode(rows: readonly Row[], into: RowBinaryWriter): void;
}

export function rowBinaryEncoder(columns: readonly ColumnType[]): RowBinaryEncoder | undefined {
  const names = columns.map((c) => c.name);
  const encoders: Encode[] = [];
  for (const c of columns) {
    const e = encoderFor(c.type);
    if (e === undefined) return undefined;
    encoders.push(e);
  }
  // One function per table with the column names spelled out: each property read and encoder call
  // has a single shape and target, which V8 inlines. A loop over the names (row[names[i]]) was
  // megamorphic and cost about 3x as much. The names come from system.columns and are checked to
  // be plain identifiers before they are written into the source.
  for (const name of names) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return undefined;
  }
  const body = names.map((name, i) => `e${i}(w, row.${name});`).join('\n');
  const compile = new Function(
    ...names.map((_, i) => `e${i}`),
    `return function encode(rows, w) {\n  for (let r = 0; r < rows.length; r++) {\n    const row = rows[r];\n${body}\n  }\n};`,
  ) as (...e: Encode[]) => (rows: readonly Row[], w: RowBinaryWriter) => void;
  const encode = compile(...encoders);
  return { columns: names, encode };
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The columns an insert writes into each of `tables`, in table order: every stored column (ALIAS
 * and MATERIALIZED ones are computed by the engine). One query for all the tables (each query has
 * a fixed cost in the engine). Names are checked, never quoted from caller text.
 */
export async function insertColumnsOf(
  store: Store,
  tables: readonly string[],
): Promise<Map<string, ColumnType[]>> {
  for (const t of tables) if (!IDENTIFIER.test(t)) throw new Error(`not a table name: '${t}'`);
  const rows = await store.query<ColumnType & { table: string }>(
    `SELECT table, name, type FROM system.columns WHERE database = currentDatabase()
     AND table IN (${tables.map((t) => `'${t}'`).join(', ')})
     AND default_kind NOT IN ('ALIAS', 'MATERIALIZED')`,
  );
  const out = new Map<string, ColumnType[]>(tables.map((t) => [t, []]));
  for (const r of rows) out.get(r.table)?.push({ name: r.name, type: r.type });
  return out;
}

/** The columns an insert writes into `table` (see insertColumnsOf). */
export async function insertColumns(store: Store, table: string): Promise<ColumnType[]> {
  return (await insertColumnsOf(store, [table])).get(table) ?? [];
}

interface TableSpec {
  readonly columns: ColumnType[];
  readonly encoder: RowBinaryEncoder | undefined;
}

/**
 * Inserts row objects as RowBinary (the columns of each table are looked up once), or as
 * JSONEachRow for a table with a column type this file does not write.
 */
export class BinaryInserter {
  readonly #store: Store;
  readonly #tables = new Map<string, Promise<TableSpec>>();

  constructor(store: Store) {
    this.#store = store;
  }

  /** Looks up the columns of `tables` at once (one query), ahead of their first insert. */
  prepare(tables: readonly string[]): Promise<void> {
    const todo = tables.filter((t) => !this.#tables.has(t));
    if (todo.length === 0) return Promise.resolve();
    const all = insertColumnsOf(this.#store, todo);
    for (const t of todo) {
      this.#tables.set(
        t,
        all.then((m) => {
          const columns = m.get(t) ?? [];
          return { columns, encoder: rowBinaryEncoder(columns) };
        }),
      );
    }
    return all.then(() => undefined);
  }

  /** Encodes the rows now (synchronously, once the table's columns are known) and inserts them. */
  async insert(table: string, rows: readonly Row[]): Promise<void> {
    if (rows.length === 0) return;
    if (!this.#tables.has(table)) void this.prepare([table]).catch(() => undefined);
    const spec = this.#tables.get(table);
    if (spec === undefined) throw new Error(`no columns for table '${table}'`);
    const { columns, encoder } = await spec;
    if (encoder === undefined || columns.length === 0) return this.#store.insert(table, rows);
    // A fresh buffer per insert: the engine may still be reading the previous one.
    const w = new RowBinaryWriter(Math.max(1 << 16, rows.length * 256));
    encoder.encode(rows, w);
    return this.#store.insertRowBinary(table, columns, w.bytes());
  }
}

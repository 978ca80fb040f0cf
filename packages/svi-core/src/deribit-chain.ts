// Readers for the recorded Deribit option chains in ../shared/data (tests, benchmarks and the
// conformance kit's real-slice check). Venue conventions: https://docs.deribit.com/#public-get_order_book
// (prices in coin, `underlying_price` = forward for IV, IVs in percent, expiry 08:00 UTC) and
// docs EXCHANGES.md §0.1: T = (expiry − quote timestamp) / (365 × 86 400 000 ms).
import { readFileSync } from 'node:fs';

const MS_PER_YEAR = 365 * 86_400_000;

/** One option of a chain snapshot, prices in coin, IVs as decimals (NaN when absent). */
export interface ChainQuote {
  instrument: string;
  currency: string;
  expiryMs: number;
  strike: number;
  isCall: boolean;
  /** Deribit `underlying_price`, the forward used for IV. */
  forward: number;
  /** Years from the row's timestamp to expiry (365-day year). */
  time: number;
  /** The collector's own time_to_maturity (2026 files only; NaN otherwise). */
  collectorTime: number;
  bid: number;
  ask: number;
  mark: number;
  markIv: number;
  bidIv: number;
  askIv: number;
}

/** Splits CSV text into rows of fields (RFC 4180 quoting; dict columns contain commas). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      if (row.length > 1 || row[0] !== '') rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Missing, empty or non-numeric cells become NaN (never a default). */
function num(cell: string | undefined): number {
  if (cell === undefined || cell.trim() === '') return Number.NaN;
  const v = Number(cell);
  return Number.isFinite(v) ? v : Number.NaN;
}

function table(path: string): Array<Record<string, string>> {
  const [header, ...rows] = parseCsv(readFileSync(path, 'utf8'));
  if (header === undefined) return [];
  return rows.map((cells) => Object.fromEntries(header.map((name, i) => [name, cells[i] ?? ''])));
}

/** Deribit sends 0 for "no bid"/"no IV": treat it as absent. */
function positive(v: number): number {
  return v > 0 ? v : Number.NaN;
}

/** The 2020 REST chain (`public/get_order_book` per row, ms timestamps, IVs in percent). */
export function readChain2020(path: string): ChainQuote[] {
  return table(path).map((r) => {
    const expiryMs = num(r.expiration_timestamp);
    const instrument = r.instrument_name ?? '';
    return {
      instrument,
      currency: instrument.split('-')[0] ?? '',
      expiryMs,
      strike: num(r.strike),
      isCall: r.option_type === 'call',
      forward: num(r.underlying_price),
      time: (expiryMs - num(r.timestamp)) / MS_PER_YEAR,
      collectorTime: Number.NaN,
      bid: positive(num(r.best_bid_price)),
      ask: positive(num(r.best_ask_price)),
      mark: num(r.mark_price),
      markIv: num(r.mark_iv) / 100,
      bidIv: positive(num(r.bid_iv)) / 100,
      askIv: positive(num(r.ask_iv)) / 100,
    };
  });
}

/** The 2026 collector snapshots: one collector timestamp per file, mark IV only (decimal). */
export function readChain2026(path: string): ChainQuote[] {
  return table(path).map((r) => {
    const expiryMs = Date.parse(r.expiry_datetime ?? '');
    const tsMs = Date.parse(r.timestamp ?? '');
    return {
      instrument: r.instrument_name ?? '',
      currency: r.currency ?? '',
      expiryMs,
      strike: num(r.strike),
      isCall: r.option_type === 'call',
      forward: num(r.underlying),
      time: (expiryMs - tsMs) / MS_PER_YEAR,
      collectorTime: num(r.time_to_maturity),
      bid: positive(num(r.bid_price)),
      ask: positive(num(r.ask_price)),
      mark: num(r.mark_price),
      markIv: num(r.implied_volatility),
      bidIv: Number.NaN,
      askIv: Number.NaN,
    };
  });
}

/** Reads either format by looking at the header. */
export function readChain(path: string): ChainQuote[] {
  const head = readFileSync(path, 'utf8').slice(0, 200);
  return head.includes('expiration_timestamp') ? readChain2020(path) : readChain2026(path);
}

/**
 * The diagnostics table: one row per expiry (RMSE, min g(k), calendar flag, quotes in/through the
 * fit, fit time, age). Rows are keyed by expiry and updated in place, so the table does not
 * flicker or lose the reader's place on every frame.
 */
import type { DiagnosticsRow } from './view-model.ts';

const COLUMNS = [
  'expiry',
  'RMSE (vol pts)',
  'min g(k)',
  'calendar',
  'in fit',
  'through fit',
  'fit time',
  'age',
];

function ageText(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${(ms / 60_000).toFixed(0)} min`;
}

export function cellsOf(row: DiagnosticsRow): { text: string; bad: boolean }[] {
  return [
    { text: row.label, bad: false },
    {
      text: Number.isFinite(row.rmseVolPoints) ? row.rmseVolPoints.toFixed(2) : '–',
      bad: row.rmseVolPoints > 2,
    },
    { text: Number.isFinite(row.minG) ? row.minG.toFixed(3) : '–', bad: row.minG < 0 },
    { text: row.calendarFlag ? 'VIOLATION' : 'ok', bad: row.calendarFlag },
    { text: `${row.quotesInFit}/${row.inputQuotes}`, bad: false },
    { text: String(row.quotesThroughFit), bad: false },
    { text: Number.isFinite(row.fitTimeUs) ? `${(row.fitTimeUs / 1000).toFixed(2)} ms` : '–', bad: false },
    { text: ageText(row.ageMs), bad: row.ageMs > 30_000 },
  ];
}

export class DiagnosticsTable {
  private readonly body: HTMLTableSectionElement;
  private readonly rows = new Map<number, HTMLTableRowElement>();

  constructor(private readonly table: HTMLTableElement) {
    const head = table.createTHead().insertRow();
    for (const c of COLUMNS) {
      const th = document.createElement('th');
      th.textContent = c;
      head.appendChild(th);
    }
    this.body = table.createTBody();
  }

  update(rows: readonly DiagnosticsRow[], asOfMs: number): void {
    const keep = new Set(rows.map((r) => r.expiryMs));
    for (const [k, tr] of this.rows) {
      if (!keep.has(k)) {
        tr.remove();
        this.rows.delete(k);
      }
    }
    for (const row of rows) {
      let tr = this.rows.get(row.expiryMs);
      if (tr === undefined) {
        tr = document.createElement('tr');
        for (let i = 0; i < COLUMNS.length; i += 1) tr.appendChild(document.createElement('td'));
        this.rows.set(row.expiryMs, tr);
      }
      // Appending in order keeps rows sorted by expiry even as expiries are listed and expire.
      this.body.appendChild(tr);
      cellsOf(row).forEach((cell, i) => {
        const td = tr.children[i] as HTMLTableCellElement;
        if (td.textContent !== cell.text) td.textContent = cell.text;
        td.classList.toggle('bad', cell.bad);
      });
    }
    this.table.dataset.rows = String(rows.length);
    this.table.dataset.asOf = String(asOfMs);
  }
}

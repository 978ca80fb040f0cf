import { enumOf, string } from '@volstream/config';
import { defineCommand, EXIT_FAILURE, EXIT_OK } from '../command.ts';
import { openConfiguredStore, STORE_OPTIONS } from './store.ts';

const options = {
  query: string({ nonEmpty: true }).positional().describe('The SQL to run (quote it).'),
  format: enumOf(['table', 'csv', 'json'] as const)
    .default('table')
    .flag('format')
    .describe('Output: an aligned table, CSV with a header line, or JSON lines.'),
  ...STORE_OPTIONS,
};

const ENGINE_FORMAT = { table: 'JSONCompact', csv: 'CSVWithNames', json: 'JSONEachRow' } as const;

interface JsonCompact {
  meta: { name: string; type: string }[];
  data: unknown[][];
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Aligned columns, numbers right-aligned, like ClickHouse's PrettyCompact without the colours. */
export function formatTable(result: JsonCompact): string {
  const header = result.meta.map((m) => m.name);
  const rows = result.data.map((r) => r.map(cell));
  const numeric = result.meta.map((m) => /Int|Float|Decimal/.test(m.type));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
  return `${out.join('\n')}\n(${rows.length} row${rows.length === 1 ? '' : 's'})\n`;
}

export const sqlCommand = defineCommand({
  name: 'sql',
  summary: 'Run SQL against the stored history (embedded chdb or a ClickHouse server).',
  description: `Runs one query against the configured store and prints the result on stdout. Tables and
worked queries: docs/SQL.md (always query with FINAL). A query the engine rejects prints the
engine's own error on stderr and exits 1.`,
  examples: [
    `volstream sql "SELECT run_id, count() FROM surfaces FINAL GROUP BY run_id"`,
    `volstream sql "SELECT * FROM surface_tenors FINAL WHERE tenor_days = 30 LIMIT 5" --format csv`,
  ],
  options,
  async run({ config, stdout, stderr }) {
    let store: Awaited<ReturnType<typeof openConfiguredStore>>;
    try {
      store = await openConfiguredStore(config);
    } catch (err) {
      stderr.write(`volstream sql: cannot open the ${config.store} store: ${(err as Error).message}\n`);
      return EXIT_FAILURE;
    }
    try {
      const text = await store.queryText(config.query, ENGINE_FORMAT[config.format]);
      // DDL and inserts return no result set (empty text): nothing to print.
      if (config.format === 'table' && text.trim() !== '')
        stdout.write(formatTable(JSON.parse(text) as JsonCompact));
      else stdout.write(text);
      return EXIT_OK;
    } catch (err) {
      stderr.write(`volstream sql: ${config.store} rejected the query:\n${(err as Error).message.trim()}\n`);
      return EXIT_FAILURE;
    } finally {
      await store.close();
    }
  },
});

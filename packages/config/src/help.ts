import type { Field, Schema } from './field.ts';

/**
 * Renders a schema as the OPTIONS section of `--help`: flag, placeholder, description, env name
 * and default, so help text can never drift from what the loader accepts.
 */
export function formatOptionsHelp(
  schema: Schema,
  extraRows: ReadonlyArray<readonly [string, string]> = [],
): string {
  const rows: Array<readonly [string, string]> = [];
  for (const [key, f] of Object.entries(schema)) {
    if (f.spec.positional) continue;
    rows.push([flagColumn(key, f), detailColumn(f)]);
  }
  rows.push(...extraRows);
  if (rows.length === 0) return '';
  const width = Math.min(34, Math.max(...rows.map(([left]) => left.length)));
  return rows
    .map(([left, right]) =>
      left.length > width
        ? `  ${left}\n  ${' '.repeat(width)}  ${right}`
        : `  ${left.padEnd(width)}  ${right}`,
    )
    .join('\n');
}

/** The ARGUMENTS section: positional fields in order. */
export function formatArgumentsHelp(schema: Schema): string {
  const rows = Object.entries(schema)
    .filter(([, f]) => f.spec.positional)
    .map(([key, f]) => [key.toUpperCase(), detailColumn(f)] as const);
  if (rows.length === 0) return '';
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`).join('\n');
}

/** `TOPIC [PATH]`: the positional part of a usage line. */
export function formatPositionalUsage(schema: Schema): string {
  return Object.entries(schema)
    .filter(([, f]) => f.spec.positional)
    .map(([key, f]) =>
      f.spec.required && f.spec.env === undefined ? key.toUpperCase() : `[${key.toUpperCase()}]`,
    )
    .join(' ');
}

function flagColumn(key: string, f: Field<unknown>): string {
  const flag = f.spec.flag === undefined ? `(${key})` : `--${f.spec.flag}`;
  const placeholder = f.spec.type.isSwitch ? '' : ` ${f.spec.type.placeholder}`;
  return `${flag}${placeholder}`;
}

function detailColumn(f: Field<unknown>): string {
  const parts = [f.spec.description === '' ? `Expected ${f.spec.type.expected}.` : f.spec.description];
  const notes: string[] = [];
  if (f.spec.env !== undefined) notes.push(`env ${f.spec.env}`);
  if (f.spec.defaultValue !== undefined) notes.push(`default ${f.spec.type.show(f.spec.defaultValue)}`);
  else if (f.spec.required) notes.push('required');
  if (notes.length > 0) parts.push(`[${notes.join('; ')}]`);
  return parts.join(' ');
}

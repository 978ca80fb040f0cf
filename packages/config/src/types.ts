import { type Field, field, type ParseResult, type ValueType } from './field.ts';

/**
 * The value grammar of the schema DSL. Each builder returns a required field without env/flag;
 * chain `.env()`, `.flag()`, `.describe()`, `.optional()` or `.default()` on it.
 */

const ok = <T>(value: T): ParseResult<T> => ({ ok: true, value });
const bad: ParseResult<never> = { ok: false };

function valueType<T>(
  expected: string,
  placeholder: string,
  parse: (raw: string) => ParseResult<T>,
  show: (value: T) => string = String,
  isSwitch = false,
): ValueType<T> {
  return Object.freeze({ expected, placeholder, parse, show, isSwitch });
}

export function string(options: { nonEmpty?: boolean } = {}): Field<string> {
  const nonEmpty = options.nonEmpty ?? true;
  return field(
    valueType(nonEmpty ? 'a non-empty string' : 'a string', 'TEXT', (raw) =>
      nonEmpty && raw.trim() === '' ? bad : ok(raw),
    ),
  );
}

function rangeText(
  min: number | undefined,
  max: number | undefined,
  show: (n: number) => string = String,
): string {
  if (min !== undefined && max !== undefined) return ` between ${show(min)} and ${show(max)}`;
  if (min !== undefined) return ` >= ${show(min)}`;
  if (max !== undefined) return ` <= ${show(max)}`;
  return '';
}

function inRange(value: number, min: number | undefined, max: number | undefined): boolean {
  return (min === undefined || value >= min) && (max === undefined || value <= max);
}

export function int(options: { min?: number; max?: number } = {}): Field<number> {
  const { min, max } = options;
  return field(
    valueType(`an integer${rangeText(min, max)}`, 'N', (raw) => {
      if (!/^[-+]?\d+$/.test(raw.trim())) return bad;
      const value = Number(raw);
      return Number.isSafeInteger(value) && inRange(value, min, max) ? ok(value) : bad;
    }),
  );
}

export function number(options: { min?: number; max?: number } = {}): Field<number> {
  const { min, max } = options;
  return field(
    valueType(`a number${rangeText(min, max)}`, 'X', (raw) => {
      if (raw.trim() === '') return bad;
      const value = Number(raw);
      return Number.isFinite(value) && inRange(value, min, max) ? ok(value) : bad;
    }),
  );
}

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);

/** A switch: bare `--flag` is true; env and `--flag=` accept true/false/1/0/yes/no/on/off. */
export function bool(): Field<boolean> {
  return field(
    valueType(
      'a boolean (true/false, 1/0, yes/no, on/off)',
      '',
      (raw) => {
        const word = raw.trim().toLowerCase();
        if (TRUE_WORDS.has(word)) return ok(true);
        if (FALSE_WORDS.has(word)) return ok(false);
        return bad;
      },
      String,
      true,
    ),
  );
}

export function enumOf<const V extends string>(values: readonly V[]): Field<V> {
  const allowed = new Set<string>(values);
  return field(
    valueType(`one of ${values.join(', ')}`, values.join('|'), (raw) =>
      allowed.has(raw) ? ok(raw as V) : bad,
    ),
  );
}

/** A comma-separated list of the inner type; empty items are rejected, not skipped. */
export function list<T>(inner: Field<T>): Field<T[]> {
  const type = inner.spec.type;
  return field(
    valueType<T[]>(
      `a comma-separated list of ${type.expected}`,
      `${type.placeholder},...`,
      (raw) => {
        const values: T[] = [];
        for (const item of raw.split(',')) {
          const parsed = type.parse(item.trim());
          if (!parsed.ok) return bad;
          values.push(parsed.value as T);
        }
        return values.length > 0 ? ok(values) : bad;
      },
      (value) => value.map((v) => type.show(v as NonNullable<T>)).join(','),
    ),
  );
}

/** `host:port` as Kafka bootstrap servers are written (the port is required). */
export function hostPort(): Field<string> {
  return field(
    valueType('host:port', 'HOST:PORT', (raw) => {
      const match = /^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:]+\]):(\d{1,5})$/.exec(raw);
      if (match === null) return bad;
      const port = Number(match[2]);
      return port >= 1 && port <= 65535 ? ok(raw) : bad;
    }),
  );
}

export function url(options: { protocols?: readonly string[] } = {}): Field<string> {
  const protocols = options.protocols;
  const expected =
    protocols === undefined ? 'a URL' : `a URL with scheme ${protocols.map((p) => `${p}:`).join(' or ')}`;
  return field(
    valueType(expected, 'URL', (raw) => {
      let parsed: URL;
      try {
        parsed = new URL(raw);
      } catch {
        return bad;
      }
      if (protocols !== undefined && !protocols.includes(parsed.protocol.replace(/:$/, ''))) return bad;
      return ok(raw);
    }),
  );
}

const DURATION_UNITS_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** A duration in milliseconds, written `250ms`, `60s`, `5m`, `1.5h`, `1d` or bare milliseconds. */
export function duration(options: { min?: number; max?: number } = {}): Field<number> {
  const { min, max } = options;
  return field(
    valueType(
      `a duration such as 500ms, 60s, 5m or 1h${rangeText(min, max, formatDuration)}`,
      'DURATION',
      (raw) => {
        const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(raw.trim());
        if (match === null) return bad;
        const value = Number(match[1]) * (DURATION_UNITS_MS[match[2] ?? 'ms'] ?? 1);
        return Number.isFinite(value) && inRange(value, min, max) ? ok(Math.round(value)) : bad;
      },
      formatDuration,
    ),
  );
}

export function formatDuration(ms: number): string {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
  ] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

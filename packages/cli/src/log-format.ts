import { Writable } from 'node:stream';

/**
 * A tiny stand-in for pino-pretty: turns pino's JSON lines into one-liners for a human terminal,
 * `12:01:02.345 INFO  run: started component  component=sim describe="…"`. Used only when stderr is
 * a TTY; pipes and files keep JSON, so log shippers see structured lines.
 */

const LEVELS: Readonly<Record<number, string>> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO ',
  40: 'WARN ',
  50: 'ERROR',
  60: 'FATAL',
};
const COLORS: Readonly<Record<number, string>> = { 40: '\u001b[33m', 50: '\u001b[31m', 60: '\u001b[35m' };
const RESET = '\u001b[0m';
const OMITTED = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'service']);

function showValue(value: unknown): string {
  if (typeof value === 'string') return /[\s="]/.test(value) ? JSON.stringify(value) : value;
  return JSON.stringify(value) ?? String(value);
}

/** Formats one pino JSON line; lines that are not JSON objects are returned unchanged. */
export function formatLogLine(line: string, color = false): string {
  let record: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(line);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return line;
    record = parsed as Record<string, unknown>;
  } catch {
    return line;
  }
  const level = typeof record.level === 'number' ? record.level : 30;
  const time = typeof record.time === 'string' ? record.time.slice(11, 23) : '';
  const service = typeof record.service === 'string' ? `${record.service}: ` : '';
  const extras = Object.entries(record)
    .filter(([key]) => !OMITTED.has(key))
    .map(([key, value]) =>
      key === 'err' && value !== null && typeof value === 'object' && 'message' in value
        ? `err=${showValue((value as { message: unknown }).message)}`
        : `${key}=${showValue(value)}`,
    );
  const label = LEVELS[level] ?? String(level);
  const tint = color ? (COLORS[level] ?? '') : '';
  const text = `${time} ${tint}${label}${tint === '' ? '' : RESET} ${service}${String(record.msg ?? '')}`;
  return extras.length === 0 ? text : `${text}  ${extras.join(' ')}`;
}

export function createPrettyStream(target: NodeJS.WritableStream, color: boolean): Writable {
  let pending = '';
  return new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      pending += chunk.toString();
      let newline = pending.indexOf('\n');
      while (newline !== -1) {
        target.write(`${formatLogLine(pending.slice(0, newline), color)}\n`);
        pending = pending.slice(newline + 1);
        newline = pending.indexOf('\n');
      }
      callback();
    },
    final(callback) {
      if (pending !== '') target.write(`${formatLogLine(pending, color)}\n`);
      callback();
    },
  });
}

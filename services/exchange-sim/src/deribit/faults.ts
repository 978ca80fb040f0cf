/**
 * Faults the simulator injects on demand (`inject()`, HTTP POST /faults, CLI `--faults`), each
 * reproducing something real venues do to a connector: withheld deltas (a `prev_change_id` gap),
 * dropped connections, stalls, a connection that goes silent, floods, malformed or invalid
 * messages, error replies, and listings/expiries mid-session. `session` targets one connection
 * (by id, see stats()); absent means every connection.
 */
import type { Currency } from './instruments.ts';

export type MalformedKind =
  | 'invalid_json'
  | 'unknown_channel'
  | 'nan_price'
  | 'negative_amount'
  | 'crossed_book'
  | 'unknown_instrument';

export type Fault =
  /** Withhold the next `count` book changes from the session(s): the next one shows a gap. */
  | { type: 'drop_deltas'; count?: number; session?: number }
  /** Close (with a close frame) or terminate (TCP reset-like, no close frame) connections. */
  | { type: 'disconnect'; mode?: 'close' | 'terminate'; session?: number }
  /** Send nothing for `ms`, then everything that queued meanwhile (a network stall). */
  | { type: 'stall'; ms: number; session?: number }
  /** Keep the socket open but send nothing and ignore requests, forever. */
  | { type: 'silent'; session?: number }
  /** Publish `messages` instrument updates at once, ignoring rate and interval (slow-consumer pressure). */
  | { type: 'slow_consumer'; messages?: number }
  /** One bad message per session; book kinds use `instrument` or the session's first book channel. */
  | { type: 'malformed'; kind: MalformedKind; instrument?: string; session?: number }
  /** The next request of the session(s) is answered with this error (10028 also closes the session). */
  | { type: 'error_reply'; code: 10028 | -32600; session?: number }
  /** A new expiry is listed now (instrument.state `created`). */
  | { type: 'listing'; currency?: Currency }
  /** The nearest expiry expires now (instrument.state `closed`, `settled`). */
  | { type: 'expiry'; currency?: Currency };

export interface ScheduledFault {
  fault: Fault;
  /** Repeat period in ms (CLI `every=`); undefined means once, at start. */
  everyMs?: number;
}

const TYPES = new Set([
  'drop_deltas',
  'disconnect',
  'stall',
  'silent',
  'slow_consumer',
  'malformed',
  'error_reply',
  'listing',
  'expiry',
]);

/**
 * Parses the CLI form: faults separated by `,`, each `type[:key=value]…`, e.g.
 * `drop_deltas:count=2:every=5000,stall:ms=800:every=20000,malformed:kind=crossed_book`.
 */
export function parseFaults(text: string): ScheduledFault[] {
  const out: ScheduledFault[] = [];
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')) {
    const [type, ...kvs] = part.split(':');
    if (type === undefined || !TYPES.has(type))
      throw new Error(`Expected a fault type (${[...TYPES].join(', ')}), was ${type}`);
    const fault: Record<string, unknown> = { type };
    let everyMs: number | undefined;
    for (const kv of kvs) {
      const [k, v] = kv.split('=');
      if (k === undefined || v === undefined)
        throw new Error(`Expected key=value in fault ${part}, was ${kv}`);
      if (k === 'every') everyMs = Number(v);
      else fault[k] = /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v;
    }
    out.push(everyMs === undefined ? { fault: fault as Fault } : { fault: fault as Fault, everyMs });
  }
  return out;
}

/** Validates a fault received over HTTP; returns an error message when it is not one. */
export function checkFault(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'Expected a fault object';
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string' || !TYPES.has(type))
    return `Expected type in ${[...TYPES].join(', ')}, was ${String(type)}`;
  if (type === 'stall' && typeof (value as { ms?: unknown }).ms !== 'number')
    return 'Expected stall.ms, a number';
  if (type === 'malformed' && typeof (value as { kind?: unknown }).kind !== 'string')
    return 'Expected malformed.kind';
  if (type === 'error_reply') {
    const code = (value as { code?: unknown }).code;
    if (code !== 10028 && code !== -32600)
      return `Expected error_reply.code 10028 or -32600, was ${String(code)}`;
  }
  return undefined;
}

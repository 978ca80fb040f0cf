import { type Logger, type LoggerOptions, pino } from 'pino';

export type { Logger } from 'pino';

export interface CreateLoggerOptions {
  /** Service name bound on every line, e.g. `connector`, `orderbook-worker`. */
  service: string;
  venue?: string;
  level?: string;
  /** Extra bindings for every line (e.g. `{ instance: 'a' }`). */
  bindings?: Record<string, unknown>;
  /** Where lines go; defaults to stdout. Tests pass a stream to stay quiet. */
  destination?: NodeJS.WritableStream;
}

/**
 * Paths that may carry credentials anywhere in a log object. pino replaces them with
 * "[redacted]" so an API key or secret never reaches a log file, whatever logs it.
 */
export const REDACTED_PATHS = [
  'apiKey',
  'apiSecret',
  'password',
  'secret',
  'token',
  'authorization',
  '*.apiKey',
  '*.apiSecret',
  '*.password',
  '*.secret',
  '*.token',
  '*.authorization',
  'headers.authorization',
  'headers["x-api-key"]',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
];

/** Default level: LOG_LEVEL, else `silent` under `node --test`, else `info`. */
function defaultLevel(): string {
  const fromEnv = process.env.LOG_LEVEL;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  return process.env.NODE_TEST_CONTEXT === undefined ? 'info' : 'silent';
}

export function createLogger(options: CreateLoggerOptions): Logger {
  const pinoOptions: LoggerOptions = {
    level: options.level ?? defaultLevel(),
    base: {
      service: options.service,
      ...(options.venue === undefined ? {} : { venue: options.venue }),
      ...options.bindings,
    },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return options.destination === undefined ? pino(pinoOptions) : pino(pinoOptions, options.destination);
}

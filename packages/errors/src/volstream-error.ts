import type { ErrorClass, ErrorCode } from './codes.ts';

export interface VolstreamErrorOptions {
  cause?: unknown;
  /** Structured facts for the log line (instrument, topic, offset, …); never secrets. */
  context?: Record<string, unknown>;
  errorClass?: ErrorClass;
}

/**
 * The one error type of the project: a stable `code`, a human message in the form
 * "Expected X, was Y", an optional `cause`, and structured `context` for logging once.
 */
export class VolstreamError extends Error {
  readonly code: ErrorCode;
  readonly context: Readonly<Record<string, unknown>>;
  readonly errorClass: ErrorClass;

  constructor(code: ErrorCode, message: string, options: VolstreamErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'VolstreamError';
    this.code = code;
    this.context = Object.freeze({ ...(options.context ?? {}) });
    this.errorClass = options.errorClass ?? 'non-retryable';
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message, context: this.context };
  }
}

export function isVolstreamError(value: unknown, code?: ErrorCode): value is VolstreamError {
  return value instanceof VolstreamError && (code === undefined || value.code === code);
}

/** Message of any thrown value, for log lines and CLI output. */
export function describeError(value: unknown): string {
  if (value instanceof Error) return value.message;
  return String(value);
}

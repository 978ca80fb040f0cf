/**
 * Every error the gateway returns to a client, declared once: stable code, HTTP status (REST) or
 * websocket close code (stream), and a message template. Clients and tests match on `code`; the
 * text may change. Templates use {name} placeholders filled from the params.
 */
export const GATEWAY_ERRORS = {
  AUTH_REQUIRED: { status: 401, message: 'Expected an API key in x-api-key or ?api_key, was none' },
  AUTH_INVALID: { status: 401, message: 'Expected a known API key, was an unknown one' },
  RATE_LIMITED: { status: 429, message: 'Rate limit of {limit} requests/s exceeded; retry later' },
  NOT_FOUND: { status: 404, message: 'No {what} for {key}' },
  BAD_REQUEST: { status: 400, message: 'Invalid request: {detail}' },
  NOT_READY: { status: 503, message: 'Not ready: {detail}' },
  INTERNAL: { status: 500, message: 'Internal error' },
  HISTORY_UNAVAILABLE: { status: 503, message: 'History unavailable: {detail}' },
  HISTORY_NOT_FOUND: { status: 404, message: 'No stored {what} for {key}' },
  STREAM_BAD_MESSAGE: { status: 400, message: 'Expected a ClientMessage, was {detail}' },
  STREAM_MESSAGE_TOO_LARGE: {
    status: 413,
    message: 'Expected a message of at most {limit} bytes, was {size}',
  },
  STREAM_SUBSCRIPTION_LIMIT: { status: 429, message: 'Expected at most {limit} subscriptions per client' },
  STREAM_DUPLICATE_SUBSCRIPTION: { status: 409, message: 'Subscription {id} already exists' },
  STREAM_UNKNOWN_SUBSCRIPTION: { status: 404, message: 'No subscription {id}' },
} as const satisfies Record<string, { status: number; message: string }>;

export type GatewayErrorCode = keyof typeof GATEWAY_ERRORS;

/** Websocket close codes (4000-4999 is the application range of RFC 6455). */
export const CLOSE_CODES = {
  /** The client fell too far behind (buffered bytes or time): reconnect and resubscribe. */
  SLOW_CONSUMER: 4008,
  AUTH_REQUIRED: 4001,
  AUTH_INVALID: 4003,
  RATE_LIMITED: 4029,
  /** Too many malformed messages. */
  BAD_CLIENT: 4000,
  SHUTDOWN: 1001,
} as const;

/** A client-facing error: code, status and the rendered message. */
export class GatewayError extends Error {
  readonly code: GatewayErrorCode;
  readonly status: number;

  constructor(code: GatewayErrorCode, params: Record<string, string | number> = {}) {
    super(renderMessage(code, params));
    this.name = 'GatewayError';
    this.code = code;
    this.status = GATEWAY_ERRORS[code].status;
  }

  toBody(): { code: GatewayErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}

export function renderMessage(code: GatewayErrorCode, params: Record<string, string | number>): string {
  return GATEWAY_ERRORS[code].message.replace(/\{(\w+)\}/g, (_m, name: string) =>
    String(params[name] ?? `{${name}}`),
  );
}

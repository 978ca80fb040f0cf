/**
 * Every error volstream raises has one of these stable codes. Tests and clients match on the code,
 * never on the message text. Keep the list sorted; add a line when a new failure class appears.
 */
export const ERROR_CODES = [
  'BUS_BACKPRESSURE_TIMEOUT',
  'BUS_CLOSED',
  'BUS_DECODE_FAILED',
  'BUS_TRANSPORT_FAILED',
  'BUS_UNKNOWN_TOPIC',
  'CLI_USAGE',
  'CONFIG_INVALID',
  'CONFIG_MISSING',
  'CONTRACT_UNSUPPORTED_SCHEMA_VERSION',
  'EXCHANGE_BAD_MESSAGE',
  'EXCHANGE_ERROR_REPLY',
  'EXCHANGE_UNREACHABLE',
  'INTERNAL',
  'QUANT_ABI_ERROR',
  'QUANT_BAD_INPUT',
  'QUANT_MODULE_INVALID',
  'QUANT_NOT_INITIALISED',
  'QUANT_OUT_OF_MEMORY',
  'QUANT_UNSUPPORTED',
  'QUANT_WASM_TRAP',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** Whether retrying the same operation can succeed, so callers classify once at the boundary. */
export type ErrorClass = 'retryable' | 'non-retryable' | 'fatal';

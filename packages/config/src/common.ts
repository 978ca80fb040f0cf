import { bool, enumOf, hostPort, list, string } from './types.ts';

/** pino's levels plus `silent`, for `--log-level`. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const BUS_TRANSPORTS = ['inprocess', 'kafka'] as const;
export type BusTransport = (typeof BUS_TRANSPORTS)[number];

/**
 * Settings every subcommand shares. A command spreads the ones it needs into its own schema
 * (`{ ...COMMON_OPTIONS, limit: int() … }`) so names, env variables and help text are one thing
 * project-wide.
 */
export const COMMON_OPTIONS = {
  bus: enumOf(BUS_TRANSPORTS)
    .optional()
    .env('VOLSTREAM_BUS')
    .flag('bus')
    .describe('Event bus transport; kafka when brokers are given, else inprocess.'),
  brokers: list(hostPort())
    .optional()
    .env('VOLSTREAM_BROKERS')
    .flag('brokers')
    .describe('Kafka/Redpanda bootstrap servers.'),
  kafkaIdempotent: bool()
    .default(false)
    .env('VOLSTREAM_KAFKA_IDEMPOTENT')
    .flag('kafka-idempotent')
    .describe('Idempotent Kafka producer (turn on for Redpanda; the test broker cannot).'),
  logLevel: enumOf(LOG_LEVELS).default('info').env('LOG_LEVEL').flag('log-level').describe('Log level.'),
  dataDir: string()
    .default('.volstream')
    .env('VOLSTREAM_DATA_DIR')
    .flag('data-dir')
    .describe('Directory for local state (embedded storage, recordings).'),
} as const;

/** The bus transport a command should use: explicit choice, else kafka iff brokers are set. */
export function resolveBusTransport(config: {
  readonly bus: BusTransport | undefined;
  readonly brokers: readonly string[] | undefined;
}): BusTransport {
  if (config.bus !== undefined) return config.bus;
  return config.brokers !== undefined && config.brokers.length > 0 ? 'kafka' : 'inprocess';
}

export { type CreateLoggerOptions, createLogger, type Logger, REDACTED_PATHS } from './create-logger.ts';
export { LogOnce } from './log-once.ts';

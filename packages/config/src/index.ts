export {
  BUS_TRANSPORTS,
  type BusTransport,
  COMMON_OPTIONS,
  LOG_LEVELS,
  type LogLevel,
  resolveBusTransport,
} from './common.ts';
export {
  type ConfigOf,
  Field,
  type FieldSpec,
  field,
  type ParseResult,
  type Schema,
  type ValueType,
} from './field.ts';
export { formatArgumentsHelp, formatOptionsHelp, formatPositionalUsage } from './help.ts';
export { type ConfigSource, type LoadConfigInput, type LoadedConfig, loadConfig } from './load-config.ts';
export { closestMatch } from './suggest.ts';
export { bool, duration, enumOf, formatDuration, hostPort, int, list, number, string, url } from './types.ts';

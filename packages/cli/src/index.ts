export {
  type Command,
  type CommandContext,
  defineCommand,
  EXIT_FAILURE,
  EXIT_OK,
  EXIT_USAGE,
} from './command.ts';
export type { Component, ComponentContext, ComponentEntry } from './components.ts';
export { formatLogLine } from './log-format.ts';
export { cliVersion, type MainIo, main } from './main.ts';
export { COMMANDS, findCommand } from './registry.ts';
export { type RunComponents, runComponents, type VenueStatus } from './run-components.ts';
export { SIM_CONNECTOR_TUNING } from './run-venues.ts';

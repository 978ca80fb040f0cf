import type { Command } from './command.ts';
import { connectorCommand } from './commands/connector.ts';
import { fitterCheckCommand } from './commands/fitter-check.ts';
import { gatewayCommand } from './commands/gateway.ts';
import { replayCommand } from './commands/replay.ts';
import { runCommand } from './commands/run.ts';
import { simCommand } from './commands/sim.ts';
import { sqlCommand } from './commands/sql.ts';
import { storeCommand } from './commands/store.ts';
import { tapCommand } from './commands/tap.ts';
import { workerCommand } from './commands/worker.ts';

/**
 * Every subcommand of `volstream`, in help order. Adding one is a file in `commands/` plus one
 * line here. Command modules must stay cheap to import (help never loads kafkajs, protobuf or
 * WASM): heavy dependencies are imported inside `run`.
 */
export const COMMANDS: readonly Command[] = [
  runCommand,
  tapCommand,
  workerCommand,
  fitterCheckCommand,
  simCommand,
  connectorCommand,
  gatewayCommand,
  storeCommand,
  sqlCommand,
  replayCommand,
];

export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name);
}

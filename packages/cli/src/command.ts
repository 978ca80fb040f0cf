import type { ConfigOf, Schema } from '@volstream/config';
import type { Logger } from '@volstream/logging';

/** Process exit codes of the CLI: success, failure of the work, and bad usage. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export interface CommandContext<C> {
  /** The validated, frozen settings of this command (flags > env > defaults). */
  readonly config: C;
  /** pino logger writing to stderr (JSON, or one-liners when stderr is a terminal). */
  readonly logger: Logger;
  /** Results go here, never logs: other tools pipe it (`volstream tap … | jq`). */
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  /** Aborted on the first SIGINT/SIGTERM: stop cleanly and return. A second signal forces exit. */
  readonly signal: AbortSignal;
}

/**
 * A subcommand: its own file under `commands/`, one line in `registry.ts`. `options` is a config
 * schema; `--help` is generated from it. `run` resolves to the process exit code.
 */
export interface Command<S extends Schema = Schema> {
  readonly name: string;
  /** One line for `volstream --help`. */
  readonly summary: string;
  /** Paragraphs shown by `volstream help <name>` under the usage line. */
  readonly description?: string;
  /** Example invocations shown in help. */
  readonly examples?: readonly string[];
  readonly options: S;
  run(ctx: CommandContext<ConfigOf<S>>): Promise<number>;
}

/** Identity function that lets TypeScript infer the config type of `run` from `options`. */
export function defineCommand<S extends Schema>(command: Command<S>): Command<S> {
  return command;
}

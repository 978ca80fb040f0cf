import { readFileSync } from 'node:fs';
import { COMMON_OPTIONS, closestMatch, loadConfig, type Schema } from '@volstream/config';
import { describeError, isVolstreamError } from '@volstream/errors';
import { createLogger, type Logger } from '@volstream/logging';
import { type Command, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './command.ts';
import { formatCommandHelp, formatMainHelp } from './help.ts';
import { createPrettyStream } from './log-format.ts';
import { COMMANDS, findCommand } from './registry.ts';

export interface MainIo {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
}

const DEFAULT_IO: MainIo = { stdout: process.stdout, stderr: process.stderr, env: process.env };

export function cliVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    version?: string;
  };
  return manifest.version ?? '0.0.0';
}

/** Every command accepts `--log-level`; it is added here so commands need not repeat it. */
function schemaOf(command: Command): Schema {
  return { ...command.options, logLevel: COMMON_OPTIONS.logLevel };
}

function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

function usageError(io: MainIo, message: string, hint: string): number {
  io.stderr.write(`volstream: ${message}\n${hint}\n`);
  return EXIT_USAGE;
}

function createCliLogger(command: string, level: string, io: MainIo): Logger {
  const destination =
    io.stderr.isTTY === true ? createPrettyStream(io.stderr, io.env.NO_COLOR === undefined) : io.stderr;
  return createLogger({ service: command, level, destination });
}

/**
 * Installs SIGINT/SIGTERM handlers for the duration of a command: the first signal aborts the
 * command's signal (clean shutdown), a second one exits at once with 128 + signal number.
 */
function trapSignals(logger: Logger): { signal: AbortSignal; release(): void } {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals): void => {
    if (controller.signal.aborted) {
      logger.warn({ signal: name }, 'second signal, exiting now');
      process.exit(name === 'SIGINT' ? 130 : 143);
    }
    logger.info({ signal: name }, 'stopping (send the signal again to force exit)');
    controller.abort(new Error(`received ${name}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    release() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/** Entry point of `volstream`: returns the exit code (0 ok, 1 failure, 2 usage error). */
export async function main(argv: readonly string[], io: MainIo = DEFAULT_IO): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    io.stderr.write(formatMainHelp(COMMANDS, cliVersion()));
    return EXIT_USAGE;
  }
  if (first === '--help' || first === '-h') {
    io.stdout.write(formatMainHelp(COMMANDS, cliVersion()));
    return EXIT_OK;
  }
  if (first === '--version' || first === '-V') {
    io.stdout.write(`volstream ${cliVersion()}\n`);
    return EXIT_OK;
  }
  const known = COMMANDS.map((c) => c.name).join(', ');
  if (first === 'help') {
    const topic = rest[0];
    if (topic === undefined) {
      io.stdout.write(formatMainHelp(COMMANDS, cliVersion()));
      return EXIT_OK;
    }
    const command = findCommand(topic);
    if (command === undefined)
      return usageError(io, `unknown command '${topic}'`, `Known commands: ${known}`);
    io.stdout.write(formatCommandHelp(command, schemaOf(command)));
    return EXIT_OK;
  }
  if (first.startsWith('-')) {
    return usageError(io, `expected a command before options, was '${first}'`, `Known commands: ${known}`);
  }
  const command = findCommand(first);
  if (command === undefined) {
    const hint = closestMatch(
      first,
      COMMANDS.map((c) => c.name),
    );
    return usageError(
      io,
      `unknown command '${first}'${hint === undefined ? '' : ` (did you mean '${hint}'?)`}`,
      `Known commands: ${known}. See 'volstream --help'.`,
    );
  }
  const schema = schemaOf(command);
  if (wantsHelp(rest)) {
    io.stdout.write(formatCommandHelp(command, schema));
    return EXIT_OK;
  }
  let config: Readonly<Record<string, unknown>>;
  try {
    config = loadConfig(schema, { argv: rest, env: io.env }).config;
  } catch (error) {
    if (isVolstreamError(error, 'CONFIG_INVALID') || isVolstreamError(error, 'CONFIG_MISSING')) {
      return usageError(io, `${command.name}: ${error.message}`, `See 'volstream ${command.name} --help'.`);
    }
    throw error;
  }
  const logger = createCliLogger(command.name, String(config.logLevel), io);
  const signals = trapSignals(logger);
  try {
    return await command.run({
      config,
      logger,
      stdout: io.stdout,
      stderr: io.stderr,
      signal: signals.signal,
    });
  } catch (error) {
    const context = isVolstreamError(error) ? { code: error.code, ...error.context } : {};
    logger.error({ err: error, ...context }, `${command.name} failed`);
    io.stderr.write(`volstream ${command.name}: ${describeError(error)}\n`);
    return EXIT_FAILURE;
  } finally {
    signals.release();
    logger.flush();
  }
}

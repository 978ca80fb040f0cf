// Composition root of the connector service: config -> logger -> runConnector, with a clean
// shutdown on SIGTERM/SIGINT (a second signal forces the exit). Run:
//   node --import tsx services/connector/src/main.ts --venue deribit --url ws://127.0.0.1:PORT
import { loadConfig } from '@volstream/config';
import { describeError } from '@volstream/errors';
import { createLogger } from '@volstream/logging';
import { CONNECTOR_OPTIONS } from './options.ts';
import { runConnector } from './run.ts';

export async function main(argv: readonly string[]): Promise<number> {
  let config: ReturnType<typeof loadConfig<typeof CONNECTOR_OPTIONS>>['config'];
  try {
    config = loadConfig(CONNECTOR_OPTIONS, { argv }).config;
  } catch (error) {
    process.stderr.write(`connector: ${describeError(error)}\n`);
    return 2;
  }
  const logger = createLogger({ service: 'connector', venue: config.venue, level: config.logLevel });
  const stop = new AbortController();
  const onSignal = (name: string) => {
    if (stop.signal.aborted) process.exit(1);
    logger.info({ signal: name }, 'Shutting down');
    stop.abort();
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
  const running = runConnector(config, logger, stop.signal);
  const final = await running.done;
  // The last line on stderr is the final stats, machine-readable for tests and operators.
  process.stderr.write(`${JSON.stringify({ final })}\n`);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`connector: ${describeError(error)}\n`);
      process.exit(1);
    },
  );
}

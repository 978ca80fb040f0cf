// Composition root shared by the workers' main.ts: config -> logger -> bus -> start -> wait for
// SIGTERM/SIGINT -> stop (the in-flight window is produced and committed) -> final stats on stderr.
import { type Bus, createBus } from '@volstream/bus';
import { type ConfigOf, loadConfig, resolveBusTransport } from '@volstream/config';
import { describeError } from '@volstream/errors';
import { createLogger, type Logger } from '@volstream/logging';
import { WORKER_OPTIONS } from './options.ts';
import type { RunningWorker } from './run-worker.ts';

export type WorkerConfig = ConfigOf<typeof WORKER_OPTIONS>;

/** Starts one worker kind on an open bus (what main.ts and the CLI share). */
export type WorkerStarter = (
  config: WorkerConfig,
  deps: { bus: Bus; logger: Logger },
) => Promise<RunningWorker>;

/** Opens the bus the settings ask for (kafka when brokers are given). */
export function openWorkerBus(config: WorkerConfig, logger: Logger, clientId: string): Bus {
  if (resolveBusTransport(config) === 'inprocess') return createBus({ transport: 'inprocess' }, { logger });
  return createBus(
    {
      transport: 'kafka',
      brokers: [...(config.brokers ?? [])],
      clientId,
      idempotent: config.kafkaIdempotent,
      compression: 'gzip',
      // Heartbeats well inside the session timeout, as Kafka recommends (a third of it, at most 3 s).
      consumer: {
        sessionTimeoutMs: config.sessionTimeout,
        heartbeatIntervalMs: Math.min(3_000, Math.floor(config.sessionTimeout / 3)),
      },
    },
    { logger },
  );
}

/** The whole life of a worker process; resolves to the exit code. */
export async function workerMain(
  name: string,
  argv: readonly string[],
  start: WorkerStarter,
): Promise<number> {
  let config: WorkerConfig;
  try {
    config = loadConfig(WORKER_OPTIONS, { argv }).config;
  } catch (error) {
    process.stderr.write(`${name}: ${describeError(error)}\n`);
    return 2;
  }
  const logger = createLogger({ service: name, level: config.logLevel });
  const bus = openWorkerBus(config, logger, name);
  const worker = await start(config, { bus, logger });
  // Periodic stats; the timer also keeps the process alive on the in-process bus, whose idle
  // consumer waits on a promise only.
  const statsTimer = setInterval(() => logger.info({ stats: worker.stats() }, 'worker stats'), 30_000);
  const signal = await new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  clearInterval(statsTimer);
  logger.info({ signal }, 'Shutting down');
  process.once('SIGTERM', () => process.exit(1));
  process.once('SIGINT', () => process.exit(1));
  await worker.stop();
  await bus.close();
  process.stderr.write(`${JSON.stringify({ final: worker.stats() })}\n`);
  return 0;
}

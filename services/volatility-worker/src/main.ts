// Composition root of the volatility worker: node --import tsx services/volatility-worker/src/main.ts
//   [--brokers host:port] [--group volatility-worker] [--window-ms 100] (docs/PIPELINE.md)
import { describeError } from '@volstream/errors';
import { type WorkerStarter, workerMain } from '@volstream/worker-runtime';
import { build, VOLATILITY_WORKER } from './app.ts';

/** Starts the volatility worker from the shared worker settings. */
export const startVolatilityWorker: WorkerStarter = (config, deps) =>
  build(
    {
      ...(config.group === undefined ? {} : { groupId: config.group }),
      fromBeginning: config.fromBeginning,
      windowMs: config.windowMs,
      maxWindowMessages: config.maxWindowMessages,
      ...(config.producerId === undefined ? {} : { producerId: config.producerId }),
    },
    deps,
  );

if (import.meta.url === `file://${process.argv[1]}`) {
  workerMain(VOLATILITY_WORKER, process.argv.slice(2), startVolatilityWorker).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${VOLATILITY_WORKER}: ${describeError(error)}\n`);
      process.exit(1);
    },
  );
}

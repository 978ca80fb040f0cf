// Composition root of the surface worker: node --import tsx services/surface-worker/src/main.ts
//   [--brokers host:port] [--group surface-worker] [--window-ms 100] (docs/PIPELINE.md)
import { describeError } from '@volstream/errors';
import { type WorkerStarter, workerMain } from '@volstream/worker-runtime';
import { build, SURFACE_WORKER } from './app.ts';

/** Starts the surface worker from the shared worker settings (the `volstream worker` starter shape). */
export const startSurfaceWorker: WorkerStarter = (config, deps) =>
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
  workerMain(SURFACE_WORKER, process.argv.slice(2), startSurfaceWorker).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${SURFACE_WORKER}: ${describeError(error)}\n`);
      process.exit(1);
    },
  );
}

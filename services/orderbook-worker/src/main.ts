// Composition root of the order-book worker: node --import tsx services/orderbook-worker/src/main.ts
//   [--brokers host:port] [--group orderbook-worker] [--window-ms 100] [--publish-interval-ms 100]
//   (docs/PIPELINE.md)
import { describeError } from '@volstream/errors';
import { type WorkerStarter, workerMain } from '@volstream/worker-runtime';
import { build, ORDERBOOK_WORKER } from './app.ts';

/** Starts the order-book worker from the shared worker settings. */
export const startOrderBookWorker: WorkerStarter = (config, deps) =>
  build(
    {
      ...(config.group === undefined ? {} : { groupId: config.group }),
      fromBeginning: config.fromBeginning,
      windowMs: config.windowMs,
      maxWindowMessages: config.maxWindowMessages,
      publishIntervalMs: config.publishIntervalMs,
      ...(config.producerId === undefined ? {} : { producerId: config.producerId }),
    },
    deps,
  );

if (import.meta.url === `file://${process.argv[1]}`) {
  workerMain(ORDERBOOK_WORKER, process.argv.slice(2), startOrderBookWorker).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${ORDERBOOK_WORKER}: ${describeError(error)}\n`);
      process.exit(1);
    },
  );
}

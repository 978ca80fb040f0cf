import { once } from 'node:events';
import { enumOf } from '@volstream/config';
import type { WorkerStarter } from '@volstream/worker-runtime';
import { WORKER_OPTIONS } from '@volstream/worker-runtime/options';
import { defineCommand, EXIT_OK } from '../command.ts';
import { openBus } from '../open-bus.ts';

/** Each kind's starter, imported only when the command runs (protobuf, WASM, kafkajs). */
const STARTERS = {
  orderbook: async (): Promise<WorkerStarter> =>
    (await import('@volstream/orderbook-worker')).startOrderBookWorker,
  volatility: async (): Promise<WorkerStarter> =>
    (await import('@volstream/volatility-worker')).startVolatilityWorker,
  surface: async (): Promise<WorkerStarter> => (await import('@volstream/surface-worker')).startSurfaceWorker,
} as const;

const WORKER_KINDS = Object.keys(STARTERS) as (keyof typeof STARTERS)[];

const options = {
  kind: enumOf(WORKER_KINDS).positional().describe('Which worker: orderbook, volatility or surface.'),
  ...WORKER_OPTIONS,
};

export const workerCommand = defineCommand({
  name: 'worker',
  summary: 'Run a pipeline worker (orderbook, volatility or surface) as a consumer-group member.',
  description: `orderbook: volstream.marketdata.v1 -> sequence-checked L2 books, conflated top-N BookTop
and forwards per expiry -> volstream.orderbook.v1. volatility: volstream.orderbook.v1 -> bid/ask/mid/mark
IV and greeks through the WASM core, with skip/approximate/batch work reduction ->
volstream.volatility.v1. surface: volstream.volatility.v1 -> SVI smiles and surfaces ->
volstream.surface.v1. Offsets are committed only after a window's outputs are produced. Replicas
with the same --group split the partitions. On SIGINT/SIGTERM the in-flight window is finished and
the final stats are printed as one JSON line on stdout. See docs/PIPELINE.md.`,
  examples: [
    'volstream worker orderbook --brokers 127.0.0.1:9092',
    'volstream worker volatility --bus kafka --brokers 127.0.0.1:9092 --group vol-a --window-ms 100',
  ],
  options,
  async run({ config, logger, stdout, signal }) {
    const start = await STARTERS[config.kind]();
    const bus = await openBus(config, logger, `volstream-worker-${config.kind}`);
    const worker = await start(config, { bus, logger });
    // Periodic stats; the timer also keeps the process alive on the in-process bus, whose idle
    // consumer waits on a promise only.
    const statsTimer = setInterval(() => logger.info({ stats: worker.stats() }, 'worker stats'), 30_000);
    try {
      if (!signal.aborted) await once(signal, 'abort');
    } finally {
      clearInterval(statsTimer);
      await worker.stop();
      await bus.close();
    }
    stdout.write(`${JSON.stringify({ worker: config.kind, stats: worker.stats() })}\n`);
    return EXIT_OK;
  },
});

import { once } from 'node:events';
import { enumOf } from '@volstream/config';
import { WORKER_OPTIONS } from '@volstream/worker-runtime/options';
import { defineCommand, EXIT_OK } from '../command.ts';
import { openBus } from '../open-bus.ts';

const WORKER_KINDS = ['orderbook', 'volatility'] as const;

const options = {
  kind: enumOf(WORKER_KINDS).positional().describe('Which worker: orderbook or volatility.'),
  ...WORKER_OPTIONS,
};

/** The starter of each kind, imported only when the command runs (protobuf, WASM, kafkajs). */
async function starterOf(kind: (typeof WORKER_KINDS)[number]) {
  if (kind === 'orderbook') return (await import('@volstream/orderbook-worker')).startOrderBookWorker;
  return (await import('@volstream/volatility-worker')).startVolatilityWorker;
}

export const workerCommand = defineCommand({
  name: 'worker',
  summary: 'Run a pipeline worker (orderbook or volatility) as a consumer-group member.',
  description: `orderbook: volstream.marketdata.v1 -> sequence-checked L2 books, conflated top-N BookTop
and forwards per expiry -> volstream.orderbook.v1. volatility: volstream.orderbook.v1 -> bid/ask/mid/mark
IV and greeks through the WASM core, with skip/approximate/batch work reduction ->
volstream.volatility.v1. Offsets are committed only after a window's outputs are produced. Replicas
with the same --group split the partitions. On SIGINT/SIGTERM the in-flight window is finished and
the final stats are printed as one JSON line on stdout. See docs/PIPELINE.md.`,
  examples: [
    'volstream worker orderbook --brokers 127.0.0.1:9092',
    'volstream worker volatility --bus kafka --brokers 127.0.0.1:9092 --group vol-a --window-ms 100',
  ],
  options,
  async run({ config, logger, stdout, signal }) {
    const start = await starterOf(config.kind);
    const bus = await openBus(config, logger, `volstream-worker-${config.kind}`);
    const worker = await start(config, { bus, logger });
    try {
      if (!signal.aborted) await once(signal, 'abort');
    } finally {
      await worker.stop();
      await bus.close();
    }
    stdout.write(`${JSON.stringify({ worker: config.kind, stats: worker.stats() })}\n`);
    return EXIT_OK;
  },
});

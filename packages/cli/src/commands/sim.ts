import { once } from 'node:events';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ConfigOf, duration, enumOf, int, number, string } from '@volstream/config';
import { type CommandContext, defineCommand, EXIT_OK, EXIT_USAGE } from '../command.ts';

const options = {
  venue: enumOf(['binance', 'bybit', 'deribit', 'okx'] as const)
    .default('deribit')
    .flag('venue')
    .describe('Venue protocol to simulate.'),
  port: int({ min: 0, max: 65_535 })
    .default(0)
    .env('VOLSTREAM_SIM_PORT')
    .flag('port')
    .describe('Port on 127.0.0.1 (0 = ephemeral; the URL is printed).'),
  rate: int({ min: 1 })
    .optional()
    .env('VOLSTREAM_SIM_RATE')
    .flag('rate')
    .describe('Book+ticker notifications per second across all connections (default 2000).'),
  interval: int({ min: 0 })
    .optional()
    .flag('min-interval-ms')
    .describe('Minimum ms between two updates of one instrument (default 100; 0 for load tests).'),
  seed: string()
    .optional()
    .env('VOLSTREAM_SIM_SEED')
    .flag('seed')
    .describe('PRNG seed: the same seed gives the same market (default 1).'),
  faults: string()
    .optional()
    .flag('faults')
    .describe('Faults to inject, e.g. drop_deltas:count=2:every=5000,stall:ms=800 (docs/SIMULATOR.md).'),
  replay: string()
    .optional()
    .flag('replay')
    .describe('Replay a recorded cryptofeed capture (DERIBIT.ws.*.txt) instead of simulating.'),
  speed: number({ min: 0 })
    .optional()
    .flag('speed')
    .describe('Replay speed multiplier (default 1; 0 = as fast as possible).'),
  for: duration({ min: 1 })
    .optional()
    .flag('for')
    .describe('Run for this long, then stop (default: until SIGINT/SIGTERM).'),
};

export const simCommand = defineCommand({
  name: 'sim',
  summary: 'Run the protocol-faithful exchange simulator (Deribit API v2 over a websocket).',
  description: `Starts the simulator on 127.0.0.1 and prints one JSON line on stdout:
{"venue","url","truthUrl","port"}. The market moves (seeded), quotes around a ground-truth eSSVI
surface served at GET /truth, and accepts faults at POST /faults. With --replay it replays a
recorded session instead, answering get_instruments from the REST capture beside it.
Details: docs/SIMULATOR.md.`,
  examples: [
    'volstream sim --venue deribit --port 8765 --rate 5000 --seed demo',
    'volstream sim --faults drop_deltas:count=1:every=5000',
    'volstream sim --replay ../shared/data/deribit_ws_capture_2021-07-22/DERIBIT.ws.1.0.txt --speed 10',
  ],
  options,
  async run({ config, logger, stdout, stderr, signal }) {
    if (config.venue === 'okx') return runOkx({ config, logger, stdout, stderr, signal });
    if (config.venue === 'bybit') return runBybit({ config, logger, stdout, stderr, signal });
    if (config.venue === 'binance') return runBinance({ config, logger, stdout, stderr, signal });
    const { startDeribitSimulator, parseFaults } = await import('@volstream/exchange-sim');
    let faults: ReturnType<typeof parseFaults> = [];
    try {
      faults = config.faults === undefined ? [] : parseFaults(config.faults);
    } catch (error) {
      stderr.write(`volstream sim: ${error instanceof Error ? error.message : String(error)}\n`);
      return EXIT_USAGE;
    }
    const sim = await startDeribitSimulator({
      port: config.port,
      faults,
      logger,
      ...(config.rate === undefined ? {} : { rate: config.rate }),
      ...(config.interval === undefined ? {} : { minIntervalMs: config.interval }),
      ...(config.seed === undefined ? {} : { seed: config.seed }),
      ...(config.replay === undefined
        ? {}
        : {
            replay: {
              file: resolve(config.replay),
              speed: config.speed === 0 ? Number.POSITIVE_INFINITY : (config.speed ?? 1),
            },
          }),
    });
    stdout.write(
      `${JSON.stringify({ venue: config.venue, url: sim.url, truthUrl: sim.truthUrl, port: sim.port })}\n`,
    );
    logger.warn({ url: sim.url }, 'SIMULATED Deribit exchange, not a live venue');
    try {
      if (config.for !== undefined) await sleep(config.for, undefined, { signal }).catch(() => undefined);
      else if (!signal.aborted) await once(signal, 'abort');
    } finally {
      logger.info({ stats: sim.stats().counters }, 'simulator stopping');
      await sim.stop();
    }
    return EXIT_OK;
  },
});

/**
 * `--venue okx`: the OKX v5 simulator (REST instruments + public websocket) on the same seeded
 * market model. Prints {"venue","url","restUrl","port"}. --faults/--replay/--rate are Deribit-only.
 */
async function runOkx({
  config,
  logger,
  stdout,
  stderr,
  signal,
}: CommandContext<ConfigOf<typeof options>>): Promise<number> {
  if (config.replay !== undefined || config.faults !== undefined) {
    stderr.write('volstream sim: --replay and --faults are not available with --venue okx yet\n');
    return EXIT_USAGE;
  }
  const { startOkxSimulator } = await import('@volstream/exchange-sim');
  const sim = await startOkxSimulator({
    port: config.port,
    logger,
    ...(config.seed === undefined ? {} : { seed: config.seed }),
  });
  stdout.write(`${JSON.stringify({ venue: 'okx', url: sim.url, restUrl: sim.restUrl, port: sim.port })}\n`);
  logger.warn({ url: sim.url }, 'SIMULATED OKX exchange, not a live venue');
  try {
    if (config.for !== undefined) await sleep(config.for, undefined, { signal }).catch(() => undefined);
    else if (!signal.aborted) await once(signal, 'abort');
  } finally {
    logger.info({ stats: sim.stats() }, 'simulator stopping');
    await sim.stop();
  }
  return EXIT_OK;
}

/**
 * `--venue bybit`: the Bybit v5 option simulator (REST instruments-info + public option websocket)
 * on the same seeded market model. Prints {"venue","url","restUrl","port"}. --rate sets the book
 * updates per second; --faults/--replay are Deribit-only.
 */
async function runBybit({
  config,
  logger,
  stdout,
  stderr,
  signal,
}: CommandContext<ConfigOf<typeof options>>): Promise<number> {
  if (config.replay !== undefined || config.faults !== undefined) {
    stderr.write('volstream sim: --replay and --faults are not available with --venue bybit yet\n');
    return EXIT_USAGE;
  }
  const { startBybitSimulator } = await import('@volstream/exchange-sim');
  const sim = await startBybitSimulator({
    port: config.port,
    logger,
    ...(config.seed === undefined ? {} : { seed: config.seed }),
    ...(config.rate === undefined ? {} : { rate: config.rate }),
  });
  stdout.write(`${JSON.stringify({ venue: 'bybit', url: sim.url, restUrl: sim.restUrl, port: sim.port })}\n`);
  logger.warn({ url: sim.url }, 'SIMULATED Bybit exchange, not a live venue');
  try {
    if (config.for !== undefined) await sleep(config.for, undefined, { signal }).catch(() => undefined);
    else if (!signal.aborted) await once(signal, 'abort');
  } finally {
    logger.info({ stats: sim.stats() }, 'simulator stopping');
    await sim.stop();
  }
  return EXIT_OK;
}

/**
 * `--venue binance`: the Binance European Options simulator (fstream `/public/stream` and
 * `/market/stream` combined streams, REST exchangeInfo and depth) on the same seeded market model.
 * Prints {"venue","url","marketUrl","restUrl","port"}; `url` is what `volstream connector --venue
 * binance --url` takes. --rate caps the depth events per second; --faults/--replay are Deribit-only.
 */
async function runBinance({
  config,
  logger,
  stdout,
  stderr,
  signal,
}: CommandContext<ConfigOf<typeof options>>): Promise<number> {
  if (config.replay !== undefined || config.faults !== undefined) {
    stderr.write('volstream sim: --replay and --faults are not available with --venue binance yet\n');
    return EXIT_USAGE;
  }
  const { startBinanceSimulator } = await import('@volstream/exchange-sim');
  const sim = await startBinanceSimulator({
    port: config.port,
    logger,
    ...(config.seed === undefined ? {} : { seed: config.seed }),
    ...(config.rate === undefined ? {} : { rate: config.rate }),
  });
  stdout.write(
    `${JSON.stringify({ venue: 'binance', url: sim.url, marketUrl: sim.marketUrl, restUrl: sim.restUrl, port: sim.port })}\n`,
  );
  logger.warn({ url: sim.url }, 'SIMULATED Binance options exchange, not a live venue');
  try {
    if (config.for !== undefined) await sleep(config.for, undefined, { signal }).catch(() => undefined);
    else if (!signal.aborted) await once(signal, 'abort');
  } finally {
    logger.info({ stats: sim.stats() }, 'simulator stopping');
    await sim.stop();
  }
  return EXIT_OK;
}

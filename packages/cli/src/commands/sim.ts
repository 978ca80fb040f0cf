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
    if (config.venue !== 'deribit')
      return runOtherVenue(config.venue, { config, logger, stdout, stderr, signal });
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
    const line = { venue: config.venue, url: sim.url, truthUrl: sim.truthUrl, port: sim.port };
    return serve(
      { config, logger, stdout, signal },
      sim,
      line,
      'Deribit exchange',
      () => sim.stats().counters,
    );
  },
});

type Context = CommandContext<ConfigOf<typeof options>>;

/** What `serve` needs of a running simulator (every venue's has these). */
interface RunningSimulator {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Prints the simulator's JSON line, warns that it is simulated, runs for --for or until a signal,
 * then logs its stats and stops it. One copy for every venue (the per-venue blocks were identical).
 */
async function serve(
  { config, logger, stdout, signal }: Pick<Context, 'config' | 'logger' | 'stdout' | 'signal'>,
  sim: RunningSimulator,
  line: Record<string, unknown>,
  label: string,
  stats: () => unknown,
): Promise<number> {
  stdout.write(`${JSON.stringify(line)}\n`);
  logger.warn({ url: sim.url }, `SIMULATED ${label}, not a live venue`);
  try {
    if (config.for !== undefined) await sleep(config.for, undefined, { signal }).catch(() => undefined);
    else if (!signal.aborted) await once(signal, 'abort');
  } finally {
    logger.info({ stats: stats() }, 'simulator stopping');
    await sim.stop();
  }
  return EXIT_OK;
}

/**
 * `--venue okx|bybit|binance`: that venue's simulator (REST instruments + public websocket) on the
 * same seeded market model; --seed applies, --rate too (book updates per second on Bybit, depth
 * events per second on Binance; the OKX simulator has no rate); --faults/--replay are Deribit-only.
 * Prints {"venue","url","restUrl","port"}; Binance adds "marketUrl" (its second stream host;
 * `url` is what `volstream connector --venue binance --url` takes).
 */
async function runOtherVenue(venue: 'okx' | 'bybit' | 'binance', context: Context): Promise<number> {
  const { config, logger, stderr } = context;
  if (config.replay !== undefined || config.faults !== undefined) {
    stderr.write(`volstream sim: --replay and --faults are not available with --venue ${venue} yet\n`);
    return EXIT_USAGE;
  }
  const sims = await import('@volstream/exchange-sim');
  const seed = config.seed === undefined ? {} : { seed: config.seed };
  const rate = config.rate === undefined ? {} : { rate: config.rate };
  if (venue === 'okx') {
    const sim = await sims.startOkxSimulator({ port: config.port, logger, ...seed });
    const line = { venue, url: sim.url, restUrl: sim.restUrl, port: sim.port };
    return serve(context, sim, line, 'OKX exchange', () => sim.stats());
  }
  if (venue === 'bybit') {
    const sim = await sims.startBybitSimulator({ port: config.port, logger, ...seed, ...rate });
    const line = { venue, url: sim.url, restUrl: sim.restUrl, port: sim.port };
    return serve(context, sim, line, 'Bybit exchange', () => sim.stats());
  }
  const sim = await sims.startBinanceSimulator({ port: config.port, logger, ...seed, ...rate });
  const line = { venue, url: sim.url, marketUrl: sim.marketUrl, restUrl: sim.restUrl, port: sim.port };
  return serve(context, sim, line, 'Binance options exchange', () => sim.stats());
}

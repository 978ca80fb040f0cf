import { setTimeout as sleep } from 'node:timers/promises';
import type { Bus } from '@volstream/bus';
import {
  bool,
  COMMON_OPTIONS,
  duration,
  enumOf,
  int,
  list,
  resolveBusTransport,
  string,
} from '@volstream/config';
import { CONNECTOR_OPTIONS } from '@volstream/connector/options';
import type { Logger } from '@volstream/logging';
import { defineCommand, EXIT_OK } from '../command.ts';
import type { Component } from '../components.ts';
import { openBus } from '../open-bus.ts';
import { RUN_SOURCES, runComponents } from '../run-components.ts';
import { SPOOL_OPTIONS } from '../spool-options.ts';

const options = {
  bus: COMMON_OPTIONS.bus,
  brokers: COMMON_OPTIONS.brokers,
  kafkaIdempotent: COMMON_OPTIONS.kafkaIdempotent,
  dataDir: COMMON_OPTIONS.dataDir,
  store: bool()
    .default(true)
    .env('VOLSTREAM_RUN_STORE')
    .flag('store')
    .describe(
      'Store market data, volatility and surfaces in embedded chdb at <data-dir>/data (--no-store: off).',
    ),
  ...SPOOL_OPTIONS,
  // The connector's venue list (the registry), so a new venue is accepted here once registered.
  venues: list(CONNECTOR_OPTIONS.venue)
    .default(['deribit'])
    .env('VOLSTREAM_VENUES')
    .flag('venues')
    .describe(
      'Venues to follow, comma-separated: one connector each; simulated venues share one market model.',
    ),
  source: enumOf(RUN_SOURCES)
    .default('auto')
    .env('VOLSTREAM_SOURCE')
    .flag('source')
    .describe(
      'Market data, per venue: the built-in simulators, the live venues, or auto (each venue live when reachable, else simulated).',
    ),
  simSeed: string()
    .optional()
    .env('VOLSTREAM_SIM_SEED')
    .flag('sim-seed')
    .describe('Simulator seed (default 1).'),
  seed: string()
    .optional()
    .flag('seed')
    .describe('Simulator seed (same as --sim-seed; reproducible runs and reports).'),
  simRate: int({ min: 1 })
    .optional()
    .env('VOLSTREAM_SIM_RATE')
    .flag('sim-rate')
    .describe(
      'Simulator messages per second in total, split evenly over the simulated venues (default 2000).',
    ),
  report: string()
    .optional()
    .env('VOLSTREAM_REPORT')
    .flag('report')
    .describe('Write the run report (JSON, docs/PIPELINE.md "Run report") to this file at exit.'),
  metricsPort: int({ min: 0, max: 65_535 })
    .optional()
    .env('VOLSTREAM_METRICS_PORT')
    .flag('metrics-port')
    .describe('Serve the run report as Prometheus metrics on 127.0.0.1:PORT/metrics (and JSON on /report).'),
  port: int({ min: 0, max: 65_535 })
    .optional()
    .env('VOLSTREAM_GATEWAY_PORT')
    .flag('port')
    .describe('Gateway port (REST, /v1/stream, dashboard); default 8080, or a free port if 8080 is busy.'),
  for: duration({ min: 1 })
    .optional()
    .flag('for')
    .describe('Run for this long, then stop cleanly (default: until SIGINT/SIGTERM).'),
};

interface Started {
  readonly component: Component;
  readonly logger: Logger;
}

async function stopAll(started: readonly Started[], bus: Bus, logger: Logger): Promise<boolean> {
  let clean = true;
  for (const { component, logger: log } of [...started].reverse()) {
    try {
      await component.stop();
      log.info('stopped');
    } catch (error) {
      clean = false;
      log.error({ err: error }, 'stop failed');
    }
  }
  try {
    await bus.close();
    logger.info({ component: 'bus' }, 'bus flushed and closed');
  } catch (error) {
    clean = false;
    logger.error({ err: error, component: 'bus' }, 'bus close failed');
  }
  return clean;
}

/** Resolves when the command's signal aborts or `forMs` elapses, whichever is first. */
async function waitForStop(signal: AbortSignal, forMs: number | undefined): Promise<string> {
  if (signal.aborted) return 'signal';
  const stopped = new AbortController();
  const onAbort = new Promise<string>((resolve) =>
    signal.addEventListener('abort', () => resolve('signal'), { once: true, signal: stopped.signal }),
  );
  const waits = [onAbort];
  if (forMs !== undefined) {
    waits.push(sleep(forMs, 'duration elapsed', { signal: stopped.signal }).catch(() => 'signal'));
  }
  // Signal listeners do not keep Node's event loop alive; with nothing else scheduled (no
  // component holding a socket) the process would end before any signal arrives.
  const keepAlive = setInterval(() => {}, 1 << 30);
  const reason = await Promise.race(waits);
  clearInterval(keepAlive);
  stopped.abort();
  return reason;
}

export const runCommand = defineCommand({
  name: 'run',
  summary: 'Start volstream embedded: the in-process bus plus every available component.',
  description: `Starts the event bus (in-process unless brokers are given) and every registered component,
logging one line per component with what runs where. Stops cleanly on SIGINT/SIGTERM (components in
reverse order, then the bus is flushed; exit 0); a second signal forces exit. --for stops after a
fixed time, for scripts and tests.`,
  examples: [
    'volstream run',
    'volstream run --for 30s',
    'volstream run --source sim --venues deribit,okx --for 20s --report r.json --no-store',
    'VOLSTREAM_BROKERS=127.0.0.1:9092 volstream run',
  ],
  options,
  async run({ config, logger, signal }) {
    const transport = resolveBusTransport(config);
    const bus = await openBus(config, logger);
    logger.info(
      { component: 'bus', transport, ...(transport === 'kafka' ? { brokers: config.brokers } : {}) },
      transport === 'kafka' ? `bus: kafka on ${config.brokers?.join(',')}` : 'bus: in-process transport',
    );
    const started: Started[] = [];
    try {
      for (const entry of runComponents(config)) {
        if (signal.aborted) break;
        const component = await entry.create(config);
        if (component === undefined) {
          logger.info({ component: entry.name }, `${entry.name}: disabled by configuration`);
          continue;
        }
        const log = logger.child({ component: component.name });
        const { describe } = await component.start({ bus, config, logger: log, signal });
        started.push({ component, logger: log });
        log.info({ describe }, `${component.name}: ${describe}`);
      }
    } catch (error) {
      await stopAll(started, bus, logger);
      throw error;
    }
    logger.info(
      { components: ['bus', ...started.map((s) => s.component.name)], for: config.for },
      `running ${started.length + 1} component(s)${config.for === undefined ? ' until SIGINT/SIGTERM' : ''}`,
    );
    const reason = await waitForStop(signal, config.for);
    logger.info({ reason }, 'shutting down');
    const clean = await stopAll(started, bus, logger);
    logger.info('stopped');
    return clean ? EXIT_OK : 1;
  },
});

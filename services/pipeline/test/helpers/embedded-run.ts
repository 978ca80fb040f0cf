// `volstream run`'s components started in-process (the CLI's runComponents, minus the gateway):
// the same wiring as the command, without a child process, so a test can read the run report
// while the run goes on.
import type { Bus } from '@volstream/bus';
import { createBus } from '@volstream/bus';
import { type Component, runComponents } from '@volstream/cli';
import { createLogger, type Logger } from '@volstream/logging';
import type { ReportComponent, RunReport } from '../../src/index.ts';

export interface EmbeddedRun {
  readonly bus: Bus;
  readonly names: string[];
  /** The run report so far (the report component's collector). */
  report(): RunReport | undefined;
  /** Stops in reverse start order (writes `config.report`), then closes the bus. */
  stop(): Promise<void>;
}

export async function startEmbeddedRun(
  config: Record<string, unknown>,
  logger?: Logger,
): Promise<EmbeddedRun> {
  const log = logger ?? createLogger({ service: 'test-run', level: 'warn' });
  const bus: Bus = await createBus({ transport: 'inprocess' }, { logger: log });
  const abort = new AbortController();
  const started: Component[] = [];
  let report: ReportComponent | undefined;
  const stop = async (): Promise<void> => {
    abort.abort();
    for (const c of [...started].reverse()) await c.stop();
    await bus.close();
  };
  try {
    for (const entry of runComponents(config)) {
      if (entry.name === 'gateway') continue;
      const component = await entry.create(config);
      if (component === undefined) continue;
      await component.start({
        bus,
        config,
        logger: log.child({ component: component.name }),
        signal: abort.signal,
      });
      started.push(component);
      if (component.name === 'report') report = component as unknown as ReportComponent;
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { bus, names: started.map((c) => c.name), report: () => report?.report(), stop };
}

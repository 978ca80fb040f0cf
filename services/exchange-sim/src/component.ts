/**
 * The simulator as a `volstream run` component (the CLI's `{ name, start(ctx), stop() }` shape,
 * packages/cli/src/components.ts), typed structurally so this service does not depend on the CLI.
 */
import type { Logger } from '@volstream/logging';
import {
  type DeribitSimulator,
  type DeribitSimulatorOptions,
  startDeribitSimulator,
} from './deribit/simulator.ts';

export interface SimulatorComponentOptions extends DeribitSimulatorOptions {
  venue?: 'deribit';
}

export interface SimulatorComponent {
  readonly name: string;
  start(ctx: { logger: Logger }): Promise<{ describe: string }>;
  stop(): Promise<void>;
  /** The running simulator (after start). */
  simulator(): DeribitSimulator | undefined;
}

export function createSimulatorComponent(options: SimulatorComponentOptions = {}): SimulatorComponent {
  let sim: DeribitSimulator | undefined;
  return {
    name: 'sim',
    async start(ctx) {
      const { venue: _venue, ...rest } = options;
      sim = await startDeribitSimulator({ ...rest, logger: options.logger ?? ctx.logger });
      const mode =
        options.replay === undefined
          ? `seed ${String(options.seed ?? 1)}`
          : `replay of ${options.replay.file}`;
      // Loud on purpose: data from a simulator must never be mistaken for a live venue.
      ctx.logger.warn(
        { url: sim.url, truthUrl: sim.truthUrl },
        `SIMULATED Deribit exchange (${mode}), not a live venue`,
      );
      return { describe: `deribit simulator on ${sim.url} (${mode}; truth ${sim.truthUrl})` };
    },
    async stop() {
      const s = sim;
      sim = undefined;
      await s?.stop();
    },
    simulator: () => sim,
  };
}

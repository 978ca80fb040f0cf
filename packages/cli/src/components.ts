import type { Bus } from '@volstream/bus';
import type { Logger } from '@volstream/logging';

/** What `volstream run` hands each component when starting it. */
export interface ComponentContext {
  readonly bus: Bus;
  /** The frozen settings of `volstream run` (flags > env > defaults). */
  readonly config: Readonly<Record<string, unknown>>;
  /** A child logger bound to `component: <name>`. */
  readonly logger: Logger;
  /** Aborted when `run` is shutting down. */
  readonly signal: AbortSignal;
}

/**
 * One thing `volstream run` starts in-process: a simulator, a connector, a worker, the gateway…
 * `start` resolves once the component is serving and says what runs where (e.g. "deribit
 * simulator on ws://127.0.0.1:41231"); `stop` releases everything it holds. Components are
 * stopped in reverse start order, so a consumer stops before the producer it depends on.
 */
export interface Component {
  readonly name: string;
  start(ctx: ComponentContext): Promise<{ describe: string }>;
  stop(): Promise<void>;
}

/**
 * An entry of the component list of `run`: `create` is called with the run config, may import
 * its service lazily, and returns `undefined` when the component is disabled by the config.
 */
export interface ComponentEntry {
  readonly name: string;
  create(config: Readonly<Record<string, unknown>>): Promise<Component | undefined>;
}

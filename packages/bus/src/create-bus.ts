import type { Logger } from '@volstream/logging';
import { createInProcessBus, type InProcessBusConfig } from './inprocess/create-inprocess-bus.ts';
import { createKafkaBus, type KafkaBusConfig } from './kafka/create-kafka-bus.ts';
import type { Bus } from './types.ts';

export type BusConfig = InProcessBusConfig | KafkaBusConfig;

export interface BusDeps {
  logger: Logger;
}

/** The one entry point: the same `Bus` API whichever transport the config names. */
export function createBus(config: BusConfig, deps: BusDeps): Bus {
  const logger = deps.logger.child({ component: 'bus', transport: config.transport });
  return config.transport === 'kafka' ? createKafkaBus(config, logger) : createInProcessBus(config, logger);
}

// The order-book worker service: the pure OrderBookTransform on the shared worker runtime.
// Input volstream.marketdata.v1 (key venue:instrument), output volstream.orderbook.v1 (key
// currency:expiry). Nothing happens at import; main.ts composes and starts it.
import type { Bus } from '@volstream/bus';
import { type MarketDataEvent, type OrderBookEvent, TOPICS } from '@volstream/contracts';
import type { Logger } from '@volstream/logging';
import { type RunningWorker, startWorker, type WorkerDefinition } from '@volstream/worker-runtime';
import { OrderBookTransform, type OrderBookTransformOptions } from './transform.ts';

export const ORDERBOOK_WORKER = 'orderbook-worker';

/** The worker definition the runtime runs (one transform instance = one process's state). */
export function orderBookWorkerDefinition(
  transform: OrderBookTransform = new OrderBookTransform(),
): WorkerDefinition<MarketDataEvent, OrderBookEvent> {
  return {
    name: ORDERBOOK_WORKER,
    input: TOPICS.marketdata,
    output: TOPICS.orderbook,
    // No coalescing of inputs: every delta must be applied in order. Conflation happens on the
    // output side (one BookTop per instrument per window).
    transform: (inputs) => transform.apply(inputs.map((i) => i.value)),
  };
}

export interface OrderBookWorkerDeps {
  bus: Bus;
  logger: Logger;
}

export interface OrderBookWorkerOptions extends OrderBookTransformOptions {
  groupId?: string;
  fromBeginning?: boolean;
  windowMs?: number;
  maxWindowMessages?: number;
}

/** Starts the worker as a consumer-group member; resolves once it is consuming. */
export function build(options: OrderBookWorkerOptions, deps: OrderBookWorkerDeps): Promise<RunningWorker> {
  const { groupId, fromBeginning, windowMs, maxWindowMessages, ...transformOptions } = options;
  return startWorker(orderBookWorkerDefinition(new OrderBookTransform(transformOptions)), {
    bus: deps.bus,
    logger: deps.logger,
    groupId: groupId ?? ORDERBOOK_WORKER,
    ...(fromBeginning === undefined ? {} : { fromBeginning }),
    ...(windowMs === undefined ? {} : { windowMs }),
    ...(maxWindowMessages === undefined ? {} : { maxWindowMessages }),
  });
}

// The order-book worker service: the pure OrderBookTransform on the shared worker runtime.
// Input volstream.marketdata.v1 (key venue:instrument), output volstream.orderbook.v1 (key
// currency:expiry). Nothing happens at import; main.ts composes and starts it.
import type { Bus, TopicCodec } from '@volstream/bus';
import { type OrderBookEvent, TOPICS } from '@volstream/contracts';
import type { Logger } from '@volstream/logging';
import { type RunningWorker, startWorker, type WorkerDefinition } from '@volstream/worker-runtime';
import { OrderBookTransform, type OrderBookTransformOptions } from './transform.ts';

export const ORDERBOOK_WORKER = 'orderbook-worker';

/**
 * volstream.marketdata.v1 as the worker consumes it: the records' bytes, undecoded. The transform
 * reads each record in place (`applyRecords`), so no protobuf object is built per message; records
 * that cannot be decoded are counted by the transform (`decode_<code>`) instead of by the bus.
 */
export const MARKETDATA_RECORDS: TopicCodec<Uint8Array> = {
  name: TOPICS.marketdata.name,
  partitions: TOPICS.marketdata.partitions,
  retentionMs: TOPICS.marketdata.retentionMs,
  compacted: TOPICS.marketdata.compacted,
  encode: (bytes) => bytes,
  decode: (bytes) => bytes,
  keyOf: () => {
    throw new Error('Expected MARKETDATA_RECORDS to be consumed only, was used to produce');
  },
};

/** The worker definition the runtime runs (one transform instance = one process's state). */
export function orderBookWorkerDefinition(
  transform: OrderBookTransform = new OrderBookTransform(),
): WorkerDefinition<Uint8Array, OrderBookEvent> {
  return {
    name: ORDERBOOK_WORKER,
    input: MARKETDATA_RECORDS,
    output: TOPICS.orderbook,
    // No coalescing of inputs: every delta must be applied in order. Conflation happens on the
    // output side (one BookTop per instrument per window).
    transform: (inputs) => {
      const records: Uint8Array[] = new Array(inputs.length);
      for (let i = 0; i < inputs.length; i++) records[i] = (inputs[i] as { value: Uint8Array }).value;
      return transform.applyRecords(records);
    },
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

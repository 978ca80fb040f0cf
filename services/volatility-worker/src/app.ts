// The volatility worker service: the pure VolatilityTransform on the shared worker runtime.
// Input volstream.orderbook.v1, output volstream.volatility.v1, both keyed currency:expiry.
// The WASM module is loaded in build() (FITTER_WASM selects another fitter), never at import.
import type { Bus } from '@volstream/bus';
import { type OrderBookEvent, TOPICS, type VolatilityEvent } from '@volstream/contracts';
import type { Logger } from '@volstream/logging';
import { type RunningWorker, startWorker, type WorkerDefinition } from '@volstream/worker-runtime';
import { load, type SviCore } from 'svi-core';
import { VolatilityTransform, type VolatilityTransformOptions } from './transform.ts';

export const VOLATILITY_WORKER = 'volatility-worker';

/**
 * Inputs are coalesced before the transformation: the latest BookTop per instrument and the latest
 * Forward per expiry of a window win (older ones would be recomputed only to be overwritten).
 */
export function coalesceKey(event: OrderBookEvent): string | undefined {
  const p = event.payload;
  if (p.case === 'bookTop') return `top:${event.header?.venue}:${p.value.instrumentName}`;
  if (p.case === 'forward') return `fwd:${event.header?.venue}:${p.value.currency}:${p.value.expiryMs}`;
  return undefined;
}

export function volatilityWorkerDefinition(
  transform: VolatilityTransform,
): WorkerDefinition<OrderBookEvent, VolatilityEvent> {
  return {
    name: VOLATILITY_WORKER,
    input: TOPICS.orderbook,
    output: TOPICS.volatility,
    coalesceKey,
    transform: (inputs) => transform.apply(inputs.map((i) => i.value)),
  };
}

export interface VolatilityWorkerDeps {
  bus: Bus;
  logger: Logger;
  /** A loaded module (default: `load()` of svi-core, honouring FITTER_WASM). */
  core?: SviCore;
}

export interface VolatilityWorkerOptions extends Omit<VolatilityTransformOptions, 'core'> {
  groupId?: string;
  fromBeginning?: boolean;
  windowMs?: number;
  maxWindowMessages?: number;
}

export async function build(
  options: VolatilityWorkerOptions,
  deps: VolatilityWorkerDeps,
): Promise<RunningWorker> {
  const { groupId, fromBeginning, windowMs, maxWindowMessages, ...transformOptions } = options;
  const core = deps.core ?? (await load());
  return startWorker(volatilityWorkerDefinition(new VolatilityTransform({ ...transformOptions, core })), {
    bus: deps.bus,
    logger: deps.logger,
    groupId: groupId ?? VOLATILITY_WORKER,
    ...(fromBeginning === undefined ? {} : { fromBeginning }),
    ...(windowMs === undefined ? {} : { windowMs }),
    ...(maxWindowMessages === undefined ? {} : { maxWindowMessages }),
  });
}

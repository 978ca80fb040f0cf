/**
 * The surface worker service: the pure SurfaceTransform run by the shared worker runtime
 * (consume volstream.volatility.v1 → transform → produce volstream.surface.v1 → commit).
 * The WASM module is loaded in build() (FITTER_WASM selects another fitter), never at import.
 */
import type { Bus } from '@volstream/bus';
import type { Logger } from '@volstream/logging';
import { type RunningWorker, startWorker } from '@volstream/worker-runtime';
import { load, type SviCore } from 'svi-core';
import type { SurfaceOptionsInit } from './options.ts';
import { SurfaceTransform } from './transform.ts';

export const SURFACE_WORKER = 'surface-worker';

export interface SurfaceWorkerDeps {
  bus: Bus;
  logger: Logger;
  /** A loaded module (default: `load()` of svi-core, honouring FITTER_WASM). */
  core?: SviCore;
}

export interface SurfaceWorkerOptions extends SurfaceOptionsInit {
  /** Consumer group (default "surface-worker"). */
  groupId?: string;
  /** Where a group without committed offsets starts (default true: rebuild from the retained topic). */
  fromBeginning?: boolean;
  /** Coalescing window of the runtime, ms (default 0: each bus batch as it comes). */
  windowMs?: number;
  maxWindowMessages?: number;
}

export interface SurfaceWorker extends RunningWorker {
  /** The transformation (for its stats() and venueDisagreement()). */
  readonly transform: SurfaceTransform;
}

export async function build(options: SurfaceWorkerOptions, deps: SurfaceWorkerDeps): Promise<SurfaceWorker> {
  const { groupId, fromBeginning, windowMs, maxWindowMessages, ...surfaceOptions } = options;
  const core = deps.core ?? (await load());
  const transform = new SurfaceTransform({ core }, surfaceOptions);
  const worker = await startWorker(transform, {
    bus: deps.bus,
    logger: deps.logger,
    groupId: groupId ?? SURFACE_WORKER,
    ...(fromBeginning === undefined ? {} : { fromBeginning }),
    ...(windowMs === undefined ? {} : { windowMs }),
    ...(maxWindowMessages === undefined ? {} : { maxWindowMessages }),
  });
  return {
    transform,
    stats: () => worker.stats(),
    lag: () => worker.lag(),
    stop: () => worker.stop(),
  };
}

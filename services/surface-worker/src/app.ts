/**
 * The surface worker service: the pure SurfaceTransform run by the shared worker runtime
 * (consume volstream.volatility.v1 → transform → produce volstream.surface.v1 → commit). No I/O
 * happens at import; `startSurfaceWorker` needs an initialised svi-core module and a bus.
 */
import type { Bus } from '@volstream/bus';
import type { Logger } from '@volstream/logging';
import { type RunningWorker, startWorker } from '@volstream/worker-runtime';
import type { SviCore } from 'svi-core';
import type { SurfaceOptionsInit } from './options.ts';
import { SurfaceTransform } from './transform.ts';

export interface SurfaceWorkerDeps {
  bus: Bus;
  logger: Logger;
  core: SviCore;
}

export interface SurfaceWorker extends RunningWorker {
  readonly transform: SurfaceTransform;
}

export interface SurfaceWorkerRunOptions {
  /** Consumer group (default "surface-worker"). */
  groupId?: string;
  /** Where a group without committed offsets starts (default true: rebuild from the retained topic). */
  fromBeginning?: boolean;
  /** Coalescing window of the runtime, ms (default 50). */
  windowMs?: number;
}

export async function startSurfaceWorker(
  deps: SurfaceWorkerDeps,
  options: SurfaceOptionsInit = {},
  run: SurfaceWorkerRunOptions = {},
): Promise<SurfaceWorker> {
  const transform = new SurfaceTransform({ core: deps.core }, options);
  const worker = await startWorker(transform, {
    bus: deps.bus,
    logger: deps.logger,
    groupId: run.groupId ?? 'surface-worker',
    fromBeginning: run.fromBeginning ?? true,
    windowMs: run.windowMs ?? 50,
  });
  return { ...worker, transform };
}

import type { LatencyStats, WindowResult, WorkerStats } from './types.ts';

function addInto(target: Record<string, number>, source: Readonly<Record<string, number>> | undefined): void {
  if (source === undefined) return;
  for (const [reason, n] of Object.entries(source)) {
    if (n !== 0) target[reason] = (target[reason] ?? 0) + n;
  }
}

/** The runtime's counters; `snapshot()` is what `stats()` returns. */
export class WorkerMetrics {
  in = 0;
  coalesced = 0;
  out = 0;
  windows = 0;
  retries = 0;
  readonly dropped: Record<string, number> = {};
  readonly counters: Record<string, number> = {};
  #latencyCount = 0;
  #latencyTotal = 0;
  #latencyMax = 0;
  #latencyLast = 0;

  constructor(
    readonly name: string,
    readonly groupId: string,
  ) {}

  /** Adds a finished window: its inputs, its result and how long it took (decode excluded). */
  window(inputs: number, kept: number, result: WindowResult<unknown>, elapsedMs: number): void {
    this.windows += 1;
    this.in += inputs;
    this.coalesced += inputs - kept;
    this.out += result.outputs.length;
    addInto(this.dropped, result.dropped);
    addInto(this.counters, result.counters);
    this.#latencyCount += 1;
    this.#latencyTotal += elapsedMs;
    this.#latencyLast = elapsedMs;
    if (elapsedMs > this.#latencyMax) this.#latencyMax = elapsedMs;
  }

  latency(): LatencyStats {
    return {
      count: this.#latencyCount,
      meanMs: this.#latencyCount === 0 ? 0 : this.#latencyTotal / this.#latencyCount,
      maxMs: this.#latencyMax,
      lastMs: this.#latencyLast,
    };
  }

  snapshot(decodeFailures: Readonly<Record<string, number>>, consumerRestarts = 0): WorkerStats {
    return {
      name: this.name,
      groupId: this.groupId,
      in: this.in,
      coalesced: this.coalesced,
      out: this.out,
      windows: this.windows,
      retries: this.retries,
      dropped: { ...this.dropped },
      counters: { ...this.counters },
      decodeFailures: { ...decodeFailures },
      consumerRestarts,
      batchLatency: this.latency(),
    };
  }
}

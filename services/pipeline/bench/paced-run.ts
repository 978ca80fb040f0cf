// One paced end-to-end run of the embedded compute host on generated market data: records are
// injected at `rate` msgs/s (receive time stamped at injection) into a fresh host, surfaces are
// read back on the main bus for receipt -> surface latency (publish_time_ns - receive_time_ns, as
// the run report computes it), lag is sampled every 200 ms, CPU is the whole process (all threads).
import { type Bus, type BusBatch, createBus } from '@volstream/bus';
import { type SurfaceEvent, TOPICS } from '@volstream/contracts';
import type { Logger } from '@volstream/logging';
import { type ComputeHost, type ComputeHostOptions, LatencySamples, startComputeHost } from '../src/index.ts';
import type { ComputeLayout } from '../src/thread-protocol.ts';
import { type GeneratedLoad, type LoadRecord, receiveVarint } from './generated-load.ts';

export interface PacedResult {
  readonly rate: number;
  readonly layout: ComputeLayout;
  readonly messages: number;
  readonly achieved: number;
  readonly loss: number;
  readonly dropped: number;
  readonly peakLag: number;
  readonly drainMs: number;
  readonly p50: number;
  readonly p99: number;
  readonly surfaces: number;
  readonly cpuUsPerMsg: number;
  /** CPU per message of each compute thread (its stages joined by '+'), and of the main thread. */
  readonly threadUsPerMsg: Readonly<Record<string, number>>;
  /**
   * The rate the busiest thread could carry if it had a core to itself: 1e6 / its CPU µs per
   * message. An estimate for a quiet 2-core machine (cache contention still counts).
   */
  readonly cpuBoundRate: number;
  readonly rssMiB: number;
  /** Per stage, the windows of the timed flow: how many and their mean wall time (transform + produce). */
  readonly windows: Readonly<Record<string, { count: number; meanMs: number; inputsPerWindow: number }>>;
  /** Wall clock (ns since the epoch) when the timed flow started: stamps before it are the setup's. */
  readonly flowStartNs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const nowNs = (): bigint => BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000)) * 1000n;

function stamp(records: readonly LoadRecord[]): void {
  const bytes = receiveVarint(nowNs());
  for (const r of records) if (r.receiveAt >= 0) r.value.set(bytes, r.receiveAt);
}

async function inject(host: ComputeHost, records: readonly LoadRecord[]): Promise<void> {
  stamp(records);
  await host.inject(TOPICS.marketdata.name, records);
}

const totalLag = (s: Awaited<ReturnType<ComputeHost['stats']>>) =>
  s.lag.orderbook + s.lag.volatility + s.lag.surface;

/** Waits until every record went through and no stage lags; the wait and the peak lag seen. */
async function drained(
  host: ComputeHost,
  n: number,
  timeoutMs: number,
): Promise<{ ms: number; peak: number }> {
  const t0 = performance.now();
  let peak = 0;
  for (;;) {
    const s = await host.stats();
    const lag = totalLag(s);
    peak = Math.max(peak, lag);
    if (s.workers.orderbook.in >= n && lag === 0) return { ms: performance.now() - t0, peak };
    if (performance.now() - t0 > timeoutMs) return { ms: Number.NaN, peak };
    await sleep(50);
  }
}

export async function pacedRun(
  load: GeneratedLoad,
  options: {
    rate: number;
    seconds: number;
    layout: ComputeLayout;
    logger: Logger;
    stages?: ComputeHostOptions['stages'];
    /** More host options (e.g. `trace` for the per-stage latency bench). */
    host?: Omit<ComputeHostOptions, 'stages' | 'layout'>;
    /** Called with the main bus once the host runs (extra consumers); awaited at the end. */
    observe?: (bus: Bus) => Promise<() => Promise<void>>;
  },
): Promise<PacedResult> {
  const { rate, layout, logger } = options;
  const bus = createBus({ transport: 'inprocess' }, { logger });
  const host = await startComputeHost(
    {
      logLevel: 'error',
      layout,
      maxInFlight: 20_000,
      ...options.host,
      ...(options.stages === undefined ? {} : { stages: options.stages }),
    },
    { bus, logger },
  );
  const latency = new LatencySamples();
  let surfaces = 0;
  const consumer = bus.consumer<SurfaceEvent>({ groupId: 'bench-latency' });
  await consumer.subscribe([TOPICS.surface], { fromBeginning: true });
  // Timed surfaces: those carrying an input of the timed flow. A surface of the setup (snapshots,
  // injected and drained before the flow) that reaches the main thread after the flow started
  // would count the setup's drain wait as latency.
  let measuring = false;
  let flowStartReceiveNs = 0n;
  const stopObserver = options.observe === undefined ? undefined : await options.observe(bus);
  await consumer.run({
    eachBatch: async (batch: BusBatch<SurfaceEvent>) => {
      for (const m of batch.messages) {
        const h = m.value.header;
        if (m.value.payload.case !== 'surface' || h === undefined || !measuring) continue;
        if (h.receiveTimeNs < flowStartReceiveNs) continue;
        surfaces++;
        latency.add(Number(h.publishTimeNs - h.receiveTimeNs) / 1e6);
      }
    },
  });
  try {
    for (let i = 0; i < load.setup.length; i += 1000) await inject(host, load.setup.slice(i, i + 1000));
    await drained(host, load.setup.length, 120_000);
    const flow = load.flow.slice(0, Math.min(load.flow.length, Math.round(rate * options.seconds)));
    flowStartReceiveNs = nowNs();
    measuring = true;
    let peakLag = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peakLag = Math.max(peakLag, totalLag(await host.stats()));
        await sleep(200);
      }
    })();
    const before = await host.stats();
    const threads0 = before.threads ?? [];
    const flowStartNs = Number(nowNs());
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const chunk = Math.max(100, Math.min(1000, Math.round(rate / 100))); // ~10 ms of traffic
    for (let i = 0; i < flow.length; i += chunk) {
      await inject(host, flow.slice(i, i + chunk));
      const wait = t0 + ((i + chunk) / rate) * 1000 - performance.now();
      if (wait > 0) await sleep(wait);
    }
    const injectMs = performance.now() - t0;
    const d = await drained(host, load.setup.length + flow.length, 120_000);
    sampling = false;
    await sampler;
    const cpu = process.cpuUsage(cpu0);
    const s = await host.stats();
    const threadUsPerMsg: Record<string, number> = {};
    let threadsMs = 0;
    for (const [i, t] of (s.threads ?? []).entries()) {
      const ms = t.cpuMs - (threads0[i]?.cpuMs ?? 0);
      threadsMs += ms;
      threadUsPerMsg[t.stages.join('+')] = (ms * 1000) / flow.length;
    }
    threadUsPerMsg.main = (((cpu.user + cpu.system) / 1000 - threadsMs) * 1000) / flow.length;
    const busiest = Math.max(...Object.values(threadUsPerMsg));
    const windows: Record<string, { count: number; meanMs: number; inputsPerWindow: number }> = {};
    for (const [stage, w] of Object.entries(s.workers)) {
      const w0 = before.workers[stage as keyof typeof before.workers];
      const count = w.batchLatency.count - w0.batchLatency.count;
      const totalMs =
        w.batchLatency.meanMs * w.batchLatency.count - w0.batchLatency.meanMs * w0.batchLatency.count;
      windows[stage] = {
        count,
        meanMs: count === 0 ? 0 : totalMs / count,
        inputsPerWindow: count === 0 ? 0 : (w.in - w0.in) / count,
      };
    }
    const dropped = Object.values(s.workers.orderbook.dropped).reduce((a, b) => a + b, 0);
    const summary = latency.summary();
    return {
      rate,
      layout,
      messages: flow.length,
      achieved: (flow.length / (injectMs + (Number.isNaN(d.ms) ? 120_000 : d.ms))) * 1000,
      loss: load.setup.length + flow.length - s.workers.orderbook.in,
      dropped,
      peakLag: Math.max(peakLag, d.peak),
      drainMs: d.ms,
      p50: summary.p50,
      p99: summary.p99,
      surfaces,
      cpuUsPerMsg: (cpu.user + cpu.system) / flow.length,
      threadUsPerMsg,
      cpuBoundRate: 1e6 / busiest,
      rssMiB: process.memoryUsage().rss / 2 ** 20,
      windows,
      flowStartNs,
    };
  } finally {
    await consumer.stop();
    await stopObserver?.();
    await host.stop();
    await bus.close();
  }
}

/**
 * Sustained = the paced rate was met (≥ 97 %), nothing lost and the lag drained within a second
 * of the injection ending (bounded, not growing).
 */
export const sustained = (r: PacedResult): boolean =>
  r.achieved >= 0.97 * r.rate && r.loss === 0 && r.drainMs <= 1000;

// End-to-end benchmark of the embedded mode (docs/BENCHMARKS.md "End to end"):
//   A. simulator (own process) -> connector (main thread) -> compute thread (three workers) for
//      20 s at the highest rate the simulator offers: what the whole chain sustains on this
//      machine, receipt -> surface latency, lag, RSS;
//   B. the market data recorded in A injected into a fresh compute thread as fast as its credit
//      allows: the workers' own capacity (zero loss checked);
//   C. the same recording paced at rising rates (10k, 25k, 50k, 100k msgs/s): peak lag and drain;
//   baseline: bare JSON.parse of the simulator's frames captured in the same run.
// Run: node --import tsx services/pipeline/bench/e2e.bench.ts   (about 3 minutes)
import { type ChildProcess, spawn } from 'node:child_process';
import { createBus, type Producer, type TopicCodec } from '@volstream/bus';
import { busSink, createConnector } from '@volstream/connector';
import { TOPICS } from '@volstream/contracts';
import { createLogger } from '@volstream/logging';
import { load } from 'svi-core';
import WebSocket from 'ws';
import { type ComputeHost, RunReportCollector, startComputeHost } from '../src/index.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;
const logger = createLogger({ service: 'e2e-bench', level: 'error' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const emit = (bench: string, value: number, unit: string, baseline: number | null, ratio: number | null) =>
  process.stdout.write(
    `${JSON.stringify({ bench, value: Math.round(value * 100) / 100, unit, baseline, ratio })}\n`,
  );

async function startSim(rate: number): Promise<{ child: ChildProcess; url: string; base: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'services/pipeline/test/helpers/sim-child.ts', '5', String(rate)],
    {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const info = await new Promise<{ url: string; base: string }>((resolve) => {
    let text = '';
    child.stdout?.on('data', (d: Buffer) => {
      text += d.toString();
      const line = text.split('\n').find((l) => l.startsWith('{"url"'));
      if (line !== undefined) resolve(JSON.parse(line));
    });
  });
  return { child, ...info };
}

/** Raw frames of the simulator (what the connector parses), from a plain websocket client. */
async function captureFrames(url: string, base: string, ms: number): Promise<string[]> {
  const frames: string[] = [];
  const ws = new WebSocket(url);
  await new Promise((r) => ws.once('open', r));
  ws.on('message', (d) => frames.push(d.toString()));
  const rows = (await (
    await fetch(`${base}/api/v2/public/get_instruments?currency=BTC&kind=option`)
  ).json()) as {
    result: { instrument_name: string }[];
  };
  const names = rows.result.slice(0, 125).map((r) => r.instrument_name);
  const channels = names.flatMap((n) => [`book.${n}.100ms`, `ticker.${n}.100ms`]);
  ws.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'public/subscribe', params: { channels } }));
  await sleep(ms);
  ws.close();
  return frames.filter((f) => f.includes('"subscription"'));
}

function jsonParseRate(frames: readonly string[], total: number): number {
  let sink = 0;
  const t0 = performance.now();
  for (let i = 0; i < total; i++)
    sink += (JSON.parse(frames[i % frames.length] as string) as object) === null ? 1 : 0;
  const s = (performance.now() - t0) / 1000;
  return (total + sink) / s;
}

interface Recorded {
  readonly key: string;
  readonly value: Uint8Array;
}

async function drained(
  host: ComputeHost,
  n: number,
  timeoutMs: number,
): Promise<{ ms: number; peak: number }> {
  const t0 = performance.now();
  let peak = 0;
  for (;;) {
    const s = await host.stats();
    const lag = s.lag.orderbook + s.lag.volatility + s.lag.surface;
    peak = Math.max(peak, lag);
    if (s.workers.orderbook.in >= n && lag === 0) return { ms: performance.now() - t0, peak };
    if (performance.now() - t0 > timeoutMs) return { ms: Number.NaN, peak };
    await sleep(50);
  }
}

/** Injects `records` at `rate` msgs/s (Infinity = as fast as the credit allows), in 1,000s. */
async function inject(host: ComputeHost, records: readonly Recorded[], rate: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < records.length; i += 1000) {
    await host.inject(TOPICS.marketdata.name, records.slice(i, i + 1000));
    if (Number.isFinite(rate)) {
      const due = t0 + ((i + 1000) / rate) * 1000;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
    }
  }
  return performance.now() - t0;
}

async function main(): Promise<void> {
  const sim = await startSim(50_000);
  try {
    const frames = await captureFrames(sim.url, sim.base, 3_000);
    const parseRate = jsonParseRate(frames, 200_000);
    emit('json_parse_sim_frames', parseRate, 'msgs/s', null, null);

    // A. The whole chain.
    const bus = createBus({ transport: 'inprocess' }, { logger });
    const host = await startComputeHost({ logLevel: 'error' }, { bus, logger });
    const recorded: Recorded[] = [];
    const routed = host.ingressBus(bus).producer();
    const recorder: Producer = {
      ...routed,
      send<T>(topic: TopicCodec<T>, values: readonly T[]) {
        for (const v of values) recorded.push({ key: topic.keyOf(v), value: topic.encode(v) });
        return routed.send(topic, values);
      },
      sendRaw: (t, r) => routed.sendRaw(t, r),
      flush: () => routed.flush(),
      close: () => routed.close(),
    };
    const collector = new RunReportCollector(
      await load(),
      { connector: () => connector.stats(), compute: () => host.stats() },
      { source: 'sim', warmupMs: 8_000 },
      logger,
    );
    await collector.start(bus);
    const cpu0 = process.cpuUsage();
    const connector = createConnector(
      { venue: 'deribit', url: sim.url },
      { sink: busSink(recorder), logger },
    );
    connector.start();
    const t0 = performance.now();
    await sleep(20_000);
    const wallS = (performance.now() - t0) / 1000;
    const rss = process.memoryUsage().rss / 2 ** 20;
    await connector.stop();
    const a = await drained(host, connector.stats().eventsOut, 60_000);
    const cpu = process.cpuUsage(cpu0);
    await collector.stop(await host.stats());
    const report = collector.report();
    const eventsOut = connector.stats().eventsOut;
    const e2eRate = report.stages.orderbook.in / (wallS + a.ms / 1000);
    emit('e2e_sim_connector_workers_msgs_per_s', e2eRate, 'msgs/s', parseRate, e2eRate / parseRate);
    emit('e2e_connector_in_msgs_per_s', report.throughput.connectorMsgsPerSec, 'msgs/s', parseRate, null);
    emit('e2e_latency_p50', report.latencyMs.p50, 'ms', null, null);
    emit('e2e_latency_p99', report.latencyMs.p99, 'ms', 250, report.latencyMs.p99 / 250);
    emit('e2e_drain_after_stop', a.ms, 'ms', null, null);
    emit('e2e_peak_lag', report.lag.maxTotal, 'msgs', null, null);
    emit(
      'e2e_rss_instruments',
      rss,
      `MiB (${report.connector?.instruments ?? 0} instruments)`,
      1536,
      rss / 1536,
    );
    emit(
      'e2e_cpu_per_msg',
      ((cpu.user + cpu.system) / eventsOut) as number,
      'us/msg (process, both threads)',
      null,
      null,
    );
    emit('e2e_surfaces', report.stages.published.surfaces, 'surfaces', null, null);
    emit('e2e_dropped', report.dropped.total, 'msgs', null, null);
    await host.stop();
    await bus.close();

    // B. The compute thread alone, as fast as it goes.
    for (const rate of [Number.POSITIVE_INFINITY, 10_000, 25_000, 50_000, 100_000]) {
      const b2 = createBus({ transport: 'inprocess' }, { logger });
      const h = await startComputeHost({ logLevel: 'error', maxInFlight: 20_000 }, { bus: b2, logger });
      const injectMs = await inject(h, recorded, rate);
      const d = await drained(h, recorded.length, 120_000);
      const s = await h.stats();
      const total = injectMs + d.ms;
      const got = s.workers.orderbook.in;
      const dropped = Object.values(s.workers.orderbook.dropped).reduce((x, y) => x + y, 0);
      const name = Number.isFinite(rate) ? `paced_${rate}` : 'max';
      const achieved = (recorded.length / total) * 1000;
      emit(
        `compute_${name}_msgs_per_s`,
        achieved,
        `msgs/s (${recorded.length} recorded msgs; loss ${recorded.length - got}; dropped ${dropped}; peak lag ${d.peak}; drain ${Math.round(d.ms)} ms)`,
        parseRate,
        achieved / parseRate,
      );
      await h.stop();
      await b2.close();
    }
  } finally {
    sim.child.kill('SIGTERM');
  }
}

await main();
process.exit(0);

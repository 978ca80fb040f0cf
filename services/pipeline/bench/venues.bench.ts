// End to end, embedded: four venues against one at the same TOTAL simulator rate
// (docs/BENCHMARKS.md "End to end: venues"). The simulators (one shared market, the rate split
// evenly over the venues) run in a child process; this process runs one connector per venue on
// the main thread feeding the compute thread (order-book, volatility, surface workers), as
// `volstream run --venues …` does. Per configuration, once every venue's books are synced, a
// measured window: market-data messages through the order-book worker per second, process CPU
// (all threads) per such message, receipt -> surface latency p50/p99 of the surfaces published in
// the window. The one-venue (deribit) figures are the baseline of the all-venue ones: adding
// venues should add connectors, not per-message cost in the workers.
// Run: node --import tsx services/pipeline/bench/venues.bench.ts [seconds=20] [rate=2000]
import { type ChildProcess, spawn } from 'node:child_process';
import { createBus } from '@volstream/bus';
import { SIM_CONNECTOR_TUNING } from '@volstream/cli';
import { busSink, type Connector, createConnector, venueNames } from '@volstream/connector';
import { type SurfaceEvent, TOPICS } from '@volstream/contracts';
import { simulatedVenues } from '@volstream/exchange-sim';
import { createLogger } from '@volstream/logging';
import { LatencySamples, startComputeHost } from '../src/index.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;
const logger = createLogger({ service: 'venues-bench', level: 'error' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const seconds = Number(process.argv[2] ?? 20);
const rate = Number(process.argv[3] ?? 2000);

interface Figures {
  msgsPerSec: number;
  framesPerSec: number;
  cpuUsPerMsg: number;
  p50: number;
  p99: number;
  surfaces: number;
  syncS: number;
}

async function startSims(
  venues: readonly string[],
): Promise<{ child: ChildProcess; urls: Record<string, string> }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'services/pipeline/bench/venue-sims-child.ts', venues.join(','), '11', String(rate)],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const urls = await new Promise<Record<string, string>>((resolve) => {
    let text = '';
    child.stdout?.on('data', (d: Buffer) => {
      text += d.toString();
      const line = text.split('\n').find((l) => l.startsWith('{"urls"'));
      if (line !== undefined) resolve((JSON.parse(line) as { urls: Record<string, string> }).urls);
    });
  });
  return { child, urls };
}

async function measure(venues: readonly string[]): Promise<Figures> {
  const { child, urls } = await startSims(venues);
  const bus = createBus({ transport: 'inprocess' }, { logger });
  const host = await startComputeHost({ logLevel: 'error' }, { bus, logger });
  const ingress = host.ingressBus(bus);
  const connectors: Connector[] = venues.map((venue) =>
    createConnector(
      {
        venue,
        url: urls[venue] as string,
        ...(SIM_CONNECTOR_TUNING[venue] === undefined ? {} : { tuning: SIM_CONNECTOR_TUNING[venue] }),
      },
      { sink: busSink(ingress.producer()), logger },
    ),
  );
  let windowStartNs = Number.POSITIVE_INFINITY;
  let windowEndNs = Number.POSITIVE_INFINITY;
  const latency = new LatencySamples();
  let surfaces = 0;
  const consumer = bus.consumer<SurfaceEvent>({ groupId: 'venues-bench', maxBatchMessages: 1000 });
  await consumer.subscribe([TOPICS.surface], { fromBeginning: true });
  await consumer.run({
    eachBatch: async (batch) => {
      for (const m of batch.messages) {
        const h = m.value.header;
        if (m.value.payload.case !== 'surface' || h === undefined) continue;
        const receive = Number(h.receiveTimeNs);
        if (receive < windowStartNs || receive > windowEndNs) continue;
        surfaces++;
        latency.add(Number(h.publishTimeNs - h.receiveTimeNs) / 1e6);
      }
    },
  });
  const t0 = performance.now();
  for (const c of connectors) c.start();
  // Warm-up: every venue's books synced (95 %), at most 90 s.
  while (performance.now() - t0 < 90_000) {
    await sleep(500);
    if (
      connectors.every(
        (c) => c.stats().instruments > 0 && c.stats().booksSynced >= 0.95 * c.stats().instruments,
      )
    )
      break;
  }
  const syncS = (performance.now() - t0) / 1000;
  await sleep(3000);
  const in0 = (await host.stats()).workers.orderbook.in;
  const frames = (): number => connectors.reduce((n, c) => n + c.stats().messagesIn, 0);
  const f0 = frames();
  const cpu0 = process.cpuUsage();
  const w0 = performance.now();
  windowStartNs = Date.now() * 1e6;
  await sleep(seconds * 1000);
  windowEndNs = Date.now() * 1e6;
  const cpu = process.cpuUsage(cpu0);
  const wallS = (performance.now() - w0) / 1000;
  const n = (await host.stats()).workers.orderbook.in - in0;
  const framesPerSec = (frames() - f0) / wallS;
  for (const c of connectors) await c.stop();
  await consumer.stop();
  await host.stop();
  await bus.close();
  child.kill('SIGTERM');
  const l = latency.summary();
  return {
    msgsPerSec: n / wallS,
    framesPerSec,
    cpuUsPerMsg: (cpu.user + cpu.system) / Math.max(1, n),
    p50: l.p50,
    p99: l.p99,
    surfaces,
    syncS,
  };
}

const emit = (bench: string, value: number, unit: string, baseline: number | null) =>
  process.stdout.write(
    `${JSON.stringify({
      bench,
      value: Math.round(value * 100) / 100,
      unit,
      baseline: baseline === null ? null : Math.round(baseline * 100) / 100,
      ratio: baseline === null || baseline === 0 ? null : Math.round((value / baseline) * 1000) / 1000,
    })}\n`,
  );

const simulated = new Set(await simulatedVenues());
const all = venueNames().filter((v) => simulated.has(v));
const one = await measure(['deribit']);
const many = await measure(all);
const tag = `${all.length} venues (${all.join(',')}) vs deribit, total sim rate ${rate}/s, ${seconds} s window`;
emit('venues_throughput_orderbook_msgs_per_s', many.msgsPerSec, `msgs/s; ${tag}`, one.msgsPerSec);
emit('venues_connector_frames_per_s', many.framesPerSec, 'frames/s from the simulators', one.framesPerSec);
emit(
  'venues_cpu_per_msg',
  many.cpuUsPerMsg,
  'us/msg (this process, all threads: connectors + workers)',
  one.cpuUsPerMsg,
);
emit('venues_latency_p50', many.p50, 'ms receipt -> surface', one.p50);
emit('venues_latency_p99', many.p99, 'ms receipt -> surface', one.p99);
emit('venues_surfaces_in_window', many.surfaces, 'surfaces (per venue + composite)', one.surfaces);
emit('venues_books_synced_after', many.syncS, 's from connector start', one.syncS);
process.exit(0);

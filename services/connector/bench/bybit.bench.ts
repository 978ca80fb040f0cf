/**
 * Bybit frame handling throughput on one core: frames recorded from the Bybit simulator (a real
 * websocket session: orderbook.25 snapshots and deltas, option ticker snapshots) are fed through
 * `BybitFeed.onFrame` (the code the socket calls): JSON.parse, checks, `u` sequencing, "0" → absent,
 * contract events, index changes, micro-batched publish to a no-op sink. Baseline, same run, same
 * frames: bare `JSON.parse`. Rates are per CPU-second (`process.cpuUsage`, best of PASSES).
 *
 *   node --import tsx services/connector/bench/bybit.bench.ts [frames]
 */
import { startBybitSimulator } from '@volstream/exchange-sim';
import { createLogger } from '@volstream/logging';
import WebSocket from 'ws';
import { createReceiveClock } from '../src/clock.ts';
import { BybitFeed, bybitFeedOptions } from '../src/venues/bybit/index.ts';

const FRAMES = Number(process.argv[2] ?? 20_000);
const PASSES = 5;
const PER_TICK = 256;

async function record(): Promise<{ frames: string[]; rows: unknown[] }> {
  const sim = await startBybitSimulator({
    seed: 'bench',
    currencies: ['BTC'],
    tickMs: 20,
    tickerMs: 200,
    updateShare: 0.5,
  });
  const reply = (await (
    await fetch(`${sim.restUrl}/v5/market/instruments-info?category=option&baseCoin=BTC&limit=1000`)
  ).json()) as {
    result: { list: unknown[] };
  };
  const ws = new WebSocket(sim.url);
  const frames: string[] = [];
  await new Promise((resolve) => ws.once('open', resolve));
  const args = sim.instruments().flatMap((s) => [`orderbook.25.${s}`, `tickers.${s}`]);
  for (let i = 0; i < args.length; i += 400)
    ws.send(JSON.stringify({ op: 'subscribe', args: args.slice(i, i + 400) }));
  await new Promise<void>((resolve) => {
    ws.on('message', (d: Buffer) => {
      const text = d.toString();
      if (text.startsWith('{"id"')) frames.push(text);
      if (frames.length >= FRAMES) resolve();
    });
  });
  ws.close();
  await sim.stop();
  return { frames: frames.slice(0, FRAMES), rows: reply.result.list };
}

function cpuMs(fn: () => void): number {
  const start = process.cpuUsage();
  fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

async function feedPass(
  frames: string[],
  rows: unknown[],
): Promise<{ ms: number; events: number; dropped: number }> {
  const feed = new BybitFeed(bybitFeedOptions({ currencies: ['BTC'], connections: 1 }), {
    sink: { publish: async () => undefined },
    logger: createLogger({ service: 'bench', level: 'silent' }),
    clock: createReceiveClock(),
  });
  feed.applyInstrumentList('BTC', rows);
  await feed.flush();
  const base = feed.stats().eventsOut;
  const shard = feed.shards[0]!;
  let ms = 0;
  for (let i = 0; i < frames.length; i += PER_TICK) {
    const chunk = frames.slice(i, i + PER_TICK);
    ms += cpuMs(() => {
      for (const f of chunk) feed.onFrame(shard, f, 1n, f.length);
    });
    const start = process.cpuUsage();
    await feed.flush();
    const used = process.cpuUsage(start);
    ms += (used.user + used.system) / 1000;
  }
  return { ms, events: feed.stats().eventsOut - base, dropped: feed.stats().droppedTotal };
}

const { frames, rows } = await record();
const bytes = frames.reduce((n, f) => n + f.length, 0);
let bestFeed = Number.POSITIVE_INFINITY;
let bestParse = Number.POSITIVE_INFINITY;
let events = 0;
let dropped = 0;
for (let p = 0; p < PASSES; p += 1) {
  const r = await feedPass(frames, rows);
  events = r.events;
  dropped = r.dropped;
  bestFeed = Math.min(bestFeed, r.ms);
  bestParse = Math.min(
    bestParse,
    cpuMs(() => {
      for (const f of frames) JSON.parse(f);
    }),
  );
}
const feedRate = Math.round((frames.length / bestFeed) * 1000);
const parseRate = Math.round((frames.length / bestParse) * 1000);
console.log(
  JSON.stringify({
    bench: 'bybit_frames_per_cpu_second',
    value: feedRate,
    unit: 'frames/s',
    baseline: parseRate,
    baselineName: 'JSON.parse only',
    ratio: Math.round((feedRate / parseRate) * 1000) / 1000,
    frames: frames.length,
    avgFrameBytes: Math.round(bytes / frames.length),
    eventsOut: events,
    dropped,
  }),
);
console.log(
  JSON.stringify({
    bench: 'bybit_events_per_cpu_second',
    value: Math.round((events / bestFeed) * 1000),
    unit: 'events/s',
    baseline: parseRate,
    ratio: Math.round((events / bestFeed / (parseRate / 1000)) * 1000) / 1000,
  }),
);

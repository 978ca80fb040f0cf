/**
 * OKX frame handling throughput on one core: frames recorded from the OKX simulator (a real
 * websocket session: book snapshots and updates in contracts, opt-summary pushes of the whole
 * family, mark prices) are fed through `OkxFeed.onFrame` (the code the socket calls): JSON.parse,
 * checks, seqId sequencing, contracts → coin, ticker merging, contract events, micro-batched
 * publish to a no-op sink. Baseline, same run, same frames: bare `JSON.parse`. Rates are per
 * CPU-second (`process.cpuUsage`, best of PASSES).
 *
 *   node --import tsx services/connector/bench/okx.bench.ts [frames]
 */
import { startOkxSimulator } from '@volstream/exchange-sim';
import { createLogger } from '@volstream/logging';
import WebSocket from 'ws';
import { createReceiveClock } from '../src/clock.ts';
import { OkxFeed, okxFeedOptions } from '../src/venues/okx/index.ts';

const FRAMES = Number(process.argv[2] ?? 20_000);
const PASSES = 5;
const PER_TICK = 256;

async function record(): Promise<{ frames: string[]; rows: unknown[] }> {
  const sim = await startOkxSimulator({
    seed: 'bench',
    currencies: ['BTC'],
    tickMs: 20,
    summaryMs: 500,
    updateShare: 0.5,
  });
  const rows = (
    (await (await fetch(`${sim.restUrl}/api/v5/public/instruments?instType=OPTION&uly=BTC-USD`)).json()) as {
      data: unknown[];
    }
  ).data;
  const ws = new WebSocket(sim.url);
  const frames: string[] = [];
  await new Promise((resolve) => ws.once('open', resolve));
  const args = [
    { channel: 'opt-summary', instFamily: 'BTC-USD' },
    ...sim.instruments().flatMap((instId) => [
      { channel: 'books', instId },
      { channel: 'mark-price', instId },
    ]),
  ];
  ws.send(JSON.stringify({ op: 'subscribe', args }));
  await new Promise<void>((resolve) => {
    ws.on('message', (d: Buffer) => {
      const text = d.toString();
      if (!text.startsWith('{"event"')) frames.push(text);
      if (frames.length >= FRAMES) resolve();
    });
  });
  ws.close();
  await sim.stop();
  return { frames: frames.slice(0, FRAMES), rows };
}

function cpuMs(fn: () => void): number {
  const start = process.cpuUsage();
  fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

async function feedPass(frames: string[], rows: unknown[]): Promise<{ ms: number; events: number }> {
  const feed = new OkxFeed(okxFeedOptions({ currencies: ['BTC'], connections: 1 }), {
    sink: { publish: async () => undefined },
    logger: createLogger({ service: 'bench', level: 'silent' }),
    clock: createReceiveClock(),
  });
  feed.applyInstrumentList('BTC-USD', rows);
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
  return { ms, events: feed.stats().eventsOut - base };
}

const { frames, rows } = await record();
const bytes = frames.reduce((n, f) => n + f.length, 0);
let bestFeed = Number.POSITIVE_INFINITY;
let bestParse = Number.POSITIVE_INFINITY;
let events = 0;
for (let p = 0; p < PASSES; p += 1) {
  const r = await feedPass(frames, rows);
  events = r.events;
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
    bench: 'okx_frames_per_cpu_second',
    value: feedRate,
    unit: 'frames/s',
    baseline: parseRate,
    baselineName: 'JSON.parse only',
    ratio: Math.round((feedRate / parseRate) * 1000) / 1000,
    frames: frames.length,
    avgFrameBytes: Math.round(bytes / frames.length),
    eventsOut: events,
  }),
);
console.log(
  JSON.stringify({
    bench: 'okx_events_per_cpu_second',
    value: Math.round((events / bestFeed) * 1000),
    unit: 'events/s',
    baseline: parseRate,
    ratio: Math.round((events / bestFeed / (parseRate / 1000)) * 1000) / 1000,
  }),
);

/**
 * Bybit frame handling throughput on one core: frames recorded from the Bybit simulator (a real
 * websocket session: orderbook.25 snapshots and deltas, option ticker snapshots) are fed through
 * `BybitFeed.onFrame` (the code the socket calls): JSON.parse, checks, `u` sequencing, "0" → absent,
 * contract events, index changes, micro-batched publish to a no-op sink. Baseline, same run, same
 * frames: bare `JSON.parse`. Rates are per CPU-second (`process.cpuUsage`, best of 5, frame-bench.ts).
 *
 *   node --import tsx services/connector/bench/bybit.bench.ts [frames]
 */
import { startBybitSimulator } from '@volstream/exchange-sim';
import { createLogger } from '@volstream/logging';
import WebSocket from 'ws';
import { createReceiveClock } from '../src/clock.ts';
import { BybitFeed, bybitFeedOptions } from '../src/venues/bybit/index.ts';
import { reportFrameBench, timeFrames } from './frame-bench.ts';

const FRAMES = Number(process.argv[2] ?? 20_000);

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
  const ms = await timeFrames(feed, shard, frames);
  return { ms, events: feed.stats().eventsOut - base, dropped: feed.stats().droppedTotal };
}

const { frames, rows } = await record();
await reportFrameBench('bybit', frames, () => feedPass(frames, rows));

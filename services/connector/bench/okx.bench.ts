/**
 * OKX frame handling throughput on one core: frames recorded from the OKX simulator (a real
 * websocket session: book snapshots and updates in contracts, opt-summary pushes of the whole
 * family, mark prices) are fed through `OkxFeed.onFrame` (the code the socket calls): JSON.parse,
 * checks, seqId sequencing, contracts → coin, ticker merging, contract events, micro-batched
 * publish to a no-op sink. Baseline, same run, same frames: bare `JSON.parse`. Rates are per
 * CPU-second (`process.cpuUsage`, best of 5, frame-bench.ts).
 *
 *   node --import tsx services/connector/bench/okx.bench.ts [frames]
 */
import { startOkxSimulator } from '@volstream/exchange-sim';
import { createLogger } from '@volstream/logging';
import WebSocket from 'ws';
import { createReceiveClock } from '../src/clock.ts';
import { OkxFeed, okxFeedOptions } from '../src/venues/okx/index.ts';
import { reportFrameBench, timeFrames } from './frame-bench.ts';

const FRAMES = Number(process.argv[2] ?? 20_000);

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
  const ms = await timeFrames(feed, shard, frames);
  return { ms, events: feed.stats().eventsOut - base };
}

const { frames, rows } = await record();
await reportFrameBench('okx', frames, () => feedPass(frames, rows));

/**
 * Binance frame handling throughput on one core: frames recorded from the Binance simulator (real
 * websocket sessions on the public and market hosts: U/u/pu diff events in USDT and contracts,
 * optionMarkPrice arrays of the whole underlying, index arrays) are fed through
 * `BinanceFeed.onFrame` (the code the socket calls): JSON.parse, checks, pu sequencing,
 * contracts → coin, "-1.0"/"0" → absent, contract events, micro-batched publish to a no-op sink.
 * The books start from the REST snapshots taken before recording, as the feed's resync does.
 * Baseline, same run, same frames: bare `JSON.parse`. Rates are per CPU-second
 * (`process.cpuUsage`, best of 5, frame-bench.ts).
 *
 *   node --import tsx services/connector/bench/binance.bench.ts [frames]
 */
import { startBinanceSimulator } from '@volstream/exchange-sim';
import { createLogger } from '@volstream/logging';
import WebSocket from 'ws';
import { createReceiveClock } from '../src/clock.ts';
import { BinanceFeed, binanceFeedOptions } from '../src/venues/binance/index.ts';
import { isRejection, validateBinanceDepthSnapshot } from '../src/venues/binance/parse.ts';
import { reportFrameBench, timeFrames } from './frame-bench.ts';

const FRAMES = Number(process.argv[2] ?? 20_000);

interface Recording {
  frames: string[];
  rows: unknown[];
  snapshots: [string, unknown][];
}

async function record(): Promise<Recording> {
  const sim = await startBinanceSimulator({
    seed: 'bench',
    currencies: ['BTC'],
    calendar: { dailies: 2, weeklies: 2, monthlies: 0, quarterlies: 0 },
    tickMs: 20,
    markPriceMs: 500,
    updateShare: 0.5,
  });
  const info = (await (await fetch(`${sim.restUrl}/eapi/v1/exchangeInfo`)).json()) as {
    optionSymbols: unknown[];
  };
  const symbols = sim.instruments().slice(0, 200);
  const frames: string[] = [];
  const open = async (url: string, params: string[]): Promise<WebSocket> => {
    const ws = new WebSocket(url);
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(JSON.stringify({ method: 'SUBSCRIBE', params, id: 1 }));
    await new Promise((resolve) => ws.once('message', resolve));
    return ws;
  };
  sim.pause();
  const pub = await open(
    sim.url,
    symbols.map((s) => `${s.toLowerCase()}@depth@100ms`),
  );
  const market = await open(sim.marketUrl, ['btcusdt@optionMarkPrice', '!index@arr']);
  const snapshots: [string, unknown][] = [];
  for (const s of symbols) {
    snapshots.push([s, await (await fetch(`${sim.restUrl}/eapi/v1/depth?symbol=${s}&limit=100`)).json()]);
  }
  await new Promise<void>((resolve) => {
    const onMessage = (d: Buffer) => {
      frames.push(d.toString());
      if (frames.length >= FRAMES) resolve();
    };
    pub.on('message', onMessage);
    market.on('message', onMessage);
    sim.resume();
  });
  pub.close();
  market.close();
  await sim.stop();
  return { frames: frames.slice(0, FRAMES), rows: info.optionSymbols, snapshots };
}

async function feedPass(rec: Recording): Promise<{ ms: number; events: number; dropped: number }> {
  const feed = new BinanceFeed(binanceFeedOptions({ currencies: ['BTC'], connections: 1 }), {
    sink: { publish: async () => undefined },
    logger: createLogger({ service: 'bench', level: 'silent' }),
    clock: createReceiveClock(),
  });
  feed.applyInstrumentList(rec.rows);
  for (const [symbol, body] of rec.snapshots) {
    const snap = validateBinanceDepthSnapshot(symbol, body);
    if (!isRejection(snap)) feed.sequencer.snapshot(snap);
  }
  await feed.flush();
  const base = feed.stats().eventsOut;
  const shard = feed.shards[0]!;
  const ms = await timeFrames(feed, shard, rec.frames);
  const stats = feed.stats();
  await feed.stop();
  return { ms, events: stats.eventsOut - base, dropped: stats.droppedTotal };
}

const rec = await record();
await reportFrameBench('binance', rec.frames, () => feedPass(rec));

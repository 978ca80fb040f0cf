/**
 * Connector throughput on simulator traffic: frames parsed, checked, sequenced, normalised into
 * contract events and produced, per second on one core. The frames are recorded first from the
 * Deribit simulator (a real websocket session: snapshots, then book changes and tickers), then fed
 * through the connector's own frame handler (`DeribitFeed.onFrame`, the code the socket calls) so
 * the figure isolates the connector's cost from the simulator's. Baseline, measured in the same
 * run on the same frames: bare `JSON.parse`. Rates are per CPU-second of this process
 * (`process.cpuUsage`, best of PASSES), so other processes on a shared machine do not skew them.
 *
 *   node --import tsx services/connector/bench/connector.bench.ts [frames]
 *
 * Prints one JSON line per figure: {"bench","value","unit","baseline","ratio",...}.
 */
import { createBus } from '@volstream/bus';
import { startDeribitSimulator } from '@volstream/exchange-sim';
import { createLogger } from '@volstream/logging';
import WebSocket from 'ws';
import { createReceiveClock } from '../src/clock.ts';
import { busSink, type EventSink } from '../src/sink.ts';
import { DeribitFeed, deribitFeedOptions } from '../src/venues/deribit/index.ts';

const FRAMES = Number(process.argv[2] ?? 40_000);
const PASSES = 7;
const PER_TICK = 256;
const logger = createLogger({ service: 'connector-bench', level: 'silent' });

interface Recording {
  frames: string[];
  instruments: Map<string, unknown[]>;
}

/** One raw websocket session against the simulator: instruments, subscriptions, then frames. */
async function record(): Promise<Recording> {
  const sim = await startDeribitSimulator({
    seed: 3,
    rate: 20_000,
    currencies: ['BTC', 'ETH'],
    subscribeLimit: { burst: 1000, perSecond: 1000 },
    instrumentsLimit: { burst: 100, perSecond: 100 },
  });
  const ws = new WebSocket(sim.url, { perMessageDeflate: false });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  let id = 0;
  const pending = new Map<number, (result: unknown) => void>();
  const frames: string[] = [];
  let recording = false;
  const done = new Promise<void>((resolve) => {
    ws.on('message', (data: Buffer) => {
      const text = data.toString();
      if (recording && text.includes('"subscription"')) {
        frames.push(text);
        if (frames.length >= FRAMES) resolve();
        return;
      }
      const msg = JSON.parse(text) as { id?: number; result?: unknown };
      if (msg.id !== undefined) pending.get(msg.id)?.(msg.result);
    });
  });
  const call = (method: string, params: object) =>
    new Promise<unknown>((resolve) => {
      id += 1;
      pending.set(id, resolve);
      ws.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
    });
  const instruments = new Map<string, unknown[]>();
  const channels: string[] = [];
  for (const currency of ['BTC', 'ETH']) {
    for (const kind of ['option', 'future']) {
      const rows = (await call('public/get_instruments', { currency, kind, expired: false })) as {
        instrument_name: string;
      }[];
      instruments.set(`${currency}:${kind}`, rows);
      for (const r of rows) {
        if (kind === 'option') channels.push(`book.${r.instrument_name}.100ms`);
        channels.push(`ticker.${r.instrument_name}.100ms`);
      }
    }
  }
  recording = true;
  for (let i = 0; i < channels.length; i += 250)
    await call('public/subscribe', { channels: channels.slice(i, i + 250) });
  await done;
  ws.close();
  await sim.stop();
  return { frames, instruments };
}

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
}

function jsonParseRate(frames: readonly string[]): number {
  let best = 0;
  for (let pass = 0; pass < PASSES; pass += 1) {
    let sink = 0;
    const t0 = process.cpuUsage();
    for (const f of frames) sink += (JSON.parse(f) as { params?: unknown }).params === undefined ? 0 : 1;
    const rate = frames.length / cpuSeconds(t0);
    if (sink === frames.length) best = Math.max(best, rate);
  }
  return best;
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Frames through the connector's frame handler into `sink`, until everything is published. */
async function connectorRate(
  rec: Recording,
  makeSink: () => EventSink,
): Promise<{ rate: number; events: number }> {
  let best = 0;
  let events = 0;
  for (let pass = 0; pass < PASSES; pass += 1) {
    const feed = new DeribitFeed(deribitFeedOptions({ currencies: ['BTC', 'ETH'], connections: 1 }), {
      sink: makeSink(),
      logger,
      clock: createReceiveClock(),
    });
    for (const [key, rows] of rec.instruments) {
      const [currency, kind] = key.split(':') as [string, string];
      feed.applyInstrumentList(currency, kind, rows);
    }
    await feed.flush();
    const before = feed.stats().eventsOut;
    const shard = feed.shards[0]!;
    const clock = createReceiveClock();
    const t0 = process.cpuUsage();
    for (let i = 0; i < rec.frames.length; i += 1) {
      const text = rec.frames[i]!;
      feed.onFrame(shard, text, clock(), text.length);
      if (i % PER_TICK === PER_TICK - 1) await tick();
    }
    await feed.flush();
    const seconds = cpuSeconds(t0);
    const stats = feed.stats();
    if (stats.droppedTotal > 0)
      throw new Error(`Expected no drops on simulator traffic, was ${JSON.stringify(stats.dropped)}`);
    events = stats.eventsOut - before;
    best = Math.max(best, rec.frames.length / seconds);
    await feed.stop();
  }
  return { rate: best, events };
}

const rec = await record();
const baseline = jsonParseRate(rec.frames);
const bytes = rec.frames.reduce((n, f) => n + f.length, 0);
const common = {
  frames: rec.frames.length,
  avgFrameBytes: Math.round(bytes / rec.frames.length),
  passes: PASSES,
};

const counting = await connectorRate(rec, () => ({ publish: async () => {} }));
const bus = createBus({ transport: 'inprocess' }, { logger });
const producer = bus.producer();
const withBus = await connectorRate(rec, () => busSink(producer));
await bus.close();

for (const [bench, result, note] of [
  [
    'connector.deribit.frames_to_sink',
    counting,
    'parse+check+sequence+normalise into contract events, no-op sink',
  ],
  [
    'connector.deribit.frames_to_inprocess_bus',
    withBus,
    'same, produced (protobuf-encoded) on the in-process bus',
  ],
] as const) {
  console.log(
    JSON.stringify({
      bench,
      value: Math.round(result.rate),
      unit: 'frames/cpu-s',
      baseline: Math.round(baseline),
      baselineName: 'JSON.parse of the same frames',
      ratio: Number((result.rate / baseline).toFixed(3)),
      events: result.events,
      note,
      ...common,
    }),
  );
}

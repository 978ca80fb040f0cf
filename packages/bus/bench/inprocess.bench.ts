/**
 * In-process transport throughput: produce + consume of encoded market-data events (contract
 * book deltas and tickers from `sampleEvents()`, protobuf-encoded once up front), on one core,
 * producer and consumer in the same event loop. Baseline, measured in the same run: `JSON.parse`
 * of the equivalent real Deribit websocket messages (an option ticker and an option book change).
 *
 *   node --import tsx packages/bus/bench/inprocess.bench.ts
 *
 * Prints one JSON line per figure.
 */
import { readFileSync } from 'node:fs';
import { sampleEvents, TOPICS } from '@volstream/contracts';
import { createLogger } from '@volstream/logging';
import { createBus, type RawRecord, type TopicCodec } from '../src/index.ts';

const ROOT = new URL('../../../', import.meta.url);
const SAMPLES = new URL('../shared/data/exchange_ws_message_samples/deribit_options_and_book.json', ROOT);
const KEYS = 256;
const BATCH = 1000;

/** `JSON.parse` of the real Deribit option book change and ticker, alternating: returns msgs/s. */
function deribitParser(): (n: number) => number {
  const all = JSON.parse(readFileSync(SAMPLES, 'utf8')) as { params?: { channel?: string } }[];
  const pick = (prefix: string): string => {
    const m = all.find((x) => x.params?.channel?.startsWith(prefix) && x.params.channel.endsWith('-P.raw'));
    if (m === undefined) throw new Error(`Expected a ${prefix}* option message in ${SAMPLES.pathname}`);
    return JSON.stringify(m);
  };
  const frames = [pick('book.'), pick('ticker.')];
  return (n) => {
    let sink = 0;
    const t0 = performance.now();
    for (let i = 0; i < n; i++)
      sink += (JSON.parse(frames[i & 1]!) as { params: unknown }).params === null ? 1 : 0;
    const rate = n / ((performance.now() - t0) / 1000);
    return sink < 0 ? 0 : rate;
  };
}

/** Encoded book delta and ticker, keyed over KEYS instruments. */
function records(): RawRecord[] {
  const md = sampleEvents().marketdata;
  const bytes = md
    .filter((e) => e.payload.case === 'bookDelta' || e.payload.case === 'ticker')
    .map((e) => TOPICS.marketdata.encode(e));
  const out: RawRecord[] = [];
  for (let i = 0; i < BATCH; i++)
    out.push({ key: `deribit:BTC-OPT-${i % KEYS}`, value: bytes[i % bytes.length]! });
  return out;
}

/** Produces `total` messages in batches of BATCH while one consumer drains them; returns msgs/s. */
async function produceConsume(total: number, decode: (b: Uint8Array) => unknown): Promise<number> {
  const bus = createBus(
    { transport: 'inprocess' },
    { logger: createLogger({ service: 'bench', level: 'silent' }) },
  );
  const topic: TopicCodec<unknown> = {
    name: 'bench.marketdata',
    partitions: 4,
    retentionMs: 0,
    compacted: false,
    encode: (v) => v as Uint8Array,
    decode,
    keyOf: () => '',
  };
  const consumer = bus.consumer<unknown>({ groupId: 'bench', maxBatchMessages: 1000 });
  await consumer.subscribe([topic], { fromBeginning: true });
  let received = 0;
  let done: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    done = resolve;
  });
  await consumer.run({
    eachBatch: async (batch) => {
      received += batch.messages.length;
      if (received >= total) done();
    },
  });
  const batch = records();
  const producer = bus.producer();
  const t0 = performance.now();
  for (let sent = 0; sent < total; sent += BATCH) await producer.sendRaw(topic.name, batch);
  await finished;
  const rate = total / ((performance.now() - t0) / 1000);
  await bus.close();
  return rate;
}

function line(bench: string, value: number, baseline: number): void {
  const round = (x: number): number => Math.round(x);
  console.log(
    JSON.stringify({
      bench,
      value: round(value),
      unit: 'msgs/s',
      baseline: round(baseline),
      ratio: +(value / baseline).toFixed(2),
    }),
  );
}

const identity = (b: Uint8Array): Uint8Array => b;
const protobuf = (b: Uint8Array): unknown => TOPICS.marketdata.decode(b);
const median = (xs: number[]): number => [...xs].sort((x, y) => x - y)[xs.length >> 1]!;

// Interleaved rounds, medians: the machine is shared, so the ratio is the robust figure.
const parse = deribitParser();
parse(100_000);
await produceConsume(200_000, identity);
await produceConsume(20_000, protobuf);
const rounds = { baseline: [] as number[], encoded: [] as number[], decoded: [] as number[] };
for (let r = 0; r < 5; r++) {
  rounds.baseline.push(parse(300_000));
  rounds.encoded.push(await produceConsume(1_000_000, identity));
  rounds.decoded.push(await produceConsume(100_000, protobuf));
}
const baseline = median(rounds.baseline);
line('bus.inprocess.produce_consume.encoded', median(rounds.encoded), baseline);
line('bus.inprocess.produce_consume.protobuf_decode', median(rounds.decoded), baseline);
line('deribit.json_parse.baseline', baseline, baseline);

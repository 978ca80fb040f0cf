/**
 * Fast encoder throughput (src/fast/encode-marketdata.ts) against protobuf-es toBinary, for the same
 * option book delta and option ticker as codec.bench.ts, and fast encode + registry decode against
 * JSON.parse of the equivalent REAL Deribit message (the codec.bench.ts baseline:
 * shared/data/exchange_ws_message_samples/deribit_options_and_book.json); the fast decoder against
 * fromBinary. Rounds interleaved, medians.
 * Run: node --import tsx packages/contracts/bench/fast-codec.bench.ts
 * Prints one JSON line per figure: {"bench","value","unit","baseline","ratio", ...}.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeMarketDataEvent } from '../src/fast/decode-marketdata.ts';
import { encodeMarketDataEvent } from '../src/fast/encode-marketdata.ts';
import {
  BookAction,
  create,
  eventId,
  fromBinary,
  InstrumentState,
  type MarketDataEvent,
  MarketDataEventSchema,
  newHeader,
  PriceUnit,
  TOPICS,
  toBinary,
} from '../src/index.ts';

const root = process.env.VOLSTREAM_ROOT ?? new URL('../../../', import.meta.url).pathname;
const samplesPath = join(root, '../shared/data/exchange_ws_message_samples/deribit_options_and_book.json');

type Json = Record<string, unknown>;
const messages = JSON.parse(readFileSync(samplesPath, 'utf8')) as Json[];
const byChannel = (channel: string): Json => {
  const found = messages.find((m) => (m.params as Json | undefined)?.channel === channel);
  if (found === undefined) throw new Error(`Expected ${channel} in ${samplesPath}, was absent`);
  return found;
};
const rawDelta = JSON.stringify(byChannel('book.ETH-10SEP21-3350-P.raw'));
const rawTicker = JSON.stringify(byChannel('ticker.BTC-5JUN20-9250-C.raw'));

function header(kind: string, name: string, timestampMs: number, sequence: number) {
  return newHeader({
    venue: 'deribit',
    producerId: 'connector-deribit-0',
    eventId: eventId('deribit', kind, name, sequence, timestampMs),
    exchangeTimeMs: timestampMs,
    receiveTimeNs: BigInt(timestampMs) * 1_000_000n + 45_000_000n,
    sourceSequence: sequence,
  });
}

// The same information as the venue messages, in contract form (IV percent -> decimal).
const delta: MarketDataEvent = create(MarketDataEventSchema, {
  header: header('book_delta', 'ETH-10SEP21-3350-P', 1_631_026_812_566, 14_617_771_529),
  payload: {
    case: 'bookDelta',
    value: {
      instrumentName: 'ETH-10SEP21-3350-P',
      bids: [{ action: BookAction.NEW, price: 0.019, amount: 93 }],
      asks: [{ action: BookAction.NEW, price: 0.037, amount: 93 }],
      changeId: 14_617_771_529n,
    },
  },
});
const ticker: MarketDataEvent = create(MarketDataEventSchema, {
  header: header('ticker', 'BTC-5JUN20-9250-C', 1_590_969_652_595, 0),
  payload: {
    case: 'ticker',
    value: {
      instrumentName: 'BTC-5JUN20-9250-C',
      priceUnit: PriceUnit.BASE_COIN,
      bestBidPrice: 0.0365,
      bestBidAmount: 15.4,
      bestAskPrice: 0.04,
      bestAskAmount: 4.8,
      markPrice: 0.03847784,
      lastPrice: 0.038,
      bidIv: 0.5839,
      askIv: 0.669,
      markIv: 0.6321,
      underlyingPrice: 9440.73,
      underlyingIndex: 'SYN.BTC-5JUN20',
      indexPrice: 9434.36,
      greeks: { delta: 0.62959, gamma: 0.00058, vega: 3.88497, theta: -28.34113, rho: 0.66242 },
      openInterest: 533.2,
      state: InstrumentState.OPEN,
      interestRate: 0,
      settlementPrice: 0.05,
      estimatedDeliveryPrice: 9434.36,
    },
  },
});

let sink = 0; // consumed results, so the work cannot be optimised away

/** Operations per second of one ~200 ms timed round of `op`. */
function round(op: () => void): number {
  let n = 0;
  const start = process.hrtime.bigint();
  const end = start + 200_000_000n;
  let now = start;
  while (now < end) {
    for (let i = 0; i < 500; i++) op();
    n += 500;
    now = process.hrtime.bigint();
  }
  return n / (Number(now - start) / 1e9);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Median ops/s of each op over `rounds` rounds, the ops interleaved round by round so that load from
 * other processes on this shared machine hits the baseline and the candidates alike.
 */
function interleaved(ops: readonly (() => void)[], rounds = 7): number[] {
  for (const op of ops) round(op); // warm-up (JIT)
  const results: number[][] = ops.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (const [i, op] of ops.entries()) results[i]!.push(round(op));
  }
  return results.map(median);
}

function figure(bench: string, value: number, unit: string, baseline: number, extra: Json = {}): void {
  const ratio = value / baseline;
  console.log(
    JSON.stringify({
      bench,
      value: Math.round(value),
      unit,
      baseline: Math.round(baseline),
      ratio: Number(ratio.toFixed(3)),
      ...extra,
    }),
  );
}

const spec = TOPICS.marketdata;
for (const [name, event, raw] of [
  ['book_delta', delta, rawDelta],
  ['ticker', ticker, rawTicker],
] as const) {
  const [pbes, fast, jsonParse, fastRoundTrip, pbesRoundTrip] = interleaved([
    () => {
      sink += toBinary(MarketDataEventSchema, event).length;
    },
    () => {
      sink += encodeMarketDataEvent(event).length;
    },
    () => {
      sink += (JSON.parse(raw) as Json).jsonrpc === '2.0' ? 1 : 0;
    },
    () => {
      sink += spec.decode(encodeMarketDataEvent(event)).payload.case === undefined ? 0 : 1;
    },
    () => {
      sink += spec.decode(toBinary(MarketDataEventSchema, event)).payload.case === undefined ? 0 : 1;
    },
  ]) as [number, number, number, number, number];
  const bytes = toBinary(MarketDataEventSchema, event);
  const [pbesDecode, fastDecode, jsonAgain, fastBoth] = interleaved([
    () => {
      sink += fromBinary(MarketDataEventSchema, bytes).payload.case === undefined ? 0 : 1;
    },
    () => {
      sink += decodeMarketDataEvent(bytes)?.payload.case === undefined ? 0 : 1;
    },
    () => {
      sink += (JSON.parse(raw) as Json).jsonrpc === '2.0' ? 1 : 0;
    },
    () => {
      sink += decodeMarketDataEvent(encodeMarketDataEvent(event))?.payload.case === undefined ? 0 : 1;
    },
  ]) as [number, number, number, number];
  figure(`contracts.fast.${name}.decode`, fastDecode, 'msgs/s', pbesDecode, {
    baselineName: 'protobuf-es fromBinary',
    jsonParse: Math.round(jsonAgain),
    ratioToJsonParse: Number((fastDecode / jsonAgain).toFixed(3)),
  });
  figure(`contracts.fast.${name}.fast_encode_fast_decode`, fastBoth, 'msgs/s', jsonAgain, {
    baselineName: 'JSON.parse of the real Deribit message',
  });
  figure(`contracts.fast.${name}.encode`, fast, 'msgs/s', pbes, {
    baselineName: 'protobuf-es toBinary',
    nsPerMsg: Number((1e9 / fast).toFixed(0)),
    baselineNsPerMsg: Number((1e9 / pbes).toFixed(0)),
  });
  const note = { baselineName: 'JSON.parse of the real Deribit message', jsonBytes: raw.length };
  figure(`contracts.fast.${name}.encode_decode`, fastRoundTrip, 'msgs/s', jsonParse, note);
  figure(`contracts.pbes.${name}.encode_decode`, pbesRoundTrip, 'msgs/s', jsonParse, note);
}
if (sink === 0) throw new Error('Expected the benchmark to consume its results, was 0');

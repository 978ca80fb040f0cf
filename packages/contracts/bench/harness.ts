/**
 * What the contracts benchmarks share: the real Deribit messages used as the JSON.parse baseline,
 * the same information as contract events, and interleaved timing rounds (so load from other
 * processes on a shared machine hits the baseline and the candidates alike).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BookAction,
  create,
  eventId,
  InstrumentState,
  type MarketDataEvent,
  MarketDataEventSchema,
  newHeader,
  PriceUnit,
} from '../src/index.ts';

const root = process.env.VOLSTREAM_ROOT ?? new URL('../../../', import.meta.url).pathname;
const samplesPath = join(root, '../shared/data/exchange_ws_message_samples/deribit_options_and_book.json');

export type Json = Record<string, unknown>;
const messages = JSON.parse(readFileSync(samplesPath, 'utf8')) as Json[];
const byChannel = (channel: string): Json => {
  const found = messages.find((m) => (m.params as Json | undefined)?.channel === channel);
  if (found === undefined) throw new Error(`Expected ${channel} in ${samplesPath}, was absent`);
  return found;
};
export const rawDelta = JSON.stringify(byChannel('book.ETH-10SEP21-3350-P.raw'));
export const rawTicker = JSON.stringify(byChannel('ticker.BTC-5JUN20-9250-C.raw'));

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
export const delta: MarketDataEvent = create(MarketDataEventSchema, {
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
export const ticker: MarketDataEvent = create(MarketDataEventSchema, {
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

/** Consumed results, so the work cannot be optimised away. */
export const sink = { n: 0 };

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
export function interleaved(ops: readonly (() => void)[], rounds = 7): number[] {
  for (const op of ops) round(op); // warm-up (JIT)
  const results: number[][] = ops.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (const [i, op] of ops.entries()) results[i]!.push(round(op));
  }
  return results.map(median);
}

export function figure(bench: string, value: number, unit: string, baseline: number, extra: Json = {}): void {
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

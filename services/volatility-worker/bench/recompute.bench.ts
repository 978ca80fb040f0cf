// The full 40,000-vol recompute after a forward (spot) move, through the volatility worker's
// transform: 10,000 coin-quoted options (10 expiries x 1,000) x 4 sides (bid, ask, mid, mark).
// Figures (CPU ms per recompute, median of interleaved rounds, same run):
//   full_ms     every quote re-inverted (work reduction off), vs the raw WASM batch inversion of the
//               same 40,000 prices (the floor: what the transform adds is bookkeeping and greeks);
//   reduced_ms  default work reduction (skip < 1 bp, first-order path within 1 bp), vs full_ms;
//   full_encoded_ms  full_ms plus encoding the outputs for the bus (TOPICS.volatility.encode, the
//               hand-written encoder): what the worker does per window, vs the raw WASM batch;
//   encode_ms   that encoding alone vs protobuf-es toBinary of the same 10 VolQuoteBatch events.
// Run with the default heap and with --max-semi-space-size=64 (a young generation that holds one
// recompute's garbage: 10,000 VolQuote objects do not survive into the old generation).
// Moves: every expiry's forward moves each round, alternating up and down, by 0.0005-0.003 % (tick
// to tick) or by 0.01-0.2 % (a real move); each scenario reports the share of quotes skipped,
// approximated and fully inverted. Run: node --import tsx services/volatility-worker/bench/recompute.bench.ts
import { create } from '@bufbuild/protobuf';
import {
  eventId,
  ForwardSource,
  InstrumentKind,
  newHeader,
  OptionType,
  type OrderBookEvent,
  OrderBookEventSchema,
  PriceUnit,
  TOPICS,
  toBinary,
  type VolatilityEvent,
  VolatilityEventSchema,
} from '@volstream/contracts';
import { load } from 'svi-core';
import { VolatilityTransform, type WorkSaved } from '../src/transform.ts';

const core = await load();
const T0 = 1_772_000_000_000;
const DAY = 86_400_000;
const F0 = 60_000;
const PER_EXPIRY = 1000;
const EXPIRY_DAYS = [1, 2, 3, 7, 14, 30, 60, 90, 180, 365];

let seed = 12345;
const rnd = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
};

let n = 0;
function header(timeMs: number) {
  n++;
  return newHeader({
    venue: 'deribit',
    producerId: 'bench',
    eventId: eventId('bench', n),
    exchangeTimeMs: timeMs,
    receiveTimeNs: BigInt(n),
    publishTimeNs: 0n,
  });
}

function forwardEvent(expiry: number, value: number, timeMs: number): OrderBookEvent {
  return create(OrderBookEventSchema, {
    header: header(timeMs),
    payload: {
      case: 'forward',
      value: {
        currency: 'BTC',
        expiryMs: BigInt(expiry),
        forward: value,
        source: ForwardSource.VENUE_UNDERLYING,
        asOfMs: BigInt(timeMs),
      },
    },
  });
}

const tops: OrderBookEvent[] = [];
const raw = {
  price: new Float64Array(40_000),
  forward: new Float64Array(40_000),
  strike: new Float64Array(40_000),
  time: new Float64Array(40_000),
  isCall: new Uint8Array(40_000),
};
const expiries = EXPIRY_DAYS.map((d) => T0 + d * DAY);
for (const [e, days] of EXPIRY_DAYS.entries()) {
  for (let i = 0; i < PER_EXPIRY; i++) {
    const t = days / 365;
    const strike = Math.round(F0 * Math.exp((rnd() - 0.5) * 1.2 * Math.sqrt(t)));
    const call = strike >= F0;
    const vol = 0.4 + rnd() * 0.6;
    const mark = core.black76(F0, strike, t, vol, call) / F0;
    const bid = mark / 1.03;
    const ask = mark * 1.03;
    tops.push(
      create(OrderBookEventSchema, {
        header: header(T0),
        payload: {
          case: 'bookTop',
          value: {
            instrumentName: `BTC-${days}D-${strike}-${call ? 'C' : 'P'}-${i}`,
            currency: 'BTC',
            kind: InstrumentKind.OPTION,
            expiryMs: BigInt(expiries[e]!),
            strike,
            optionType: call ? OptionType.CALL : OptionType.PUT,
            priceUnit: PriceUnit.BASE_COIN,
            bids: [{ price: bid, amount: 1 }],
            asks: [{ price: ask, amount: 1 }],
            depth: 10,
            synced: true,
            markPrice: mark,
          },
        },
      }),
    );
    const base = (e * PER_EXPIRY + i) * 4;
    [bid, ask, (bid + ask) / 2, mark].forEach((p, s) => {
      raw.price[base + s] = p;
      raw.forward[base + s] = F0;
      raw.strike[base + s] = strike;
      raw.time[base + s] = t;
      raw.isCall[base + s] = call ? 1 : 0;
    });
  }
}

const full = new VolatilityTransform({
  core,
  workReduction: { skipBp: 0, approxBudgetBp: 0 },
  clock: () => 0n,
});
const reduced = new VolatilityTransform({ core, clock: () => 0n });
const init = [...expiries.map((e) => forwardEvent(e, F0, T0)), ...tops];
full.apply(init);
reduced.apply(init);

const cpuMs = (fn: () => void): number => {
  const c0 = process.cpuUsage();
  fn();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

const figure = (
  bench: string,
  value: number,
  unit: string,
  baseline: number,
  extra: Record<string, unknown> = {},
) => {
  const r = (x: number) => Number(x.toPrecision(4));
  console.log(
    JSON.stringify({
      bench,
      value: r(value),
      unit,
      baseline: r(baseline),
      ratio: r(value / baseline),
      ...extra,
    }),
  );
};
const share = (a: WorkSaved, b: WorkSaved) => {
  const d = {
    skipped: b.skipped - a.skipped,
    approximated: b.approximated - a.approximated,
    inverted: b.inverted - a.inverted,
  };
  const total = d.skipped + d.approximated + d.inverted;
  const r = (x: number) => Number((x / total).toPrecision(3));
  return { skippedShare: r(d.skipped), approximatedShare: r(d.approximated), invertedShare: r(d.inverted) };
};

/** Interleaved rounds: raw WASM batch, full transform, reduced transform on the same moves. */
const forwards = expiries.map(() => F0);
let clockMs = T0;
function scenario(minMove: number, maxMove: number, rounds: number) {
  const fullMs: number[] = [];
  const reducedMs: number[] = [];
  const rawMs: number[] = [];
  const encodeMs: number[] = [];
  const pbMs: number[] = [];
  const before = reduced.workSaved();
  for (let round = 1; round <= rounds; round++) {
    clockMs += 100;
    const moves = expiries.map((e, i) => {
      forwards[i] = forwards[i]! * (1 + (round % 2 === 0 ? 1 : -1) * (minMove + rnd() * (maxMove - minMove)));
      return forwardEvent(e, forwards[i]!, clockMs);
    });
    raw.forward.fill(forwards[0]!);
    rawMs.push(cpuMs(() => core.impliedVolsInverse(raw)));
    let outputs: readonly VolatilityEvent[] = [];
    fullMs.push(
      cpuMs(() => {
        outputs = full.apply(moves).outputs;
      }),
    );
    encodeMs.push(
      cpuMs(() => {
        for (const e of outputs) TOPICS.volatility.encode(e);
      }),
    );
    pbMs.push(
      cpuMs(() => {
        for (const e of outputs) toBinary(VolatilityEventSchema, e);
      }),
    );
    reducedMs.push(cpuMs(() => reduced.apply(moves)));
  }
  return {
    raw: median(rawMs),
    full: median(fullMs),
    encode: median(encodeMs),
    pb: median(pbMs),
    fullEncoded: median(fullMs.map((x, i) => x + encodeMs[i]!)),
    reduced: median(reducedMs),
    shares: share(before, reduced.workSaved()),
  };
}

// Typical index moves between two 100 ms Deribit updates are a few 1e-5 of F; larger ones follow news.
const tick = scenario(0.000005, 0.00003, 15);
const move = scenario(0.0001, 0.002, 15);
figure('volatility.recompute_40k.full_ms', move.full, 'ms', move.raw, {
  baselineIs: 'raw WASM inverse IV batch of the same 40,000 prices',
});
figure('volatility.recompute_40k.full_encoded_ms', move.fullEncoded, 'ms', move.raw, {
  baselineIs: 'raw WASM inverse IV batch of the same 40,000 prices',
});
figure('volatility.encode_10k_quotes.fast_ms', move.encode, 'ms', move.pb, {
  baselineIs: 'protobuf-es toBinary of the same 10 VolQuoteBatch events',
});
figure('volatility.recompute_40k.move_0.01-0.2pct.reduced_ms', move.reduced, 'ms', move.full, {
  baselineIs: 'full re-inversion through the transform',
  ...move.shares,
});
figure('volatility.recompute_40k.tick_0.0005-0.003pct.reduced_ms', tick.reduced, 'ms', tick.full, {
  baselineIs: 'full re-inversion through the transform',
  ...tick.shares,
});

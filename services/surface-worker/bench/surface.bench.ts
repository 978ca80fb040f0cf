// The surface worker's cost per update of a simulator-sized BTC chain (12 expiries, ~530 quotes),
// each figure with the ratio to a baseline measured in the same run: the raw fitSviSlice calls on
// exactly the inputs the transform fits (captured from a first run).
//   node --import tsx services/surface-worker/bench/surface.bench.ts
// - surface_full_update: every expiry refitted (fresh transform): filters, fits, butterfly
//   re-check, calendar control, expiry/tenor metrics, risk nodes, protobuf messages;
// - surface_tick_one_expiry_moved: steady state, one expiry's mids moved, one display tick;
// - surface_decode_chain: decoding the chain's volatility-topic records as the worker's bus does
//   (TOPICS.volatility.decode, the hand-written decoder), against protobuf-es fromBinary.
import { fromBinary, TOPICS, toBinary, VolatilityEventSchema } from '@volstream/contracts';
import { init, load, type SviSliceInput } from 'svi-core';
import { SurfaceTransform } from '../src/index.ts';
import { batchEvent, simChain } from '../test/helpers.ts';

await init();
const core = await load();
const chain = simChain(core, 7);
const ROUNDS = 100;

// The minimum over rounds: on a shared 2-core machine the median mostly measures how often the
// scheduler took the CPU away; the minimum is the cost of the work itself (both sides alike).
function best(xs: number[]): number {
  return Math.min(...xs);
}

const captured: SviSliceInput[] = [];
const fit = core.fitSviSlice.bind(core);
core.fitSviSlice = (x) => {
  captured.push({
    k: x.k.slice(),
    w: x.w.slice(),
    ...(x.weights ? { weights: x.weights.slice() } : {}),
    time: x.time,
  });
  return fit(x);
};
new SurfaceTransform({ core }).process(chain.events);
core.fitSviSlice = fit;

const base: number[] = [];
const full: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  let t0 = performance.now();
  for (const s of captured) core.fitSviSlice(s);
  base.push(performance.now() - t0);
  const t = new SurfaceTransform({ core });
  t0 = performance.now();
  t.process(chain.events);
  full.push(performance.now() - t0);
}

// Steady state: one transform, each round moves the mids of one expiry by 2 bp one second later.
const steady = new SurfaceTransform({ core });
steady.process(chain.events);
const tick: number[] = [];
const oneBase: number[] = [];
for (let r = 1; r <= ROUNDS; r++) {
  const i = r % chain.events.length;
  const src = chain.events[i];
  if (src?.payload.case !== 'quoteBatch' || src.header === undefined) continue;
  const b = src.payload.value;
  const eventMs = chain.eventMs + 1000 * r;
  const moved = batchEvent({
    venue: 'deribit',
    expiryMs: b.expiryMs,
    forward: b.forward,
    timeYears: b.timeToExpiryYears,
    eventMs,
    quotes: b.quotes.map((q) => ({
      name: q.instrumentName,
      strike: q.strike,
      isCall: q.optionType === 1,
      ...(q.bidIv === undefined ? {} : { bidIv: q.bidIv + 0.0002 * r }),
      ...(q.askIv === undefined ? {} : { askIv: q.askIv + 0.0002 * r }),
      ...(q.midIv === undefined ? {} : { midIv: q.midIv + 0.0002 * r }),
      ...(q.bidPrice === undefined ? {} : { bidPrice: q.bidPrice }),
      ...(q.askPrice === undefined ? {} : { askPrice: q.askPrice }),
    })),
  });
  const slice = captured[i];
  let t0 = performance.now();
  if (slice !== undefined) core.fitSviSlice(slice);
  oneBase.push(performance.now() - t0);
  t0 = performance.now();
  steady.process([moved]);
  tick.push(performance.now() - t0);
}

const quotes = chain.events.reduce(
  (n, e) => n + (e.payload.case === 'quoteBatch' ? e.payload.value.quotes.length : 0),
  0,
);
const line = (bench: string, value: number, baseline: number) =>
  console.log(
    JSON.stringify({
      bench,
      value: Number(value.toFixed(3)),
      unit: 'ms',
      baseline: Number(baseline.toFixed(3)),
      ratio: Number((value / baseline).toFixed(2)),
      expiries: captured.length,
      quotes,
    }),
  );
// Decoding the input: the chain's batches as volatility-topic records.
const records = chain.events.map((e) => toBinary(VolatilityEventSchema, e));
const fast: number[] = [];
const pbes: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  let t0 = performance.now();
  for (const b of records) TOPICS.volatility.decode(b);
  fast.push(performance.now() - t0);
  t0 = performance.now();
  for (const b of records) fromBinary(VolatilityEventSchema, b);
  pbes.push(performance.now() - t0);
}
line('surface_full_update', best(full), best(base));
line('surface_tick_one_expiry_moved', best(tick), best(oneBase));
line('surface_decode_chain', best(fast), best(pbes));

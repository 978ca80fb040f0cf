// One full surface update of a simulator-sized BTC chain (all expiries: fits, calendar control,
// expiry/tenor metrics, risk nodes, protobuf messages) vs the baseline of the raw fitSviSlice
// calls on the same slices, measured in the same run.
//   node --import tsx services/surface-worker/bench/surface.bench.ts
import { init, load } from 'svi-core';
import { SurfaceTransform } from '../src/index.ts';
import { simChain } from '../test/helpers.ts';

await init();
const core = await load();
const chain = simChain(core, 7);
const ROUNDS = 200;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

// Baseline: the fits alone, on the inputs the transform fits (via a first transform's smiles).
const probe = new SurfaceTransform({ core });
probe.process(chain.events);
const slices = probe
  .flush()
  .flatMap((e) => (e.payload.case === 'surface' ? e.payload.value.smiles : []))
  .map((s) => {
    const q = s.quotes.filter((x) => x.inFit);
    return {
      k: Float64Array.from(q, (x) => x.logMoneyness),
      w: Float64Array.from(q, (x) => (x.midIv ?? 0) ** 2 * s.timeToExpiryYears),
      weights: Float64Array.from(q, (x) => x.weight),
      time: s.timeToExpiryYears,
    };
  });

const base: number[] = [];
const full: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  let t0 = performance.now();
  for (const s of slices) core.fitSviSlice(s);
  base.push(performance.now() - t0);
  // A fresh transform each round so every expiry is fitted (no cadence or unchanged-input skip).
  const t = new SurfaceTransform({ core });
  t0 = performance.now();
  t.process(chain.events);
  full.push(performance.now() - t0);
}
const b = median(base);
const f = median(full);
const quotes = chain.events.reduce(
  (n, e) => n + (e.payload.case === 'quoteBatch' ? e.payload.value.quotes.length : 0),
  0,
);
console.log(
  JSON.stringify({
    bench: 'surface_full_update_btc_chain',
    value: Number(f.toFixed(3)),
    unit: 'ms',
    baseline: Number(b.toFixed(3)),
    ratio: Number((f / b).toFixed(2)),
    expiries: slices.length,
    quotes,
  }),
);

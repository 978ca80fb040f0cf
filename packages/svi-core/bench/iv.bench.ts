// IV inversion benchmarks (batch API, one thread): a mixed realistic workload (src/workload.ts:
// F 2k–120k, T 1 h–2 y, strikes within ±3.5 sd, 85 % OTM) through the WASM core against the
// straightforward TypeScript Newton baseline (ts-iv-baseline.ts) on the same inputs, and a
// 40,000-vol recompute (the volatility worker's full refresh of a large chain).
// Targets: ≥ 3,000,000 IVs/s (≤ 330 ns each); 40,000 vols ≤ 15 ms.
import { load } from 'svi-core';
import { ivWorkload } from '../src/workload.ts';
import { DEFAULT_WASM, figure, median, timeRuns } from './bench-util.ts';
import { impliedVolsTs } from './ts-iv-baseline.ts';

const core = await load({ wasmPath: DEFAULT_WASM });
const n = 200_000;
const w = ivWorkload(core, n, 5);
const out = new Float64Array(n);
const outTs = new Float64Array(n);

// Interleave the two implementations so machine load affects both alike.
const wasmMs: number[] = [];
const tsMs: number[] = [];
for (let round = 0; round < 5; round++) {
  wasmMs.push(...timeRuns(() => core.impliedVols(w, out), 2, round === 0 ? 2 : 0));
  tsMs.push(...timeRuns(() => impliedVolsTs(w, outTs), 2, round === 0 ? 2 : 0));
}
let maxDiff = 0;
for (let i = 0; i < n; i++) maxDiff = Math.max(maxDiff, Math.abs(out[i]! - w.vol[i]!));
const wasmPerSec = (n / median(wasmMs)) * 1000;
const tsPerSec = (n / median(tsMs)) * 1000;
figure('svi-core iv batch mixed (WASM vs TS Newton)', wasmPerSec, 'IV/s', tsPerSec, {
  target: 3_000_000,
  options: n,
  maxAbsErrorVsTruth: maxDiff,
});
figure('svi-core iv batch mixed ns per IV', (median(wasmMs) * 1e6) / n, 'ns', (median(tsMs) * 1e6) / n, {
  target: 330,
});

const m = 40_000;
const sub = {
  price: w.price.subarray(0, m),
  forward: w.forward.subarray(0, m),
  strike: w.strike.subarray(0, m),
  time: w.time.subarray(0, m),
  isCall: w.isCall.subarray(0, m),
};
const out40 = new Float64Array(m);
const recompute = timeRuns(() => core.impliedVols(sub, out40), 15);
const recomputeTs = timeRuns(() => impliedVolsTs(sub, out40), 15);
figure('svi-core 40,000-vol recompute', median(recompute), 'ms', median(recomputeTs), { target: 15 });

// The same 40,000 vols after a 0.1 % forward move through the first-order coin-held update
// (QUANT.md §4, the volatility worker's bounded fast path) against full re-inversion.
const moved = {
  vol: w.vol.subarray(0, m),
  forwardOld: sub.forward,
  forwardNew: sub.forward.map((f) => f * 1.001),
  strike: sub.strike,
  time: sub.time,
  isCall: sub.isCall,
};
const update = timeRuns(() => core.ivUpdateCoinHeld(moved), 15);
figure(
  'svi-core 40,000-vol update after a 0.1% forward move (first-order)',
  median(update),
  'ms',
  median(recompute),
  {
    target: 15,
  },
);

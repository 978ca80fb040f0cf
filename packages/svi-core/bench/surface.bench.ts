// Surface benchmarks: SVI slice fit of 50 quotes (median µs; baseline: the variant fitter with 2×
// starts and 2.5× evaluations, i.e. what a more exhaustive search costs) and a whole real chain
// (the larger 2026 Deribit snapshot: bid/ask/mid/mark IV of every quote, every slice fit, calendar
// check and smile metrics per currency) against the
// same pipeline with the TypeScript IV baseline. Targets: ≤ 100 µs per slice; ≤ 5 ms per chain.
import { join } from 'node:path';
import { load } from 'svi-core';
import { buildSlices } from '../src/chain-slices.ts';
import { readChain } from '../src/deribit-chain.ts';
import { syntheticSlices } from '../src/workload.ts';
import { ALT_WASM, DATA_DIR, DEFAULT_WASM, figure, median, timeRuns } from './bench-util.ts';
import { impliedVolsTs } from './ts-iv-baseline.ts';

const core = await load({ wasmPath: DEFAULT_WASM });
const alt = await load({ wasmPath: ALT_WASM });

// Per-fit wall time: a ~100 µs call is rarely preempted, so the median is robust to machine load.
const slices = syntheticSlices(300, 50, 0.002, 21);
function fitTimes(fitter: typeof core): number[] {
  for (const s of slices.slice(0, 20)) fitter.fitSviSlice(s);
  return slices.map((s) => {
    const t0 = performance.now();
    fitter.fitSviSlice(s);
    return (performance.now() - t0) * 1000;
  });
}
const fit = fitTimes(core);
const fitAlt = fitTimes(alt);
figure('svi-core svi fit 50 quotes median', median(fit), 'µs', median(fitAlt), {
  target: 100,
  slices: slices.length,
});

const quotes = readChain(
  join(DATA_DIR, 'deribit_chain_snapshots_2026/deribit_options_snapshot_20260301T092218Z.csv'),
);
/** The TS-baseline variant of the module: same API, IV inversion in TypeScript. */
const tsCore = Object.assign(Object.create(Object.getPrototypeOf(core)) as typeof core, core, {
  impliedVolsInverse: (input: Parameters<typeof core.impliedVolsInverse>[0]) => {
    const scaled = { ...input, price: input.price.map((c, i) => c * input.forward[i]!) };
    return impliedVolsTs(scaled, new Float64Array(scaled.price.length));
  },
});
/** One chain update: all IVs, every slice fit, calendar check and metrics per currency. */
function chain(c: typeof core): number {
  const built = buildSlices(c, quotes, 8);
  let ok = 0;
  for (const currency of ['BTC', 'ETH']) {
    const fitted = built
      .filter((s) => s.currency === currency)
      .map((s) => ({
        time: s.time,
        params: c.fitSviSlice({ k: s.k, w: s.w, weights: s.weights, time: s.time }),
      }));
    ok += fitted.filter((f) => f.params.butterflyFree).length;
    c.checkCalendar(fitted);
    c.surfaceMetrics(fitted);
  }
  return ok;
}
const chainMs: number[] = [];
const chainTsMs: number[] = [];
let fitted = 0;
for (let round = 0; round < 12; round++) {
  const measured = round >= 2;
  const a = timeRuns(
    () => {
      fitted = chain(core);
    },
    1,
    0,
  );
  const b = timeRuns(() => chain(tsCore), 1, 0);
  if (measured) {
    chainMs.push(...a);
    chainTsMs.push(...b);
  }
}
figure('svi-core whole real chain (IVs, fits, calendar, metrics)', median(chainMs), 'ms', median(chainTsMs), {
  target: 5,
  options: quotes.length,
  slicesFitted: fitted,
});

// Shared helpers of the svi-core benchmarks: timing (best/median of repeated runs), the JSON
// figure line of the project's bench convention, and paths to the built modules and data.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEFAULT_WASM = fileURLToPath(new URL('../pkg/svi_core_bg.wasm', import.meta.url));
export const ALT_WASM = fileURLToPath(new URL('../pkg/test-fitters/alt_fitter.wasm', import.meta.url));
const ROOT = process.env.VOLSTREAM_ROOT ?? fileURLToPath(new URL('../../../', import.meta.url));
export const DATA_DIR = resolve(ROOT, '../shared/data');

/**
 * CPU milliseconds (process user + system time) of each of `reps` runs of `fn` after `warmup`
 * unmeasured runs. CPU time rather than wall time because the benchmark machines are shared: with
 * other builds running, wall time includes waiting for a core (load averages of 5–16 on 2 cores
 * were seen), CPU time does not.
 */
export function timeRuns(fn: () => void, reps: number, warmup = 3): number[] {
  for (let i = 0; i < warmup; i++) fn();
  const out: number[] = [];
  for (let i = 0; i < reps; i++) {
    const c0 = process.cpuUsage();
    fn();
    const c = process.cpuUsage(c0);
    out.push((c.user + c.system) / 1000);
  }
  return out;
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0
    ? Number.NaN
    : (s[Math.floor((s.length - 1) / 2)]! + s[Math.ceil((s.length - 1) / 2)]!) / 2;
}

/** Prints one figure line: {"bench","value","unit","baseline","ratio",...extra}. */
export function figure(
  bench: string,
  value: number,
  unit: string,
  baseline: number,
  extra: Record<string, unknown> = {},
): void {
  const round = (x: number) => Number(x.toPrecision(4));
  console.log(
    JSON.stringify({
      bench,
      value: round(value),
      unit,
      baseline: round(baseline),
      ratio: round(value / baseline),
      ...extra,
    }),
  );
}

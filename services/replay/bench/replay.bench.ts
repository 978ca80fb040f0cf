// Replay speed (docs/BENCHMARKS.md "Storage", replay rows), one JSON line per figure, as a multiple
// of real time: the replayed event-time span divided by the time taken.
// - replay_speed_x_realtime: `replay()` at --speed max on the embedded chdb store (read pages ahead,
//   the three transforms on the encoded records, vol quotes, smiles and surfaces inserted while the
//   next page computes), wall-clock, against the baseline in the same run: the transform chain
//   alone on the same records in memory (no storage);
// - replay_cpu_speed_x_realtime: the same replays per CPU-second of the process (all threads,
//   the engine's included), against the chain alone per CPU-second. On the shared 2-core machine
//   the wall clock mostly measures the other tenants; CPU time is what the replay itself costs.
// - replay_main_thread_speed_x_realtime: per CPU-second of the main thread alone (Linux
//   /proc/self/task), against the chain alone: what the replay adds to the JS thread that runs
//   the transforms (the engine's own threads read, insert and merge beside it).
// Reads and writes are RowBinary (docs/STORAGE.md "Replay"); the previous version (TabSeparated
// reads, JSONEachRow inserts) is measured by running this file from a checkout of commit 5a83552.
// Session: a recorded simulator session (seed 41, `steps` of 100 ms, default 300: ≈ 43,000
// market-data events over 30 s, BTC, 2 expiries, the replay tests' generator), stored as run
// "live" with its results by fillLive. Each figure is the best of 3 rounds; the first round of
// each also pays the JIT warm-up, as a one-off replay from the CLI does.
// Run: node --import tsx services/replay/bench/replay.bench.ts [steps]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOPICS } from '@volstream/contracts';
import { migrate, openStore } from '@volstream/storage-writer';
import { load } from 'svi-core';
import { PipelineChain, replay, windowsOf } from '../src/index.ts';
import { fillLive, simulatorSession } from '../test/helpers/fill.ts';

const ROUNDS = 3;
const steps = Number(process.argv[2] ?? 300);
const events = await simulatorSession(41, steps);
const firstMs = Number(events.find((e) => e.payload.case !== 'instrument')?.header?.exchangeTimeMs);
const spanMs = Number(events[events.length - 1]?.header?.exchangeTimeMs) - firstMs;
// The chain's input as replay feeds it: windows of encoded records and the event clock.
let clockMs = 0n;
const windows = windowsOf(events).map((w) => {
  for (const e of w) if ((e.header?.exchangeTimeMs ?? 0n) > clockMs) clockMs = e.header?.exchangeTimeMs ?? 0n;
  return { records: w.map((e) => TOPICS.marketdata.encode(e).slice()), newestMs: clockMs };
});

const cpuMs = (c: NodeJS.CpuUsage): number => (c.user + c.system) / 1000;
/** CPU time of the main thread, ms (clock ticks of /proc/self/task/<pid>/stat; NaN elsewhere). */
function mainThreadMs(): number {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return Number.NaN;
  }
}
const dir = mkdtempSync(join(tmpdir(), 'volstream-replay-bench-'));
const store = await openStore({ backend: 'chdb', dataDir: dir });
try {
  await migrate(store);
  await fillLive(store, events);
  const core = await load();

  const chain = { wall: [] as number[], cpu: [] as number[], main: [] as number[] };
  const rep = { wall: [] as number[], cpu: [] as number[], main: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    const c = new PipelineChain(core, `bench-chain-${round}`);
    let c0 = process.cpuUsage();
    let m0 = mainThreadMs();
    const t0 = performance.now();
    for (const w of windows) c.pushRecords(w.records, w.newestMs);
    chain.wall.push(spanMs / (performance.now() - t0));
    chain.cpu.push(spanMs / cpuMs(process.cpuUsage(c0)));
    chain.main.push(spanMs / (mainThreadMs() - m0));
    c0 = process.cpuUsage();
    m0 = mainThreadMs();
    const r = await replay(store, { fromMs: 0, toMs: 4_000_000_000_000, runId: `bench-replay-${round}` });
    rep.wall.push(r.speedup);
    rep.cpu.push(spanMs / cpuMs(process.cpuUsage(c0)));
    rep.main.push(spanMs / (mainThreadMs() - m0));
  }
  const best = (xs: number[]): number => Math.max(...xs);
  const r2 = (x: number): number => Math.round(x * 100) / 100;
  const line = (bench: string, value: number[], baseline: number[], baselineIs: string): void =>
    console.log(
      JSON.stringify({
        bench,
        value: r2(best(value)),
        unit: 'x real time',
        baseline: r2(best(baseline)),
        ratio: r2(best(value) / best(baseline)),
        baselineIs,
        rounds: value.map(r2),
        baselineRounds: baseline.map(r2),
        events: events.length,
        sessionS: spanMs / 1000,
        eventsPerSecondOfSession: Math.round(events.length / (spanMs / 1000)),
      }),
    );
  line(
    'replay_speed_x_realtime',
    rep.wall,
    chain.wall,
    'the transform chain alone on the same records, wall clock',
  );
  line('replay_cpu_speed_x_realtime', rep.cpu, chain.cpu, 'the transform chain alone, per CPU-second');
  line(
    'replay_main_thread_speed_x_realtime',
    rep.main,
    chain.main,
    'the transform chain alone, per CPU-second of the main thread (10 ms clock ticks)',
  );
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}

// Replay speed (docs/BENCHMARKS.md "Storage", replay rows), one JSON line per figure, as a multiple
// of real time (replayed event-time span / wall time):
// - replay_speed_x_realtime: `replay()` at --speed max on the embedded chdb store (read pages,
//   decode, the three transforms, write vol quotes, smiles and surfaces), against
// - the baseline in the same run: the transform chain alone on the same events in memory (no
//   storage, no decoding).
// Session: the replay tests' recorded simulator session (seed 41, 100 steps: ≈ 14,500 market-data
// events over ≈ 10 s, BTC, 2 expiries), stored as run "live" with its results by fillLive.
// Each figure is the best of 3 (other tenants share the 2 cores).
// Run: node --import tsx services/replay/bench/replay.bench.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate, openStore } from '@volstream/storage-writer';
import { load } from 'svi-core';
import { PipelineChain, replay, windowsOf } from '../src/index.ts';
import { fillLive, simulatorSession } from '../test/helpers/fill.ts';

const ROUNDS = 3;
const events = await simulatorSession(41, 100);
const firstMs = Number(events.find((e) => e.payload.case !== 'instrument')?.header?.exchangeTimeMs);
const spanMs = Number(events[events.length - 1]?.header?.exchangeTimeMs) - firstMs;

const dir = mkdtempSync(join(tmpdir(), 'volstream-replay-bench-'));
const store = await openStore({ backend: 'chdb', dataDir: dir });
try {
  await migrate(store);
  await fillLive(store, events);
  const core = await load();

  const chainSpeeds: number[] = [];
  const replaySpeeds: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const chain = new PipelineChain(core, `bench-chain-${round}`);
    const windows = windowsOf(events);
    const t0 = performance.now();
    for (const w of windows) chain.push(w);
    chainSpeeds.push(spanMs / (performance.now() - t0));
    const r = await replay(store, { fromMs: 0, toMs: 4_000_000_000_000, runId: `bench-replay-${round}` });
    replaySpeeds.push(r.speedup);
  }
  const best = (xs: number[]): number => Math.max(...xs);
  const round2 = (x: number): number => Math.round(x * 100) / 100;
  console.log(
    JSON.stringify({
      bench: 'replay_speed_x_realtime',
      value: round2(best(replaySpeeds)),
      unit: 'x real time',
      baseline: round2(best(chainSpeeds)),
      ratio: round2(best(replaySpeeds) / best(chainSpeeds)),
      baselineIs: 'the transform chain alone on the same events in memory (no storage, no decoding)',
      rounds: replaySpeeds.map(round2),
      baselineRounds: chainSpeeds.map(round2),
      events: events.length,
      sessionS: spanMs / 1000,
      eventsPerSecondOfSession: Math.round(events.length / (spanMs / 1000)),
    }),
  );
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}

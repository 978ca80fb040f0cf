// Fan-out benchmark: 1,000 websocket subscribers (a child process on loopback) receive every surface
// update. Prints one JSON line per figure: per-update fan-out time and CPU in the gateway, p50/p99
// delivery latency, the update encoder against re-encoding the whole ServerMessage per subscriber
// (baseline), and bytes per update protobuf vs JSON.
// Run: node --import tsx services/gateway/bench/fanout.bench.ts [clients=1000] [updates=30] [protobuf|json]
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { create, ServerMessageSchema, type Surface, sampleEvents, toBinary } from '@volstream/contracts';
import { createLogger } from '@volstream/logging';
import { build, encodeUpdate } from '../src/index.ts';

const CLIENTS = Number(process.argv[2] ?? 1000);
const UPDATES = Number(process.argv[3] ?? 30);
const FORMAT = process.argv[4] === 'json' ? 'json' : 'protobuf';

/** A composite BTC surface of realistic size: 12 expiries x 40 quotes. */
function surface(atmVol: number): Surface {
  const event = sampleEvents().surface[1];
  if (event?.payload.case !== 'surface') throw new Error('sample surface missing');
  const s = event.payload.value;
  const smile = s.smiles[0];
  const quote = smile?.quotes[0];
  if (smile === undefined || quote === undefined) throw new Error('sample smile missing');
  smile.atmVol = atmVol;
  smile.quotes = Array.from({ length: 40 }, (_, i) => ({
    ...quote,
    instrumentName: `${quote.instrumentName}-${i}`,
    strike: 20_000 + 1000 * i,
  }));
  s.smiles = Array.from({ length: 12 }, (_, i) => ({
    ...smile,
    expiryMs: smile.expiryMs + BigInt(i) * 7n * 86_400_000n,
  }));
  return s;
}

function line(bench: string, value: number, unit: string, baseline: number | null = null): void {
  const ratio = baseline === null || baseline === 0 ? null : Number((value / baseline).toFixed(3));
  process.stdout.write(
    `${JSON.stringify({ bench, value: Number(value.toFixed(3)), unit, baseline: baseline === null ? null : Number(baseline.toFixed(3)), ratio })}\n`,
  );
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? Number.NaN;
}

const logger = createLogger({ service: 'gateway-bench', level: 'warn' });
const gw = build({ logger, options: { ratePerSec: 1e6, burst: 1e6 } });
const port = await gw.listen(0, '127.0.0.1');
const child = fork(
  new URL('./fanout-clients.ts', import.meta.url).pathname,
  [
    `ws://127.0.0.1:${port}/v1/stream${FORMAT === 'json' ? '?format=json' : ''}`,
    String(CLIENTS),
    String(UPDATES),
  ],
  {
    execArgv: ['--import', 'tsx'],
  },
);
const messages = (async function* () {
  while (true) yield (await once(child, 'message'))[0] as { type: string; receipts?: number[][] };
})();
const first = await messages.next();
if (first.value?.type !== 'ready') throw new Error('clients did not subscribe');

const sent: number[] = [];
const fanoutMs: number[] = [];
const cpu0 = process.cpuUsage();
for (let u = 0; u < UPDATES; u++) {
  const s = surface(0.6 + u / 1000);
  const t0 = performance.now();
  sent.push(performance.timeOrigin + t0);
  gw.store.putSurface(s);
  fanoutMs.push(performance.now() - t0);
  await new Promise((r) => setTimeout(r, 100));
}
const cpu = process.cpuUsage(cpu0);
const done = await messages.next();
const receipts = done.value?.receipts ?? [];
const latencies: number[] = [];
receipts.forEach((times, u) => {
  for (const t of times) latencies.push(t - (sent[u] ?? 0));
});
latencies.sort((a, b) => a - b);
child.kill();
await gw.close();

// Encoder: the spliced update vs building and encoding a whole ServerMessage per subscriber.
const s = surface(0.61);
const reps = 20;
let t = performance.now();
for (let r = 0; r < reps; r++) {
  const fresh = { ...s }; // a new object per update, as the store sees it (cache miss once)
  for (let c = 0; c < CLIENTS; c++) encodeUpdate('protobuf', 'all', BigInt(c), { surface: fresh });
}
const spliced = (performance.now() - t) / reps;
t = performance.now();
for (let r = 0; r < reps; r++) {
  for (let c = 0; c < CLIENTS; c++) {
    toBinary(
      ServerMessageSchema,
      create(ServerMessageSchema, {
        kind: {
          case: 'update',
          value: { subscriptionId: 'all', sequence: BigInt(c), payload: { case: 'surface', value: s } },
        },
      }),
    );
  }
}
const naive = (performance.now() - t) / reps;

const sortedFanout = [...fanoutMs].sort((a, b) => a - b);
line(`gateway.${FORMAT}.fanout_per_update_ms_median`, quantile(sortedFanout, 0.5), 'ms');
line(`gateway.${FORMAT}.fanout_cpu_per_update_ms`, (cpu.user + cpu.system) / 1000 / UPDATES, 'ms');
line(`gateway.${FORMAT}.delivery_latency_p50_ms`, quantile(latencies, 0.5), 'ms');
line(`gateway.${FORMAT}.delivery_latency_p99_ms`, quantile(latencies, 0.99), 'ms');
line(`gateway.${FORMAT}.deliveries`, latencies.length, 'frames', CLIENTS * UPDATES);
line('gateway.encode_update_x_subscribers_ms', spliced, 'ms', naive);
const pb = (encodeUpdate('protobuf', 'all', 123n, { surface: s }) as Uint8Array).length;
const json = Buffer.byteLength(encodeUpdate('json', 'all', 123n, { surface: s }) as string);
line('gateway.bytes_per_update_protobuf', pb, 'bytes', json);
process.exit(0);

// Where receipt -> surface latency goes (docs/BENCHMARKS.md "End to end", latency breakdown): the
// generated load of e2e.bench.ts injected at a paced rate into a host started with `trace` (book
// tops, forwards and volatility batches also come back to the main bus), then every surface is
// traced back through its stages by the receive time it carries (each injected chunk has its own):
//   ingress + order-book window  = newest book-top publish of that receive time - receipt
//   forward + volatility window  = newest vol-batch publish of that receive time (same currency) - book top
//   surface stage                = surface publish - that vol batch (queue, fit cadence, display cadence)
// and the same split is averaged over the slowest 1 % of surfaces (what p99 is made of).
// The trace costs the main thread a copy and a header read per record (one core of two is shared
// with it), so the totals run a little above e2e.bench.ts's; run both.
// Run: node --import tsx services/pipeline/bench/latency.bench.ts [rate=50000] [seconds=6] [runs=3]
//   [order-book publish interval ms = the embedded default]
import type { Bus, BusBatch, TopicCodec } from '@volstream/bus';
import { TOPICS } from '@volstream/contracts';
import { createLogger } from '@volstream/logging';
import { LatencySamples } from '../src/index.ts';
import { generateLoad } from './generated-load.ts';
import { pacedRun } from './paced-run.ts';

const logger = createLogger({ service: 'latency-bench', level: 'error' });
const rate = Number(process.argv[2] ?? 50_000);
const seconds = Number(process.argv[3] ?? 6);
const runs = Number(process.argv[4] ?? 3);
const obInterval = process.argv[5] === undefined ? undefined : Number(process.argv[5]);

interface Stamp {
  readonly receiveNs: number;
  readonly publishNs: number;
  readonly key: string;
}

/** receive_time_ns (field 2) and publish_time_ns (field 8) of the header (field 1, written first). */
function headerTimes(bytes: Uint8Array): { receiveNs: number; publishNs: number; next: number } | undefined {
  let pos = 0;
  const varint = (): number => {
    let v = 0;
    let mul = 1;
    let b: number;
    do {
      b = bytes[pos++] as number;
      v += (b & 0x7f) * mul;
      mul *= 128;
    } while (b & 0x80);
    return v;
  };
  if (bytes[pos++] !== 0x0a) return undefined;
  const end = varint() + pos;
  let receiveNs = Number.NaN;
  let publishNs = Number.NaN;
  while (pos < end) {
    const tag = varint();
    const type = tag & 7;
    if (type === 0) {
      const v = varint();
      if (tag >>> 3 === 2) receiveNs = v;
      else if (tag >>> 3 === 8) publishNs = v;
    } else if (type === 1) pos += 8;
    else if (type === 2) {
      const n = varint(); // not `pos += varint()`: that adds to pos as it was before the length
      pos += n;
    } else if (type === 5) pos += 4;
    else return undefined;
  }
  // The tag after the header: the payload's case (a SurfaceEvent's smile is 0x12, surface 0x1a).
  return { receiveNs, publishNs, next: bytes[end] ?? 0 };
}

const raw = (name: string): TopicCodec<Uint8Array> => ({
  name,
  partitions: Object.values(TOPICS).find((t) => t.name === name)?.partitions ?? 4,
  retentionMs: 0,
  compacted: false,
  encode: (v) => v,
  decode: (b) => b,
  keyOf: () => '',
});

/** Collects the header times of every record of the traced topics. */
function tracer(stamps: Record<'orderbook' | 'volatility' | 'surface', Stamp[]>) {
  return async (bus: Bus): Promise<() => Promise<void>> => {
    const topics = {
      orderbook: TOPICS.orderbook.name,
      volatility: TOPICS.volatility.name,
      surface: TOPICS.surface.name,
    } as const;
    const consumers: ReturnType<Bus['consumer']>[] = [];
    for (const [stage, name] of Object.entries(topics) as [keyof typeof topics, string][]) {
      const c = bus.consumer<Uint8Array>({ groupId: `trace-${stage}`, maxBatchMessages: 5000 });
      await c.subscribe([raw(name)], { fromBeginning: true });
      await c.run({
        eachBatch: async (batch: BusBatch<Uint8Array>) => {
          for (const m of batch.messages) {
            const t = headerTimes(m.value);
            if (t === undefined || (stage === 'surface' && t.next !== 0x1a)) continue;
            stamps[stage].push({ receiveNs: t.receiveNs, publishNs: t.publishNs, key: m.key });
          }
        },
      });
      consumers.push(c);
    }
    return async () => {
      for (const c of consumers) await c.stop();
    };
  };
}

const ms = (ns: number) => ns / 1e6;
const round = (x: number) => Math.round(x * 10) / 10;
const emit = (bench: string, value: number, unit: string, baseline: number | null, ratio: number | null) =>
  process.stdout.write(`${JSON.stringify({ bench, value: round(value), unit, baseline, ratio })}\n`);

/** The newest publish time ≤ `before` among `stamps` of one receive time (and key prefix). */
function newest(stamps: readonly Stamp[] | undefined, before: number, prefix: string): number {
  let best = Number.NaN;
  for (const s of stamps ?? []) {
    if (s.publishNs > before || !s.key.startsWith(prefix)) continue;
    if (!(s.publishNs <= best)) best = s.publishNs;
  }
  return best;
}

function byReceive(stamps: readonly Stamp[]): Map<number, Stamp[]> {
  const out = new Map<number, Stamp[]>();
  for (const s of stamps) {
    let list = out.get(s.receiveNs);
    if (list === undefined) {
      list = [];
      out.set(s.receiveNs, list);
    }
    list.push(s);
  }
  return out;
}

const load = await generateLoad({
  seed: 7,
  calendar: { dailies: 4, weeklies: 4, monthlies: 3, quarterlies: 4 },
  maxInstruments: 1500,
  messages: rate * seconds,
});

for (let run = 1; run <= runs; run++) {
  const stamps = { orderbook: [] as Stamp[], volatility: [] as Stamp[], surface: [] as Stamp[] };
  const r = await pacedRun(load, {
    rate,
    seconds,
    layout: 'split',
    logger,
    host: { trace: true },
    ...(obInterval === undefined ? {} : { stages: { orderbook: { publishIntervalMs: obInterval } } }),
    observe: tracer(stamps),
  });
  const timed = (list: Stamp[]) => list.filter((s) => s.receiveNs >= r.flowStartNs);
  const ob = byReceive(timed(stamps.orderbook));
  const vol = byReceive(timed(stamps.volatility));
  const seg = { total: new LatencySamples(), ob: new LatencySamples(), vol: new LatencySamples() };
  const surf = new LatencySamples();
  const rows: { total: number; ob: number; vol: number; surf: number }[] = [];
  for (const s of timed(stamps.surface)) {
    const total = ms(s.publishNs - s.receiveNs);
    const v = newest(vol.get(s.receiveNs), s.publishNs, `${s.key}:`);
    const o = newest(ob.get(s.receiveNs), Number.isNaN(v) ? s.publishNs : v, '');
    const row = { total, ob: ms(o - s.receiveNs), vol: ms(v - o), surf: ms(s.publishNs - v) };
    rows.push(row);
    seg.total.add(total);
    seg.ob.add(row.ob);
    seg.vol.add(row.vol);
    surf.add(row.surf);
  }
  const sorted = [...rows].sort((a, b) => b.total - a.total);
  const worst = sorted.slice(0, Math.max(1, Math.ceil(sorted.length / 100)));
  const mean = (k: 'ob' | 'vol' | 'surf') => worst.reduce((a, x) => a + x[k], 0) / worst.length;
  const q = (x: LatencySamples) => `${round(x.quantile(0.5))}/${round(x.quantile(0.99))}`;
  const stage = (list: Stamp[]) => {
    const l = new LatencySamples();
    for (const s of timed(list)) l.add(ms(s.publishNs - s.receiveNs));
    return q(l);
  };
  emit(
    `latency_breakdown_${rate}${obInterval === undefined ? '' : `_ob${obInterval}`}_run${run}`,
    seg.total.quantile(0.99),
    `ms p99 receipt -> surface over ${rows.length} surface events (p50/p99 ms: total ${q(seg.total)}; ` +
      `ingress+orderbook ${q(seg.ob)}; forward+volatility ${q(seg.vol)}; surface stage ${q(surf)}; ` +
      `slowest 1% (${worst.length}) mean: orderbook ${round(mean('ob'))}, volatility ${round(mean('vol'))}, ` +
      `surface ${round(mean('surf'))}; per record: book tops ${stage(stamps.orderbook)}, vol batches ` +
      `${stage(stamps.volatility)}; windows (count, mean ms, inputs each): ${Object.entries(r.windows)
        .map(([k, w]) => `${k} ${w.count}, ${round(w.meanMs)}, ${Math.round(w.inputsPerWindow)}`)
        .join('; ')}; CPU us/msg ${Object.entries(r.threadUsPerMsg)
        .map(([k, v]) => `${k} ${round(v)}`)
        .join(
          ', ',
        )}; achieved ${Math.round(r.achieved)} msgs/s, loss ${r.loss}, drain ${Math.round(r.drainMs)} ms)`,
    250,
    seg.total.quantile(0.99) / 250,
  );
}
process.exit(0);

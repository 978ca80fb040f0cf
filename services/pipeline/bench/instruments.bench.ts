// How the embedded pipeline's cost grows with the instrument count (docs/BENCHMARKS.md "End to
// end"): 1,000 / 2,000 / 4,000 / 8,000 options (BTC+ETH, the nearest whole expiries of a large
// simulator CalendarShape; generated-load.ts), each injected at the same paced rate into a fresh
// host (split layout): CPU per message (process, all threads), receipt -> surface p50/p99, peak
// lag, and the process RSS (the generated records themselves are counted apart: RSS before the
// host starts). Baseline in the same run: bare JSON.parse of the same number of venue-sized frames.
// Run: node --import tsx services/pipeline/bench/instruments.bench.ts [rate=20000] [seconds=5]
import { createLogger } from '@volstream/logging';
import { generateLoad } from './generated-load.ts';
import { pacedRun, sustained } from './paced-run.ts';

const rate = Number(process.argv[2] ?? 20_000);
const seconds = Number(process.argv[3] ?? 5);
const logger = createLogger({ service: 'instruments-bench', level: 'error' });
const round = (v: number) => Math.round(v * 100) / 100;
const emit = (bench: string, value: number, unit: string, baseline: number | null, ratio: number | null) =>
  process.stdout.write(
    `${JSON.stringify({ bench, value: round(value), unit, baseline: baseline === null ? null : round(baseline), ratio: ratio === null ? null : round(ratio) })}\n`,
  );

// A venue frame of the size the simulator sends (book change with a few levels), for the baseline.
const frame = JSON.stringify({
  jsonrpc: '2.0',
  method: 'subscription',
  params: {
    channel: 'book.BTC-27MAR26-70000-C.100ms',
    data: {
      type: 'change',
      timestamp: 1_772_442_000_100,
      instrument_name: 'BTC-27MAR26-70000-C',
      change_id: 28_767_638_186,
      prev_change_id: 28_767_638_164,
      bids: [['new', 0.1825, 1.9]],
      asks: [
        ['delete', 0.183, 0],
        ['change', 0.1835, 4.2],
      ],
    },
  },
});
function parseUsPerMsg(): number {
  let best = Number.POSITIVE_INFINITY;
  for (let p = 0; p < 5; p++) {
    const c0 = process.cpuUsage();
    let n = 0;
    for (let i = 0; i < 200_000; i++) n += (JSON.parse(frame) as object) === null ? 1 : 0;
    const c = process.cpuUsage(c0);
    best = Math.min(best, (c.user + c.system + n) / 200_000);
  }
  return best;
}

const CALENDAR = { dailies: 30, weeklies: 26, monthlies: 18, quarterlies: 12 };
const parseUs = parseUsPerMsg();
emit('json_parse_frame_us', parseUs, 'us/msg', null, null);
for (const target of [1000, 2000, 4000, 8000]) {
  const load = await generateLoad({
    seed: 7,
    calendar: CALENDAR,
    maxInstruments: target,
    messages: rate * seconds,
  });
  global.gc?.();
  const rssBefore = process.memoryUsage().rss / 2 ** 20;
  const r = await pacedRun(load, { rate, seconds, layout: 'split', logger });
  emit(
    `instruments_${target}`,
    r.cpuUsPerMsg,
    `us/msg CPU (${Object.entries(r.threadUsPerMsg)
      .map(([name, us]) => `${name} ${us.toFixed(1)}`)
      .join(
        ', ',
      )}; ${load.instruments} options at ${rate} msgs/s: achieved ${Math.round(r.achieved)}, p50 ${Math.round(r.p50)} ms, p99 ${Math.round(r.p99)} ms, peak lag ${r.peakLag}, loss ${r.loss}, ${sustained(r) ? 'sustained' : 'not sustained'}; RSS ${Math.round(r.rssMiB)} MiB, ${Math.round(rssBefore)} MiB before the host started)`,
    parseUs,
    r.cpuUsPerMsg / parseUs,
  );
}
process.exit(0);

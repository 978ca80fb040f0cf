// Order-book worker benchmark (docs/BENCHMARKS.md "Order-book worker"): what one window costs per
// input message, as the worker runtime runs it (decode the marketdata records, transform, encode
// the BookTop/Forward outputs), on a deterministic simulator session (every book changes and every
// ticker is sent every 100 ms step). Baseline in the same run: bare JSON.parse of the venue frames
// the same messages came from. Timing is CPU time of this process (best of the passes), so other
// tenants of the machine count only through cache contention.
// Run: node --import tsx services/orderbook-worker/bench/orderbook.bench.ts [steps=40] [expiries=12] [window=1400]
import { TOPICS } from '@volstream/contracts';
import { OrderBookTransform } from '../src/index.ts';
import { simulatorEvents } from '../test/helpers/inputs.ts';

const steps = Number(process.argv[2] ?? 40);
const expiries = Number(process.argv[3] ?? 12);
const windowSize = Number(process.argv[4] ?? 1400);
const PASSES = 7;

const emit = (bench: string, value: number, unit: string, baseline: number | null, ratio: number | null) =>
  process.stdout.write(
    `${JSON.stringify({
      bench,
      value: Math.round(value * 1000) / 1000,
      unit,
      baseline: baseline === null ? null : Math.round(baseline * 1000) / 1000,
      ratio: ratio === null ? null : Math.round(ratio * 1000) / 1000,
    })}\n`,
  );

const cpuUs = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

const { events, frames } = await simulatorEvents(7, steps, expiries);
const encoded = events.map((e) => TOPICS.marketdata.encode(e));
// Setup = the Instrument events and first snapshots (untimed); the timed part is the steady flow.
const firstFlow = events.findIndex((e) => e.payload.case === 'bookDelta');
const setup = encoded.slice(0, firstFlow);
const flow = encoded.slice(firstFlow);
const instruments = events.filter((e) => e.payload.case === 'instrument').length;

function decodeAll(records: readonly Uint8Array[]) {
  return records.map((r) => TOPICS.marketdata.decode(r));
}

/**
 * One pass of the worker's window loop over the flow; returns CPU µs and outputs produced.
 * `records`: what the worker runs (records read in place, `applyRecords`); `objects`: every record
 * decoded to protobuf objects first (`apply`, the previous hot path, kept for tests and replay).
 */
function workerPass(mode: 'records' | 'objects'): { us: number; outputs: number; bytes: number } {
  const transform = new OrderBookTransform({ clock: () => 1n });
  transform.apply(decodeAll(setup));
  let outputs = 0;
  let bytes = 0;
  const t0 = cpuUs();
  for (let i = 0; i < flow.length; i += windowSize) {
    const window = flow.slice(i, i + windowSize);
    const result = mode === 'records' ? transform.applyRecords(window) : transform.apply(decodeAll(window));
    for (const o of result.outputs) bytes += TOPICS.orderbook.encode(o).byteLength;
    outputs += result.outputs.length;
  }
  return { us: cpuUs() - t0, outputs, bytes };
}

function decodePass(): number {
  const t0 = cpuUs();
  let n = 0;
  for (const r of flow) n += TOPICS.marketdata.decode(r).header === undefined ? 0 : 1;
  return cpuUs() - t0 + (n < 0 ? 1 : 0);
}

function jsonPass(): number {
  const t0 = cpuUs();
  let n = 0;
  for (const f of frames) n += (JSON.parse(f) as object) === null ? 1 : 0;
  return cpuUs() - t0 + n;
}

let bestWorker = Number.POSITIVE_INFINITY;
let bestObjects = Number.POSITIVE_INFINITY;
let bestDecode = Number.POSITIVE_INFINITY;
let bestJson = Number.POSITIVE_INFINITY;
let outputs = 0;
let bytes = 0;
for (let p = 0; p < PASSES; p++) {
  // Interleaved so load from other processes hits the candidate and the baseline alike.
  const w = workerPass('records');
  outputs = w.outputs;
  bytes = w.bytes;
  bestWorker = Math.min(bestWorker, w.us);
  bestObjects = Math.min(bestObjects, workerPass('objects').us);
  bestDecode = Math.min(bestDecode, decodePass());
  bestJson = Math.min(bestJson, jsonPass());
}

const n = flow.length;
const jsonRate = (frames.length / bestJson) * 1e6;
const workerRate = (n / bestWorker) * 1e6;
emit('json_parse_venue_frames', jsonRate, 'msgs/s', null, null);
emit(
  'orderbook_worker_msgs_per_s',
  workerRate,
  `msgs/s (${n} msgs, ${instruments} instruments, windows of ${windowSize}, decode + transform + encode)`,
  jsonRate,
  workerRate / jsonRate,
);
emit(
  'orderbook_worker_us_per_msg',
  bestWorker / n,
  'us/msg',
  1e6 / jsonRate,
  bestWorker / n / (1e6 / jsonRate),
);
emit(
  'orderbook_worker_decoded_objects_us_per_msg',
  bestObjects / n,
  'us/msg (every record decoded to protobuf objects first, then apply)',
  bestWorker / n,
  bestObjects / bestWorker,
);
emit('orderbook_decode_us_per_msg', bestDecode / n, 'us/msg (fast marketdata decoder alone)', null, null);
emit(
  'orderbook_outputs_per_msg',
  outputs / n,
  `outputs/msg (${outputs} outputs, ${bytes} bytes)`,
  null,
  null,
);

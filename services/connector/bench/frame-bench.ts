/**
 * The harness of the venue frame benches (okx, bybit, binance): recorded simulator frames fed
 * through a feed's `onFrame` in chunks of PER_TICK with a flush after each (as the socket and the
 * micro-batch publisher would), CPU time measured with `process.cpuUsage`, best of PASSES, against
 * bare `JSON.parse` of the same frames in the same run. What is recorded and how a feed is loaded
 * stays in each venue's bench. Not a bench itself (no `.bench.ts`).
 */

const PASSES = 5;
const PER_TICK = 256;

export function cpuMs(fn: () => void): number {
  const start = process.cpuUsage();
  fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/** What the harness needs of a venue feed. */
export interface BenchFeed<S> {
  onFrame(shard: S, text: string, receiveNs: bigint, bytes: number): void;
  flush(): Promise<void>;
}

/** CPU ms to handle and publish `frames` (onFrame per chunk, then a flush). */
export async function timeFrames<S>(
  feed: BenchFeed<S>,
  shard: S,
  frames: readonly string[],
): Promise<number> {
  let ms = 0;
  for (let i = 0; i < frames.length; i += PER_TICK) {
    const chunk = frames.slice(i, i + PER_TICK);
    ms += cpuMs(() => {
      for (const f of chunk) feed.onFrame(shard, f, 1n, f.length);
    });
    const start = process.cpuUsage();
    await feed.flush();
    const used = process.cpuUsage(start);
    ms += (used.user + used.system) / 1000;
  }
  return ms;
}

export interface PassResult {
  ms: number;
  events: number;
  /** Reported when the venue's bench counts it. */
  dropped?: number;
}

/**
 * Runs `pass` PASSES times (a fresh feed each) and `JSON.parse` of the frames as the baseline,
 * then prints `<venue>_frames_per_cpu_second` and `<venue>_events_per_cpu_second`.
 */
export async function reportFrameBench(
  venue: string,
  frames: readonly string[],
  pass: () => Promise<PassResult>,
): Promise<void> {
  const bytes = frames.reduce((n, f) => n + f.length, 0);
  let bestFeed = Number.POSITIVE_INFINITY;
  let bestParse = Number.POSITIVE_INFINITY;
  let events = 0;
  let dropped: number | undefined;
  for (let p = 0; p < PASSES; p += 1) {
    const r = await pass();
    events = r.events;
    dropped = r.dropped;
    bestFeed = Math.min(bestFeed, r.ms);
    bestParse = Math.min(
      bestParse,
      cpuMs(() => {
        for (const f of frames) JSON.parse(f);
      }),
    );
  }
  const feedRate = Math.round((frames.length / bestFeed) * 1000);
  const parseRate = Math.round((frames.length / bestParse) * 1000);
  console.log(
    JSON.stringify({
      bench: `${venue}_frames_per_cpu_second`,
      value: feedRate,
      unit: 'frames/s',
      baseline: parseRate,
      baselineName: 'JSON.parse only',
      ratio: Math.round((feedRate / parseRate) * 1000) / 1000,
      frames: frames.length,
      avgFrameBytes: Math.round(bytes / frames.length),
      eventsOut: events,
      ...(dropped === undefined ? {} : { dropped }),
    }),
  );
  console.log(
    JSON.stringify({
      bench: `${venue}_events_per_cpu_second`,
      value: Math.round((events / bestFeed) * 1000),
      unit: 'events/s',
      baseline: parseRate,
      ratio: Math.round((events / bestFeed / (parseRate / 1000)) * 1000) / 1000,
    }),
  );
}

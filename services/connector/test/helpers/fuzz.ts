import assert from 'node:assert/strict';

/**
 * The fuzz harness of the string-number venues (OKX, Bybit, Binance; rule 6 of ADDING_A_VENUE.md):
 * real frames garbled, truncated and type-confused by a seeded PRNG, fed to a feed's `onFrame`;
 * no exception may escape and every frame must be accounted for (an event queued, a drop counted,
 * or protocol control). Each venue test brings its own frames, instruments and extra assertions.
 * Deribit's fuzz.test.ts keeps its own mutations (JSON-RPC numbers, not strings).
 */

/** mulberry32: a small seeded PRNG, so a failing frame is reproducible. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Values of the wrong type or range put in place of any field. */
const WEIRD: readonly unknown[] = [
  null,
  true,
  -1,
  0,
  1e308,
  'NaN',
  '',
  'x'.repeat(300),
  [],
  {},
  [1, 2],
  { a: 1 },
  '-0.5',
];

/** One garbled version of `text`: truncated, a few characters broken, or one value replaced. */
export function mutate(text: string, rnd: () => number, weird: readonly unknown[] = WEIRD): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  switch (Math.floor(rnd() * 5)) {
    case 0:
      return text.slice(0, Math.floor(rnd() * text.length));
    case 1: {
      const chars = text.split('');
      for (let i = 0; i < 3; i += 1)
        chars[Math.floor(rnd() * chars.length)] = pick(['"', '{', ']', ',', '0', 'x']);
      return chars.join('');
    }
    default: {
      // Replace one value somewhere in the parsed tree with something of the wrong type.
      let tree: unknown;
      try {
        tree = JSON.parse(text);
      } catch {
        return text;
      }
      const paths: [Record<string, unknown> | unknown[], string | number][] = [];
      const walk = (node: unknown): void => {
        if (typeof node !== 'object' || node === null) return;
        for (const k of Object.keys(node)) {
          paths.push([node as Record<string, unknown>, Array.isArray(node) ? Number(k) : k]);
          walk((node as Record<string, unknown>)[k]);
        }
      };
      walk(tree);
      if (paths.length === 0) return text;
      const [parent, k] = pick(paths);
      (parent as Record<string | number, unknown>)[k] = pick(weird);
      return JSON.stringify(tree);
    }
  }
}

/** What the harness needs of a venue feed. */
export interface FuzzableFeed<S> {
  onFrame(shard: S, text: string, receiveNs: bigint, bytes: number): void;
  stats(): { droppedTotal: number; controlFrames: number; bufferedEvents: number; messagesIn: number };
}

export interface FuzzOptions {
  readonly seed: number;
  /** The venue's own sentinels, added to the wrong-type values (Bybit `"0"`, Binance `"-1.0"`). */
  readonly extraWeird?: readonly unknown[];
  readonly frames?: number;
}

/**
 * Feeds `frames` (20,000) frames to `feed.onFrame` (every tenth one of `base` untouched, the rest
 * garbled) and asserts none throws, each one is accounted for, and `messagesIn` counts them all.
 */
export function assertGarbageAccounted<S>(
  feed: FuzzableFeed<S>,
  shard: S,
  base: readonly string[],
  options: FuzzOptions,
): void {
  const frames = options.frames ?? 20_000;
  const weird = [...WEIRD, ...(options.extraWeird ?? [])];
  const rnd = prng(options.seed);
  const accounted = (): number => {
    const s = feed.stats();
    return s.droppedTotal + s.controlFrames + s.bufferedEvents;
  };
  let unaccounted = 0;
  for (let i = 0; i < frames; i += 1) {
    const text =
      i % 10 === 0 ? base[i % base.length]! : mutate(base[Math.floor(rnd() * base.length)]!, rnd, weird);
    const before = accounted();
    assert.doesNotThrow(() => feed.onFrame(shard, text, 1n, text.length), text);
    if (accounted() <= before) unaccounted += 1;
  }
  assert.equal(feed.stats().messagesIn, frames);
  assert.equal(unaccounted, 0);
}

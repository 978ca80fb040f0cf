/**
 * Seeded pseudo-random numbers, so one seed always gives the same market (the simulator's
 * determinism promise). sfc32 (Chris Doty-Humphrey's "small fast counting" generator, PractRand
 * clean to 2^60 bytes) seeded through a 32-bit string hash; `fork(label)` derives an independent
 * stream per concern, so adding a draw in one place never shifts the numbers of another.
 */

/** FNV-1a over the UTF-16 code units, then a murmur3 finaliser to spread the bits. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export class Prng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;
  #spare: number | undefined;
  readonly seed: string;

  constructor(seed: string | number) {
    this.seed = String(seed);
    this.#a = hash32(`a:${this.seed}`);
    this.#b = hash32(`b:${this.seed}`);
    this.#c = hash32(`c:${this.seed}`);
    this.#d = 1;
    // Discard the first outputs: sfc32 needs a few rounds to decorrelate nearby seeds.
    for (let i = 0; i < 15; i++) this.nextU32();
  }

  nextU32(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Integer uniform in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Standard normal (Marsaglia polar method, the spare is kept for the next call). */
  normal(): number {
    if (this.#spare !== undefined) {
      const s = this.#spare;
      this.#spare = undefined;
      return s;
    }
    for (;;) {
      const u = 2 * this.next() - 1;
      const v = 2 * this.next() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const f = Math.sqrt((-2 * Math.log(s)) / s);
        this.#spare = v * f;
        return u * f;
      }
    }
  }

  /** Poisson-distributed count with mean `lambda` (Knuth; lambda is small here). */
  poisson(lambda: number): number {
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = this.next();
    while (p > limit) {
      k++;
      p *= this.next();
    }
    return k;
  }

  /** An independent stream for one concern, derived from this stream's seed and a label. */
  fork(label: string): Prng {
    return new Prng(`${this.seed}/${label}`);
  }
}

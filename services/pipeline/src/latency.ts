/**
 * Latency samples (ms) with exact quantiles: the run report keeps at most `capacity` samples
 * (reservoir sampling past that), enough for p99 of a run of hours at a few surfaces a second.
 */
export class LatencySamples {
  #samples: number[] = [];
  #seen = 0;
  #max = 0;
  #rand = 0x9e3779b9;

  constructor(private readonly capacity = 100_000) {}

  add(ms: number): void {
    if (!Number.isFinite(ms)) return;
    this.#seen++;
    if (ms > this.#max) this.#max = ms;
    if (this.#samples.length < this.capacity) {
      this.#samples.push(ms);
      return;
    }
    // xorshift32: deterministic reservoir replacement.
    this.#rand ^= this.#rand << 13;
    this.#rand ^= this.#rand >>> 17;
    this.#rand ^= this.#rand << 5;
    const j = (this.#rand >>> 0) % this.#seen;
    if (j < this.capacity) this.#samples[j] = ms;
  }

  get count(): number {
    return this.#seen;
  }

  /** Nearest-rank quantile, q in [0, 1]; NaN without samples. */
  quantile(q: number): number {
    if (this.#samples.length === 0) return Number.NaN;
    const sorted = [...this.#samples].sort((a, b) => a - b);
    const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
    return sorted[rank] as number;
  }

  summary(): { p50: number; p99: number; max: number; count: number } {
    return { p50: this.quantile(0.5), p99: this.quantile(0.99), max: this.#max, count: this.#seen };
  }
}

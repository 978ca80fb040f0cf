/**
 * Counters of one transform window (handed to the worker runtime, which accumulates them) and
 * their running totals (`SurfaceTransform.stats()`). Bad input is `dropped` by reason; everything
 * else the worker does or decides not to do (fits, skipped refits, exclusions by filter) is a
 * `counter`.
 */
export class Counts {
  readonly values = new Map<string, number>();

  add(name: string, n = 1): void {
    if (n !== 0) this.values.set(name, (this.values.get(name) ?? 0) + n);
  }

  get(name: string): number {
    return this.values.get(name) ?? 0;
  }

  toRecord(): Record<string, number> {
    return Object.fromEntries([...this.values.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  /** Adds every value of `other` into this. */
  merge(other: Counts): void {
    for (const [k, v] of other.values) this.add(k, v);
  }
}

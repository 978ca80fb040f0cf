/**
 * Key → partition, identical on both transports so per-key order and placement agree: Kafka's
 * default partitioner, `toPositive(murmur2(utf8(key))) % partitions`, i.e. MurmurHash2 (32-bit,
 * seed 0x9747b28c) as in Apache Kafka's `Utils.murmur2`
 * (https://github.com/apache/kafka/blob/trunk/clients/src/main/java/org/apache/kafka/common/utils/Utils.java).
 */
const SEED = 0x9747b28c;
const M = 0x5bd1e995;
const encoder = new TextEncoder();

export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = SEED ^ length;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const tail = length & 3;
  if (tail === 3) h ^= data[whole + 2]! << 16;
  if (tail >= 2) h ^= data[whole + 1]! << 8;
  if (tail >= 1) h = Math.imul(h ^ data[whole]!, M);
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

export function partitionOf(key: string, partitions: number): number {
  return (murmur2(encoder.encode(key)) & 0x7fffffff) % partitions;
}

/**
 * Memoised `partitionOf` for the hot path: keys (instruments, expiries) repeat endlessly, and
 * hashing is cheap but UTF-8 encoding a string per message is not. Bounded: cleared when full.
 */
export class PartitionCache {
  readonly #cache = new Map<string, number>();

  constructor(
    readonly partitions: number,
    private readonly maxKeys = 100_000,
  ) {}

  get size(): number {
    return this.#cache.size;
  }

  get(key: string): number {
    let p = this.#cache.get(key);
    if (p === undefined) {
      p = partitionOf(key, this.partitions);
      if (this.#cache.size >= this.maxKeys) this.#cache.clear();
      this.#cache.set(key, p);
    }
    return p;
  }
}

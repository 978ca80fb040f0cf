/**
 * Spreads instruments over N websocket connections ("many pipes"): no socket carries everything,
 * a dead socket only resyncs its share of the books, and each socket's subscribe lists stay short.
 * The shard of an instrument is a stable FNV-1a hash of its name, so its book and ticker channels
 * share one socket (their relative order survives) and a restart puts it on the same shard again.
 */
export function shardOf(key: string, shards: number): number {
  if (shards <= 1) return 0;
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i += 1) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}

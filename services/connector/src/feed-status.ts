/**
 * Status pieces every venue feed reports the same way: whether it has subscribed everything yet
 * and how its sockets stand. Venue-independent, so venues share them instead of copying them.
 */

/** Polls `done` every 20 ms until it holds; rejects naming `what` after `timeoutMs`. */
export async function pollUntil(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`Expected ${what} within ${timeoutMs} ms, it did not`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

interface ShardLike {
  readonly connection: { readonly isOpen: boolean };
  readonly active: { readonly size: number };
}

/** Connection counts of a feed's shards, for `ConnectorStats`. */
export function shardCounts(shards: readonly ShardLike[]): {
  connections: number;
  connectionsOpen: number;
  channelsSubscribed: number;
} {
  let open = 0;
  let channels = 0;
  for (const shard of shards) {
    if (shard.connection.isOpen) open += 1;
    channels += shard.active.size;
  }
  return { connections: shards.length, connectionsOpen: open, channelsSubscribed: channels };
}

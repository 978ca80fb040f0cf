import type { Bus, Consumer, Producer, TopicCodec } from '@volstream/bus';
import { createLogger, type Logger } from '@volstream/logging';

/** The test payload: a key, a sequence number and a value. */
export interface Num {
  id: string;
  seq: number;
  n: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** JSON codec standing in for a contract topic. */
export function numCodec(name: string, partitions = 4): TopicCodec<Num> {
  return {
    name,
    partitions,
    retentionMs: 3_600_000,
    compacted: false,
    keyOf: (v) => v.id,
    encode: (v) => encoder.encode(JSON.stringify(v)),
    decode: (b) => JSON.parse(decoder.decode(b)) as Num,
  };
}

export const quietLogger = (): Logger => createLogger({ service: 'worker-runtime-test', level: 'silent' });

export function nums(keys: number, perKey: number, firstSeq = 0): Num[] {
  const out: Num[] = [];
  for (let s = firstSeq; s < firstSeq + perKey; s++)
    for (let k = 0; k < keys; k++) out.push({ id: `k${k}`, seq: s, n: k * 1000 + s });
  return out;
}

export async function waitUntil(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Expected ${what} within ${timeoutMs} ms, was not`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Reads every message of `codec` (a fresh group from the beginning) into an array as it arrives. */
export async function collect<T>(
  bus: Bus,
  codec: TopicCodec<T>,
  group: string,
): Promise<{ values: T[]; consumer: Consumer<T> }> {
  const values: T[] = [];
  const consumer = bus.consumer<T>({ groupId: group });
  await consumer.subscribe([codec], { fromBeginning: true });
  await consumer.run({
    eachBatch: async (batch) => {
      for (const m of batch.messages) values.push(m.value);
    },
  });
  return { values, consumer };
}

/** A producer that rejects its first `failures` sends (a broker that refused), then delegates. */
export function flakyProducer(inner: Producer, failures: number): Producer & { failed: number } {
  const p = {
    failed: 0,
    send<T>(topic: TopicCodec<T>, values: readonly T[]) {
      if (p.failed < failures) {
        p.failed++;
        return Promise.reject(new Error('injected produce failure'));
      }
      return inner.send(topic, values);
    },
    sendRaw: inner.sendRaw.bind(inner),
    flush: inner.flush.bind(inner),
    close: inner.close.bind(inner),
  };
  return p;
}

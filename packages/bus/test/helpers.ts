import { Writable } from 'node:stream';
import { VolstreamError } from '@volstream/errors';
import { createLogger, type Logger } from '@volstream/logging';
import type { BusMessage, Consumer, TopicCodec } from '../src/index.ts';

/** The test payload: a key, a per-key sequence number and some body. */
export interface Tick {
  id: string;
  seq: number;
  px?: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });
export const TEST_SCHEMA_VERSION = 1;

/**
 * A small codec standing in for a contract topic: wire format = 1 byte schema version + UTF-8 JSON.
 * Throws the same error codes as the contracts' decode.
 */
export function tickCodec(name: string): TopicCodec<Tick> {
  return {
    name,
    partitions: 4,
    retentionMs: 3_600_000,
    compacted: false,
    keyOf: (t) => t.id,
    encode: (t) => framed(TEST_SCHEMA_VERSION, JSON.stringify(t)),
    decode: (bytes) => {
      if (bytes[0] !== TEST_SCHEMA_VERSION) {
        throw new VolstreamError(
          'CONTRACT_UNSUPPORTED_SCHEMA_VERSION',
          `Expected schema version ${TEST_SCHEMA_VERSION}, was ${bytes[0]}`,
        );
      }
      try {
        return JSON.parse(decoder.decode(bytes.subarray(1))) as Tick;
      } catch (cause) {
        throw new VolstreamError('BUS_DECODE_FAILED', 'Expected JSON, was undecodable', { cause });
      }
    },
  };
}

export function framed(version: number, text: string): Uint8Array {
  const body = encoder.encode(text);
  const out = new Uint8Array(body.length + 1);
  out[0] = version;
  out.set(body, 1);
  return out;
}

export function ticks(keys: number, perKey: number, firstSeq = 0, prefix = 'k'): Tick[] {
  const out: Tick[] = [];
  for (let s = firstSeq; s < firstSeq + perKey; s++) {
    for (let k = 0; k < keys; k++) out.push({ id: `${prefix}${k}`, seq: s, px: k * 1000 + s });
  }
  return out;
}

/** A logger whose JSON lines the test can read (tests assert on counters; "logged once" on lines). */
export function capturedLogger(level: 'warn' | 'info' = 'warn'): {
  logger: Logger;
  lines: () => Record<string, unknown>[];
} {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const logger = createLogger({ service: 'bus-test', level, destination });
  const lines = (): Record<string, unknown>[] =>
    chunks
      .join('')
      .split('\n')
      .filter((l) => l.length > 0)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { logger, lines };
}

export const quietLogger = (): Logger => createLogger({ service: 'bus-test', level: 'silent' });

export async function waitUntil(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Expected ${what} within ${timeoutMs} ms, was not`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Runs `consumer`, keeping every delivered message in `messages`. */
export async function collect<T>(consumer: Consumer<T>): Promise<BusMessage<T>[]> {
  const messages: BusMessage<T>[] = [];
  await consumer.run({
    eachBatch: async (batch) => {
      for (const m of batch.messages) messages.push(m);
    },
  });
  return messages;
}

/** `key → [seq…]` in delivery order. */
export function seqsByKey(messages: readonly BusMessage<Tick>[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const m of messages) {
    const list = out.get(m.key) ?? [];
    list.push(m.value.seq);
    out.set(m.key, list);
  }
  return out;
}

export const idOf = (t: Tick): string => `${t.id}#${t.seq}`;

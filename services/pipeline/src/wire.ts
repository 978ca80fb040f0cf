/**
 * How encoded records cross between the main thread and the compute thread: one batch = one
 * `postMessage` with the values concatenated in a single ArrayBuffer and their lengths in another,
 * both transferred (moved, not copied), and the keys as one newline-joined string (one short
 * string clone instead of an array of them). Keys never contain a newline (venue:instrument,
 * currency:expiry, currency).
 */
import type { RawRecord } from '@volstream/bus';

export interface WireBatch {
  readonly topic: string;
  readonly data: ArrayBuffer;
  readonly lengths: ArrayBuffer;
  readonly keys: string;
  readonly count: number;
}

/** Packs already-encoded values and their keys; the returned buffers are meant to be transferred. */
export function packRecords(
  topic: string,
  values: readonly Uint8Array[],
  keys: readonly string[],
): WireBatch {
  let total = 0;
  for (const v of values) total += v.byteLength;
  const data = new Uint8Array(total);
  const lengths = new Uint32Array(values.length);
  let at = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as Uint8Array;
    data.set(v, at);
    lengths[i] = v.byteLength;
    at += v.byteLength;
  }
  return { topic, data: data.buffer, lengths: lengths.buffer, keys: keys.join('\n'), count: values.length };
}

/** Views over a received batch (no copy): each value is a subarray of the transferred buffer. */
export function unpackRecords(batch: WireBatch): RawRecord[] {
  const data = new Uint8Array(batch.data);
  const lengths = new Uint32Array(batch.lengths);
  const keys = batch.count === 0 ? [] : batch.keys.split('\n');
  const out: RawRecord[] = new Array(batch.count);
  let at = 0;
  for (let i = 0; i < batch.count; i++) {
    const n = lengths[i] as number;
    out[i] = { key: keys[i] ?? '', value: data.subarray(at, at + n) };
    at += n;
  }
  return out;
}

/** Transfer list of a batch. */
export const transferables = (batch: WireBatch): ArrayBuffer[] => [batch.data, batch.lengths];

import type { WorkerInput } from './types.ts';

/**
 * Latest wins: of the inputs sharing a key, only the last survives, at its own position, so the
 * relative order of what is kept (and of every unkeyed input) is the offset order. A window of n
 * inputs costs O(n).
 */
export function coalesceLatest<I>(
  inputs: readonly WorkerInput<I>[],
  keyOf: (value: I) => string | undefined,
): WorkerInput<I>[] {
  const lastIndex = new Map<string, number>();
  const keys: (string | undefined)[] = new Array(inputs.length);
  for (let i = 0; i < inputs.length; i++) {
    const key = keyOf(inputs[i]!.value);
    keys[i] = key;
    if (key !== undefined) lastIndex.set(key, i);
  }
  const out: WorkerInput<I>[] = [];
  for (let i = 0; i < inputs.length; i++) {
    const key = keys[i];
    if (key === undefined || lastIndex.get(key) === i) out.push(inputs[i]!);
  }
  return out;
}

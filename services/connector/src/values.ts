import type { DropReason } from './metrics.ts';

/**
 * The one rule for values from a venue (docs/NORMALIZATION.md): a present, usable value is kept;
 * "no value" (null, missing, the venue's sentinel) becomes absent, never an invented default;
 * a present but unusable value (NaN, a string where a number belongs, a negative price) makes the
 * message bad input, rejected with a drop reason.
 */
export interface Rejection {
  readonly rejected: DropReason;
  readonly detail: string;
}

export type Parsed<T> = T | Rejection;

export function isRejection(value: unknown): value is Rejection {
  return typeof value === 'object' && value !== null && 'rejected' in value;
}

export function reject(rejected: DropReason, detail: string): Rejection {
  return { rejected, detail };
}

/** A finite number, else undefined (null, missing, strings, NaN become absent). */
export function finite(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A price or amount where 0 means "none": positive finite, else absent. */
export function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

/** True when a present value is not a usable non-negative number (NaN strings, negatives). */
export function badNonNegative(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  return typeof value !== 'number' || !Number.isFinite(value) || value < 0;
}

export function validTimestamp(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}

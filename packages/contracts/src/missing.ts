/**
 * The one rule for missing values (docs/NORMALIZATION.md): a value the venue does not give is
 * ABSENT (undefined -> unset optional field), never an invented default. Venues spell "no value" as
 * null, a missing key, "" (OKX), "0" (Bybit), "-1.0" (Binance) or 0 (Deribit bid_iv); these helpers
 * apply the rule in one place for every connector.
 */

/**
 * A finite number from a venue value (a JSON number or a numeric string), or undefined when the
 * value is missing, null, empty, not numeric, non-finite, or equal to one of the venue's `noValue`
 * sentinels (e.g. `[0]` for Deribit IVs, `[-1]` for Binance IVs).
 */
export function finiteOrAbsent(value: unknown, noValue: readonly number[] = []): number | undefined {
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string' && value.trim() !== '') n = Number(value);
  else return undefined;
  if (!Number.isFinite(n) || noValue.includes(n)) return undefined;
  return n;
}

/**
 * `{ [key]: value }` when value is defined, else `{}`: spread into a `create()` init so an absent
 * value leaves the optional field unset (required with exactOptionalPropertyTypes).
 */
export function presentField<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

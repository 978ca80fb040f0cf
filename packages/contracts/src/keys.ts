import type {
  MarketDataEvent,
  OrderBookEvent,
  SurfaceEvent,
  VolatilityEvent,
} from './gen/volstream/v1/events_pb.ts';

/**
 * Partition keys. Events that must stay ordered relative to each other share a key:
 * - marketdata: `venue:instrument_name` (book snapshot, deltas, ticker, trades, state of one
 *   instrument in order); index prices `venue:index_name`.
 * - orderbook and volatility: `currency:expiry` (`BTC:2026-03-27`): the per-expiry workers see every
 *   book of an expiry and its forward in order. Instruments without expiry use `currency:perpetual`.
 * - surface: `currency`: smiles and surfaces of one currency (all venues, composite) in order.
 * A key never depends on values that change over an instrument's life.
 */

// Keys of the expiries seen: a worker keys every output by its expiry, and a Date + toISOString per
// output was 2 % of the order-book thread (docs/BENCHMARKS.md "End to end"). A few hundred expiries
// are listed at a time; the bound only guards against a caller passing arbitrary times.
const expiryKeys = new Map<number, string>();
const MAX_EXPIRY_KEYS = 10_000;

/** `YYYY-MM-DD` (UTC) of an epoch-ms expiry: the expiry part of partition keys. */
export function expiryKey(expiryMs: bigint | number): string {
  const ms = Number(expiryMs);
  let key = expiryKeys.get(ms);
  if (key === undefined) {
    key = new Date(ms).toISOString().slice(0, 10);
    if (expiryKeys.size >= MAX_EXPIRY_KEYS) expiryKeys.clear();
    expiryKeys.set(ms, key);
  }
  return key;
}

/** Key suffix for instruments without an expiry. */
export const NO_EXPIRY_KEY = 'perpetual';

function currencyExpiry(currency: string, expiryMs: bigint | undefined): string {
  return `${currency}:${expiryMs === undefined ? NO_EXPIRY_KEY : expiryKey(expiryMs)}`;
}

export function marketDataKey(event: MarketDataEvent): string {
  const venue = event.header?.venue ?? '';
  const p = event.payload;
  switch (p.case) {
    case 'instrument':
    case 'bookSnapshot':
    case 'bookDelta':
    case 'ticker':
    case 'trade':
    case 'instrumentState':
      return `${venue}:${p.value.instrumentName}`;
    case 'indexPrice':
      return `${venue}:${p.value.indexName}`;
    default:
      // An unknown (newer) payload variant: keep the venue so per-venue order still holds.
      return venue;
  }
}

export function orderBookKey(event: OrderBookEvent): string {
  const p = event.payload;
  switch (p.case) {
    case 'bookTop':
      return currencyExpiry(p.value.currency, p.value.expiryMs);
    case 'forward':
      return currencyExpiry(p.value.currency, p.value.expiryMs);
    default:
      return event.header?.venue ?? '';
  }
}

export function volatilityKey(event: VolatilityEvent): string {
  const p = event.payload;
  switch (p.case) {
    case 'quoteBatch':
      return currencyExpiry(p.value.currency, p.value.expiryMs);
    default:
      return event.header?.venue ?? '';
  }
}

export function surfaceKey(event: SurfaceEvent): string {
  const p = event.payload;
  switch (p.case) {
    case 'smile':
    case 'surface':
      return p.value.currency;
    default:
      return event.header?.venue ?? '';
  }
}

// What the order-book worker checks on its inputs, apart from the transform's state: which
// instrument states remove a book, which ticker fields must be finite and non-negative, the drop
// reasons it counts (docs/PIPELINE.md "Order-book worker"), and how a cause becomes a header.
import { type EventHeader, InstrumentState, TOPICS } from '@volstream/contracts';
import { recordHeader } from './record-reader.ts';
import type { Cause, MarketDataScan } from './record-scan.ts';

export const REMOVED_STATES = new Set<number>([
  InstrumentState.CLOSED,
  InstrumentState.SETTLED,
  InstrumentState.TERMINATED,
  InstrumentState.DEACTIVATED,
]);

const TICKER_NUMBERS = [
  'bestBidPrice',
  'bestBidAmount',
  'bestAskPrice',
  'bestAskAmount',
  'markPrice',
  'bidIv',
  'askIv',
  'markIv',
  'underlyingPrice',
  'indexPrice',
] as const;

/** The first ticker field that is present but not a finite non-negative number. */
export function badTickerField(s: MarketDataScan): (typeof TICKER_NUMBERS)[number] | undefined {
  for (const field of TICKER_NUMBERS) {
    const v = s[field];
    if (v !== undefined && !(Number.isFinite(v) && v >= 0)) return field;
  }
  return undefined;
}

/** Drop reasons of this worker (counted in stats().dropped). */
export const ORDERBOOK_DROP_REASONS = [
  'bad_value',
  'crossed',
  'delta_before_snapshot',
  'duplicate',
  'gap',
  'unknown_instrument',
  'unsynced_book',
] as const;
/** A drop reason: one of the above, or `decode_<ErrorCode>` for records that cannot be decoded. */
export type OrderBookDropReason = (typeof ORDERBOOK_DROP_REASONS)[number] | `decode_${string}`;

/** The header a cause stands for: as is, or read from its record. */
export function causeHeader(cause: Cause): EventHeader {
  if (!(cause instanceof Uint8Array)) return cause;
  const header = recordHeader(cause) ?? TOPICS.marketdata.decode(cause).header;
  if (header === undefined) throw new Error('Expected a header on a scanned record, was absent');
  return header;
}

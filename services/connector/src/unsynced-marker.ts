import { create } from '@bufbuild/protobuf';
import {
  BookSnapshotSchema,
  type MarketDataEvent,
  MarketDataEventSchema,
  newHeader,
} from '@volstream/contracts';
import { fastEventId } from './event-id.ts';

/**
 * The "book not good" marker of the `seq`/`prev_seq` venues (OKX, Bybit, Binance; rule 7 of
 * docs/ADDING_A_VENUE.md): an empty BookSnapshot without `seq`/`change_id`, so the order-book
 * worker clears the book and marks it unsynced. `prev_seq` carries the last good sequence number
 * (seqId, u, lastUpdateId) for diagnostics. One builder because the three were the same code;
 * Deribit's `bookUnsyncedMarker` stays in its parse.ts (it carries `prev_change_id`, not `prev_seq`).
 */
export function seqBookUnsyncedMarker(
  venue: string,
  producerId: string,
  instrument: string,
  lastSeq: number | undefined,
  exchangeTimeMs: number,
  receiveNs: bigint,
): MarketDataEvent {
  const value = create(BookSnapshotSchema, { instrumentName: instrument, bids: [], asks: [] });
  if (lastSeq !== undefined) value.prevSeq = BigInt(lastSeq);
  return create(MarketDataEventSchema, {
    header: newHeader({
      venue,
      producerId,
      eventId: fastEventId(venue, 'book_unsynced', instrument, lastSeq ?? 0, receiveNs),
      exchangeTimeMs,
      receiveTimeNs: receiveNs,
      sourceSequence: lastSeq ?? 0,
    }),
    payload: { case: 'bookSnapshot', value },
  });
}

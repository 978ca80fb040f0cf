// The order-book worker's output events: BookTop and Forward on volstream.orderbook.v1 (key
// currency:expiry). Header: the causing input's exchange and receive times and run id, an id
// derived from the causing input's id (proto/volstream/v1/header.proto).
import { create } from '@bufbuild/protobuf';
import {
  type BookTop,
  type EventHeader,
  eventId,
  newHeader,
  type OrderBookEvent,
  OrderBookEventSchema,
  type PriceLevel,
} from '@volstream/contracts';
import type { ExpiryState, InstrumentSlot } from './book-state.ts';
import type { ForwardChoice } from './forwards.ts';
import { tickAt } from './instruments.ts';
import type { BookSide } from './l2-book.ts';

export interface PublishContext {
  producerId: string;
  clock: () => bigint;
  depth: number;
}

function outHeader(kind: string, cause: EventHeader, sequence: bigint, ctx: PublishContext): EventHeader {
  return newHeader({
    venue: cause.venue,
    producerId: ctx.producerId,
    eventId: eventId('orderbook', kind, cause.venue, cause.eventId),
    exchangeTimeMs: cause.exchangeTimeMs,
    receiveTimeNs: cause.receiveTimeNs,
    sourceSequence: sequence,
    publishTimeNs: ctx.clock(),
    runId: cause.runId || 'live',
  });
}

export function forwardEvent(
  expiry: ExpiryState,
  choice: ForwardChoice,
  indexPrice: number | undefined,
  cause: EventHeader,
  ctx: PublishContext,
): OrderBookEvent {
  return create(OrderBookEventSchema, {
    header: outHeader(`forward:${choice.source}`, cause, 0n, ctx),
    payload: {
      case: 'forward',
      value: {
        currency: expiry.currency,
        expiryMs: expiry.expiryMs,
        forward: choice.value,
        source: choice.source,
        asOfMs: choice.asOfMs,
        underlyingIndex: choice.underlyingIndex,
        ...(indexPrice === undefined ? {} : { indexPrice }),
      },
    },
  });
}

/** The conflated top-N of a book with the latest ticker fields; `indexPrice` is the currency's fallback. */
export function bookTopEvent(
  slot: InstrumentSlot,
  indexPrice: number | undefined,
  cause: EventHeader,
  ctx: PublishContext,
): OrderBookEvent {
  const { meta, book, ticker } = slot;
  const index = ticker.indexPrice ?? indexPrice;
  const tick = tickAt(meta, book.bestAsk() ?? ticker.markPrice);
  const changeId = book.changeId === undefined ? undefined : BigInt(book.changeId);
  const seq = book.seq === undefined ? undefined : BigInt(book.seq);
  // The message as create(BookTopSchema, ...) builds it (implicit fields present, optional ones
  // only when set), written directly: this runs once per dirty book per window.
  const top: BookTop = {
    $typeName: 'volstream.v1.BookTop',
    instrumentName: meta.name,
    currency: meta.currency,
    kind: meta.kind,
    optionType: meta.optionType,
    priceUnit: meta.priceUnit,
    bids: levels(book.bids, ctx.depth),
    asks: levels(book.asks, ctx.depth),
    depth: ctx.depth,
    synced: book.synced,
  };
  if (meta.expiryMs !== undefined) top.expiryMs = meta.expiryMs;
  if (meta.strike !== undefined) top.strike = meta.strike;
  if (changeId !== undefined) top.changeId = changeId;
  if (seq !== undefined) top.seq = seq;
  if (ticker.markPrice !== undefined) top.markPrice = ticker.markPrice;
  if (ticker.markIv !== undefined) top.venueMarkIv = ticker.markIv;
  if (ticker.bidIv !== undefined) top.venueBidIv = ticker.bidIv;
  if (ticker.askIv !== undefined) top.venueAskIv = ticker.askIv;
  if (ticker.underlyingPrice !== undefined) top.underlyingPrice = ticker.underlyingPrice;
  if (index !== undefined) top.indexPrice = index;
  if (tick !== undefined) top.tickSize = tick;
  return {
    $typeName: 'volstream.v1.OrderBookEvent',
    header: outHeader('book_top', cause, changeId ?? seq ?? 0n, ctx),
    payload: { case: 'bookTop', value: top },
  };
}

function levels(side: BookSide, depth: number): PriceLevel[] {
  const n = Math.min(depth, side.size);
  const out: PriceLevel[] = new Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = { $typeName: 'volstream.v1.PriceLevel', price: side.prices[i]!, amount: side.amounts[i]! };
  }
  return out;
}

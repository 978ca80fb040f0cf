// The order-book worker's output events: BookTop and Forward on volstream.orderbook.v1 (key
// currency:expiry). Header: the causing input's exchange and receive times and run id, an id
// derived from the causing input's id (proto/volstream/v1/header.proto).
import { create } from '@bufbuild/protobuf';
import {
  type EventHeader,
  eventId,
  newHeader,
  type OrderBookEvent,
  OrderBookEventSchema,
} from '@volstream/contracts';
import type { ExpiryState, InstrumentSlot } from './book-state.ts';
import type { ForwardChoice } from './forwards.ts';
import { tickAt } from './instruments.ts';

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

const opt = <K extends string>(key: K, v: number | undefined) => (v === undefined ? {} : { [key]: v });

/** The conflated top-N of a book with the latest ticker fields; `indexPrice` is the currency's fallback. */
export function bookTopEvent(
  slot: InstrumentSlot,
  indexPrice: number | undefined,
  cause: EventHeader,
  ctx: PublishContext,
): OrderBookEvent {
  const { meta, book, ticker } = slot;
  const top = book.top(ctx.depth);
  const index = ticker.indexPrice ?? indexPrice;
  const tick = tickAt(meta, book.bestAsk() ?? ticker.markPrice);
  return create(OrderBookEventSchema, {
    header: outHeader('book_top', cause, book.changeId ?? book.seq ?? 0n, ctx),
    payload: {
      case: 'bookTop',
      value: {
        instrumentName: meta.name,
        currency: meta.currency,
        kind: meta.kind,
        ...(meta.expiryMs === undefined ? {} : { expiryMs: meta.expiryMs }),
        ...opt('strike', meta.strike),
        optionType: meta.optionType,
        priceUnit: meta.priceUnit,
        bids: top.bids,
        asks: top.asks,
        depth: ctx.depth,
        synced: book.synced,
        ...(book.changeId === undefined ? {} : { changeId: book.changeId }),
        ...(book.seq === undefined ? {} : { seq: book.seq }),
        ...opt('markPrice', ticker.markPrice),
        ...opt('venueMarkIv', ticker.markIv),
        ...opt('venueBidIv', ticker.bidIv),
        ...opt('venueAskIv', ticker.askIv),
        ...opt('underlyingPrice', ticker.underlyingPrice),
        ...opt('indexPrice', index),
        ...opt('tickSize', tick),
      },
    },
  });
}

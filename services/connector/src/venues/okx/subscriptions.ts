// OKX v5 public channels the connector subscribes and the venue's request limits.
// Docs: https://www.okx.com/docs-v5/en/#overview-websocket-subscribe ; limits in EXCHANGES.md §2
// (480 subscribe/unsubscribe requests per hour per connection, combined args ≤ 64 KB, 3 connection
// requests per second per IP, under 30 400-level book channels per connection recommended).
import type { OkxArg } from './messages.ts';

export const OKX_PUBLIC_URL = 'wss://ws.okx.com:8443/ws/v5/public';
export const OKX_REST_URL = 'https://www.okx.com';

/** Subscribe/unsubscribe/login requests allowed per connection per hour. */
export const SUBSCRIBE_REQUESTS_PER_HOUR = 480;
/** Combined length of one request's `args`, bytes. */
export const MAX_ARGS_BYTES = 64 * 1024;
/** Recommended 400-level book channels per connection. */
export const BOOKS_PER_CONNECTION = 30;
/** Send `ping` after this much silence (the server closes after 30 s). */
export const PING_AFTER_SILENCE_MS = 25_000;

export type OkxBookChannel = 'books' | 'books-l2-tbt';
export type OkxChannelKind = 'book' | 'summary' | 'mark' | 'index' | 'instruments' | 'unknown';

export function bookArg(instId: string, channel: OkxBookChannel = 'books'): OkxArg {
  return { channel, instId };
}

export function markPriceArg(instId: string): OkxArg {
  return { channel: 'mark-price', instId };
}

/** `opt-summary` is per family (`BTC-USD`): one subscription covers the whole chain. */
export function summaryArg(family: string): OkxArg {
  return { channel: 'opt-summary', instFamily: family };
}

export function indexArg(family: string): OkxArg {
  return { channel: 'index-tickers', instId: family };
}

export function instrumentsArg(): OkxArg {
  return { channel: 'instruments', instType: 'OPTION' };
}

/** Per-instrument channels: the book and the mark price. */
export function instrumentArgs(instId: string, book: OkxBookChannel = 'books'): OkxArg[] {
  return [bookArg(instId, book), markPriceArg(instId)];
}

/** Per-family channels (one per currency): summary (IVs, forward, greeks) and the index. */
export function familyArgs(family: string): OkxArg[] {
  return [summaryArg(family), indexArg(family)];
}

/** Channel → kind, without allocation. */
export function channelKind(channel: string): OkxChannelKind {
  switch (channel) {
    case 'books':
    case 'books-l2-tbt':
      return 'book';
    case 'opt-summary':
      return 'summary';
    case 'mark-price':
      return 'mark';
    case 'index-tickers':
      return 'index';
    case 'instruments':
      return 'instruments';
    default:
      return 'unknown';
  }
}

/** Stable key of an arg, for the set of subscribed channels. */
export function argKey(arg: OkxArg): string {
  return `${arg.channel}:${arg.instId ?? arg.instFamily ?? arg.uly ?? arg.instType ?? ''}`;
}

/**
 * Splits args into subscribe requests whose serialised `args` stay under `maxBytes`: OKX counts
 * requests per hour, so requests are as large as allowed rather than many small ones.
 */
export function packRequests(args: readonly OkxArg[], maxBytes = MAX_ARGS_BYTES): OkxArg[][] {
  const out: OkxArg[][] = [];
  let current: OkxArg[] = [];
  let bytes = 2;
  for (const arg of args) {
    const size = JSON.stringify(arg).length + 1;
    if (current.length > 0 && bytes + size > maxBytes) {
      out.push(current);
      current = [];
      bytes = 2;
    }
    current.push(arg);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}

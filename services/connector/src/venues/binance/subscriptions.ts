// Binance European Options stream names and the venue's request limits (EXCHANGES.md §4).
// Docs: https://developers.binance.com/docs/derivatives/option/websocket-market-streams
// Since late 2025 the streams live on two hosts with lower-case names: `/public/` carries
// `<symbol>@depth@100ms` (diff book, U/u/pu) and `/market/` carries `<underlying>@optionMarkPrice`
// and `!index@arr`. Combined streams are at `/stream`, subscribed live with
// `{"method":"SUBSCRIBE","params":[…],"id":n}`; frames arrive as `{"stream":…,"data":…}`.
// Limits per connection: 200 streams, 10 incoming messages per second; connections last ≤ 24 h.

export const BINANCE_PUBLIC_URL = 'wss://fstream.binance.com/public/stream';
export const BINANCE_REST_URL = 'https://eapi.binance.com';

/** Streams one connection may hold. */
export const MAX_STREAMS_PER_CONNECTION = 200;
/** Messages (requests) the server accepts per second per connection; more closes the socket. */
export const MESSAGES_PER_SECOND = 10;
/** Streams per SUBSCRIBE request: one request fills a connection's 200 in four messages. */
export const STREAMS_PER_REQUEST = 50;
/** The server pings every 5 minutes and drops the connection without a pong within 15. */
export const SERVER_PING_INTERVAL_MS = 5 * 60_000;
/** Quiet books send nothing: after this much silence we ask LIST_SUBSCRIPTIONS, which is answered. */
export const KEEPALIVE_AFTER_SILENCE_MS = 20_000;

export type BinanceDepthSpeed = '100ms' | '500ms';
export type BinanceStreamKind = 'depth' | 'mark' | 'index' | 'unknown';

/** `/public/stream` → `/market/stream` on the same host (mark price and index live there). */
export function marketUrlFor(publicUrl: string): string {
  return publicUrl.replace(/\/public\/(stream|ws)\b/, '/market/$1');
}

/** `BTC-251219-89000-C` → `btc-251219-89000-c@depth@100ms`. */
export function depthStream(symbol: string, speed: BinanceDepthSpeed = '100ms'): string {
  return `${symbol.toLowerCase()}@depth@${speed}`;
}

/** `BTC` → `btcusdt@optionMarkPrice` (every option of the underlying, every 1000 ms). */
export function markPriceStream(currency: string): string {
  return `${currency.toLowerCase()}usdt@optionMarkPrice`;
}

/** Every index price in one array (connector-js); tardis' `<underlying>@optionIndexPrice` parses too. */
export const INDEX_STREAM = '!index@arr';

/** Stream name → kind, without allocation. */
export function streamKind(stream: string): BinanceStreamKind {
  if (stream.endsWith('@depth@100ms') || stream.endsWith('@depth@500ms') || stream.endsWith('@depth')) {
    return 'depth';
  }
  if (stream.endsWith('@optionMarkPrice')) return 'mark';
  if (stream === INDEX_STREAM || stream.endsWith('@optionIndexPrice') || stream.endsWith('@index')) {
    return 'index';
  }
  return 'unknown';
}

/** Splits streams into SUBSCRIBE/UNSUBSCRIBE params of at most `perRequest`. */
export function chunkStreams(streams: readonly string[], perRequest = STREAMS_PER_REQUEST): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < streams.length; i += perRequest) out.push(streams.slice(i, i + perRequest));
  return out;
}

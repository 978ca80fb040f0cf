// Bybit v5 option topics the connector subscribes and the venue's request limits.
// Docs: https://bybit-exchange.github.io/docs/v5/ws/connect (limits, ping),
// https://bybit-exchange.github.io/docs/v5/websocket/public/orderbook ,
// https://bybit-exchange.github.io/docs/v5/websocket/public/ticker ; EXCHANGES.md §3:
// an option connection takes at most 2,000 args in total and one request's `args` must stay under
// 21,000 characters (Bybit gives no per-request arg count for options; spot's is 10); the client
// sends `{"op":"ping"}` every 20 s; at most 500 new connections per 5 minutes per domain.
// There is no option listing topic and no option index topic: listings come from re-polling REST
// `instruments-info`, the index from each ticker's `indexPrice`.

export const BYBIT_OPTION_URL = 'wss://stream.bybit.com/v5/public/option';
export const BYBIT_REST_URL = 'https://api.bybit.com';

/** Args one option connection may carry in total. */
export const MAX_ARGS_PER_CONNECTION = 2000;
/** Characters of one request's serialised `args`. */
export const MAX_REQUEST_ARGS_CHARS = 21_000;
/** Bybit recommends a `{"op":"ping"}` every 20 s. */
export const PING_INTERVAL_MS = 20_000;

/** `orderbook.25` (every 20 ms) or `orderbook.100` (every 100 ms) for options. */
export type BybitBookDepth = 25 | 100;
export type BybitTopicKind = 'book' | 'ticker' | 'unknown';

export function bookTopic(symbol: string, depth: BybitBookDepth = 25): string {
  return `orderbook.${depth}.${symbol}`;
}

export function tickerTopic(symbol: string): string {
  return `tickers.${symbol}`;
}

/** Per-instrument topics: the book and the ticker (IVs, forward, index, greeks). */
export function instrumentTopics(symbol: string, depth: BybitBookDepth = 25): string[] {
  return [bookTopic(symbol, depth), tickerTopic(symbol)];
}

/** Topic → kind, by prefix, without allocation. */
export function topicKind(topic: string): BybitTopicKind {
  if (topic.startsWith('orderbook.')) return 'book';
  if (topic.startsWith('tickers.')) return 'ticker';
  return 'unknown';
}

/** The symbol of a book or ticker topic (`orderbook.25.BTC-…` → `BTC-…`), or undefined. */
export function topicSymbol(topic: string): string | undefined {
  const first = topic.indexOf('.');
  if (first < 0) return undefined;
  if (topic.startsWith('orderbook.')) {
    const second = topic.indexOf('.', first + 1);
    return second < 0 ? undefined : topic.slice(second + 1);
  }
  return topic.slice(first + 1);
}

/** The depth of a book topic (`orderbook.25.X` → 25), or undefined. */
export function topicDepth(topic: string): number | undefined {
  const m = /^orderbook\.(\d+)\./.exec(topic);
  return m === null ? undefined : Number(m[1]);
}

/** Splits topics into requests whose serialised `args` stay under `maxChars`. */
export function packRequests(topics: readonly string[], maxChars = MAX_REQUEST_ARGS_CHARS): string[][] {
  const out: string[][] = [];
  let current: string[] = [];
  let chars = 2;
  for (const topic of topics) {
    const size = topic.length + 3;
    if (current.length > 0 && chars + size > maxChars) {
      out.push(current);
      current = [];
      chars = 2;
    }
    current.push(topic);
    chars += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}

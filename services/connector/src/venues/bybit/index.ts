// Bybit venue entry for the connector registry. Docs: https://bybit-exchange.github.io/docs/v5/ws/connect
// Public option market data needs no login: wss://stream.bybit.com/v5/public/option; the
// instrument list comes from REST https://api.bybit.com/v5/market/instruments-info?category=option
// (EXCHANGES.md §3).
import type { VenueDefinition, VenueOptions } from '../../venue.ts';
import { BybitFeed, type BybitFeedOptions } from './feed.ts';
import {
  BYBIT_OPTION_URL,
  BYBIT_REST_URL,
  MAX_ARGS_PER_CONNECTION,
  MAX_REQUEST_ARGS_CHARS,
  PING_INTERVAL_MS,
} from './subscriptions.ts';

export { BybitFeed, type BybitFeedOptions } from './feed.ts';
export { bybitBookUnsyncedMarker } from './parse.ts';

/** REST base of a websocket URL's host, for simulators (`ws://127.0.0.1:P/v5/public/option` → `http://127.0.0.1:P`). */
export function bybitRestUrlFor(wsUrl: string): string {
  if (wsUrl === BYBIT_OPTION_URL) return BYBIT_REST_URL;
  const u = new URL(wsUrl);
  if (u.hostname === 'stream-testnet.bybit.com') return 'https://api-testnet.bybit.com';
  return `${u.protocol === 'wss:' ? 'https:' : 'http:'}//${u.host}`;
}

/** Production defaults; `tuning` may override any of them (tests shorten the timers). */
export function bybitFeedOptions(options: VenueOptions): BybitFeedOptions {
  const url = options.url ?? BYBIT_OPTION_URL;
  const defaults: BybitFeedOptions = {
    url,
    restUrl: bybitRestUrlFor(url),
    currencies: options.currencies ?? ['BTC', 'ETH'],
    connections: options.connections ?? 4,
    bookDepth: 25,
    pingEveryMs: PING_INTERVAL_MS,
    // Three missed pings: tickers arrive every 100 ms, so real silence means a dead socket.
    silenceMs: 3 * PING_INTERVAL_MS,
    maxRequestChars: MAX_REQUEST_ARGS_CHARS,
    maxArgsPerConnection: MAX_ARGS_PER_CONNECTION,
    // Bybit documents no subscribe rate for public topics; pace gently so a restart does not burst.
    subscribeRatePerSec: 10,
    subscribeBurst: 20,
    connectTimeoutMs: 10_000,
    backoffBaseMs: 250,
    backoffCapMs: 30_000,
    maxBufferedEvents: 200_000,
    // No listing channel: re-poll the list every minute.
    instrumentRefreshMs: 60_000,
    producerId: options.producerId ?? 'connector-bybit-0',
  };
  return { ...defaults, ...(options.tuning as Partial<BybitFeedOptions> | undefined) };
}

export const bybit: VenueDefinition = {
  name: 'bybit',
  defaultUrl: BYBIT_OPTION_URL,
  defaultCurrencies: ['BTC', 'ETH'],
  create: (options, deps) => new BybitFeed(bybitFeedOptions(options), deps),
};

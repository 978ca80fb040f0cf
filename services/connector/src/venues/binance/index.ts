// Binance European Options venue entry for the connector registry.
// Docs: https://developers.binance.com/docs/derivatives/option/websocket-market-streams
// Public market data needs no key: streams on wss://fstream.binance.com/{public,market}/stream
// (EXCHANGES.md §0.3, §4), instruments and depth snapshots from REST https://eapi.binance.com.
import type { VenueDefinition, VenueOptions } from '../../venue.ts';
import { BinanceFeed, type BinanceFeedOptions } from './feed.ts';
import {
  BINANCE_PUBLIC_URL,
  BINANCE_REST_URL,
  KEEPALIVE_AFTER_SILENCE_MS,
  MAX_STREAMS_PER_CONNECTION,
  marketUrlFor,
  STREAMS_PER_REQUEST,
} from './subscriptions.ts';

export { BinanceFeed, type BinanceFeedOptions } from './feed.ts';
export { binanceBookUnsyncedMarker } from './parse.ts';

/** REST base of a websocket URL's host (`ws://127.0.0.1:P/public/stream` → `http://127.0.0.1:P`). */
export function restUrlFor(wsUrl: string): string {
  if (wsUrl === BINANCE_PUBLIC_URL) return BINANCE_REST_URL;
  const u = new URL(wsUrl);
  return `${u.protocol === 'wss:' ? 'https:' : 'http:'}//${u.host}`;
}

/** Production defaults; `tuning` may override any of them (tests shorten the timers). */
export function binanceFeedOptions(options: VenueOptions): BinanceFeedOptions {
  const url = options.url ?? BINANCE_PUBLIC_URL;
  const defaults: BinanceFeedOptions = {
    url,
    marketUrl: marketUrlFor(url),
    restUrl: restUrlFor(url),
    currencies: options.currencies ?? ['BTC', 'ETH'],
    // 200 streams per connection: more sockets open as the listing needs them, up to 32
    // (6,400 books; Binance allows 300 new connections per 5 minutes per IP).
    connections: options.connections ?? 4,
    maxConnections: 32,
    depthSpeed: '100ms',
    maxStreamsPerConnection: MAX_STREAMS_PER_CONNECTION,
    streamsPerRequest: STREAMS_PER_REQUEST,
    // The venue closes a connection sending more than 10 messages per second: stay at half.
    messagesPerSec: 5,
    keepAliveAfterMs: KEEPALIVE_AFTER_SILENCE_MS,
    silenceMs: KEEPALIVE_AFTER_SILENCE_MS * 3,
    connectTimeoutMs: 10_000,
    backoffBaseMs: 250,
    backoffCapMs: 30_000,
    maxBufferedEvents: 200_000,
    instrumentRefreshMs: 60_000,
    // REST weight is per IP, 2,400 a minute; a depth of ≤ 100 levels weighs 5 (1,000 levels: 20),
    // and option books are a few levels deep: 6 snapshots/s use 1,800 of the 2,400.
    depthLimit: 100,
    snapshotRatePerSec: 6,
    snapshotConcurrency: 4,
    snapshotRetryMs: 2000,
    producerId: options.producerId ?? 'connector-binance-0',
  };
  return { ...defaults, ...(options.tuning as Partial<BinanceFeedOptions> | undefined) };
}

export const binance: VenueDefinition = {
  name: 'binance',
  defaultUrl: BINANCE_PUBLIC_URL,
  defaultCurrencies: ['BTC', 'ETH'],
  create: (options, deps) => new BinanceFeed(binanceFeedOptions(options), deps),
};

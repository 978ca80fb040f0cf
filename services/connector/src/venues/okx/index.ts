// OKX venue entry for the connector registry. Docs: https://www.okx.com/docs-v5/en/#overview-websocket
// Public market data needs no login: wss://ws.okx.com:8443/ws/v5/public; the instrument list
// comes from REST https://www.okx.com/api/v5/public/instruments (EXCHANGES.md §2).
import type { VenueDefinition, VenueOptions } from '../../venue.ts';
import { OkxFeed, type OkxFeedOptions } from './feed.ts';
import {
  MAX_ARGS_BYTES,
  OKX_PUBLIC_URL,
  OKX_REST_URL,
  PING_AFTER_SILENCE_MS,
  SUBSCRIBE_REQUESTS_PER_HOUR,
} from './subscriptions.ts';

export { OkxFeed, type OkxFeedOptions } from './feed.ts';
export { okxBookUnsyncedMarker } from './parse.ts';

/** REST base of a websocket URL's host, for simulators (`ws://127.0.0.1:P/ws/v5/public` → `http://127.0.0.1:P`). */
export function restUrlFor(wsUrl: string): string {
  if (wsUrl === OKX_PUBLIC_URL) return OKX_REST_URL;
  const u = new URL(wsUrl);
  return `${u.protocol === 'wss:' ? 'https:' : 'http:'}//${u.host}`;
}

/** Production defaults; `tuning` may override any of them (tests shorten the timers). */
export function okxFeedOptions(options: VenueOptions): OkxFeedOptions {
  const url = options.url ?? OKX_PUBLIC_URL;
  const defaults: OkxFeedOptions = {
    url,
    restUrl: restUrlFor(url),
    currencies: options.currencies ?? ['BTC', 'ETH'],
    connections: options.connections ?? 4,
    bookChannel: 'books',
    pingAfterMs: PING_AFTER_SILENCE_MS,
    silenceMs: PING_AFTER_SILENCE_MS + 10_000,
    maxArgsBytes: MAX_ARGS_BYTES,
    requestsPerHour: SUBSCRIBE_REQUESTS_PER_HOUR,
    // OKX limits per connection and hour, not per second; pace gently so a restart does not burst.
    subscribeRatePerSec: 5,
    subscribeBurst: 10,
    tooManyRequestsPenaltyMs: 5000,
    connectTimeoutMs: 10_000,
    backoffBaseMs: 250,
    backoffCapMs: 30_000,
    maxBufferedEvents: 200_000,
    instrumentRefreshMs: 10 * 60_000,
    producerId: options.producerId ?? 'connector-okx-0',
  };
  return { ...defaults, ...(options.tuning as Partial<OkxFeedOptions> | undefined) };
}

export const okx: VenueDefinition = {
  name: 'okx',
  defaultUrl: OKX_PUBLIC_URL,
  defaultCurrencies: ['BTC', 'ETH'],
  create: (options, deps) => new OkxFeed(okxFeedOptions(options), deps),
};

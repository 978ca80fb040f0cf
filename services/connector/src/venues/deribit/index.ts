// Deribit venue entry for the connector registry. Docs: https://docs.deribit.com/
// Public market data needs no authentication; tardis-node uses wss://streams.deribit.com for it,
// the documented endpoint is wss://www.deribit.com/ws/api/v2 (testnet: test.deribit.com).
import type { VenueDefinition, VenueOptions } from '../../venue.ts';
import { DeribitFeed, type DeribitFeedOptions } from './feed.ts';
import { MAX_CHANNELS_PER_REQUEST, SUBSCRIBE_BURST, SUBSCRIBE_RATE_PER_SEC } from './subscriptions.ts';

export { DeribitFeed, type DeribitFeedOptions } from './feed.ts';
export { bookUnsyncedMarker, isUnsyncedMarker } from './parse.ts';

export const DERIBIT_URL = 'wss://www.deribit.com/ws/api/v2';

/** Production defaults; `tuning` may override any of them (tests shorten the timers). */
export function deribitFeedOptions(options: VenueOptions): DeribitFeedOptions {
  const defaults: DeribitFeedOptions = {
    url: options.url ?? DERIBIT_URL,
    currencies: options.currencies ?? ['BTC', 'ETH'],
    connections: options.connections ?? 4,
    interval: '100ms',
    includeFutures: true,
    heartbeatIntervalSec: 10,
    silenceFactor: 3,
    maxChannelsPerRequest: MAX_CHANNELS_PER_REQUEST,
    subscribeRatePerSec: SUBSCRIBE_RATE_PER_SEC,
    subscribeBurst: SUBSCRIBE_BURST,
    tooManyRequestsPenaltyMs: 5000,
    requestTimeoutMs: 10_000,
    connectTimeoutMs: 10_000,
    backoffBaseMs: 250,
    backoffCapMs: 30_000,
    maxBufferedEvents: 200_000,
    instrumentRefreshMs: 10 * 60_000,
    expirySweepMs: 60_000,
    producerId: options.producerId ?? 'connector-deribit-0',
  };
  return { ...defaults, ...(options.tuning as Partial<DeribitFeedOptions> | undefined) };
}

export const deribit: VenueDefinition = {
  name: 'deribit',
  defaultUrl: DERIBIT_URL,
  defaultCurrencies: ['BTC', 'ETH'],
  create: (options, deps) => new DeribitFeed(deribitFeedOptions(options), deps),
};

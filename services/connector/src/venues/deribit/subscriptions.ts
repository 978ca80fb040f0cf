// Deribit channel names and what the connector subscribes per instrument.
// Docs: https://docs.deribit.com/#subscriptions (book, ticker, deribit_price_index,
// instrument.state); subscribe limits in docs/EXCHANGES.md §1 ("keep requests to ~250 channels",
// ~3.3 subscribe requests/s, burst 10).

/** The interval suffix for book and ticker channels: `raw` needs authentication nowadays. */
export type DeribitInterval = '100ms' | 'agg2' | 'raw';

/** At most this many channels per `public/subscribe` (Deribit answers −32600 to big lists). */
export const MAX_CHANNELS_PER_REQUEST = 250;

/** Subscribe requests per second and burst (Nautilus, citing Deribit support). */
export const SUBSCRIBE_RATE_PER_SEC = 3.3;
export const SUBSCRIBE_BURST = 10;

export type DeribitChannelKind = 'book' | 'ticker' | 'index' | 'instrument_state' | 'unknown';

export function bookChannel(instrument: string, interval: DeribitInterval): string {
  return `book.${instrument}.${interval}`;
}

export function tickerChannel(instrument: string, interval: DeribitInterval): string {
  return `ticker.${instrument}.${interval}`;
}

/** `btc_usd` style index name for a currency. */
export function indexName(currency: string): string {
  return `${currency.toLowerCase()}_usd`;
}

export function indexChannel(currency: string): string {
  return `deribit_price_index.${indexName(currency)}`;
}

export function instrumentStateChannel(kind: 'option' | 'future', currency: string): string {
  return `instrument.state.${kind}.${currency.toUpperCase()}`;
}

/** Channels of one instrument: options get book + ticker; futures (forwards) a ticker only. */
export function instrumentChannels(instrument: string, kind: string, interval: DeribitInterval): string[] {
  if (kind === 'option') return [bookChannel(instrument, interval), tickerChannel(instrument, interval)];
  return [tickerChannel(instrument, interval)];
}

/** Channels that do not belong to one instrument (index and listings), per currency. */
export function currencyChannels(currency: string): string[] {
  return [
    indexChannel(currency),
    instrumentStateChannel('option', currency),
    instrumentStateChannel('future', currency),
  ];
}

/** Kind of a channel from its prefix (hot path: no split, no regex). */
export function channelKind(channel: string): DeribitChannelKind {
  switch (channel.charCodeAt(0)) {
    case 98: // b
      return channel.startsWith('book.') ? 'book' : 'unknown';
    case 116: // t
      return channel.startsWith('ticker.') ? 'ticker' : 'unknown';
    case 100: // d
      return channel.startsWith('deribit_price_index.') ? 'index' : 'unknown';
    case 105: // i
      return channel.startsWith('instrument.state.') ? 'instrument_state' : 'unknown';
    default:
      return 'unknown';
  }
}

/** True when `channel` is `{prefix}{instrument}.{interval}` for this instrument (no allocation). */
export function channelIsFor(channel: string, prefixLength: number, instrument: string): boolean {
  return (
    channel.startsWith(instrument, prefixLength) &&
    channel.charCodeAt(prefixLength + instrument.length) === 46 && // '.'
    channel.indexOf('.', prefixLength + instrument.length + 1) < 0
  );
}

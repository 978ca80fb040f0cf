// Deribit instrument list: what `public/get_instruments` returned, plus listings announced on
// `instrument.state.{kind}.{currency}` since. Docs: https://docs.deribit.com/#public-get_instruments
// A listing announced on the state channel is not invented from its name: the feed refreshes the
// list (rate-limited, 1 request per 10 s, burst 5) so every field comes from the venue.

import { InstrumentRegistry as Registry } from '../../instrument-registry.ts';

/** What the feed needs per instrument on the hot path (a compact internal type). */
export interface InstrumentInfo {
  name: string;
  kind: string;
  /** Upper-case base coin (`BTC`). */
  currency: string;
  /** True for coin-margined (inverse) instruments: prices are in coin. */
  inverse: boolean;
  expiryMs: number;
  shard: number;
}

/** Instruments the connector tracks, by venue name (the shared registry, src/instrument-registry.ts). */
export class InstrumentRegistry extends Registry<InstrumentInfo> {}

/** True when the row is something this connector follows: options and dated/perpetual futures. */
export function isFollowedKind(kind: string): boolean {
  return kind === 'option' || kind === 'future';
}

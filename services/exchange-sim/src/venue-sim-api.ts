import type { Logger } from '@volstream/logging';
import type { CalendarShape } from './deribit/calendar.ts';
import type { Currency } from './deribit/instruments.ts';
import type { Market } from './deribit/market.ts';

/**
 * What the OKX, Bybit and Binance simulators have in common in their public API: the options every
 * one takes, and the book view helper behind each one's `books()`. Each venue's options extend
 * `VenueSimulatorOptions` with its own cadences and limits (venue rules), and its book view keeps
 * the venue's sequence field (`seqId`, `u`, `lastUpdateId`).
 */
export interface VenueSimulatorOptions {
  /** Port on `host` (0 or absent: ephemeral). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Seed of the simulator's own market and of its quotes (default 1). */
  seed?: string | number;
  /** Start of the own market's clock (ignored with `market`). */
  startTime?: number;
  /** Currencies listed (default: all of the market's). */
  currencies?: readonly Currency[];
  /** Expiries of the own market (ignored with `market`); tests list fewer. */
  calendar?: CalendarShape;
  /**
   * A market shared with other venues' simulators (multi-venue runs): read and quoted, never
   * advanced by this simulator (its owner's clock moves it). Default: its own seeded market.
   */
  market?: Market;
  /** Server loop period, ms (default 100). */
  tickMs?: number;
  /** Share of subscribed books updated per tick (default 0.3). */
  updateShare?: number;
  logger?: Logger;
}

/** The `books(names?)` of a simulator: each named (default: every) book's view, by name. */
export function bookViews<V>(
  books: ReadonlyMap<string, { view(): V }>,
  names?: readonly string[],
): Record<string, V> {
  const out: Record<string, V> = {};
  for (const name of names ?? [...books.keys()]) {
    const book = books.get(name);
    if (book !== undefined) out[name] = book.view();
  }
  return out;
}

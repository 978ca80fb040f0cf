// The public API of the Bybit simulator (`startBybitSimulator`, simulator.ts): its options, the
// running simulator's methods and views. Protocol facts: EXCHANGES.md §3, SIMULATOR.md § Bybit mode.
import type { Currency } from '../deribit/instruments.ts';
import type { Market } from '../deribit/market.ts';
import type { VenueSimulatorOptions } from '../venue-sim-api.ts';

export interface BybitSimulatorOptions extends VenueSimulatorOptions {
  /**
   * Book updates per second across all subscribed books; replaces `updateShare` when set (how a
   * multi-venue run splits its total rate over the venues).
   */
  rate?: number;
  /** Ticker period per subscribed symbol, ms (default 500; Bybit: 100). */
  tickerMs?: number;
  /** Default REST page size (Bybit's default for options: 500). */
  pageLimit?: number;
  /** Close a connection that sent no ping for this long (0 = never, the default). */
  pingTimeoutMs?: number;
}

export interface BybitBookView {
  u: number;
  bids: [number, number][];
  asks: [number, number][];
}

export interface BybitSimulatorStats {
  sessions: number;
  pings: number;
  subscribes: number;
  framesSent: number;
  restRequests: number;
}

export interface BybitSimulator {
  url: string;
  restUrl: string;
  port: number;
  market: Market;
  /** True when the simulator created (and advances) its market. */
  ownsMarket: boolean;
  /** Symbols of the listed options. */
  instruments(): string[];
  books(symbols?: string[]): Record<string, BybitBookView>;
  /** The next delta of the book skips u values. */
  gap(symbol: string): void;
  /** The next delta of the book carries u = 1 (service restart). */
  reset(symbol: string): void;
  /** Pushes an unrequested snapshot of the book now (Bybit re-sends one by itself). */
  resnapshot(symbol: string): void;
  /** Stops sending market data until `resume`; the protocol (ping, subscribe) is still answered. */
  pause(): void;
  resume(): void;
  disconnectAll(): void;
  /** Lists one more expiry of a currency in the market now (seen through REST re-polling). */
  listExtraExpiry(currency: Currency): void;
  /** Expires the nearest expiry of a currency now. */
  expireNearest(currency: Currency): void;
  /** Sends each malformed frame of `BYBIT_MALFORMED` to every client. */
  sendMalformed(): void;
  stats(): BybitSimulatorStats;
  stop(): Promise<void>;
}

// OKX splits what Deribit sends in one ticker over three channels: `opt-summary` (IVs, forward,
// greeks), `mark-price` and `index-tickers`. Downstream replaces a ticker's fields as a whole, so
// the feed keeps the latest of each per instrument and publishes the merged state on every
// opt-summary row or mark price. Docs: https://www.okx.com/docs-v5/en/#public-data-websocket-option-summary-channel
import type { MarketDataEvent } from '@volstream/contracts';
import type { OkxInstrumentInfo } from './instruments.ts';
import { buildOkxTicker, type OkxSummary, type ParseContext } from './parse.ts';

interface TickerState {
  summary?: OkxSummary;
  mark?: number;
}

export class OkxTickerMerge {
  readonly #tickers = new Map<string, TickerState>();
  readonly #index = new Map<string, number>();

  constructor(private readonly ctx: ParseContext) {}

  /** A parsed opt-summary row → the instrument's merged Ticker. */
  summary(info: OkxInstrumentInfo, summary: OkxSummary, receiveNs: bigint): MarketDataEvent {
    const state = this.#state(info.name);
    state.summary = summary;
    return this.#build(info, state, summary.tsMs, receiveNs);
  }

  /** A mark price → the instrument's merged Ticker. */
  mark(info: OkxInstrumentInfo, markPrice: number, tsMs: number, receiveNs: bigint): MarketDataEvent {
    const state = this.#state(info.name);
    state.mark = markPrice;
    return this.#build(info, state, tsMs, receiveNs);
  }

  /** The latest index of a family (`BTC-USD`), carried as `index_price` from then on. */
  index(family: string, price: number): void {
    this.#index.set(family, price);
  }

  forget(name: string): void {
    this.#tickers.delete(name);
  }

  #state(name: string): TickerState {
    let state = this.#tickers.get(name);
    if (state === undefined) {
      state = {};
      this.#tickers.set(name, state);
    }
    return state;
  }

  #build(info: OkxInstrumentInfo, state: TickerState, tsMs: number, receiveNs: bigint): MarketDataEvent {
    return buildOkxTicker(
      info,
      state.summary,
      state.mark,
      this.#index.get(info.family),
      tsMs,
      receiveNs,
      this.ctx,
    );
  }
}

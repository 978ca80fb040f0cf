// Raw Binance European Options (eapi) websocket and REST types, as Binance documents them: every
// price and quantity is a string; "no value" is "-1.0" for an IV and "0"/"0.000" for a best
// price. Docs: https://developers.binance.com/docs/derivatives/option/websocket-market-streams ,
// https://developers.binance.com/docs/derivatives/option/market-data/Exchange-Information ,
// https://developers.binance.com/docs/derivatives/option/market-data/Order-Book
// Evidence: ../shared/data/exchange_ws_message_samples/binance_options_v2_fstream_2025.json (the
// current fstream layout: depth20 with U/u/pu, optionMarkPrice arrays with b/a "-1.0") and
// binance_options_v1_nbstream_2023.json (the older nbstream layout, for contrast: `depth` events
// without `U`, `@index`, IVs on `@ticker`). Types only, no code.

/** Combined-stream frame: `{"stream":"btcusdt@optionMarkPrice","data":…}`. */
export interface BinanceCombined<T> {
  stream: string;
  data: T;
}

/** Reply to SUBSCRIBE/UNSUBSCRIBE (`result: null`) or LIST_SUBSCRIPTIONS (`result: [streams]`). */
export interface BinanceReply {
  result: null | string[];
  id: number;
}

/** Error reply to a request: `{"code":2,"msg":"Invalid request: …","id":1}`. */
export interface BinanceErrorReply {
  code: number;
  msg: string;
  id?: number | null;
}

/** `[price, quantity]`; quantities are contracts (`unit` coins each, 1 on every listed symbol). */
export type BinanceLevel = [string, string];

/** `<symbol>@depth@{100ms|500ms}` (diff) and `<symbol>@depth{5|10|20}@…` (partial) events. */
export interface BinanceDepthUpdate {
  e: 'depthUpdate' | 'depth';
  /** Event time, ms. */
  E: number;
  /** Transaction time, ms. */
  T: number;
  s: string;
  /** First update id of the event (absent on the 2023 nbstream layout). */
  U?: number;
  /** Final update id of the event. */
  u: number;
  /** Final update id of the previous event: continuity holds when it equals the last `u`. */
  pu: number;
  b: BinanceLevel[];
  a: BinanceLevel[];
}

/** REST `GET /eapi/v1/depth?symbol=…&limit=…`: the snapshot to resync a diff book from. */
export interface BinanceDepthSnapshot {
  /** Transaction time, ms. */
  T: number;
  /** Update id of the snapshot (`lastUpdateId`). */
  u: number;
  bids: BinanceLevel[];
  asks: BinanceLevel[];
}

/** One row of `<underlying>@optionMarkPrice` (an array per underlying, every 1000 ms). */
export interface BinanceMarkPrice {
  e: 'markPrice';
  E: number;
  s: string;
  /** Mark price, USDT. */
  mp: string;
  /** Index price, USDT. */
  i: string;
  /** Estimated settlement price (only near expiry; "0.000" otherwise). */
  P: string;
  /** Best bid/ask price ("0.000" without a quote) and quantity. */
  bo: string;
  ao: string;
  bq: string;
  aq: string;
  /** Bid / ask IV, decimals; "-1.0" without a quote. */
  b: string;
  a: string;
  /** Mark IV, decimal. */
  vo: string;
  /** Risk-free rate. */
  rf: string;
  /** Price limits. */
  hl: string;
  ll: string;
  /** Greeks: delta, theta (USDT/day), gamma, vega (USDT per vol point). */
  d: string;
  t: string;
  g: string;
  v: string;
}

/** `!index@arr` element (connector-js) and `<underlying>@optionIndexPrice` (tardis) payload. */
export interface BinanceIndex {
  e: 'index';
  E: number;
  /** Underlying, `BTCUSDT`. */
  s: string;
  p: string;
}

export interface BinanceFilter {
  filterType: 'PRICE_FILTER' | 'LOT_SIZE' | string;
  minPrice?: string;
  maxPrice?: string;
  tickSize?: string;
  minQty?: string;
  maxQty?: string;
  stepSize?: string;
}

/** `optionSymbols[]` of REST `GET /eapi/v1/exchangeInfo`. */
export interface BinanceOptionSymbol {
  symbol: string;
  /** `BTCUSDT`. */
  underlying: string;
  side: 'CALL' | 'PUT';
  strikePrice: string;
  /** Expiry, ms (08:00 UTC). */
  expiryDate: number;
  /** Coins per contract. */
  unit: number | string;
  quoteAsset: string;
  minQty?: string;
  maxQty?: string;
  priceScale?: number;
  quantityScale?: number;
  filters: BinanceFilter[];
  /** `TRADING`, `PENDING_TRADING`, `CLOSE`… */
  status?: string;
  id?: number;
}

/** `optionContracts[]` of exchangeInfo. */
export interface BinanceOptionContract {
  baseAsset: string;
  quoteAsset: string;
  underlying: string;
  settleAsset: string;
}

export interface BinanceExchangeInfo {
  timezone: string;
  serverTime: number;
  optionContracts: BinanceOptionContract[];
  optionSymbols: BinanceOptionSymbol[];
}

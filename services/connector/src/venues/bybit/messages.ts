// Raw Bybit v5 public websocket (option category) and REST types, as Bybit documents them: every
// number is a string, "no value" is "0" (e.g. `bidIv:"0"`, `bidPrice:"0"` without a bid).
// Docs: https://bybit-exchange.github.io/docs/v5/websocket/public/orderbook ,
// https://bybit-exchange.github.io/docs/v5/websocket/public/ticker ,
// https://bybit-exchange.github.io/docs/v5/market/instrument
// Evidence: ../shared/data/exchange_ws_message_samples/bybit_options_v5.json (real option
// messages, 2023-04, from tardis-node's tests), ../shared/data/bybit_v5_ws_capture_2026-08-09/
// (real v5 framing for linear/spot: orderbook snapshot/delta with `u` and `seq`, acks), and
// EXCHANGES.md §3 (option ack `COMMAND_RESP`, option pong). Types only, no code.

/** A topic push: `{"id"?, "topic", "ts", "type": "snapshot"|"delta", "data", "cs"?, "cts"?}`. */
export interface BybitPush<T> {
  id?: string;
  topic: string;
  ts: number;
  type: 'snapshot' | 'delta';
  data: T;
  /** Cross sequence on linear tickers. */
  cs?: number;
  /** Matching-engine time of a book message (linear/spot). */
  cts?: number;
}

/** `[price, size]`; size "0" in a delta deletes the level. Option sizes are in coin. */
export type BybitBookLevel = [string, string];

/** `orderbook.{25|100}.{symbol}` data. */
export interface BybitBookData {
  s: string;
  b: BybitBookLevel[];
  a: BybitBookLevel[];
  /** Update id: +1 per message in the real captures; 1 after a service restart. */
  u: number;
  /** Cross sequence (increasing; absent on the 2023 option samples). */
  seq?: number;
}

/** `tickers.{symbol}` data for options: a full snapshot every time. */
export interface BybitOptionTicker {
  symbol: string;
  bidPrice: string;
  bidSize: string;
  bidIv: string;
  askPrice: string;
  askSize: string;
  askIv: string;
  lastPrice: string;
  highPrice24h?: string;
  lowPrice24h?: string;
  markPrice: string;
  indexPrice: string;
  markPriceIv: string;
  underlyingPrice: string;
  openInterest: string;
  turnover24h?: string;
  volume24h?: string;
  totalVolume?: string;
  totalTurnover?: string;
  delta: string;
  gamma: string;
  vega: string;
  theta: string;
  predictedDeliveryPrice: string;
  change24h?: string;
}

/**
 * Command replies. Option form: `{"success":true,"conn_id":…,"data":{"failTopics":[],
 * "successTopics":[…]},"type":"COMMAND_RESP"}`; linear/spot form `{"success":true,"ret_msg":"",
 * "op":"subscribe","conn_id":…}`; option pong `{"args":["1672916271846"],"op":"pong"}`.
 */
export interface BybitCommandReply {
  success?: boolean;
  ret_msg?: string;
  conn_id?: string;
  req_id?: string;
  op?: string;
  type?: string;
  args?: string[];
  data?: { failTopics?: string[]; successTopics?: string[] };
}

/** REST `GET /v5/market/instruments-info?category=option` row. */
export interface BybitInstrument {
  /** `BTC-27DEC24-60000-C`, USDT options `BTC-27MAR26-70000-P-USDT`. */
  symbol: string;
  /** `Call` | `Put`. */
  optionsType: string;
  /** `Trading`, `PreLaunch`, `Delivering`, `Closed`. */
  status: string;
  baseCoin: string;
  quoteCoin: string;
  settleCoin: string;
  launchTime: string;
  deliveryTime: string;
  deliveryFeeRate?: string;
  priceFilter: { minPrice?: string; maxPrice?: string; tickSize: string };
  lotSizeFilter: { maxOrderQty?: string; minOrderQty?: string; qtyStep?: string };
  /** `BTCUSDT-27MAR26-70000-P` for USDT options; absent on older rows. */
  displayName?: string;
}

/** REST envelope: `{"retCode":0,"retMsg":"OK","result":{"category","nextPageCursor","list"}}`. */
export interface BybitRestReply<T> {
  retCode: number;
  retMsg?: string;
  result?: { category?: string; nextPageCursor?: string; list?: T[] };
  time?: number;
}

// Deribit API v2 wire types (JSON-RPC 2.0 over websocket), exactly as the venue sends them.
// Docs: https://docs.deribit.com/#subscriptions and https://docs.deribit.com/#public-get_instruments
// Evidence: ../shared/data/deribit_ws_capture_2021-07-22/ (real 2021 session) and
// ../shared/data/exchange_ws_message_samples/deribit_options_and_book.json (real 2019-2024 messages).
// Fields are typed as the venue documents them, but every value is re-checked at parse time:
// a frame that does not match is bad input, never trusted.

/** A reply to a request we sent: `id` echoes ours; `usIn/usOut/usDiff` are server µs times. */
export interface DeribitRpcResult<T = unknown> {
  jsonrpc: '2.0';
  id: number;
  result: T;
  usIn?: number;
  usOut?: number;
  usDiff?: number;
  testnet?: boolean;
}

/** Error reply, e.g. `{code: 10028, message: "too_many_requests"}` or `{code: -32600, …}`. */
export interface DeribitRpcError {
  jsonrpc: '2.0';
  id?: number | null;
  error: { code: number; message: string; data?: unknown };
  usIn?: number;
  usOut?: number;
  usDiff?: number;
  testnet?: boolean;
}

/** Subscription notification: no `id`, `method: "subscription"`, `params: {channel, data}`. */
export interface DeribitSubscription<T = unknown> {
  jsonrpc: '2.0';
  method: 'subscription';
  params: { channel: string; data: T };
}

/** Heartbeat notification after `public/set_heartbeat`; `test_request` needs a `public/test`. */
export interface DeribitHeartbeat {
  jsonrpc: '2.0';
  method: 'heartbeat';
  params: { type: 'heartbeat' | 'test_request' };
}

/** One book level of a `book.{instrument}.{interval}` message: `[action, price, amount]`. */
export type DeribitBookLevel = [action: 'new' | 'change' | 'delete', price: number, amount: number];

/**
 * `book.{instrument}.{raw|100ms|agg2}` data. The first message after subscribing is
 * `type: "snapshot"`; later ones are `type: "change"` with `prev_change_id`. Older captures
 * (2019) have no `type` at all; tardis-node treats a missing or 0 `prev_change_id` as a snapshot.
 */
export interface DeribitBookData {
  type?: 'snapshot' | 'change';
  timestamp: number;
  instrument_name: string;
  change_id: number;
  prev_change_id?: number;
  bids: DeribitBookLevel[];
  asks: DeribitBookLevel[];
}

export interface DeribitGreeks {
  delta?: number;
  gamma?: number;
  vega?: number;
  theta?: number;
  rho?: number;
}

/**
 * `ticker.{instrument}.{interval}` data for options (futures omit the IV/greeks fields).
 * IVs are in PERCENT (76.57); `bid_iv: 0` means no bid; `ask_iv: 500` appears on expired
 * options. Prices are in coin for inverse options; `underlying_price` is the forward in USD.
 */
export interface DeribitTickerData {
  timestamp: number;
  instrument_name: string;
  state?: string;
  mark_price?: number;
  mark_iv?: number;
  bid_iv?: number;
  ask_iv?: number;
  best_bid_price?: number | null;
  best_bid_amount?: number | null;
  best_ask_price?: number | null;
  best_ask_amount?: number | null;
  last_price?: number | null;
  underlying_price?: number;
  underlying_index?: string;
  index_price?: number;
  interest_rate?: number;
  open_interest?: number;
  settlement_price?: number;
  estimated_delivery_price?: number | string;
  delivery_price?: number;
  min_price?: number;
  max_price?: number;
  greeks?: DeribitGreeks;
  stats?: Record<string, number | null>;
  funding_8h?: number;
  current_funding?: number;
}

/** `deribit_price_index.{btc_usd|eth_usd}` data. */
export interface DeribitIndexData {
  timestamp: number;
  price: number;
  index_name: string;
}

/** `instrument.state.{kind}.{currency}` data: listings (`created`, `started`) and expiries. */
export interface DeribitInstrumentStateData {
  timestamp: number;
  instrument_name: string;
  state: 'created' | 'started' | 'settled' | 'closed' | 'terminated' | 'deactivated' | string;
}

/** `trades.{instrument}.{interval}` data: an array of trades (IV `iv` in percent for options). */
export interface DeribitTradeData {
  trade_seq: number;
  trade_id: string;
  timestamp: number;
  tick_direction?: number;
  price: number;
  mark_price?: number;
  iv?: number;
  instrument_name: string;
  index_price?: number;
  direction: 'buy' | 'sell';
  amount: number;
}

/** One row of `public/get_instruments` (options and futures). */
export interface DeribitInstrument {
  instrument_name: string;
  kind: 'option' | 'future' | 'spot' | 'future_combo' | 'option_combo' | string;
  base_currency: string;
  quote_currency: string;
  settlement_currency?: string;
  counter_currency?: string;
  /** Options since 2022 (`reversed` = inverse); futures use `future_type`. Absent in 2021 rows. */
  instrument_type?: 'reversed' | 'linear' | string;
  future_type?: 'reversed' | 'linear' | string;
  /** Index the instrument refers to, e.g. `btc_usd`, `uni_usdc` (absent in 2021 BTC/ETH rows). */
  price_index?: string;
  option_type?: 'call' | 'put';
  strike?: number;
  expiration_timestamp: number;
  creation_timestamp?: number;
  tick_size: number;
  tick_size_steps?: { above_price: number; tick_size: number }[];
  contract_size: number;
  min_trade_amount: number;
  is_active: boolean;
  settlement_period?: string;
}

/** Any frame the server sends, before classification. */
export type DeribitFrame = DeribitRpcResult | DeribitRpcError | DeribitSubscription | DeribitHeartbeat;

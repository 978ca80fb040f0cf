// Raw OKX v5 public websocket and REST types, as OKX documents them: every number is a string,
// "no value" is the empty string "". Docs: https://www.okx.com/docs-v5/en/#public-data-websocket
// Evidence: ../shared/data/exchange_ws_message_samples/okx_options_v5.json (real messages,
// 2021-12), ../shared/data/okx_ws_capture_2022-05-13/OKX.ws.1.0.txt (real session framing, books
// snapshot/update) and OKX.0.rest_instruments.txt (real REST instrument lists incl. OPTION).
// Types only, no code.

/** `{channel, instId | instFamily | uly | instType}` of a subscription and of each push. */
export interface OkxArg {
  channel: string;
  instId?: string;
  instFamily?: string;
  /** 2021-era form of `instFamily`. */
  uly?: string;
  instType?: string;
}

/** A data push: `{"arg":{…},"action"?: "snapshot"|"update","data":[…]}`. */
export interface OkxPush<T> {
  arg: OkxArg;
  action?: 'snapshot' | 'update';
  data: T[];
}

/** An event reply: subscribe/unsubscribe acknowledgement or an error. */
export interface OkxEvent {
  event: 'subscribe' | 'unsubscribe' | 'error' | string;
  id?: string;
  arg?: OkxArg;
  code?: string;
  msg?: string;
  connId?: string;
}

/** `[px, sz, "0" (deprecated liquidated orders), numOrders]`; option sizes are contracts. */
export type OkxBookLevel = [string, string, string, string];

/** `books` / `books-l2-tbt` data. `seqId`/`prevSeqId` since 2023 (-1 on a snapshot). */
export interface OkxBookData {
  asks: OkxBookLevel[];
  bids: OkxBookLevel[];
  ts: string;
  /** CRC32 of the top 25 levels until 2026, now fixed at 0: not relied on. */
  checksum?: number;
  seqId?: number;
  prevSeqId?: number;
}

/** `opt-summary` row (one push per family carries many). IVs are decimals. */
export interface OkxOptSummary {
  instType: string;
  instId: string;
  uly?: string;
  instFamily?: string;
  delta: string;
  gamma: string;
  vega: string;
  theta: string;
  lever?: string;
  markVol: string;
  bidVol: string;
  askVol: string;
  realVol?: string;
  deltaBS?: string;
  gammaBS?: string;
  thetaBS?: string;
  vegaBS?: string;
  ts: string;
  /** Forward price (USD per coin) the IVs are computed on; 2024+ docs. */
  fwdPx?: string;
  volLv?: string;
}

/** `mark-price` data. */
export interface OkxMarkPrice {
  instId: string;
  instType: string;
  markPx: string;
  ts: string;
}

/** `index-tickers` data. */
export interface OkxIndexTicker {
  instId: string;
  idxPx: string;
  open24h?: string;
  high24h?: string;
  low24h?: string;
  sodUtc0?: string;
  sodUtc8?: string;
  ts: string;
}

/** REST `GET /api/v5/public/instruments` row (also the `instruments` channel's data). */
export interface OkxInstrument {
  instId: string;
  instType: string;
  uly: string;
  instFamily?: string;
  baseCcy: string;
  quoteCcy: string;
  settleCcy: string;
  ctVal: string;
  ctMult: string;
  ctValCcy: string;
  optType: string;
  stk: string;
  listTime: string;
  expTime: string;
  tickSz: string;
  lotSz: string;
  minSz: string;
  /** `live`, `suspend`, `preopen`, `expired`, `test`. */
  state: string;
}

/** REST reply envelope: `{"code":"0","msg":"","data":[…]}`. */
export interface OkxRestReply<T> {
  code: string;
  msg?: string;
  data: T[];
}

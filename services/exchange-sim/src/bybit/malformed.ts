// Malformed frames the Bybit simulator's `sendMalformed()` sends, for connector tests: each must
// be counted under one drop reason and dropped. Shapes follow EXCHANGES.md §3.

/**
 * Malformed frames a client must count and drop: 1 invalid JSON, 2 unknown shapes, 1 unknown
 * topic, 1 unknown instrument, 2 bad values (a listed `symbol`'s ticker and book), 1 error reply.
 */
export function bybitMalformed(symbol: string): string[] {
  return [
    '{"topic":"orderbook.25.',
    '[1,2,3]',
    '{"hello":"world"}',
    '{"topic":"kline.1.BTCUSDT","type":"snapshot","ts":1,"data":{}}',
    '{"topic":"tickers.BTC-1JAN00-1-C","type":"snapshot","ts":1,"data":{"symbol":"BTC-1JAN00-1-C"}}',
    JSON.stringify({
      topic: `tickers.${symbol}`,
      type: 'snapshot',
      ts: 1,
      data: { symbol, markPrice: 'NaN' },
    }),
    JSON.stringify({
      topic: `orderbook.25.${symbol}`,
      type: 'delta',
      ts: 1,
      data: { s: symbol, b: [], a: [], u: -1 },
    }),
    '{"success":false,"ret_msg":"error:handler not found","conn_id":"x","op":"subscribe"}',
  ];
}

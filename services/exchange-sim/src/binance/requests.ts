// The Binance options websocket request protocol as the simulator answers it, one connection at
// a time. Docs: https://developers.binance.com/docs/derivatives/option/websocket-market-streams
// (Live Subscribing/Unsubscribing, Listing Subscriptions, Error Messages, Websocket Limits):
// `{"method":"SUBSCRIBE"|"UNSUBSCRIBE","params":[…],"id":n}` → `{"result":null,"id":n}`;
// `LIST_SUBSCRIPTIONS` → `{"result":[…],"id":n}`; errors `{"code":2|3,"msg":…,"id":n}`;
// more than 10 incoming messages a second closes the connection; 200 streams per connection.
import type { WebSocket } from 'ws';

/** One client connection to `/public/stream` or `/market/stream`. */
export interface BinanceSession {
  ws: WebSocket;
  host: 'public' | 'market';
  subs: Set<string>;
  /** Arrival times of the last second's messages (the 10 messages/s cap). */
  messageTimes: number[];
  lastPong: number;
}

/** `<symbol>@depth@100ms|500ms`, capturing the lower-case symbol. */
export const DEPTH_STREAM = /^([a-z0-9]+-\d{6}-[0-9.]+-[cp])@depth@(100ms|500ms)$/;

export interface RequestContext {
  maxStreams: number;
  maxMessagesPerSec: number;
  /** Whether the session's host carries the stream (and its symbol or underlying is listed). */
  validStream(s: BinanceSession, stream: string): boolean;
  send(s: BinanceSession, payload: unknown): void;
  /** A stream was added to a session (depth streams get their book started). */
  subscribed(stream: string): void;
  /** The connection was closed for sending too fast. */
  closedForRate(): void;
}

/** Answers one incoming text message of a session. */
export function handleRequest(s: BinanceSession, text: string, ctx: RequestContext): void {
  // Messages already received on a connection being closed are not answered (nor counted).
  if (s.ws.readyState !== s.ws.OPEN) return;
  const now = Date.now();
  s.messageTimes.push(now);
  while (s.messageTimes.length > 0 && s.messageTimes[0]! <= now - 1000) s.messageTimes.shift();
  if (s.messageTimes.length > ctx.maxMessagesPerSec) {
    // Binance closes a connection that sends more than 10 messages a second.
    ctx.closedForRate();
    s.ws.close(1008, 'Too many messages');
    return;
  }
  let msg: { method?: unknown; params?: unknown; id?: unknown };
  try {
    msg = JSON.parse(text) as typeof msg;
  } catch {
    ctx.send(s, { code: 3, msg: 'Invalid JSON: expected value at line 1 column 1', id: null });
    return;
  }
  const id = typeof msg.id === 'number' ? msg.id : null;
  if (msg.method === 'LIST_SUBSCRIPTIONS') {
    ctx.send(s, { result: [...s.subs], id });
    return;
  }
  if ((msg.method !== 'SUBSCRIBE' && msg.method !== 'UNSUBSCRIBE') || !Array.isArray(msg.params)) {
    ctx.send(s, { code: 2, msg: 'Invalid request: unknown method or params', id });
    return;
  }
  const params = msg.params as unknown[];
  if (!params.every((p): p is string => typeof p === 'string')) {
    ctx.send(s, { code: 2, msg: 'Invalid request: stream names must be strings', id });
    return;
  }
  if (msg.method === 'UNSUBSCRIBE') {
    for (const p of params) s.subs.delete(p);
    ctx.send(s, { result: null, id });
    return;
  }
  // A request is taken whole or refused whole (simulator wording; Binance documents the codes).
  const bad = params.find((p) => !ctx.validStream(s, p));
  if (bad !== undefined) {
    ctx.send(s, { code: 2, msg: `Invalid request: unknown stream ${bad}`, id });
    return;
  }
  const fresh = params.filter((p) => !s.subs.has(p));
  if (s.subs.size + fresh.length > ctx.maxStreams) {
    ctx.send(s, {
      code: 2,
      msg: `Invalid request: more than ${ctx.maxStreams} streams on one connection`,
      id,
    });
    return;
  }
  for (const p of fresh) {
    s.subs.add(p);
    ctx.subscribed(p);
  }
  ctx.send(s, { result: null, id });
}

/**
 * Malformed frames a client must count and drop, one per reason: invalid JSON (1), unknown frame
 * shapes (2), an unknown stream (1), bad values (2: a NaN index, a negative mark price of a
 * listed symbol), an unknown instrument (1).
 */
export function malformedFrames(listedSymbol: string): string[] {
  return [
    '{"stream":"btcusdt@optionMarkPrice","data":[',
    '[1,2,3]',
    '{"hello":"world"}',
    '{"stream":"btcusdt@noSuchStream","data":{}}',
    '{"stream":"!index@arr","data":[{"e":"index","E":1,"s":"BTCUSDT","p":"NaN"}]}',
    `{"stream":"btcusdt@optionMarkPrice","data":[{"s":"${listedSymbol}","e":"markPrice","E":1,"mp":"-5.0"}]}`,
    '{"stream":"btc-000101-1-c@depth@100ms","data":{"e":"depthUpdate","E":1,"T":1,"s":"BTC-000101-1-C","U":1,"u":1,"pu":0,"b":[],"a":[]}}',
  ];
}

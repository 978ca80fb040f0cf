/**
 * `startBybitSimulator(options)`: a Bybit v5 option public-websocket + REST simulator on loopback,
 * driven by the same seeded market model and ground-truth surface as the Deribit and OKX
 * simulators (`Market`). Docs: https://bybit-exchange.github.io/docs/v5/ws/connect ; facts in
 * EXCHANGES.md §3. Speaks: `{"req_id","op":"subscribe","args":["orderbook.25.X","tickers.X"]}` →
 * `{"success","conn_id","data":{"failTopics","successTopics"},"type":"COMMAND_RESP"}` (unknown
 * topics, more than 2,000 args per connection or args over 21,000 characters fail); pushes
 * `{"id","topic","ts","type":"snapshot"|"delta","data"}` for `orderbook.{25|100}.{symbol}` (snapshot
 * on subscribe, then deltas with `u` +1 and `seq`) and `tickers.{symbol}` (snapshots);
 * `{"op":"ping"}` → `{"args":["<ms>"],"op":"pong"}`; REST
 * `GET /v5/market/instruments-info?category=option&baseCoin=BTC&limit=&cursor=` (cursor-paged).
 * Bybit has no listing topic: listings change only in the REST list.
 *
 * Market: with `options.market` the simulator quotes that shared instance and never advances it
 * (its owner does: one clock for every venue of a multi-venue run); without it, it creates its own
 * seeded Market and advances it each tick. It never mutates the market's Deribit books: Bybit
 * books are its own (bybit-book.ts), quoted around the same truth marks.
 * Faults (methods): gap, reset (u = 1), resnapshot, disconnect, malformed frames, pause.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type WebSocket, WebSocketServer } from 'ws';
import { CURRENCIES, type OptionInstrument } from '../deribit/instruments.ts';
import { Market } from '../deribit/market.ts';
import { initPricing } from '../deribit/pricing.ts';
import { LoopStall } from '../loop-stall.ts';
import { Prng } from '../prng.ts';
import { closeServers, listen, startTickLoop } from '../sim-server.ts';
import { bookViews } from '../venue-sim-api.ts';
import type { BybitSimulator, BybitSimulatorOptions } from './api.ts';
import { BybitBook, type BybitBookData } from './bybit-book.ts';
import { BYBIT_SPECS, bybitName } from './instruments.ts';
import { bybitMalformed } from './malformed.ts';
import { instrumentsInfo } from './rest.ts';
import { tickerRows } from './ticker.ts';

interface Session {
  ws: WebSocket;
  connId: string;
  topics: Set<string>;
  lastPingAt: number;
}

export type { BybitBookView, BybitSimulator, BybitSimulatorOptions, BybitSimulatorStats } from './api.ts';
export { bybitMalformed } from './malformed.ts';

const MAX_ARGS_PER_CONNECTION = 2000;
const MAX_ARGS_CHARS = 21_000;
const DEPTHS = [25, 100] as const;
const WS_PATH = '/v5/public/option';

/** `orderbook.25.BTC-27DEC24-60000-C` / `tickers.BTC-27DEC24-60000-C` → the symbol. */
function symbolOf(topic: string): string {
  const first = topic.indexOf('.');
  return topic.startsWith('orderbook.')
    ? topic.slice(topic.indexOf('.', first + 1) + 1)
    : topic.slice(first + 1);
}

export async function startBybitSimulator(options: BybitSimulatorOptions = {}): Promise<BybitSimulator> {
  await initPricing();
  const ownsMarket = options.market === undefined;
  const startTime = options.startTime ?? Date.now();
  const market =
    options.market ??
    new Market({
      seed: options.seed ?? 1,
      startTime,
      lazyPricing: true,
      ...(options.currencies === undefined ? {} : { currencies: options.currencies }),
      ...(options.calendar === undefined ? {} : { calendar: options.calendar }),
    });
  const currencies = (options.currencies ?? CURRENCIES).filter((c) => market.currencies.has(c));
  const prng = new Prng(`${String(options.seed ?? 1)}:bybit`);
  const tickMs = options.tickMs ?? 100;
  const updateShare = options.updateShare ?? 0.3;
  const tickerMs = options.tickerMs ?? 500;
  const pageLimit = options.pageLimit ?? 500;
  const pingTimeoutMs = options.pingTimeoutMs ?? 0;
  const stall = new LoopStall(tickMs);
  const bySymbol = new Map<string, OptionInstrument>();
  const books = new Map<string, BybitBook>();
  const sessions = new Set<Session>();
  const counters = { pings: 0, subscribes: 0, framesSent: 0, restRequests: 0 };
  let nextConn = 1;

  /** Syncs the listed symbols with the market (listings, expiries, faults). */
  const refresh = (): void => {
    for (const [symbol, o] of bySymbol) {
      if (o.state !== 'open' || o.expiry <= market.now || market.byName.get(o.name) !== o) {
        bySymbol.delete(symbol);
        books.delete(symbol);
      }
    }
    for (const currency of currencies) {
      for (const o of market.currencies.get(currency)?.options ?? []) {
        if (o.state === 'open' && o.expiry > market.now && !bySymbol.has(bybitName(o)))
          bySymbol.set(bybitName(o), o);
      }
    }
  };
  refresh();

  const bookOf = (symbol: string): BybitBook | undefined => {
    let book = books.get(symbol);
    const o = bySymbol.get(symbol);
    if (book === undefined && o !== undefined) {
      market.ensurePriced();
      book = new BybitBook(symbol, BYBIT_SPECS[o.currency], prng.fork(`book:${symbol}`));
      book.boot(o);
      books.set(symbol, book);
    }
    return book;
  };

  const send = (s: Session, payload: unknown): void => {
    if (s.ws.readyState !== s.ws.OPEN) return;
    s.ws.send(typeof payload === 'string' ? payload : JSON.stringify(payload));
    counters.framesSent += 1;
  };

  const push = (
    s: Session,
    topic: string,
    type: 'snapshot' | 'delta',
    data: unknown,
    seq: number | string,
  ) => {
    send(s, { id: `${topic}-${seq}-${market.now}`, topic, ts: market.now, type, data });
  };

  const pushBook = (symbol: string, type: 'snapshot' | 'delta', data: BybitBookData): void => {
    for (const s of sessions) {
      for (const depth of DEPTHS) {
        const topic = `orderbook.${depth}.${symbol}`;
        if (s.topics.has(topic)) push(s, topic, type, data, data.seq);
      }
    }
  };

  const validTopic = (topic: unknown): topic is string => {
    if (typeof topic !== 'string') return false;
    const m = /^(?:orderbook\.(?:25|100)|tickers)\.(.+)$/.exec(topic);
    return m !== null && bySymbol.has(m[1]!);
  };

  const onCommand = (s: Session, op: 'subscribe' | 'unsubscribe', args: unknown[]): void => {
    const ok: string[] = [];
    const fail: string[] = [];
    const tooLong = JSON.stringify(args).length > MAX_ARGS_CHARS;
    for (const topic of args) {
      const full =
        op === 'subscribe' && !s.topics.has(topic as string) && s.topics.size >= MAX_ARGS_PER_CONNECTION;
      if (tooLong || full || !validTopic(topic)) fail.push(String(topic));
      else {
        ok.push(topic);
        if (op === 'subscribe') s.topics.add(topic);
        else s.topics.delete(topic);
      }
    }
    send(s, {
      success: fail.length === 0,
      ret_msg: tooLong
        ? `args length exceeds ${MAX_ARGS_CHARS}`
        : fail.length > 0
          ? 'some topics failed'
          : '',
      conn_id: s.connId,
      data: { failTopics: fail, successTopics: ok },
      type: 'COMMAND_RESP',
    });
    if (op !== 'subscribe') return;
    counters.subscribes += ok.length;
    // A fresh subscription gets its initial state at once: the book snapshot, a ticker.
    const tickers: [OptionInstrument, BybitBook][] = [];
    for (const topic of ok) {
      const symbol = symbolOf(topic);
      const book = bookOf(symbol);
      if (book === undefined) continue;
      if (topic.startsWith('orderbook.')) {
        const snap = book.snapshot();
        push(s, topic, 'snapshot', snap, snap.seq);
      } else tickers.push([bySymbol.get(symbol)!, book]);
    }
    if (tickers.length > 0) sendTickers(tickers, s);
  };

  const onMessage = (s: Session, text: string): void => {
    let msg: { op?: unknown; args?: unknown; req_id?: unknown };
    try {
      msg = JSON.parse(text) as typeof msg;
    } catch {
      send(s, {
        success: false,
        ret_msg: `error:invalid request ${text.slice(0, 50)}`,
        conn_id: s.connId,
        type: 'COMMAND_RESP',
      });
      return;
    }
    if (msg.op === 'ping') {
      counters.pings += 1;
      s.lastPingAt = Date.now();
      send(s, { args: [String(Date.now())], op: 'pong' });
    } else if ((msg.op === 'subscribe' || msg.op === 'unsubscribe') && Array.isArray(msg.args)) {
      onCommand(s, msg.op, msg.args);
    } else {
      send(s, {
        success: false,
        ret_msg: `error:handler not found for ${String(msg.op)}`,
        conn_id: s.connId,
        type: 'COMMAND_RESP',
      });
    }
  };

  /** Ticker snapshots of `pairs` to one session, or to every subscriber when `only` is absent. */
  const sendTickers = (pairs: [OptionInstrument, BybitBook][], only?: Session): void => {
    if (pairs.length === 0) return;
    market.ensurePriced();
    const rows = tickerRows(market, pairs);
    rows.forEach((row, i) => {
      const topic = `tickers.${pairs[i]![1].symbol}`;
      for (const s of only === undefined ? sessions : [only])
        if (s.topics.has(topic)) push(s, topic, 'snapshot', row, i);
    });
  };

  // ---- the loop: (own) model steps, book deltas, tickers ----
  let lastTickers = 0;
  const wallStart = Date.now();
  const subscribed = (prefix: 'orderbook' | 'tickers'): Set<string> => {
    const out = new Set<string>();
    for (const s of sessions) {
      for (const t of s.topics) if (t.startsWith(prefix)) out.add(symbolOf(t));
    }
    return out;
  };
  const tick = (): void => {
    // Time this process did not run is not a client's silence (loop-stall.ts).
    const late = stall.late();
    if (ownsMarket) market.advance(startTime + (Date.now() - wallStart));
    refresh();
    const wanted = subscribed('orderbook');
    if (wanted.size > 0) market.ensurePriced();
    const share =
      options.rate === undefined || wanted.size === 0
        ? updateShare
        : Math.min(1, (options.rate * tickMs) / 1000 / wanted.size);
    for (const symbol of wanted) {
      const o = bySymbol.get(symbol);
      const book = bookOf(symbol);
      if (o === undefined || book === undefined) continue;
      if (book.pendingGap || book.pendingReset || prng.chance(share))
        pushBook(symbol, 'delta', book.update(o));
    }
    // Wall-clock cadence: a shared market's clock is not ours to pace by.
    if (Date.now() - lastTickers >= tickerMs) {
      lastTickers = Date.now();
      const pairs: [OptionInstrument, BybitBook][] = [];
      for (const symbol of subscribed('tickers')) {
        const o = bySymbol.get(symbol);
        const book = bookOf(symbol);
        if (o !== undefined && book !== undefined) pairs.push([o, book]);
      }
      sendTickers(pairs);
    }
    if (pingTimeoutMs > 0) {
      for (const s of sessions) {
        s.lastPingAt += late;
        if (Date.now() - s.lastPingAt > pingTimeoutMs) s.ws.terminate();
      }
    }
  };

  // ---- HTTP (REST) and websocket ----
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    counters.restRequests += 1;
    refresh();
    instrumentsInfo(req, res, [...bySymbol.values()], pageLimit);
  };
  const http = createServer(onRequest);
  const wss = new WebSocketServer({ server: http, path: WS_PATH });
  wss.on('connection', (ws) => {
    const connId = `${(nextConn++).toString(16).padStart(8, '0')}-bybit-sim`;
    const s: Session = { ws, connId, topics: new Set(), lastPingAt: Date.now() };
    sessions.add(s);
    ws.on('message', (data: Buffer) => onMessage(s, data.toString()));
    ws.on('close', () => sessions.delete(s));
    ws.on('error', () => sessions.delete(s));
  });
  const host = options.host ?? '127.0.0.1';
  const port = await listen(http, options.port ?? 0, host);
  let paused = false;
  const timer = startTickLoop(
    tickMs,
    () => {
      if (!paused) tick();
    },
    options.logger,
    'Bybit',
  );

  return {
    url: `ws://${host}:${port}${WS_PATH}`,
    restUrl: `http://${host}:${port}`,
    port,
    market,
    ownsMarket,
    instruments: () => {
      refresh();
      return [...bySymbol.keys()];
    },
    books: (symbols) => bookViews(books, symbols),
    gap: (symbol) => {
      const book = bookOf(symbol);
      if (book !== undefined) book.pendingGap = true;
    },
    reset: (symbol) => {
      const book = bookOf(symbol);
      if (book !== undefined) book.pendingReset = true;
    },
    resnapshot: (symbol) => {
      const book = bookOf(symbol);
      if (book !== undefined) pushBook(symbol, 'snapshot', book.snapshot());
    },
    pause: () => {
      paused = true;
    },
    resume: () => {
      paused = false;
    },
    disconnectAll: () => {
      for (const s of sessions) s.ws.terminate();
    },
    listExtraExpiry: (currency) => {
      market.listExtraExpiry(currency);
      refresh();
    },
    expireNearest: (currency) => {
      market.expireNearest(currency);
      refresh();
    },
    sendMalformed: () => {
      const symbol = bySymbol.keys().next().value ?? 'BTC-1JAN30-1-C';
      for (const s of sessions) for (const frame of bybitMalformed(symbol)) send(s, frame);
    },
    stats: () => ({ sessions: sessions.size, ...counters }),
    stop: async () => {
      clearInterval(timer);
      await closeServers(sessions, wss, http);
    },
  };
}

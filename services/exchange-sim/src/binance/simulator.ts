/**
 * `startBinanceSimulator(options)`: a Binance European Options (eapi) simulator on loopback, in
 * the current fstream layout (EXCHANGES.md §0.3, §4), driven by the same market model and
 * ground-truth surface as the Deribit and OKX simulators (`Market`; pass `market` to share one).
 * Docs: https://developers.binance.com/docs/derivatives/option/websocket-market-streams
 * Speaks: combined streams at `/public/stream` (`<symbol>@depth@100ms|500ms`: diff events with
 * U/u/pu) and `/market/stream` (`<underlying>@optionMarkPrice`, `!index@arr`,
 * `<underlying>@optionIndexPrice`), frames `{"stream":…,"data":…}`; live
 * `{"method":"SUBSCRIBE"|"UNSUBSCRIBE"|"LIST_SUBSCRIPTIONS","params":[…],"id":n}` →
 * `{"result":null|[…],"id":n}` or `{"code":2,"msg":"Invalid request: …","id":n}`; at most 200
 * streams and 10 incoming messages per second per connection (more closes it, as Binance does);
 * websocket ping frames every `pingIntervalMs`, a connection without a pong for `pongTimeoutMs`
 * is dropped. REST (rest.ts): `GET /eapi/v1/exchangeInfo`, `GET /eapi/v1/depth?symbol=…&limit=…`.
 * Faults (methods): gap, reset, disconnect, malformed frames, pause, listings and expiries.
 */
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';
import { CURRENCIES, type Currency, type OptionInstrument } from '../deribit/instruments.ts';
import { Market } from '../deribit/market.ts';
import { initPricing } from '../deribit/pricing.ts';
import { LoopStall } from '../loop-stall.ts';
import { Prng } from '../prng.ts';
import { closeServers, listen, startTickLoop } from '../sim-server.ts';
import { bookViews, type VenueSimulatorOptions } from '../venue-sim-api.ts';
import { BinanceBook } from './binance-book.ts';
import { binanceName, underlying } from './instruments.ts';
import { markPriceRows } from './mark-price.ts';
import {
  type BinanceSession,
  DEPTH_STREAM,
  handleRequest,
  malformedFrames,
  type RequestContext,
} from './requests.ts';
import { binanceRest } from './rest.ts';

export { malformedFrames } from './requests.ts';

export interface BinanceSimulatorOptions extends VenueSimulatorOptions {
  /** Server loop period, ms (default 100, the `@depth@100ms` cadence). */
  tickMs?: number;
  /** Depth events per second across all connections at most (default unlimited). */
  rate?: number;
  /** optionMarkPrice and index period, ms (default 1000). */
  markPriceMs?: number;
  /** Websocket ping period, ms (Binance: 5 minutes). */
  pingIntervalMs?: number;
  /** A connection without a pong this long is closed (Binance: 15 minutes). */
  pongTimeoutMs?: number;
  /** Streams per connection (Binance: 200). */
  maxStreams?: number;
  /** Incoming messages per second per connection before it is closed (Binance: 10). */
  maxMessagesPerSec?: number;
  /**
   * `GET /eapi/v1/exchangeInfo` answers after this long (default 0): a slow listing, as a loaded
   * venue or client sees it, while the streams already flow.
   */
  exchangeInfoDelayMs?: number;
}

export interface BinanceBookView {
  lastUpdateId: number;
  bids: [number, number][];
  asks: [number, number][];
}

export interface BinanceSimulatorStats {
  sessions: number;
  pings: number;
  pongs: number;
  subscribes: number;
  framesSent: number;
  depthSnapshots: number;
  closedForRate: number;
}

export interface BinanceSimulator {
  /** Combined-stream URL of the public host: what `volstream connector --venue binance --url` takes. */
  url: string;
  marketUrl: string;
  restUrl: string;
  port: number;
  market: Market;
  /** Symbols listed now. */
  instruments(): string[];
  books(names?: string[]): Record<string, BinanceBookView>;
  /** The next event of the book skips update ids (`pu` ≠ last `u`). */
  gap(symbol: string): void;
  /** The next event restarts the book's update ids low, as after maintenance. */
  reset(symbol: string): void;
  /** Stops market data (book events, mark prices, index) until `resume`; requests are still answered. */
  pause(): void;
  resume(): void;
  /** Terminates every client connection. */
  disconnectAll(): void;
  /** Lists one more expiry of a currency now (seen on the next exchangeInfo). */
  listExtraExpiry(currency: Currency): void;
  /** Expires the nearest expiry of a currency now. */
  expireNearest(currency: Currency): void;
  /**
   * From now on every optionMarkPrice frame of the symbol's underlying also carries a row for
   * `symbol`, which exchangeInfo never lists (a symbol the client must count and drop).
   */
  markUnlisted(symbol: string): void;
  /** Sends each malformed frame of `malformedFrames()` to every client; returns how many per client. */
  sendMalformed(): number;
  stats(): BinanceSimulatorStats;
  stop(): Promise<void>;
}

export async function startBinanceSimulator(
  options: BinanceSimulatorOptions = {},
): Promise<BinanceSimulator> {
  await initPricing();
  const startTime = options.startTime ?? Date.now();
  const ownMarket = options.market === undefined;
  const market =
    options.market ??
    new Market({
      seed: options.seed ?? 1,
      startTime,
      currencies: options.currencies ?? CURRENCIES,
      lazyPricing: true,
      ...(options.calendar === undefined ? {} : { calendar: options.calendar }),
    });
  const currencies = [...market.currencies.keys()].filter(
    (c) => options.currencies === undefined || options.currencies.includes(c),
  );
  const prng = new Prng(`${String(options.seed ?? 1)}:binance`);
  const tickMs = options.tickMs ?? 100;
  const updateShare = options.updateShare ?? 0.3;
  const markPriceMs = options.markPriceMs ?? 1000;
  const maxStreams = options.maxStreams ?? 200;
  const maxMessagesPerSec = options.maxMessagesPerSec ?? 10;
  const pongTimeoutMs = options.pongTimeoutMs ?? 15 * 60_000;
  const bySymbol = new Map<string, OptionInstrument>();
  const ids = new Map<string, number>();
  const books = new Map<string, BinanceBook>();
  const sessions = new Set<BinanceSession>();
  const unlisted = new Set<string>();
  const counters = { pings: 0, pongs: 0, subscribes: 0, framesSent: 0, depthSnapshots: 0, closedForRate: 0 };
  let paused = false;

  /** Syncs the symbols with the market's listings (expired and delisted ones leave). */
  const refreshNames = (): void => {
    const seen = new Set<string>();
    for (const inst of market.instruments()) {
      if (inst.kind !== 'option' || inst.state !== 'open' || !currencies.includes(inst.currency)) continue;
      if (inst.expiry <= market.now) continue;
      const name = binanceName(inst);
      seen.add(name);
      if (!bySymbol.has(name)) {
        bySymbol.set(name, inst);
        ids.set(name, ids.size + 1);
      }
    }
    for (const name of [...bySymbol.keys()]) {
      if (!seen.has(name)) {
        bySymbol.delete(name);
        books.delete(name);
      }
    }
  };
  refreshNames();

  const bookOf = (symbol: string): BinanceBook | undefined => {
    const inst = bySymbol.get(symbol);
    if (inst === undefined) return undefined;
    let book = books.get(symbol);
    if (book === undefined) {
      market.ensurePriced();
      book = new BinanceBook(symbol, inst.currency, prng.fork(`book:${symbol}`));
      book.fill(inst);
      books.set(symbol, book);
    }
    return book;
  };

  const send = (s: BinanceSession, payload: unknown): void => {
    if (s.ws.readyState !== s.ws.OPEN) return;
    s.ws.send(typeof payload === 'string' ? payload : JSON.stringify(payload));
    counters.framesSent += 1;
  };

  const validStream = (s: BinanceSession, stream: string): boolean => {
    if (s.host === 'public') {
      const m = DEPTH_STREAM.exec(stream);
      return m !== null && bySymbol.has(m[1]!.toUpperCase());
    }
    if (stream === '!index@arr') return true;
    const m = /^([a-z0-9]+)@(optionMarkPrice|optionIndexPrice)$/.exec(stream);
    return m !== null && currencies.some((c) => underlying(c).toLowerCase() === m[1]);
  };

  const requests: RequestContext = {
    maxStreams,
    maxMessagesPerSec,
    validStream,
    send,
    subscribed: (stream) => {
      counters.subscribes += 1;
      const m = DEPTH_STREAM.exec(stream);
      if (m !== null) bookOf(m[1]!.toUpperCase());
    },
    closedForRate: () => {
      counters.closedForRate += 1;
    },
  };

  // ---- the loop: model steps (own market only), book events, mark prices, index ----
  let lastMark = Number.NEGATIVE_INFINITY;
  const wallStart = Date.now();
  const tick = (): void => {
    if (ownMarket) market.advance(startTime + (Date.now() - wallStart));
    refreshNames();
    if (paused) return;
    const wanted = new Set<string>();
    for (const s of sessions) {
      if (s.host !== 'public') continue;
      for (const stream of s.subs) {
        const m = DEPTH_STREAM.exec(stream);
        if (m !== null) wanted.add(m[1]!.toUpperCase());
      }
    }
    if (wanted.size > 0) market.ensurePriced();
    let budget = options.rate === undefined ? Number.POSITIVE_INFINITY : (options.rate * tickMs) / 1000;
    const events = new Map<string, unknown>();
    for (const symbol of wanted) {
      const inst = bySymbol.get(symbol);
      const book = bookOf(symbol);
      if (inst === undefined || book === undefined) continue;
      if (!(book.pendingGap || book.pendingReset || prng.chance(updateShare)) || budget < 1) continue;
      budget -= 1;
      events.set(symbol, book.update(inst, market.now));
    }
    for (const s of sessions) {
      if (s.host !== 'public') continue;
      for (const stream of s.subs) {
        const m = DEPTH_STREAM.exec(stream);
        const data = m === null ? undefined : events.get(m[1]!.toUpperCase());
        if (data !== undefined) send(s, { stream, data });
      }
    }
    // Wall-clock cadence: a shared market's clock is moved by its owner, maybe not at all.
    if (Date.now() - lastMark >= markPriceMs) {
      lastMark = Date.now();
      publishMarket();
    }
  };

  const publishMarket = (): void => {
    market.ensurePriced();
    const rows = new Map<string, unknown>();
    const rowsOf = (c: Currency): unknown => {
      let r = rows.get(c);
      if (r === undefined) {
        const list = [...bySymbol.entries()]
          .filter(([, o]) => o.currency === c)
          .map(([symbol, o]) => [symbol, o, bookOf(symbol)!] as [string, OptionInstrument, BinanceBook]);
        const listed = markPriceRows(market, list, market.currencies.get(c)!.index);
        const template = listed[0];
        for (const symbol of unlisted) {
          if (template !== undefined && symbol.startsWith(`${c}-`)) listed.push({ ...template, s: symbol });
        }
        r = listed;
        rows.set(c, r);
      }
      return r;
    };
    const indexRow = (c: Currency) => ({
      e: 'index',
      E: market.now,
      s: underlying(c),
      p: market.currencies.get(c)!.index.toFixed(8),
    });
    for (const s of sessions) {
      if (s.host !== 'market') continue;
      for (const stream of s.subs) {
        if (stream === '!index@arr') {
          send(s, { stream, data: currencies.map(indexRow) });
          continue;
        }
        const m = /^([a-z0-9]+)usdt@(optionMarkPrice|optionIndexPrice)$/.exec(stream);
        const c = m?.[1]?.toUpperCase() as Currency | undefined;
        if (m === null || c === undefined || !currencies.includes(c)) continue;
        send(s, { stream, data: m[2] === 'optionMarkPrice' ? rowsOf(c) : indexRow(c) });
      }
    }
  };

  // ---- HTTP (REST) and websocket ----
  const rest = binanceRest({
    market,
    currencies,
    refreshNames,
    bySymbol,
    ids,
    bookOf,
    depthSnapshot: () => {
      counters.depthSnapshots += 1;
    },
    exchangeInfoDelayMs: options.exchangeInfoDelayMs ?? 0,
  });
  const http = createServer(rest.onRequest);
  const wss = new WebSocketServer({ noServer: true });
  http.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://sim').pathname;
    const host = path === '/public/stream' ? 'public' : path === '/market/stream' ? 'market' : undefined;
    if (host === undefined) {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const s: BinanceSession = { ws, host, subs: new Set(), messageTimes: [], lastPong: Date.now() };
      sessions.add(s);
      ws.on('message', (data: Buffer) => handleRequest(s, data.toString(), requests));
      ws.on('pong', () => {
        counters.pongs += 1;
        s.lastPong = Date.now();
      });
      ws.on('close', () => sessions.delete(s));
      ws.on('error', () => sessions.delete(s));
    });
  });
  const host = options.host ?? '127.0.0.1';
  const port = await listen(http, options.port ?? 0, host);
  const timer = startTickLoop(tickMs, tick, options.logger, 'Binance');
  const pingIntervalMs = options.pingIntervalMs ?? 5 * 60_000;
  const pingerStall = new LoopStall(pingIntervalMs);
  const pinger = setInterval(() => {
    const now = Date.now();
    // Time this process did not run is not the client's silence (loop-stall.ts).
    const late = pingerStall.late(now);
    for (const s of sessions) {
      s.lastPong += late;
      if (now - s.lastPong > pongTimeoutMs) {
        s.ws.terminate();
        continue;
      }
      if (s.ws.readyState === s.ws.OPEN) {
        s.ws.ping();
        counters.pings += 1;
      }
    }
  }, pingIntervalMs);

  return {
    url: `ws://${host}:${port}/public/stream`,
    marketUrl: `ws://${host}:${port}/market/stream`,
    restUrl: `http://${host}:${port}`,
    port,
    market,
    instruments: () => {
      refreshNames();
      return [...bySymbol.keys()];
    },
    books: (names) => bookViews(books, names),
    gap: (symbol) => {
      const book = bookOf(symbol);
      if (book !== undefined) book.pendingGap = true;
    },
    reset: (symbol) => {
      const book = bookOf(symbol);
      if (book !== undefined) book.pendingReset = true;
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
      refreshNames();
    },
    expireNearest: (currency) => {
      market.expireNearest(currency);
      refreshNames();
    },
    markUnlisted: (symbol) => {
      unlisted.add(symbol);
    },
    sendMalformed: () => {
      const frames = malformedFrames([...bySymbol.keys()][0] ?? 'BTC-000101-1-C');
      for (const s of sessions) for (const frame of frames) send(s, frame);
      return frames.length;
    },
    stats: () => ({ sessions: sessions.size, ...counters }),
    stop: async () => {
      clearInterval(timer);
      clearInterval(pinger);
      rest.stop();
      // REST clients keep their sockets alive; close them too or `close` waits for them.
      await closeServers(sessions, wss, http, true);
    },
  };
}

/**
 * `startOkxSimulator(options)`: an OKX v5 public-websocket + REST simulator on loopback, driven by
 * the same seeded market model and ground-truth surface as the Deribit simulator (`Market`; sim
 * venues may share a market model, ARCHITECTURE.md). Docs: https://www.okx.com/docs-v5/en/#overview-websocket
 * Speaks: `{"op":"subscribe","args":[{channel, instId|instFamily|instType}]}` →
 * `{"event":"subscribe","arg":…,"connId":…}` (unknown channel/instrument → `{"event":"error",
 * "code":"60018"}`), pushes `{"arg":…,"action":"snapshot"|"update","data":[…]}` for `books`,
 * `{"arg":…,"data":[…]}` for `opt-summary`, `mark-price`, `index-tickers`, `instruments`; text
 * `ping` → `pong`; REST `GET /api/v5/public/instruments?instType=OPTION&uly=BTC-USD`.
 * Faults (methods): gap, reset, keep-alive, disconnect, malformed frames.
 * Books are the venue's own (VenueBooks): with a market shared with other venues' simulators, OKX
 * quotes the same truth but never moves another venue's book.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type WebSocket, WebSocketServer } from 'ws';
import { CURRENCIES, type Currency, type OptionInstrument } from '../deribit/instruments.ts';
import { Market } from '../deribit/market.ts';
import { initPricing } from '../deribit/pricing.ts';
import { Prng } from '../prng.ts';
import { isSharedMarket } from '../shared-market.ts';
import { closeServers, listen, startTickLoop } from '../sim-server.ts';
import { VenueBooks } from '../venue-books.ts';
import { bookViews, type VenueSimulatorOptions } from '../venue-sim-api.ts';
import { CONTRACT_MULT, family, okxInstrumentRow, okxName } from './instruments.ts';
import { OkxBook } from './okx-book.ts';
import { optSummaryRows } from './opt-summary.ts';

export interface OkxSimulatorOptions extends VenueSimulatorOptions {
  /** Server loop period, ms (default 100, OKX's `books` cadence). */
  tickMs?: number;
  /** An unchanged book gets an empty keep-alive update after this long (OKX: ~60 s). */
  keepAliveMs?: number;
  /** opt-summary and mark-price period, ms (default 1000). */
  summaryMs?: number;
  /**
   * Book updates per second across all subscribed books; replaces `updateShare` when set (how
   * `volstream run` splits its total simulator rate over the venues).
   */
  rate?: number;
}

export interface OkxBookView {
  seqId: number;
  bids: [number, number][];
  asks: [number, number][];
}

export interface OkxSimulator {
  url: string;
  restUrl: string;
  port: number;
  market: Market;
  /** OKX instIds of the listed options. */
  instruments(): string[];
  books(names?: string[]): Record<string, OkxBookView>;
  /** Next update of the book skips seqIds (prevSeqId ≠ last seqId). */
  gap(instId: string): void;
  /** Next update restarts the sequence lower (seqId < prevSeqId), as after maintenance. */
  reset(instId: string): void;
  /** Sends an empty keep-alive update (prevSeqId == seqId) for the book now. */
  keepAlive(instId: string): void;
  /** Stops sending market data (book updates, summaries) until `resume`; protocol still answered. */
  pause(): void;
  resume(): void;
  /** Terminates every client connection. */
  disconnectAll(): void;
  /** Lists one more expiry of a currency now (pushed on `instruments`). */
  listExtraExpiry(currency: Currency): void;
  /** Expires the nearest expiry of a currency now (pushed on `instruments` as `expired`). */
  expireNearest(currency: Currency): void;
  /** Sends a malformed frame of each kind to every client. */
  sendMalformed(): void;
  stats(): { sessions: number; pings: number; subscribes: number; framesSent: number };
  stop(): Promise<void>;
}

interface Arg {
  channel: string;
  instId?: string;
  instFamily?: string;
  uly?: string;
  instType?: string;
}

interface Session {
  ws: WebSocket;
  connId: string;
  subs: Map<string, Arg>;
}

const key = (a: Arg): string => `${a.channel}:${a.instId ?? a.instFamily ?? a.uly ?? a.instType ?? ''}`;

export async function startOkxSimulator(options: OkxSimulatorOptions = {}): Promise<OkxSimulator> {
  await initPricing();
  const startTime = options.startTime ?? Date.now();
  const shared = options.market;
  const currencies =
    shared === undefined ? (options.currencies ?? CURRENCIES) : [...shared.currencies.keys()];
  const market =
    shared ??
    new Market({
      seed: options.seed ?? 1,
      startTime,
      currencies,
      lazyPricing: true,
      ...(options.calendar === undefined ? {} : { calendar: options.calendar }),
    });
  const prng = new Prng(`${String(options.seed ?? 1)}:okx`);
  const venueBooks = new VenueBooks(market, prng.fork('books'));
  const tickMs = options.tickMs ?? 100;
  const updateShare = options.updateShare ?? 0.3;
  const keepAliveMs = options.keepAliveMs ?? 60_000;
  const summaryMs = options.summaryMs ?? 1000;
  const byOkx = new Map<string, OptionInstrument>();
  const books = new Map<string, OkxBook>();
  const sessions = new Set<Session>();
  const counters = { pings: 0, subscribes: 0, framesSent: 0 };
  let nextConn = 1;

  /** Syncs the OKX names with the market's listings; returns the rows that changed. */
  const refreshNames = (): Record<string, string>[] => {
    const changed: Record<string, string>[] = [];
    for (const inst of market.instruments()) {
      if (inst.kind !== 'option' || inst.state !== 'open') continue;
      const name = okxName(inst);
      if (!byOkx.has(name)) {
        byOkx.set(name, inst);
        changed.push(okxInstrumentRow(inst));
      }
    }
    for (const [name, inst] of byOkx) {
      if (inst.state !== 'open' || inst.expiry <= market.now) {
        byOkx.delete(name);
        venueBooks.forget(inst.name);
        changed.push(okxInstrumentRow(inst, 'expired'));
      }
    }
    return changed;
  };
  refreshNames();

  const bookOf = (name: string): OkxBook => {
    let book = books.get(name);
    if (book === undefined) {
      const inst = byOkx.get(name)!;
      book = new OkxBook(CONTRACT_MULT[inst.currency], prng.fork(`book:${name}`));
      books.set(name, book);
    }
    return book;
  };

  const send = (s: Session, payload: unknown): void => {
    if (s.ws.readyState !== s.ws.OPEN) return;
    s.ws.send(typeof payload === 'string' ? payload : JSON.stringify(payload));
    counters.framesSent += 1;
  };

  const bookSnapshot = (name: string) => {
    const inst = byOkx.get(name)!;
    return bookOf(name).snapshot(venueBooks.snapshot(inst), market.now);
  };

  const validArg = (a: Arg): boolean => {
    switch (a.channel) {
      case 'books':
      case 'mark-price':
        return typeof a.instId === 'string' && byOkx.has(a.instId);
      case 'opt-summary': {
        const fam = a.instFamily ?? a.uly;
        return currencies.some((c) => family(c) === fam);
      }
      case 'index-tickers':
        return currencies.some((c) => family(c) === a.instId);
      case 'instruments':
        return a.instType === 'OPTION';
      default:
        return false;
    }
  };

  const onSubscribe = (s: Session, op: string, id: unknown, args: Arg[]): void => {
    for (const a of args) {
      if (typeof a !== 'object' || a === null || !validArg(a)) {
        send(s, {
          event: 'error',
          code: '60018',
          msg: `Wrong URL or channel:${JSON.stringify(a)}, Instrument ID or underlying doesn't exist.`,
          connId: s.connId,
        });
        continue;
      }
      const ack = { ...(typeof id === 'string' ? { id } : {}), event: op, arg: a, connId: s.connId };
      if (op === 'unsubscribe') {
        s.subs.delete(key(a));
        send(s, ack);
        continue;
      }
      counters.subscribes += 1;
      s.subs.set(key(a), a);
      send(s, ack);
      // A fresh subscription gets its initial state at once.
      if (a.channel === 'books') send(s, { arg: a, action: 'snapshot', data: [bookSnapshot(a.instId!)] });
      if (a.channel === 'instruments') send(s, { arg: a, data: instrumentRows() });
    }
  };

  const instrumentRows = (fam?: string): Record<string, string>[] =>
    [...byOkx.values()]
      .filter((o) => fam === undefined || family(o.currency) === fam)
      .map((o) => okxInstrumentRow(o));

  const onMessage = (s: Session, text: string): void => {
    if (text === 'ping') {
      counters.pings += 1;
      send(s, 'pong');
      return;
    }
    let msg: { op?: unknown; args?: unknown; id?: unknown };
    try {
      msg = JSON.parse(text) as typeof msg;
    } catch {
      send(s, {
        event: 'error',
        code: '60012',
        msg: `Invalid request: ${text.slice(0, 100)}`,
        connId: s.connId,
      });
      return;
    }
    if ((msg.op === 'subscribe' || msg.op === 'unsubscribe') && Array.isArray(msg.args)) {
      onSubscribe(s, msg.op, msg.id, msg.args as Arg[]);
    } else {
      send(s, {
        event: 'error',
        code: '60012',
        msg: `Invalid request: ${text.slice(0, 100)}`,
        connId: s.connId,
      });
    }
  };

  /** Listings and expiries are pushed on the `instruments` channel, as OKX does on changes. */
  const pushListings = (): void => {
    const changed = refreshNames();
    if (changed.length === 0) return;
    for (const s of sessions) {
      const a = s.subs.get('instruments:OPTION');
      if (a !== undefined) send(s, { arg: a, data: changed });
    }
  };

  // ---- the loop: model steps, book updates, keep-alives, summaries ----
  let lastSummary = 0;
  let lastListingCheck = 0;
  // A SharedMarket's clock says when listings change.
  const unlisten = isSharedMarket(shared)
    ? shared.onEvents((events) => {
        if (events.some((e) => e.type === 'state')) pushListings();
      })
    : () => {};
  const subscribedBooks = (): Set<string> => {
    const out = new Set<string>();
    for (const s of sessions)
      for (const a of s.subs.values()) if (a.channel === 'books' && a.instId) out.add(a.instId);
    return out;
  };
  const pushBook = (name: string, data: unknown): void => {
    for (const s of sessions) {
      const a = s.subs.get(`books:${name}`);
      if (a !== undefined) send(s, { arg: a, action: 'update', data: [data] });
    }
  };
  const tick = (): void => {
    if (shared === undefined) {
      const events = market.advance(startTime + (Date.now() - wallStart));
      if (events.some((e) => e.type === 'state')) pushListings();
    } else if (!isSharedMarket(shared) && market.now - lastListingCheck >= 1000) {
      // Someone else moves this market and tells no one: compare listings once a second.
      lastListingCheck = market.now;
      pushListings();
    }
    const wanted = subscribedBooks();
    if (wanted.size > 0) market.ensurePriced();
    const share =
      options.rate === undefined || wanted.size === 0
        ? updateShare
        : Math.min(1, (options.rate * tickMs) / 1000 / wanted.size);
    for (const name of wanted) {
      const inst = byOkx.get(name);
      if (inst === undefined) continue;
      const book = bookOf(name);
      if (book.pendingGap || book.pendingReset || prng.chance(share)) {
        const u = venueBooks.update(inst);
        pushBook(name, book.update(u, market.now));
      } else if (market.now - book.lastSentAt >= keepAliveMs) {
        pushBook(name, book.keepAlive(market.now));
      }
    }
    if (market.now - lastSummary >= summaryMs) {
      lastSummary = market.now;
      publishSummaries();
    }
  };

  const publishSummaries = (): void => {
    market.ensurePriced();
    for (const s of sessions) {
      for (const a of s.subs.values()) {
        if (a.channel === 'opt-summary') send(s, { arg: a, data: summaryRows(a.instFamily ?? a.uly ?? '') });
        else if (a.channel === 'index-tickers') {
          const cm = market.currencies.get(a.instId!.split('-')[0] as Currency);
          if (cm !== undefined) {
            send(s, {
              arg: a,
              data: [{ instId: a.instId, idxPx: String(cm.index), ts: String(market.now) }],
            });
          }
        } else if (a.channel === 'mark-price') {
          const o = byOkx.get(a.instId!);
          if (o !== undefined) {
            send(s, {
              arg: a,
              data: [
                { instId: a.instId, instType: 'OPTION', markPx: String(o.mark), ts: String(market.now) },
              ],
            });
          }
        }
      }
    }
  };

  const summaryRows = (fam: string): Record<string, string>[] =>
    optSummaryRows(
      market,
      [...byOkx.entries()].filter(([, o]) => family(o.currency) === fam),
      fam,
    );

  // ---- HTTP (REST) and websocket ----
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://sim');
    if (url.pathname !== '/api/v5/public/instruments') {
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end('{"code":"404","msg":"Not Found","data":[]}');
      return;
    }
    const fam = url.searchParams.get('instFamily') ?? url.searchParams.get('uly') ?? undefined;
    if (url.searchParams.get('instType') !== 'OPTION' || fam === undefined) {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end('{"code":"51000","msg":"Parameter instFamily error","data":[]}');
      return;
    }
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ code: '0', msg: '', data: instrumentRows(fam) }));
  };
  const http = createServer(onRequest);
  const wss = new WebSocketServer({ server: http, path: '/ws/v5/public' });
  wss.on('connection', (ws) => {
    const s: Session = { ws, connId: (nextConn++).toString(16).padStart(8, '0'), subs: new Map() };
    sessions.add(s);
    ws.on('message', (data: Buffer) => onMessage(s, data.toString()));
    ws.on('close', () => sessions.delete(s));
    ws.on('error', () => sessions.delete(s));
  });
  const wallStart = Date.now();
  const port = await listen(http, options.port ?? 0, options.host ?? '127.0.0.1');
  let paused = false;
  const timer = startTickLoop(
    tickMs,
    () => {
      if (!paused) tick();
    },
    options.logger,
    'OKX',
  );
  const host = options.host ?? '127.0.0.1';

  return {
    url: `ws://${host}:${port}/ws/v5/public`,
    restUrl: `http://${host}:${port}`,
    port,
    market,
    // Listings change only in the loop (market.advance), which also pushes them.
    instruments: () => [...byOkx.keys()],
    books: (names) => bookViews(books, names),
    gap: (name) => {
      bookOf(name).pendingGap = true;
    },
    reset: (name) => {
      bookOf(name).pendingReset = true;
    },
    keepAlive: (name) => pushBook(name, bookOf(name).keepAlive(market.now)),
    pause: () => {
      paused = true;
    },
    resume: () => {
      paused = false;
    },
    listExtraExpiry: (currency) => {
      market.listExtraExpiry(currency);
      pushListings();
    },
    expireNearest: (currency) => {
      market.expireNearest(currency);
      pushListings();
    },
    disconnectAll: () => {
      for (const s of sessions) s.ws.terminate();
    },
    sendMalformed: () => {
      for (const s of sessions) {
        for (const frame of MALFORMED) send(s, frame);
      }
    },
    stats: () => ({ sessions: sessions.size, ...counters }),
    stop: async () => {
      unlisten();
      clearInterval(timer);
      await closeServers(sessions, wss, http);
    },
  };
}

/** Malformed frames a client must count and drop: bad JSON, unknown shapes, bad values. */
export const MALFORMED: readonly string[] = [
  '{"arg":{"channel":"books","instId":',
  '[1,2,3]',
  '{"hello":"world"}',
  '{"arg":{"channel":"no-such-channel","instId":"X"},"data":[{}]}',
  '{"arg":{"channel":"index-tickers","instId":"BTC-USD"},"data":[{"instId":"BTC-USD","idxPx":"NaN","ts":"1"}]}',
  '{"arg":{"channel":"mark-price","instId":"BTC-USD-000101-1-C"},"data":[{"instId":"BTC-USD-000101-1-C","instType":"OPTION","markPx":"0.1","ts":"1"}]}',
];

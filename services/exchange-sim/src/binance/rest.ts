// The Binance options REST endpoints the simulator serves: `GET /eapi/v1/exchangeInfo` (every
// listed symbol; optionally answered late, a slow listing) and `GET /eapi/v1/depth` (the book
// snapshot whose `u` the diff events continue). Docs:
// https://developers.binance.com/docs/derivatives/option/market-data/Exchange-Information ,
// https://developers.binance.com/docs/derivatives/option/market-data/Order-Book
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Currency, OptionInstrument } from '../deribit/instruments.ts';
import type { Market } from '../deribit/market.ts';
import type { BinanceBook } from './binance-book.ts';
import { binanceContracts, binanceSymbolRow } from './instruments.ts';

/** What the REST handler reads of the simulator. */
export interface BinanceRestContext {
  market: Market;
  currencies: readonly Currency[];
  /** Syncs the listed symbols with the market before a listing is answered. */
  refreshNames(): void;
  /** Listed symbols and their instruments, and their exchangeInfo ids. */
  bySymbol: ReadonlyMap<string, OptionInstrument>;
  ids: ReadonlyMap<string, number>;
  bookOf(symbol: string): BinanceBook | undefined;
  /** A depth snapshot was served. */
  depthSnapshot(): void;
  /** exchangeInfo answers after this long (0: at once). */
  exchangeInfoDelayMs: number;
}

export interface BinanceRest {
  onRequest(req: IncomingMessage, res: ServerResponse): void;
  /** Drops the answers still waiting for their delay. */
  stop(): void;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

export function binanceRest(ctx: BinanceRestContext): BinanceRest {
  const waiting = new Set<NodeJS.Timeout>();
  const exchangeInfo = (res: ServerResponse): void => {
    ctx.refreshNames();
    json(res, 200, {
      timezone: 'UTC',
      serverTime: ctx.market.now,
      optionContracts: binanceContracts(ctx.currencies),
      optionAssets: [{ name: 'USDT' }],
      optionSymbols: [...ctx.bySymbol].map(([name, o]) => binanceSymbolRow(o, ctx.ids.get(name) ?? 0)),
      rateLimits: [
        { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 2400 },
        { rateLimitType: 'ORDERS', interval: 'MINUTE', intervalNum: 1, limit: 1200 },
      ],
    });
  };
  return {
    onRequest(req, res) {
      const url = new URL(req.url ?? '/', 'http://sim');
      if (url.pathname === '/eapi/v1/exchangeInfo') {
        if (ctx.exchangeInfoDelayMs > 0) {
          const timer = setTimeout(() => {
            waiting.delete(timer);
            exchangeInfo(res);
          }, ctx.exchangeInfoDelayMs);
          waiting.add(timer);
        } else exchangeInfo(res);
        return;
      }
      if (url.pathname === '/eapi/v1/depth') {
        const book = ctx.bookOf(url.searchParams.get('symbol') ?? '');
        if (book === undefined) {
          json(res, 400, { code: -1121, msg: 'Invalid symbol.' });
          return;
        }
        ctx.depthSnapshot();
        const limit = Number(url.searchParams.get('limit') ?? '100');
        json(res, 200, book.snapshot(ctx.market.now, Number.isFinite(limit) && limit > 0 ? limit : 100));
        return;
      }
      json(res, 404, { code: -1, msg: 'Not found' });
    },
    stop() {
      for (const timer of waiting) clearTimeout(timer);
      waiting.clear();
    },
  };
}

// REST `GET /v5/market/instruments-info?category=option&baseCoin=BTC&limit=&cursor=` of the Bybit
// simulator: `{"retCode":0,"retMsg":"success","result":{"category":"option","nextPageCursor",
// "list"}}`, paged by an opaque cursor (empty on the last page); other categories get retCode
// 10001. Docs: https://bybit-exchange.github.io/docs/v5/market/instrument
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OptionInstrument } from '../deribit/instruments.ts';
import { bybitInstrumentRow } from './instruments.ts';

function reply(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  res
    .writeHead(status, { 'content-type': 'application/json' })
    .end(JSON.stringify({ result: {}, retExtInfo: {}, time: Date.now(), ...body }));
}

/** Answers one request with a page of the listed options (`listed`, in listing order). */
export function instrumentsInfo(
  req: IncomingMessage,
  res: ServerResponse,
  listed: readonly OptionInstrument[],
  defaultLimit: number,
): void {
  const url = new URL(req.url ?? '/', 'http://sim');
  if (url.pathname !== '/v5/market/instruments-info') {
    reply(res, 404, { retCode: 10_404, retMsg: 'Not Found' });
    return;
  }
  if (url.searchParams.get('category') !== 'option') {
    reply(res, 200, { retCode: 10_001, retMsg: 'params error: category' });
    return;
  }
  const base = url.searchParams.get('baseCoin') ?? 'BTC';
  const limit = Math.min(
    1000,
    Math.max(1, Number(url.searchParams.get('limit') ?? defaultLimit) || defaultLimit),
  );
  const cursor = url.searchParams.get('cursor');
  const offset =
    cursor === null || cursor === '' ? 0 : Number(Buffer.from(cursor, 'base64url').toString().slice(2));
  if (!Number.isSafeInteger(offset) || offset < 0) {
    reply(res, 200, { retCode: 10_001, retMsg: 'params error: cursor' });
    return;
  }
  const all = listed.filter((o) => o.currency === base);
  const list = all.slice(offset, offset + limit).map((o) => bybitInstrumentRow(o));
  const next = offset + limit < all.length ? Buffer.from(`o:${offset + limit}`).toString('base64url') : '';
  reply(res, 200, {
    retCode: 0,
    retMsg: 'success',
    result: { category: 'option', nextPageCursor: next, list },
  });
}

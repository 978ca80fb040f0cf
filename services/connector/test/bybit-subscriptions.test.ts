// Bybit topics and request limits (EXCHANGES.md §3): topic names and classification, requests packed
// under 21,000 characters of args, the 2,000-args cap per connection enforced by the shard, and the
// REST base derived from a websocket URL.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '@volstream/logging';
import { createReceiveClock } from '../src/clock.ts';
import { CollectingSink } from '../src/sink.ts';
import { BybitFeed } from '../src/venues/bybit/feed.ts';
import { bybitFeedOptions, bybitRestUrlFor } from '../src/venues/bybit/index.ts';
import {
  BYBIT_OPTION_URL,
  bookTopic,
  instrumentTopics,
  MAX_REQUEST_ARGS_CHARS,
  packRequests,
  tickerTopic,
  topicDepth,
  topicKind,
  topicSymbol,
} from '../src/venues/bybit/subscriptions.ts';

describe('Bybit topics', () => {
  it('names, kinds, symbols and depths', () => {
    assert.equal(bookTopic('BTC-27DEC24-60000-C'), 'orderbook.25.BTC-27DEC24-60000-C');
    assert.equal(bookTopic('BTC-27DEC24-60000-C', 100), 'orderbook.100.BTC-27DEC24-60000-C');
    assert.equal(tickerTopic('ETH-28FEB25-2800-C'), 'tickers.ETH-28FEB25-2800-C');
    assert.deepEqual(instrumentTopics('X'), ['orderbook.25.X', 'tickers.X']);
    assert.equal(topicKind('orderbook.25.X'), 'book');
    assert.equal(topicKind('tickers.X'), 'ticker');
    assert.equal(topicKind('publicTrade.BTC'), 'unknown');
    assert.equal(topicSymbol('orderbook.100.BTC-27MAR26-70000-P-USDT'), 'BTC-27MAR26-70000-P-USDT');
    assert.equal(topicSymbol('tickers.XRP-27DEC24-0.5-P'), 'XRP-27DEC24-0.5-P');
    assert.equal(topicSymbol('orderbook.25'), undefined);
    assert.equal(topicDepth('orderbook.100.X'), 100);
    assert.equal(topicDepth('tickers.X'), undefined);
  });

  it('packs requests under 21,000 characters of args, in order, nothing lost', () => {
    const topics = Array.from({ length: 2000 }, (_, i) => bookTopic(`BTC-27DEC24-${10_000 + i * 500}-C`));
    const requests = packRequests(topics);
    assert.ok(requests.length > 1);
    for (const args of requests)
      assert.ok(JSON.stringify(args).length < MAX_REQUEST_ARGS_CHARS, `${JSON.stringify(args).length}`);
    assert.deepEqual(requests.flat(), topics);
    assert.deepEqual(packRequests([]), []);
  });

  it('a connection takes at most maxArgsPerConnection topics; the rest are refused, not sent', () => {
    const feed = new BybitFeed(
      bybitFeedOptions({ currencies: ['BTC'], connections: 1, tuning: { maxArgsPerConnection: 6 } }),
      {
        sink: new CollectingSink(),
        logger: createLogger({ service: 'connector', level: 'silent' }),
        clock: createReceiveClock(),
      },
    );
    const rows = [60_000, 65_000, 70_000, 75_000].map((strike) => ({
      symbol: `BTC-27DEC30-${strike}-C`,
      optionsType: 'Call',
      status: 'Trading',
      baseCoin: 'BTC',
      quoteCoin: 'USD',
      settleCoin: 'USDC',
      launchTime: '1700000000000',
      deliveryTime: String(Date.UTC(2030, 11, 27, 8)),
      priceFilter: { tickSize: '5' },
      lotSizeFilter: { minOrderQty: '0.01' },
    }));
    feed.applyInstrumentList('BTC', rows);
    assert.equal(feed.registry.size, 4);
    assert.equal(feed.shards[0]!.wanted.size, 6, 'three instruments × (book, ticker)');
  });

  it('REST base of a websocket URL', () => {
    assert.equal(bybitRestUrlFor(BYBIT_OPTION_URL), 'https://api.bybit.com');
    assert.equal(
      bybitRestUrlFor('wss://stream-testnet.bybit.com/v5/public/option'),
      'https://api-testnet.bybit.com',
    );
    assert.equal(bybitRestUrlFor('ws://127.0.0.1:4321/v5/public/option'), 'http://127.0.0.1:4321');
  });
});

describe('Bybit acknowledgements', () => {
  it('a linear-form ack ({"success":true,"op":"subscribe","req_id"}) confirms the topics of that request', async () => {
    const { createServer } = await import('node:http');
    const { WebSocketServer } = await import('ws');
    const row = {
      symbol: 'BTC-27DEC30-60000-C',
      optionsType: 'Call',
      status: 'Trading',
      baseCoin: 'BTC',
      quoteCoin: 'USD',
      settleCoin: 'USDC',
      launchTime: '1700000000000',
      deliveryTime: String(Date.UTC(2030, 11, 27, 8)),
      priceFilter: { tickSize: '5' },
      lotSizeFilter: { minOrderQty: '0.01' },
    };
    const http = createServer((_req, res) => {
      res.end(
        JSON.stringify({
          retCode: 0,
          retMsg: 'OK',
          result: { category: 'option', nextPageCursor: '', list: [row] },
        }),
      );
    });
    const wss = new WebSocketServer({ server: http });
    const requests: { req_id: string; op: string; args: string[] }[] = [];
    wss.on('connection', (ws) => {
      ws.on('message', (d: Buffer) => {
        const msg = JSON.parse(d.toString()) as { req_id: string; op: string; args: string[] };
        requests.push(msg);
        if (msg.op === 'subscribe') {
          ws.send(
            JSON.stringify({
              success: true,
              ret_msg: '',
              conn_id: 'c1',
              req_id: msg.req_id,
              op: 'subscribe',
            }),
          );
        }
      });
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const port = (http.address() as { port: number }).port;
    const feed = new BybitFeed(
      bybitFeedOptions({
        url: `ws://127.0.0.1:${port}/v5/public/option`,
        currencies: ['BTC'],
        connections: 1,
        tuning: { instrumentRefreshMs: 0 },
      }),
      {
        sink: new CollectingSink(),
        logger: createLogger({ service: 'connector', level: 'silent' }),
        clock: createReceiveClock(),
      },
    );
    try {
      feed.start();
      await feed.whenConverged(30_000);
      assert.equal(feed.stats().channelsSubscribed, 2);
      assert.ok(requests.every((r) => typeof r.req_id === 'string' && r.req_id !== ''));
      assert.deepEqual(requests.find((r) => r.op === 'subscribe')?.args.sort(), [
        'orderbook.25.BTC-27DEC30-60000-C',
        'tickers.BTC-27DEC30-60000-C',
      ]);
    } finally {
      await feed.stop();
      wss.close();
      await new Promise((r) => http.close(r));
    }
  });
});

// The Binance options simulator's protocol: SUBSCRIBE/UNSUBSCRIBE/LIST_SUBSCRIPTIONS replies and
// errors, the 200-stream and 10-messages-per-second caps, diff events chained by U/u/pu and
// consistent with the REST depth snapshot, optionMarkPrice rows with the venue's "no value"
// conventions, index streams, ping frames and the pong timeout, and a shared Market that the
// simulator reads but never advances.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { type BinanceSimulator, Market, startBinanceSimulator } from '../src/index.ts';
import { settle } from './client.ts';

class Client {
  readonly frames: Record<string, unknown>[] = [];
  pings = 0;
  closedCode: number | undefined;
  #id = 1;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => this.frames.push(JSON.parse(String(d)) as Record<string, unknown>));
    ws.on('ping', () => {
      this.pings += 1;
    });
    ws.on('close', (code) => {
      this.closedCode = code;
    });
  }

  static async open(url: string, autoPong = true): Promise<Client> {
    const ws = new WebSocket(url, { autoPong });
    await once(ws, 'open');
    return new Client(ws);
  }

  request(method: string, params?: string[]): number {
    const id = this.#id++;
    this.ws.send(JSON.stringify(params === undefined ? { method, id } : { method, params, id }));
    return id;
  }

  async reply(id: number): Promise<Record<string, unknown>> {
    await until(`reply ${id}`, () => this.frames.some((f) => f.id === id));
    return this.frames.find((f) => f.id === id)!;
  }

  of(stream: string): unknown[] {
    return this.frames.filter((f) => f.stream === stream).map((f) => f.data);
  }
}

async function until(what: string, cond: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`Expected ${what} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('Binance simulator protocol', () => {
  let sim: BinanceSimulator;

  before(async () => {
    sim = await startBinanceSimulator({
      seed: 'binance-sim-test',
      currencies: ['BTC', 'ETH'],
      calendar: { dailies: 1, weeklies: 1, monthlies: 0, quarterlies: 0 },
      tickMs: 20,
      updateShare: 1,
      markPriceMs: 100,
      pingIntervalMs: 100,
      pongTimeoutMs: 400,
    });
  });

  after(() => sim.stop());

  it('lists linear USDT option symbols on exchangeInfo', async () => {
    const info = (await (await fetch(`${sim.restUrl}/eapi/v1/exchangeInfo`)).json()) as {
      optionSymbols: Record<string, unknown>[];
      optionContracts: Record<string, unknown>[];
    };
    assert.equal(info.optionSymbols.length, sim.instruments().length);
    const row = info.optionSymbols.find((r) => String(r.symbol).startsWith('BTC-'))!;
    assert.match(String(row.symbol), /^BTC-\d{6}-\d+-[CP]$/);
    assert.equal(row.quoteAsset, 'USDT');
    assert.equal(row.underlying, 'BTCUSDT');
    assert.equal(row.unit, 1);
    assert.equal(new Date(row.expiryDate as number).getUTCHours(), 8);
    assert.deepEqual(
      info.optionContracts.map((c) => c.underlying),
      ['BTCUSDT', 'ETHUSDT'],
    );
    const bad = await fetch(`${sim.restUrl}/eapi/v1/depth?symbol=NOPE`);
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { code: number }).code, -1121);
  });

  it('diff events chain by pu = previous u and rebuild the REST snapshot', async () => {
    const symbol = sim.instruments().find((s) => s.startsWith('BTC-'))!;
    const stream = `${symbol.toLowerCase()}@depth@100ms`;
    const c = await Client.open(sim.url);
    assert.deepEqual(await c.reply(c.request('SUBSCRIBE', [stream])), { result: null, id: 1 });
    await until('events', () => c.of(stream).length >= 3);
    const snap = (await (await fetch(`${sim.restUrl}/eapi/v1/depth?symbol=${symbol}&limit=100`)).json()) as {
      u: number;
      bids: [string, string][];
      asks: [string, string][];
    };
    const book = { bids: new Map(snap.bids), asks: new Map(snap.asks) };
    await until('events after the snapshot', () =>
      c.of(stream).some((d) => (d as { u: number }).u > snap.u + 20),
    );
    sim.pause();
    // Everything in flight arrives first (a fixed sleep was too short on a loaded machine).
    await settle(() => c.frames.length);
    const events = c.of(stream) as {
      U: number;
      u: number;
      pu: number;
      s: string;
      b: [string, string][];
      a: [string, string][];
    }[];
    for (let i = 1; i < events.length; i += 1) {
      assert.equal(events[i]!.pu, events[i - 1]!.u, 'pu continues the previous u');
      assert.ok(events[i]!.U > events[i]!.pu && events[i]!.u >= events[i]!.U);
      assert.equal(events[i]!.s, symbol);
    }
    // Apply everything after the snapshot; the result is the simulator's book.
    for (const e of events.filter((x) => x.u > snap.u)) {
      for (const [side, levels] of [
        [book.bids, e.b],
        [book.asks, e.a],
      ] as const) {
        for (const [p, q] of levels) {
          if (Number(q) === 0) side.delete(p);
          else side.set(p, q);
        }
      }
    }
    const view = sim.books([symbol])[symbol]!;
    assert.deepEqual(
      [...book.bids].map(([p, q]): [number, number] => [Number(p), Number(q)]).sort((x, y) => y[0] - x[0]),
      view.bids,
    );
    assert.deepEqual(
      [...book.asks].map(([p, q]): [number, number] => [Number(p), Number(q)]).sort((x, y) => x[0] - y[0]),
      view.asks,
    );
    // BTC option prices are USDT on a 5 USDT tick, best bid below best ask.
    for (const [p] of [...view.bids, ...view.asks]) assert.equal(p % 5, 0);
    if (view.bids.length > 0 && view.asks.length > 0) assert.ok(view.bids[0]![0] < view.asks[0]![0]);
    sim.resume();
    sim.gap(symbol);
    const seen = c.of(stream).length;
    await until('the gap event', () => c.of(stream).length > seen);
    const [prev, gap] = (c.of(stream) as { u: number; pu: number }[]).slice(seen - 1, seen + 1);
    assert.notEqual(gap!.pu, prev!.u, 'a gap: pu skips the last u');
    c.ws.close();
  });

  it('optionMarkPrice rows: decimal IVs, "-1.0" without a quote, USDT marks; index on both streams', async () => {
    const c = await Client.open(sim.marketUrl);
    await c.reply(
      c.request('SUBSCRIBE', ['btcusdt@optionMarkPrice', '!index@arr', 'ethusdt@optionIndexPrice']),
    );
    await until(
      'mark prices and index',
      () =>
        c.of('btcusdt@optionMarkPrice').length > 0 &&
        c.of('!index@arr').length > 0 &&
        c.of('ethusdt@optionIndexPrice').length > 0,
    );
    const rows = c.of('btcusdt@optionMarkPrice')[0] as Record<string, unknown>[];
    assert.equal(rows.length, sim.instruments().filter((s) => s.startsWith('BTC-')).length);
    for (const r of rows) {
      for (const k of ['mp', 'i', 'bo', 'ao', 'bq', 'aq', 'b', 'a', 'vo', 'd', 't', 'g', 'v', 'rf']) {
        assert.equal(typeof r[k], 'string', `${k} is a string`);
      }
      const vo = Number(r.vo);
      assert.ok(vo > 0.05 && vo < 5, `mark IV ${vo} is a decimal`);
      if (r.bo === '0.000') assert.equal(r.b, '-1.0', 'no bid → no bid IV');
      if (r.ao === '0.000') assert.equal(r.a, '-1.0', 'no ask → no ask IV');
      // A quote below intrinsic value has no IV either ("-1.0"); any other IV is a decimal.
      for (const k of ['b', 'a'])
        if (r[k] !== '-1.0') assert.ok(Number(r[k]) > 0 && Number(r[k]) < 5, `${k} ${r[k]}`);
    }
    assert.ok(
      rows.some((r) => Number(r.mp) > 100),
      'BTC marks are USDT',
    );
    const idx = c.of('!index@arr')[0] as { s: string; p: string }[];
    assert.deepEqual(
      idx.map((x) => x.s),
      ['BTCUSDT', 'ETHUSDT'],
    );
    assert.equal((c.of('ethusdt@optionIndexPrice')[0] as { s: string }).s, 'ETHUSDT');
    c.ws.close();
  });

  it('replies to LIST_SUBSCRIPTIONS, refuses unknown streams and more than 200 streams', async () => {
    // No market data meanwhile: 150 books updated every 20 ms would bury the replies on a busy machine.
    sim.pause();
    const c = await Client.open(sim.url);
    const symbols = sim.instruments();
    // Both speeds of every book: more distinct streams than one connection may hold.
    const streams = symbols.flatMap((s) => [
      `${s.toLowerCase()}@depth@500ms`,
      `${s.toLowerCase()}@depth@100ms`,
    ]);
    assert.ok(streams.length > 200, `${streams.length} streams`);
    assert.deepEqual(await c.reply(c.request('SUBSCRIBE', streams.slice(0, 150))), { result: null, id: 1 });
    const tooMany = await c.reply(c.request('SUBSCRIBE', streams.slice(150, 201)));
    assert.equal(tooMany.code, 2);
    assert.match(String(tooMany.msg), /200/);
    const unknown = await c.reply(c.request('SUBSCRIBE', ['btcusdt@optionMarkPrice']));
    assert.equal(unknown.code, 2, 'mark prices live on the market host');
    const list = await c.reply(c.request('LIST_SUBSCRIPTIONS'));
    assert.equal((list.result as string[]).length, 150);
    await c.reply(c.request('UNSUBSCRIBE', streams.slice(0, 100)));
    assert.equal(((await c.reply(c.request('LIST_SUBSCRIPTIONS'))).result as string[]).length, 50);
    c.ws.close();
    sim.resume();
  });

  it('closes a connection sending more than 10 messages a second', async () => {
    const c = await Client.open(sim.url);
    const before = sim.stats().closedForRate;
    for (let i = 0; i < 12; i += 1) c.request('LIST_SUBSCRIPTIONS');
    await until('closed', () => c.closedCode !== undefined);
    assert.equal(c.closedCode, 1008);
    assert.equal(sim.stats().closedForRate, before + 1);
  });

  it('pings every connection and drops one that never answers', async () => {
    const good = await Client.open(sim.url);
    const mute = await Client.open(sim.url, false);
    await until('pings', () => good.pings >= 3 && mute.pings >= 1);
    await until('the mute client dropped', () => mute.closedCode !== undefined, 20_000);
    assert.equal(good.closedCode, undefined);
    assert.ok(sim.stats().pongs > 0);
    good.ws.close();
  });
});

describe('Binance simulator on a shared Market', () => {
  it('reads the market it is given and never advances its clock', async () => {
    const market = new Market({
      seed: 'shared',
      startTime: Date.UTC(2026, 0, 5, 9),
      currencies: ['BTC'],
      calendar: { dailies: 1, weeklies: 0, monthlies: 0, quarterlies: 0 },
      lazyPricing: true,
    });
    const now = market.now;
    const sim = await startBinanceSimulator({ market, tickMs: 10, markPriceMs: 10 });
    try {
      assert.equal(sim.market, market);
      const c = await Client.open(sim.marketUrl);
      await c.reply(c.request('SUBSCRIBE', ['btcusdt@optionMarkPrice']));
      await until('mark prices', () => c.of('btcusdt@optionMarkPrice').length > 0);
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(market.now, now, 'the owner moves the clock, not the simulator');
      const rows = c.of('btcusdt@optionMarkPrice')[0] as { E: number; i: string }[];
      assert.equal(rows[0]!.E, now);
      assert.equal(Number(rows[0]!.i), market.currencies.get('BTC')!.index);
      // Listings follow the shared market.
      const before = sim.instruments().length;
      market.listExtraExpiry('BTC');
      assert.ok(sim.instruments().length > before);
      c.ws.close();
    } finally {
      await sim.stop();
    }
  });
});

// The Bybit simulator on its own, through a plain websocket client: v5 option framing (COMMAND_RESP
// acks with success/fail topics, snapshot then deltas with u +1 and increasing seq), the option
// pong, tickers with Bybit's "0" conventions in USD, cursor-paged REST instruments, the arg caps,
// the gap/reset faults, the ping timeout, and a shared Market that it reads but never advances.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { type BybitSimulator, startBybitSimulator } from '../src/bybit/simulator.ts';
import type { OptionInstrument } from '../src/deribit/instruments.ts';
import { Market } from '../src/deribit/market.ts';
import { settle } from './client.ts';

const CALENDAR = { dailies: 0, weeklies: 1, monthlies: 1, quarterlies: 0 };

class Client {
  readonly frames: Record<string, unknown>[] = [];
  closed = false;
  constructor(readonly ws: WebSocket) {
    ws.on('message', (d: Buffer) => this.frames.push(JSON.parse(d.toString()) as Record<string, unknown>));
    ws.on('close', () => {
      this.closed = true;
    });
  }
  static async open(url: string): Promise<Client> {
    const ws = new WebSocket(url);
    const c = new Client(ws);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    return c;
  }
  send(payload: unknown): void {
    this.ws.send(JSON.stringify(payload));
  }
  of(topic: string): Push[] {
    return this.frames.filter((f) => f.topic === topic) as unknown as Push[];
  }
  async until(what: string, cond: () => boolean, ms = 20_000): Promise<void> {
    const end = Date.now() + ms;
    while (!cond()) {
      if (Date.now() > end) throw new Error(`Expected ${what} within ${ms} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

interface Push {
  id: string;
  topic: string;
  ts: number;
  type: string;
  data: Record<string, unknown> & { u: number; seq: number; b: [string, string][]; a: [string, string][] };
}

type Row = Record<string, unknown> & { symbol: string; priceFilter: { tickSize: string } };

async function rest(
  url: string,
): Promise<{ retCode: number; result: { nextPageCursor?: string; list?: Row[] } }> {
  return (await (await fetch(url)).json()) as {
    retCode: number;
    result: { nextPageCursor?: string; list?: Row[] };
  };
}

describe('Bybit simulator', () => {
  let sim: BybitSimulator;
  before(async () => {
    sim = await startBybitSimulator({
      seed: 'b1',
      currencies: ['BTC'],
      calendar: CALENDAR,
      tickMs: 30,
      updateShare: 1,
      tickerMs: 100,
    });
  });
  after(() => sim.stop());

  it('pages the option list with cursors; rows in Bybit shape; bad category refused', async () => {
    const seen: Row[] = [];
    let cursor = '';
    let pages = 0;
    do {
      const r = await rest(
        `${sim.restUrl}/v5/market/instruments-info?category=option&baseCoin=BTC&limit=7${cursor === '' ? '' : `&cursor=${cursor}`}`,
      );
      assert.equal(r.retCode, 0);
      seen.push(...(r.result.list ?? []));
      cursor = r.result.nextPageCursor ?? '';
      pages += 1;
    } while (cursor !== '' && pages < 100);
    assert.ok(pages > 2, `${pages} pages`);
    assert.deepEqual(seen.map((r) => r.symbol).sort(), sim.instruments().sort());
    const row = seen[0]!;
    assert.match(row.symbol, /^BTC-\d{1,2}[A-Z]{3}\d{2}-\d+-[CP]$/);
    assert.equal(row.settleCoin, 'USDC');
    assert.equal(row.status, 'Trading');
    assert.equal(row.priceFilter.tickSize, '5');
    assert.equal(new Date(Number(row.deliveryTime)).getUTCHours(), 8);
    assert.equal((await rest(`${sim.restUrl}/v5/market/instruments-info?category=linear`)).retCode, 10_001);
    assert.equal(
      (await rest(`${sim.restUrl}/v5/market/instruments-info?category=option&baseCoin=ETH`)).result.list
        ?.length,
      0,
    );
  });

  it('acks with COMMAND_RESP, sends a snapshot then deltas with u +1 and increasing seq; "0" deletes', async () => {
    const c = await Client.open(sim.url);
    const symbol = sim.instruments()[3]!;
    c.send({
      req_id: 's1',
      op: 'subscribe',
      args: [`orderbook.25.${symbol}`, 'orderbook.25.BTC-1JAN20-1-C'],
    });
    await c.until('ack', () => c.frames.some((f) => f.type === 'COMMAND_RESP'));
    const ack = c.frames.find((f) => f.type === 'COMMAND_RESP') as {
      success: boolean;
      data: { successTopics: string[]; failTopics: string[] };
    };
    assert.equal(ack.success, false);
    assert.deepEqual(ack.data.successTopics, [`orderbook.25.${symbol}`]);
    assert.deepEqual(ack.data.failTopics, ['orderbook.25.BTC-1JAN20-1-C']);
    const topic = `orderbook.25.${symbol}`;
    await c.until('deltas', () => c.of(topic).length > 20);
    const pushes = c.of(topic);
    assert.equal(pushes[0]!.type, 'snapshot');
    assert.ok(pushes.slice(1).every((p) => p.type === 'delta'));
    for (let i = 1; i < pushes.length; i += 1) {
      assert.equal(pushes[i]!.data.u, pushes[i - 1]!.data.u + 1);
      assert.ok(pushes[i]!.data.seq > pushes[i - 1]!.data.seq);
      assert.equal(pushes[i]!.data.s, symbol);
    }
    // Rebuild from the stream and compare with the simulator's own book.
    sim.pause();
    // Everything in flight arrives first (a fixed sleep was too short on a loaded machine).
    await settle(() => c.frames.length);
    const bids = new Map<number, number>();
    const asks = new Map<number, number>();
    for (const p of c.of(topic)) {
      for (const [side, levels] of [
        [bids, p.data.b],
        [asks, p.data.a],
      ] as const) {
        for (const [px, sz] of levels) {
          if (Number(sz) === 0) side.delete(Number(px));
          else side.set(Number(px), Number(sz));
        }
      }
    }
    const view = sim.books([symbol])[symbol]!;
    assert.deepEqual(
      [...bids].sort((x, y) => y[0] - x[0]),
      view.bids,
    );
    assert.deepEqual(
      [...asks].sort((x, y) => x[0] - y[0]),
      view.asks,
    );
    assert.ok(
      view.bids.every(([px]) => px % 5 === 0) && view.asks.every(([px]) => px % 5 === 0),
      'on the 5 USD tick',
    );
    assert.ok(
      c.of(topic).some((p) => p.data.b.some(([, s]) => s === '0') || p.data.a.some(([, s]) => s === '0')),
    );
    sim.resume();
    c.ws.close();
  });

  it('tickers: USD prices around the truth mark × forward, decimal IVs, "0" for what is absent', async () => {
    const c = await Client.open(sim.url);
    const symbols = sim.instruments();
    c.send({ op: 'subscribe', args: symbols.map((s) => `tickers.${s}`) });
    await c.until('tickers of all', () => symbols.every((s) => c.of(`tickers.${s}`).length > 0));
    const market = sim.market;
    for (const s of symbols) {
      const d = c.of(`tickers.${s}`).at(-1)!.data as unknown as Record<string, string>;
      const o = market.byName.get(s) as { mark: number; forward: number; markIv: number };
      assert.equal(d.symbol, s);
      assert.equal(d.predictedDeliveryPrice, '0');
      assert.ok(Math.abs(Number(d.markPriceIv) - o.markIv) < 0.02, `${s} mark IV`);
      assert.ok(
        Math.abs(Number(d.markPrice) - o.mark * o.forward) <= Math.max(1, 0.05 * o.mark * o.forward),
        `${s} mark`,
      );
      assert.ok(Number(d.underlyingPrice) > 0 && Number(d.indexPrice) > 0);
      for (const side of ['bid', 'ask'] as const) {
        const px = d[`${side}Price`]!;
        if (px === '0')
          assert.deepEqual([d[`${side}Size`], d[`${side}Iv`]], ['0', '0'], `${s} ${side} absent together`);
        else assert.ok(Number(d[`${side}Size`]) > 0);
      }
      if (d.bidPrice !== '0' && d.askPrice !== '0') {
        assert.ok(Number(d.bidPrice) < Number(d.askPrice));
        if (d.bidIv !== '0' && d.askIv !== '0')
          assert.ok(Number(d.bidIv) < Number(d.askIv), `${s} bid IV < ask IV`);
      }
    }
    assert.ok(
      symbols.some(
        (s) => (c.of(`tickers.${s}`).at(-1)!.data as unknown as Record<string, string>).bidIv !== '0',
      ),
      'some bid IVs',
    );
    c.ws.close();
  });

  it('answers {"op":"ping"} with the option pong; unknown ops and junk get an error reply', async () => {
    const c = await Client.open(sim.url);
    c.send({ req_id: 'p1', op: 'ping' });
    c.send({ op: 'login' });
    c.ws.send('{nope');
    await c.until('three replies', () => c.frames.length >= 3);
    const pong = c.frames.find((f) => f.op === 'pong') as { args: string[] };
    assert.ok(Array.isArray(pong.args) && /^\d{13}$/.test(pong.args[0]!));
    assert.equal(c.frames.filter((f) => f.success === false).length, 2);
    c.ws.close();
  });

  it('gap: u skips ahead; reset: the next delta carries u = 1', async () => {
    const c = await Client.open(sim.url);
    const [a, b] = sim.instruments();
    c.send({ op: 'subscribe', args: [`orderbook.25.${a}`, `orderbook.100.${b}`] });
    await c.until(
      'snapshots',
      () => c.of(`orderbook.25.${a}`).length > 2 && c.of(`orderbook.100.${b}`).length > 2,
    );
    const nA = c.of(`orderbook.25.${a}`).length;
    const nB = c.of(`orderbook.100.${b}`).length;
    sim.gap(a!);
    sim.reset(b!);
    await c.until(
      'next deltas',
      () => c.of(`orderbook.25.${a}`).length > nA && c.of(`orderbook.100.${b}`).length > nB,
    );
    const pa = c.of(`orderbook.25.${a}`);
    assert.ok(pa[nA]!.data.u > pa[nA - 1]!.data.u + 1, 'gap');
    assert.equal(c.of(`orderbook.100.${b}`)[nB]!.data.u, 1, 'reset');
    c.ws.close();
  });

  it('refuses args over 21,000 characters and more than 2,000 topics per connection', async () => {
    const c = await Client.open(sim.url);
    const symbol = sim.instruments()[0]!;
    const long = Array.from({ length: 400 }, (_, i) => `tickers.${symbol}-${'x'.repeat(40)}${i}`);
    c.send({ op: 'subscribe', args: [`tickers.${symbol}`, ...long] });
    await c.until('ack', () => c.frames.some((f) => f.type === 'COMMAND_RESP'));
    const ack = c.frames.find((f) => f.type === 'COMMAND_RESP') as {
      success: boolean;
      ret_msg: string;
      data: { successTopics: string[] };
    };
    assert.equal(ack.success, false);
    assert.match(ack.ret_msg, /21000/);
    assert.deepEqual(ack.data.successTopics, []);
    c.ws.close();
  });
});

describe('Bybit simulator quotes', () => {
  it('are wider than the Deribit books of the same market (in vol points), and seeded', async () => {
    const startTime = Date.UTC(2026, 0, 5, 12);
    const opts = { seed: 'wide', startTime, currencies: ['BTC'] as const, calendar: CALENDAR, tickMs: 1000 };
    const sim = await startBybitSimulator({ ...opts, currencies: ['BTC'] });
    const twin = await startBybitSimulator({ ...opts, currencies: ['BTC'] });
    try {
      const c = await Client.open(sim.url);
      const t = await Client.open(twin.url);
      const symbols = sim.instruments();
      assert.deepEqual(twin.instruments(), symbols);
      const args = symbols.map((x) => `orderbook.25.${x}`);
      c.send({ op: 'subscribe', args });
      t.send({ op: 'subscribe', args });
      await c.until('snapshots', () => symbols.every((x) => c.of(`orderbook.25.${x}`).length > 0));
      await t.until('twin snapshots', () => symbols.every((x) => t.of(`orderbook.25.${x}`).length > 0));
      assert.deepEqual(
        symbols.map((x) => t.of(`orderbook.25.${x}`)[0]!.data),
        symbols.map((x) => c.of(`orderbook.25.${x}`)[0]!.data),
        'same seed, same books',
      );
      const market = sim.market;
      market.ensurePriced();
      const bybit: number[] = [];
      const deribit: number[] = [];
      for (const x of symbols) {
        const o = market.byName.get(x) as OptionInstrument;
        const view = sim.books([x])[x]!;
        market.ensureBook(o);
        const b = o.book.bestBid();
        const a = o.book.bestAsk();
        if (
          view.bids.length === 0 ||
          view.asks.length === 0 ||
          b === undefined ||
          a === undefined ||
          o.vega <= 0
        )
          continue;
        bybit.push((view.asks[0]![0] - view.bids[0]![0]) / o.vega);
        deribit.push(((o.book.price(a) - o.book.price(b)) * o.forward) / o.vega);
      }
      const median = (xs: number[]) => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)]!;
      assert.ok(bybit.length > 10, `${bybit.length} two-sided books`);
      assert.ok(
        median(bybit) > median(deribit),
        `median spread ${median(bybit)} vs Deribit ${median(deribit)} vol points`,
      );
      c.ws.close();
      t.ws.close();
    } finally {
      await sim.stop();
      await twin.stop();
    }
  });
});

describe('Bybit simulator on a shared market', () => {
  it('quotes the given Market without advancing it or touching its Deribit books', async () => {
    const market = new Market({
      seed: 'shared',
      startTime: Date.UTC(2026, 0, 5, 12),
      currencies: ['BTC'],
      calendar: CALENDAR,
      lazyPricing: true,
    });
    const t0 = market.now;
    const sim = await startBybitSimulator({ market, seed: 'b2', tickMs: 20, updateShare: 1, tickerMs: 50 });
    try {
      assert.equal(sim.ownsMarket, false);
      assert.equal(sim.market, market);
      const c = await Client.open(sim.url);
      const symbol = sim.instruments()[0]!;
      c.send({ op: 'subscribe', args: [`orderbook.25.${symbol}`, `tickers.${symbol}`] });
      await c.until(
        'deltas and tickers',
        () => c.of(`orderbook.25.${symbol}`).length > 5 && c.of(`tickers.${symbol}`).length > 2,
      );
      assert.equal(market.now, t0, 'the owner moves the clock, not the venue');
      assert.equal(
        market.byName.get(symbol)!.booted,
        false,
        'the Deribit book of the shared market is untouched',
      );
      // The owner moves the clock: the venue follows its marks and listings.
      market.advance(t0 + 60_000);
      market.listExtraExpiry('BTC');
      const listed = sim.instruments().length;
      assert.ok(
        listed > 0 &&
          listed === [...market.currencies.get('BTC')!.options].filter((o) => o.state === 'open').length,
      );
      c.ws.close();
    } finally {
      await sim.stop();
    }
  });

  it('closes a connection that sent no ping within pingTimeoutMs', async () => {
    const sim = await startBybitSimulator({
      seed: 'b3',
      currencies: ['BTC'],
      calendar: CALENDAR,
      tickMs: 20,
      // Pings every 100 ms against a 2 s timeout: only a 1.9 s stall of this process could close
      // the pinging client (CI once closed it with a 150 ms timeout and 40 ms pings).
      pingTimeoutMs: 2_000,
    });
    try {
      const quiet = await Client.open(sim.url);
      const pinging = await Client.open(sim.url);
      const timer = setInterval(() => pinging.send({ op: 'ping' }), 100);
      await quiet.until('quiet one closed', () => quiet.closed, 20_000);
      clearInterval(timer);
      assert.equal(pinging.closed, false);
      pinging.ws.close();
    } finally {
      await sim.stop();
    }
  });
});

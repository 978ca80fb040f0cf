// The OKX simulator on its own, through a plain websocket client: v5 framing (acks, errors,
// snapshot then updates with seqId/prevSeqId), ping/pong, REST instruments, keep-alive, gap and
// reset faults, and determinism by seed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { type OkxSimulator, startOkxSimulator } from '../src/okx/simulator.ts';

const CALENDAR = { dailies: 0, weeklies: 1, monthlies: 0, quarterlies: 0 };

class Client {
  readonly frames: string[] = [];
  constructor(readonly ws: WebSocket) {
    ws.on('message', (d: Buffer) => this.frames.push(d.toString()));
  }
  static async open(url: string): Promise<Client> {
    const ws = new WebSocket(url);
    const c = new Client(ws);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    return c;
  }
  json(): Record<string, unknown>[] {
    return this.frames.filter((f) => f.startsWith('{')).map((f) => JSON.parse(f) as Record<string, unknown>);
  }
  async until(what: string, cond: () => boolean, ms = 20_000): Promise<void> {
    const end = Date.now() + ms;
    while (!cond()) {
      if (Date.now() > end) throw new Error(`Expected ${what} within ${ms} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

type BookPush = {
  arg: { channel: string; instId: string };
  action: string;
  data: { seqId: number; prevSeqId: number; bids: unknown[]; asks: unknown[] }[];
};

describe('OKX simulator', () => {
  let sim: OkxSimulator;
  before(async () => {
    sim = await startOkxSimulator({
      seed: 's1',
      currencies: ['BTC'],
      calendar: CALENDAR,
      tickMs: 30,
      updateShare: 1,
    });
  });
  after(() => sim.stop());

  it('serves OPTION instruments over REST in OKX shape, and rejects a bad query', async () => {
    const r = (await (
      await fetch(`${sim.restUrl}/api/v5/public/instruments?instType=OPTION&uly=BTC-USD`)
    ).json()) as {
      code: string;
      data: Record<string, string>[];
    };
    assert.equal(r.code, '0');
    assert.equal(r.data.length, sim.instruments().length);
    const row = r.data[0]!;
    assert.match(row.instId!, /^BTC-USD-\d{6}-\d+-[CP]$/);
    assert.equal(row.ctMult, '0.01');
    assert.equal(row.settleCcy, 'BTC');
    assert.equal(new Date(Number(row.expTime)).getUTCHours(), 8);
    const bad = (await (await fetch(`${sim.restUrl}/api/v5/public/instruments?instType=SWAP`)).json()) as {
      code: string;
    };
    assert.notEqual(bad.code, '0');
  });

  it('acks subscriptions, errors on unknown ones, answers ping, and sequences books', async () => {
    const c = await Client.open(sim.url);
    const name = sim.instruments()[0]!;
    c.ws.send(
      JSON.stringify({
        id: '7',
        op: 'subscribe',
        args: [
          { channel: 'books', instId: name },
          { channel: 'books', instId: 'NOPE' },
        ],
      }),
    );
    c.ws.send('ping');
    await c.until('pong', () => c.frames.includes('pong'));
    await c.until('several updates', () => c.json().filter((m) => m.action === 'update').length >= 5);
    const msgs = c.json();
    assert.deepEqual(msgs[0], {
      id: '7',
      event: 'subscribe',
      arg: { channel: 'books', instId: name },
      connId: msgs[0]!.connId,
    });
    assert.ok(msgs.some((m) => m.event === 'error' && m.code === '60018'));
    const books = msgs.filter((m) => m.action !== undefined) as unknown as BookPush[];
    assert.equal(books[0]!.action, 'snapshot');
    assert.equal(books[0]!.data[0]!.prevSeqId, -1);
    let last = books[0]!.data[0]!.seqId;
    for (const b of books.slice(1)) {
      assert.equal(b.data[0]!.prevSeqId, last);
      assert.ok(b.data[0]!.seqId > last);
      last = b.data[0]!.seqId;
    }
    // Faults: keep-alive, gap, reset.
    const count = c.json().length;
    sim.keepAlive(name);
    sim.gap(name);
    await c.until('fault messages', () => c.json().length >= count + 3);
    const after = (
      c
        .json()
        .slice(count)
        .filter((m) => m.action === 'update') as unknown as BookPush[]
    ).map((b) => b.data[0]!);
    assert.equal(after[0]!.seqId, after[0]!.prevSeqId, 'keep-alive');
    assert.equal(after[0]!.bids.length + after[0]!.asks.length, 0);
    assert.ok(after[1]!.prevSeqId > after[0]!.seqId, 'gap: prevSeqId skips ahead');
    const n2 = c.json().length;
    sim.reset(name);
    await c.until('reset message', () => c.json().length > n2);
    const reset = (
      c
        .json()
        .slice(n2)
        .find((m) => m.action === 'update') as unknown as BookPush
    ).data[0]!;
    assert.ok(reset.seqId < reset.prevSeqId, 'reset: seqId restarts lower');
    c.ws.close();
  });

  it('the same seed and start time give the same instruments and books', async () => {
    const startTime = Date.UTC(2026, 4, 20, 12);
    const a = await startOkxSimulator({ seed: 'same', startTime, currencies: ['BTC'], calendar: CALENDAR });
    const b = await startOkxSimulator({ seed: 'same', startTime, currencies: ['BTC'], calendar: CALENDAR });
    // Paused before their first tick: both models stay at startTime, so books compare exactly.
    a.pause();
    b.pause();
    try {
      assert.deepEqual(a.instruments(), b.instruments());
      const name = a.instruments()[3]!;
      for (const s of [a, b]) {
        const c = await Client.open(s.url);
        c.ws.send(JSON.stringify({ op: 'subscribe', args: [{ channel: 'books', instId: name }] }));
        await c.until('snapshot', () => c.json().some((m) => m.action === 'snapshot'));
        c.ws.close();
      }
      assert.deepEqual(a.books([name]), b.books([name]));
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});

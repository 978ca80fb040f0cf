import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type DeribitSimulator, startDeribitSimulator } from '../src/index.ts';
import { type Notification, TestClient } from './client.ts';

type Level = [string, number, number];

/** Applies a snapshot and its changes the way a connector must; throws on a sequence break. */
class ClientBook {
  bids = new Map<number, number>();
  asks = new Map<number, number>();
  last: number | undefined;
  gaps = 0;
  /** After a gap the levels are unknown until a new snapshot (a connector resubscribes). */
  broken = false;

  apply(data: Record<string, unknown>): void {
    if (data.type === 'snapshot') {
      this.bids.clear();
      this.asks.clear();
      this.broken = false;
    } else if (data.prev_change_id !== this.last) {
      this.gaps++;
      this.broken = true;
    }
    assert.ok(typeof data.change_id === 'number' && (this.last === undefined || data.change_id > this.last));
    this.last = data.change_id as number;
    if (this.broken) return;
    for (const [side, levels] of [
      [this.bids, data.bids],
      [this.asks, data.asks],
    ] as [Map<number, number>, Level[]][]) {
      for (const [action, price, amount] of levels) {
        if (action === 'delete') {
          assert.ok(side.has(price), `delete of a level that exists (${price})`);
          side.delete(price);
        } else {
          assert.equal(side.has(price), action === 'change', `${action} ${price} matches the book`);
          assert.ok(amount > 0, 'positive amount');
          side.set(price, amount);
        }
      }
    }
  }

  sorted(): { bids: [number, number][]; asks: [number, number][] } {
    return {
      bids: [...this.bids.entries()].sort((a, b) => b[0] - a[0]),
      asks: [...this.asks.entries()].sort((a, b) => a[0] - b[0]),
    };
  }
}

function rebuild(notes: Notification[]): Map<string, ClientBook> {
  const books = new Map<string, ClientBook>();
  for (const n of notes) {
    const name = n.data.instrument_name as string;
    let b = books.get(name);
    if (b === undefined) {
      assert.equal(n.data.type, 'snapshot', 'the first message of a book is its snapshot');
      b = new ClientBook();
      books.set(name, b);
    }
    b.apply(n.data);
  }
  return books;
}

describe('book channels', () => {
  let sim: DeribitSimulator;
  let names: string[];
  before(async () => {
    sim = await startDeribitSimulator({ seed: 'books', rate: 4000, minIntervalMs: 20, currencies: ['BTC'] });
    names = [...sim.market!.byName.keys()]
      .filter((n) => n.startsWith('BTC') && /-[CP]$/.test(n))
      .slice(40, 70);
  });
  after(async () => {
    await sim.stop();
  });

  it('streams snapshot then changes whose prev_change_id chains, and snapshot + deltas = the book', async () => {
    const c = await TestClient.connect(sim.url);
    const channels = names.map((n) => `book.${n}.100ms`);
    await c.request('public/subscribe', { channels });
    await c.waitFor(() => c.notifications('book.').length > 600, 20_000, '600 book messages');
    await c.request('public/unsubscribe', { channels });
    const notes = c.notifications('book.');
    const books = rebuild(notes);
    assert.equal(books.size, names.length);
    let jumps = 0;
    for (const n of notes) {
      if (n.data.type === 'change' && (n.data.change_id as number) - (n.data.prev_change_id as number) > 1)
        jumps++;
    }
    assert.ok(jumps > notes.length / 2, 'change ids are not consecutive, like Deribit');
    const truth = sim.books(names);
    for (const [name, b] of books) {
      assert.equal(b.gaps, 0, `${name}: no gap without a fault`);
      assert.equal(b.last, truth[name]!.changeId, `${name}: client is at the server's change_id`);
      assert.deepEqual(
        b.sorted(),
        { bids: truth[name]!.bids, asks: truth[name]!.asks },
        `${name}: same levels`,
      );
      const s = b.sorted();
      if (s.bids[0] !== undefined && s.asks[0] !== undefined)
        assert.ok(s.bids[0][0] < s.asks[0][0], 'not crossed');
      for (const [p] of [...s.bids, ...s.asks]) {
        const ticks = Math.round(p * 10_000);
        assert.ok(Math.abs(p * 10_000 - ticks) < 1e-6, `${p} on the 0.0001 grid`);
        if (p > 0.005) assert.equal(ticks % 5, 0, `${p} above 0.005 is on the 0.0005 grid`);
      }
    }
    c.close();
  });

  it('shows exactly the injected gaps when deltas are dropped', async () => {
    const c = await TestClient.connect(sim.url);
    const channels = names.slice(0, 5).map((n) => `book.${n}.raw`);
    await c.request('public/subscribe', { channels });
    await c.waitFor(() => c.notifications('book.').length > 30, 20_000);
    const id = sim.stats().sessions.at(-1)!.id;
    sim.inject({ type: 'drop_deltas', count: 3, session: id });
    const start = c.notifications('book.').length;
    await c.waitFor(() => c.notifications('book.').length > start + 40, 20_000);
    await c.request('public/unsubscribe', { channels });
    const books = rebuild(c.notifications('book.'));
    const gaps = [...books.values()].reduce((s, b) => s + b.gaps, 0);
    assert.equal(gaps, 3, 'three withheld deltas, three gaps (one per withheld message)');
    assert.equal(sim.stats().sessions.find((s) => s.id === id)?.deltasDropped, 3);
    c.close();
  });

  it('serves grouped top-N snapshots (book.{i}.none.{depth}.100ms) equal to the book', async () => {
    const c = await TestClient.connect(sim.url);
    const name = names[7]!;
    const r = await c.request('public/subscribe', {
      channels: [`book.${name}.none.1.100ms`, `book.${name}.none.10.100ms`, `book.${name}.none.7.100ms`],
    });
    assert.deepEqual(
      r.result,
      [`book.${name}.none.1.100ms`, `book.${name}.none.10.100ms`],
      'depth 7 is not a Deribit depth',
    );
    await c.waitFor(() => c.notifications(`book.${name}.none.10.`).length >= 3, 20_000);
    await c.request('public/unsubscribe', { channels: r.result as string[] });
    for (const n of c.notifications(`book.${name}.none.`)) {
      assert.deepEqual(Object.keys(n.data).sort(), [
        'asks',
        'bids',
        'change_id',
        'instrument_name',
        'timestamp',
      ]);
      assert.ok((n.data.bids as unknown[][]).every((l) => l.length === 2 && typeof l[0] === 'number'));
    }
    const last = c.notifications(`book.${name}.none.10.`).at(-1)!.data;
    assert.deepEqual(Object.keys(last).sort(), ['asks', 'bids', 'change_id', 'instrument_name', 'timestamp']);
    const truth = sim.books([name])[name]!;
    assert.equal(last.change_id, truth.changeId);
    assert.deepEqual(last.bids, truth.bids.slice(0, 10));
    assert.deepEqual(last.asks, truth.asks.slice(0, 10));
    const top = c.notifications(`book.${name}.none.1.`).at(-1)!.data;
    assert.ok((top.asks as unknown[]).length <= 1 && (top.bids as unknown[]).length <= 1);
    c.close();
  });

  it('a crossed-book fault is a real, sequenced change that the next update repairs', async () => {
    const c = await TestClient.connect(sim.url);
    const name = names[3]!;
    await c.request('public/subscribe', { channels: [`book.${name}.100ms`] });
    await c.waitFor(() => c.notifications('book.').length > 2, 20_000);
    sim.inject({ type: 'malformed', kind: 'crossed_book', instrument: name });
    await c.waitFor(() => c.notifications('book.').length > 8, 20_000);
    await c.request('public/unsubscribe', { channels: [`book.${name}.100ms`] });
    const b = rebuild(c.notifications('book.')).get(name)!;
    assert.equal(b.gaps, 0);
    const crossedAtSomePoint = c
      .notifications('book.')
      .some((n) => (n.data.bids as Level[]).some((l) => l[2] === 1 && l[0] === 'new'));
    assert.ok(crossedAtSomePoint);
    const s = b.sorted();
    assert.ok(
      s.bids[0] === undefined || s.asks[0] === undefined || s.bids[0][0] < s.asks[0][0],
      'uncrossed again',
    );
    c.close();
  });
});

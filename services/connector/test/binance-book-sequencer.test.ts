// The Binance U/u/pu sequencer and REST-snapshot resync procedure (book-sequencer.ts), event by
// event: buffering until the snapshot, dropping what the snapshot contains, bridging (U ≤ L ≤ u
// or pu = L), pu continuity, gaps, a snapshot older than the stream, a gap inside the buffer.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BinanceBookSequencer } from '../src/venues/binance/book-sequencer.ts';
import type { BinanceBookSnapshot, BinanceDepth } from '../src/venues/binance/parse.ts';

const NAME = 'ETH-251219-3100-C';
const ev = (first: number, last: number, prevLast: number): BinanceDepth => ({
  instrument: NAME,
  eventTimeMs: 1,
  first,
  last,
  prevLast,
  bids: [[16.6, 1]],
  asks: [],
});
const snap = (lastUpdateId: number): BinanceBookSnapshot => ({
  instrument: NAME,
  timeMs: 1,
  lastUpdateId,
  bids: [],
  asks: [],
});

describe('Binance book sequencer', () => {
  it('ignores books it does not follow', () => {
    assert.deepEqual(new BinanceBookSequencer().accept(ev(1, 2, 0)), { kind: 'unsynced' });
  });

  it('buffers until the snapshot, drops what it contains, applies the straddling event and chains by pu', () => {
    const s = new BinanceBookSequencer();
    s.invalidate(NAME);
    assert.equal(s.synced(NAME), false);
    // Real ids from the captured depth20 event: U 121508743, u 121509455, pu 121508733.
    assert.deepEqual(s.accept(ev(121508700, 121508733, 121508650)), { kind: 'buffered' });
    assert.deepEqual(s.accept(ev(121508743, 121509455, 121508733)), { kind: 'buffered' });
    assert.deepEqual(s.accept(ev(121509460, 121509470, 121509455)), { kind: 'buffered' });
    const r = s.snapshot(snap(121509000));
    assert.equal(r.usable, true);
    assert.equal(r.again, false);
    // The first event (u < L) is inside the snapshot; the second straddles L and continues from it.
    assert.deepEqual(
      r.deltas.map((d) => [d.depth.last, d.prev]),
      [
        [121509455, 121509000],
        [121509470, 121509455],
      ],
    );
    assert.equal(s.synced(NAME), true);
    assert.equal(s.lastSeq(NAME), 121509470);
    assert.deepEqual(s.accept(ev(121509471, 121509480, 121509470)), { kind: 'delta', prev: 121509470 });
  });

  it('with an empty buffer the snapshot is published and the book bridges on the first event reaching L', () => {
    const s = new BinanceBookSequencer();
    s.invalidate(NAME);
    assert.deepEqual(s.snapshot(snap(500)), { usable: true, deltas: [], again: false });
    assert.equal(s.synced(NAME), true);
    assert.deepEqual(s.accept(ev(490, 499, 480)), { kind: 'stale' });
    assert.deepEqual(s.accept(ev(501, 503, 500)), { kind: 'delta', prev: 500 }, 'pu = L continues');
    assert.deepEqual(s.accept(ev(504, 504, 503)), { kind: 'delta', prev: 503 });
  });

  it('a snapshot older than the buffered stream is refused: fetch again, keep the buffer', () => {
    const s = new BinanceBookSequencer();
    s.invalidate(NAME);
    s.accept(ev(600, 610, 590));
    assert.deepEqual(s.snapshot(snap(550)), { usable: false, deltas: [], again: true });
    assert.equal(s.waitingForSnapshot(NAME), true);
    const r = s.snapshot(snap(605));
    assert.deepEqual(
      r.deltas.map((d) => [d.depth.last, d.prev]),
      [[610, 605]],
    );
  });

  it('a pu that is not the last u is a gap: the book waits for a new snapshot, later events are buffered', () => {
    const s = new BinanceBookSequencer();
    s.invalidate(NAME);
    s.snapshot(snap(100));
    assert.deepEqual(s.accept(ev(101, 102, 100)).kind, 'delta');
    assert.deepEqual(s.accept(ev(110, 111, 108)), { kind: 'gap', last: 102 });
    assert.equal(s.synced(NAME), false);
    assert.deepEqual(s.accept(ev(112, 113, 111)), { kind: 'buffered' });
    // A reset: ids restart low, pu matches nothing seen; after the snapshot the new ids chain.
    const r = s.snapshot(snap(112));
    assert.deepEqual(
      r.deltas.map((d) => [d.depth.last, d.prev]),
      [[113, 112]],
    );
    assert.deepEqual(s.accept(ev(3, 4, 2)), { kind: 'gap', last: 113 });
    s.snapshot(snap(4));
    assert.deepEqual(s.accept(ev(5, 6, 4)), { kind: 'delta', prev: 4 });
  });

  it('a bridging event that starts after L is a gap (the events between were missed)', () => {
    const s = new BinanceBookSequencer();
    s.invalidate(NAME);
    s.snapshot(snap(100));
    assert.deepEqual(s.accept(ev(105, 106, 104)), { kind: 'gap', last: 100 });
  });

  it('a gap inside the buffer publishes what chains and asks for another snapshot', () => {
    const s = new BinanceBookSequencer();
    s.invalidate(NAME);
    s.accept(ev(101, 102, 100));
    s.accept(ev(110, 111, 105));
    const r = s.snapshot(snap(100));
    assert.equal(r.usable, true);
    assert.equal(r.again, true);
    assert.deepEqual(
      r.deltas.map((d) => d.depth.last),
      [102],
    );
    assert.equal(s.waitingForSnapshot(NAME), true);
  });

  it('a snapshot for a book that is not waiting is ignored; forget drops the book', () => {
    const s = new BinanceBookSequencer();
    assert.deepEqual(s.snapshot(snap(1)), { usable: false, deltas: [], again: false });
    s.invalidate(NAME);
    s.snapshot(snap(1));
    assert.equal(s.syncedCount, 1);
    s.forget(NAME);
    assert.equal(s.syncedCount, 0);
    assert.deepEqual(s.accept(ev(2, 2, 1)), { kind: 'unsynced' });
  });
});

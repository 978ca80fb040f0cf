// The conflation cadence (publishIntervalMs, event time): at most one BookTop per instrument per
// interval, the latest state when it goes out, pending tops flushed once event time moves on (by
// any instrument's input), unsynced books and first publications at once.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type OrderBookEvent, TOPICS } from '@volstream/contracts';
import { OrderBookTransform } from '../src/transform.ts';
import { delta, option, snapshot, T0 } from './helpers/events.ts';

const N = 'BTC-27MAR26-70000-C';
const M = 'BTC-27MAR26-80000-C';
const tops = (events: readonly OrderBookEvent[]) =>
  events.flatMap((e) => (e.payload.case === 'bookTop' ? [e.payload.value] : []));

function setup(intervalMs: number): OrderBookTransform {
  const t = new OrderBookTransform({ clock: () => 0n, publishIntervalMs: intervalMs });
  const first = t.applyRecords(
    [
      option(N, 70_000, true),
      option(M, 80_000, true),
      snapshot(N, [[0.05, 1]], [[0.052, 3]], 100),
      snapshot(M, [[0.01, 1]], [[0.012, 3]], 10),
    ].map((e) => TOPICS.marketdata.encode(e)),
  );
  assert.equal(tops(first.outputs).length, 2, 'first publications go out at once');
  return t;
}

const window = (t: OrderBookTransform, ...events: Parameters<typeof TOPICS.marketdata.encode>[0][]) =>
  t.applyRecords(events.map((e) => TOPICS.marketdata.encode(e)));

describe('order-book conflation cadence', () => {
  it('holds updates inside the interval and publishes the latest book once it has passed', () => {
    const t = setup(250);
    const a = window(t, delta(N, 100, 101, [['new', 0.0501, 1]], [], T0 + 100));
    assert.equal(tops(a.outputs).length, 0, 'held: 100 ms after the last publication');
    const b = window(t, delta(N, 101, 102, [['new', 0.0502, 2]], [], T0 + 200));
    assert.equal(tops(b.outputs).length, 0, 'held: 200 ms');
    const c = window(t, delta(N, 102, 103, [['new', 0.0503, 3]], [], T0 + 250));
    const [top] = tops(c.outputs);
    assert.ok(top !== undefined, 'published at 250 ms');
    assert.deepEqual(
      top.bids.map((l) => l.price),
      [0.0503, 0.0502, 0.0501, 0.05],
    );
    assert.equal(top.changeId, 103n);
  });

  it("flushes a pending top when another instrument's input moves event time on", () => {
    const t = setup(250);
    assert.equal(tops(window(t, delta(N, 100, 101, [['new', 0.0501, 1]], [], T0 + 100)).outputs).length, 0);
    const out = window(t, delta(M, 10, 11, [['new', 0.0101, 1]], [], T0 + 300));
    assert.deepEqual(
      tops(out.outputs)
        .map((x) => x.instrumentName)
        .sort(),
      [N, M].sort(),
    );
  });

  it('publishes an unsynced book at once', () => {
    const t = setup(250);
    const gap = window(t, delta(N, 555, 556, [['new', 0.0501, 1]], [], T0 + 10));
    assert.equal(gap.dropped?.gap, 1);
    const [top] = tops(gap.outputs);
    assert.equal(top?.synced, false);
  });

  it('interval 0 publishes every touched instrument every window', () => {
    const t = setup(0);
    const out = window(t, delta(N, 100, 101, [['new', 0.0501, 1]], [], T0 + 1));
    assert.equal(tops(out.outputs).length, 1);
  });
});

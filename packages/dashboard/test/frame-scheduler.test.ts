import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FrameScheduler, WideningRange } from '../src/app/frame-scheduler.ts';

/** A fake display: frames fire only when the test advances the clock by one refresh (16.7 ms). */
function display() {
  let now = 0;
  let queue: (() => void)[] = [];
  return {
    requestFrame: (cb: () => void) => {
      queue.push(cb);
    },
    now: () => now,
    frame(): void {
      now += 1000 / 60;
      const run = queue;
      queue = [];
      for (const cb of run) cb();
    },
    get queued() {
      return queue.length;
    },
  };
}

describe('FrameScheduler', () => {
  it('coalesces any number of messages between frames into one render', () => {
    const d = display();
    let renders = 0;
    const s = new FrameScheduler(() => (renders += 1), { maxFps: 60, ...d });
    for (let i = 0; i < 500; i += 1) s.markDirty();
    assert.equal(d.queued, 1, 'one frame requested for 500 messages');
    d.frame();
    assert.equal(renders, 1);
    d.frame();
    assert.equal(renders, 1, 'nothing new: no render');
    assert.equal(d.queued, 0, 'and no frame requested while idle');
  });

  it('renders at most maxFps times a second under a continuous stream', () => {
    const d = display();
    let renders = 0;
    const s = new FrameScheduler(() => (renders += 1), { maxFps: 10, ...d });
    for (let f = 0; f < 60; f += 1) {
      for (let i = 0; i < 20; i += 1) s.markDirty();
      d.frame();
    }
    // One second of 60 Hz frames with messages every frame: 10 renders (±1 for phase).
    assert.ok(renders >= 9 && renders <= 11, `${renders} renders`);
    assert.equal(s.marks, 1200);
  });

  it('a message arriving after a render is drawn on a later frame, never lost', () => {
    const d = display();
    let renders = 0;
    const s = new FrameScheduler(() => (renders += 1), { maxFps: 10, ...d });
    s.markDirty();
    d.frame();
    s.markDirty();
    for (let f = 0; f < 3; f += 1) d.frame();
    assert.equal(renders, 1, 'held back: 100 ms have not passed');
    for (let f = 0; f < 4; f += 1) d.frame();
    assert.equal(renders, 2);
  });
});

describe('WideningRange', () => {
  it('only widens, ignores non-finite values, pads, and resets', () => {
    const r = new WideningRange(0.1);
    assert.equal(r.range(), undefined);
    assert.deepEqual(r.include([0.5, 0.7, null, Number.NaN]), [0.48, 0.72]);
    assert.deepEqual(r.include([0.6]), [0.48, 0.72], 'a narrower update keeps the range');
    const [lo, hi] = r.include([0.4, 0.9]) ?? [0, 0];
    assert.ok(Math.abs(lo - 0.35) < 1e-12 && Math.abs(hi - 0.95) < 1e-12);
    r.reset();
    assert.equal(r.range(), undefined);
  });
});

// The replay progress printer: a bar redrawn in place on a TTY, throttled plain lines otherwise,
// always a final report, and an ETA from the rate so far.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { progressPrinter, progressText, type ReplayProgress } from '../src/index.ts';

const snap = (events: number, elapsedMs: number, total = 1000): ReplayProgress => ({
  events,
  totalEvents: total,
  eventTimeMs: Date.UTC(2026, 2, 2, 9, 0, events / 10),
  elapsedMs,
  etaMs: events === 0 ? 0 : (elapsedMs / events) * (total - events),
  speed: 55.5,
});

function sink(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, columns: 160, write: (t: string) => writes.push(t) } };
}

describe('replay progress', () => {
  it('states counts, percent, event time, speed and ETA', () => {
    const text = progressText(snap(250, 3_000));
    assert.match(
      text,
      /^250\/1000 events \(25\.0%\), event time 2026-03-02T09:00:25\.000Z, 55\.5x real time,/,
    );
    assert.match(text, /elapsed 3s, ETA 9s$/);
    assert.match(progressText(snap(10, 60_000)), /elapsed 1m00s, ETA 1h39m$/);
  });

  it('on a TTY redraws one bar in place, throttled, and ends it with a newline', () => {
    let t = 0;
    const { writes, stream } = sink(true);
    const print = progressPrinter(stream, { now: () => t, redrawEveryMs: 100 });
    print(snap(0, 0));
    t = 50;
    print(snap(100, 50)); // within 100 ms of the last redraw: skipped
    t = 200;
    print(snap(500, 200));
    t = 210;
    print(snap(1000, 210)); // final: always drawn
    print(snap(1000, 220)); // after the final one: nothing
    assert.equal(writes.length, 3);
    for (const w of writes) assert.ok(w.startsWith('\r['), JSON.stringify(w));
    assert.match(writes[1]!, /\[#{20}\.{20}\] replay: 500\/1000 events \(50\.0%\)/);
    assert.match(writes[2]!, /\[#{40}\] replay: 1000\/1000 events \(100\.0%\).*\n$/);
    assert.ok(!writes[1]!.endsWith('\n'));
  });

  it('off a TTY prints a plain line at most every few seconds, and the final one', () => {
    let t = 0;
    const { writes, stream } = sink(false);
    const print = progressPrinter(stream, { now: () => t });
    for (let i = 0; i <= 100; i++) {
      t = i * 100; // a page every 100 ms for 10 s
      print(snap(i * 9, t));
    }
    print(snap(1000, 10_100));
    assert.deepEqual(
      writes.map((w) => w.split(' ')[1]),
      ['0/1000', '450/1000', '900/1000', '1000/1000'],
    );
    for (const w of writes) assert.ok(w.startsWith('replay: ') && w.endsWith('\n') && !w.includes('\r'));
  });
});

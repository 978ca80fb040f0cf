// Bybit book continuity by `u`: unit cases (u = 1 reset, jumps, the u = 0 empty snapshot, seq
// going backwards) and a replay of every real orderbook.200 message of the v5 capture
// (../shared/data/bybit_v5_ws_capture_2026-08-09/, linear and spot: 6 snapshots, 2,142 deltas),
// which must pass the sequencer as in sequence from end to end.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BybitBookSequencer } from '../src/venues/bybit/book-sequencer.ts';
import { type BybitBook, isRejection, validateBybitBook } from '../src/venues/bybit/parse.ts';
import { topicSymbol } from '../src/venues/bybit/subscriptions.ts';
import { SHARED_DATA } from './helpers/shared-data.ts';

const book = (u: number, seq?: number, instrument = 'BTC-27DEC24-60000-C'): BybitBook => ({
  instrument,
  tsMs: 1,
  u,
  ...(seq === undefined ? {} : { seq }),
  bids: [],
  asks: [],
});

describe('BybitBookSequencer', () => {
  it('snapshot then consecutive deltas are in sequence; a delta before any snapshot is unsynced', () => {
    const s = new BybitBookSequencer();
    assert.equal(s.accept('delta', book(5)), 'unsynced');
    assert.equal(s.accept('snapshot', book(24_641)), 'snapshot');
    assert.equal(s.accept('delta', book(24_642)), 'delta');
    assert.equal(s.accept('delta', book(24_643)), 'delta');
    assert.equal(s.lastU('BTC-27DEC24-60000-C'), 24_643);
    assert.equal(s.syncedCount, 1);
  });

  it('a jump in u is a gap; the book then waits for a snapshot', () => {
    const s = new BybitBookSequencer();
    s.accept('snapshot', book(100));
    assert.equal(s.accept('delta', book(102)), 'gap');
    assert.equal(s.synced('BTC-27DEC24-60000-C'), false);
    assert.equal(s.accept('delta', book(103)), 'unsynced');
    assert.equal(s.accept('snapshot', book(200)), 'snapshot');
    assert.equal(s.accept('delta', book(201)), 'delta');
  });

  it('a repeated or older u is a gap too (Bybit promises nothing else)', () => {
    const s = new BybitBookSequencer();
    s.accept('snapshot', book(100));
    assert.equal(s.accept('delta', book(100)), 'gap');
    s.accept('snapshot', book(100));
    assert.equal(s.accept('delta', book(50)), 'gap');
  });

  it('u = 1 on a delta is a service restart (reset); a snapshot with u = 1 simply replaces', () => {
    const s = new BybitBookSequencer();
    s.accept('snapshot', book(100));
    assert.equal(s.accept('delta', book(1)), 'reset');
    assert.equal(s.accept('snapshot', book(1)), 'snapshot');
    assert.equal(s.accept('delta', book(2)), 'delta');
  });

  it('the empty snapshot with u = 0 (real option sample) continues with u = 1', () => {
    const s = new BybitBookSequencer();
    s.accept('snapshot', book(0));
    assert.equal(s.accept('delta', book(1)), 'delta');
  });

  it('a new snapshot mid-chain replaces the book (Bybit re-sends one on its own)', () => {
    const s = new BybitBookSequencer();
    s.accept('snapshot', book(10));
    s.accept('delta', book(11));
    assert.equal(s.accept('snapshot', book(5_000)), 'snapshot');
    assert.equal(s.accept('delta', book(5_001)), 'delta');
  });

  it('seq must not go backwards when both messages carry it', () => {
    const s = new BybitBookSequencer();
    s.accept('snapshot', book(10, 1_000));
    assert.equal(s.accept('delta', book(11, 1_500)), 'delta');
    assert.equal(s.accept('delta', book(12, 1_400)), 'gap');
    s.accept('snapshot', book(20, 2_000));
    assert.equal(s.accept('delta', book(21)), 'delta', 'a message without seq is checked by u only');
  });

  it('instruments are independent; forget and invalidate', () => {
    const s = new BybitBookSequencer();
    s.accept('snapshot', book(1, undefined, 'A'));
    s.accept('snapshot', book(1, undefined, 'B'));
    assert.equal(s.accept('delta', book(3, undefined, 'A')), 'gap');
    assert.equal(s.accept('delta', book(2, undefined, 'B')), 'delta');
    s.invalidate('B');
    assert.equal(s.synced('B'), false);
    s.forget('A');
    assert.equal(s.accept('delta', book(4, undefined, 'A')), 'unsynced');
    assert.equal(s.syncedCount, 0);
  });

  it('replays every real v5 orderbook message of the capture in sequence', () => {
    const lines = readFileSync(
      join(SHARED_DATA, 'bybit_v5_ws_capture_2026-08-09', 'BYBIT.v5.linear_spot.jsonl'),
      'utf8',
    ).split('\n');
    // One sequencer per connection: linear and spot reuse symbols (BTCUSDT) with separate u chains.
    const sequencers = new Map<string, BybitBookSequencer>();
    const verdicts: Record<string, number> = {};
    for (const line of lines) {
      if (line === '') continue;
      const rec = JSON.parse(line) as { t: string; conn?: string; data?: string };
      if (rec.t !== 'recv' || rec.data === undefined) continue;
      const msg = JSON.parse(rec.data) as {
        topic?: string;
        type?: 'snapshot' | 'delta';
        ts?: number;
        data?: unknown;
      };
      if (msg.topic?.startsWith('orderbook.') !== true) continue;
      const parsed = validateBybitBook(topicSymbol(msg.topic)!, msg.ts, msg.data);
      assert.ok(!isRejection(parsed), isRejection(parsed) ? parsed.detail : '');
      let s = sequencers.get(rec.conn!);
      if (s === undefined) {
        s = new BybitBookSequencer();
        sequencers.set(rec.conn!, s);
      }
      const v = s.accept(msg.type!, parsed);
      verdicts[v] = (verdicts[v] ?? 0) + 1;
    }
    assert.deepEqual(verdicts, { snapshot: 6, delta: 2_142 });
  });
});

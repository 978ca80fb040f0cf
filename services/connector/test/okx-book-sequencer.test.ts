// OKX seqId/prevSeqId continuity: snapshot, in-sequence updates, keep-alive, reset, gap, and the
// real 2022 capture (no seqId yet) passing as one unbroken chain per book.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { OkxBookSequencer } from '../src/venues/okx/book-sequencer.ts';
import type { OkxPush } from '../src/venues/okx/messages.ts';
import { isRejection, type OkxBook, validateOkxBook } from '../src/venues/okx/parse.ts';
import { SHARED_DATA } from './helpers/shared-data.ts';

function book(seqId: number, prevSeqId: number, empty = false): OkxBook {
  return {
    instrument: 'BTC-USD-241217-92000-C',
    tsMs: 1,
    seqId,
    prevSeqId,
    bids: empty ? [] : [[0.01, 3]],
    asks: [],
  };
}

describe('OkxBookSequencer', () => {
  it('snapshot, updates, keep-alive, then a gap waits for the next snapshot', () => {
    const s = new OkxBookSequencer();
    assert.equal(s.accept('update', book(11, 10)), 'unsynced', 'no update before a snapshot');
    assert.equal(s.accept('snapshot', book(10, -1)), 'snapshot');
    assert.equal(s.accept('update', book(11, 10)), 'delta');
    assert.equal(s.accept('update', book(11, 11, true)), 'keepalive');
    assert.equal(s.lastSeq('BTC-USD-241217-92000-C'), 11);
    assert.equal(s.accept('update', book(15, 12)), 'gap');
    assert.equal(s.synced('BTC-USD-241217-92000-C'), false);
    assert.equal(s.accept('update', book(16, 15)), 'unsynced', 'deltas after a gap are never good');
    assert.equal(s.accept('snapshot', book(20, -1)), 'snapshot');
    assert.equal(s.accept('update', book(21, 20)), 'delta');
    assert.equal(s.syncedCount, 1);
  });

  it('a reset after maintenance (seqId < prevSeqId) resyncs', () => {
    const s = new OkxBookSequencer();
    s.accept('snapshot', book(500, -1));
    assert.equal(s.accept('update', book(3, 500)), 'reset');
    assert.equal(s.accept('update', book(4, 3)), 'unsynced');
    assert.equal(s.accept('snapshot', book(4, -1)), 'snapshot');
  });

  it('a non-empty update with prevSeqId == seqId is not a keep-alive', () => {
    const s = new OkxBookSequencer();
    s.accept('snapshot', book(7, -1));
    assert.equal(s.accept('update', book(7, 7)), 'gap');
  });

  it('invalidate (reconnect) waits for a snapshot; forget drops the instrument', () => {
    const s = new OkxBookSequencer();
    s.accept('snapshot', book(7, -1));
    s.invalidate('BTC-USD-241217-92000-C');
    assert.equal(s.accept('update', book(8, 7)), 'unsynced');
    s.forget('BTC-USD-241217-92000-C');
    assert.equal(s.syncedCount, 0);
  });

  it('the real 2022 capture (checksum, no seqId) is one snapshot then deltas per book', () => {
    const text = readFileSync(join(SHARED_DATA, 'okx_ws_capture_2022-05-13', 'OKX.ws.1.0.txt'), 'utf8');
    const s = new OkxBookSequencer();
    const counts = { snapshot: 0, delta: 0, other: 0 };
    for (const line of text.split('\n')) {
      if (!line.includes('"channel":"books"')) continue;
      const push = JSON.parse(line.slice(line.indexOf('{'))) as OkxPush<unknown>;
      if (push.action === undefined) continue;
      const b = validateOkxBook(push.arg.instId!, push.data[0]);
      assert.ok(!isRejection(b), line.slice(0, 120));
      const v = s.accept(push.action, b);
      if (v === 'snapshot') counts.snapshot += 1;
      else if (v === 'delta') counts.delta += 1;
      else counts.other += 1;
    }
    assert.ok(counts.snapshot >= 3, JSON.stringify(counts));
    assert.ok(counts.delta > 100, JSON.stringify(counts));
    assert.equal(counts.other, 0);
  });
});

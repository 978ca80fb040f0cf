import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DeribitBookSequencer, isSnapshotMessage } from '../src/venues/deribit/book-sequencer.ts';
import type { DeribitBookData, DeribitBookLevel } from '../src/venues/deribit/messages.ts';
import { readCaptureReceived } from './helpers/shared-data.ts';

const NAME = 'BTC-24SEP21-34000-P';

function book(
  changeId: number,
  prev: number | undefined,
  bids: DeribitBookLevel[] = [],
  asks: DeribitBookLevel[] = [],
  type?: 'snapshot' | 'change',
): DeribitBookData {
  return {
    ...(type === undefined ? {} : { type }),
    timestamp: 1,
    instrument_name: NAME,
    change_id: changeId,
    ...(prev === undefined ? {} : { prev_change_id: prev }),
    bids,
    asks,
  };
}

describe('DeribitBookSequencer', () => {
  it('accepts the real capture: every book in sequence although change ids are not consecutive', () => {
    const sequencer = new DeribitBookSequencer();
    const verdicts: string[] = [];
    let nonConsecutive = 0;
    for (const frame of readCaptureReceived()) {
      const msg = JSON.parse(frame.text) as { params?: { channel?: string; data?: DeribitBookData } };
      if (!msg.params?.channel?.startsWith('book.')) continue;
      const data = msg.params.data!;
      if (data.prev_change_id !== undefined && data.change_id !== data.prev_change_id + 1)
        nonConsecutive += 1;
      verdicts.push(sequencer.accept(data));
    }
    assert.equal(verdicts.filter((v) => v === 'snapshot').length, 10);
    assert.equal(verdicts.filter((v) => v === 'delta').length, 36);
    assert.ok(nonConsecutive > 0, 'the capture has non-consecutive ids (the +1 rule would be wrong)');
    assert.equal(sequencer.syncedCount, 10);
  });

  it('a prev_change_id mismatch is a gap; deltas are then refused until a new snapshot', () => {
    const s = new DeribitBookSequencer();
    assert.equal(
      s.accept(book(100, undefined, [['new', 0.1, 1]], [['new', 0.2, 1]], 'snapshot')),
      'snapshot',
    );
    assert.equal(s.accept(book(105, 100, [['change', 0.1, 2]])), 'delta');
    assert.equal(s.accept(book(110, 107)), 'gap');
    assert.equal(s.isSynced(NAME), false);
    assert.equal(s.accept(book(115, 110)), 'unsynced');
    assert.equal(s.accept(book(120, undefined, [['new', 0.1, 1]], [], 'snapshot')), 'snapshot');
    assert.equal(s.accept(book(121, 120)), 'delta');
    assert.equal(s.lastChangeId(NAME), 121);
  });

  it('treats type snapshot, missing prev_change_id and prev_change_id 0 as snapshots (tardis rules)', () => {
    assert.equal(isSnapshotMessage(book(5, 4, [], [], 'snapshot')), true);
    assert.equal(isSnapshotMessage(book(5, undefined)), true);
    assert.equal(isSnapshotMessage(book(5, 0, [], [], 'change')), true);
    assert.equal(isSnapshotMessage(book(5, 4, [], [], 'change')), false);
  });

  it('a delta before any snapshot is refused', () => {
    assert.equal(new DeribitBookSequencer().accept(book(5, 4, [], [], 'change')), 'unsynced');
  });

  it('detects a crossed snapshot and a delta that crosses the compact top of book', () => {
    const s = new DeribitBookSequencer();
    assert.equal(s.accept(book(1, undefined, [['new', 0.3, 1]], [['new', 0.2, 1]], 'snapshot')), 'crossed');
    assert.equal(s.isSynced(NAME), false);
    assert.equal(s.accept(book(2, undefined, [['new', 0.1, 1]], [['new', 0.2, 1]], 'snapshot')), 'snapshot');
    assert.equal(s.accept(book(3, 2, [['new', 0.25, 1]])), 'crossed');
  });

  it('follows the best price through deletes, and does not invent crossings for untracked depth', () => {
    const s = new DeribitBookSequencer();
    const bids: DeribitBookLevel[] = Array.from({ length: 20 }, (_, i) => ['new', 0.1 - i * 0.001, 1]);
    assert.equal(s.accept(book(1, undefined, bids, [['new', 0.2, 1]], 'snapshot')), 'snapshot');
    // Delete the 16 tracked bids: the side becomes unknown, so an ask at 0.05 is no proven crossing.
    const deletes: DeribitBookLevel[] = Array.from({ length: 16 }, (_, i) => ['delete', 0.1 - i * 0.001, 0]);
    assert.equal(s.accept(book(2, 1, deletes)), 'delta');
    assert.equal(s.accept(book(3, 2, [], [['new', 0.05, 1]])), 'delta');
    // A new bid at or above the tracked best ask is a proven crossing.
    assert.equal(s.accept(book(4, 3, [['new', 0.06, 1]], [])), 'crossed');
  });

  it('remove forgets a book and keeps the synced gauge right', () => {
    const s = new DeribitBookSequencer();
    s.accept(book(1, undefined, [], [], 'snapshot'));
    assert.equal(s.syncedCount, 1);
    s.remove(NAME);
    assert.equal(s.syncedCount, 0);
    assert.equal(s.accept(book(2, 1)), 'unsynced');
  });
});

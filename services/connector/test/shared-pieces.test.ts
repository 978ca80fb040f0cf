// Unit tests of the venue-independent pieces: backoff, token bucket, publisher, metrics.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Backoff } from '../src/backoff.ts';
import { ConnectorMetrics, snapshotStats, toPrometheus } from '../src/metrics.ts';
import { MicroBatchPublisher } from '../src/publisher.ts';
import { TokenBucket } from '../src/token-bucket.ts';
import { BAD, decimalOrEmpty, decimalString } from '../src/values.ts';

describe('Backoff (exponential, full jitter)', () => {
  it('draws uniformly below a ceiling that doubles up to the cap, and resets', () => {
    let r = 0.999;
    const b = new Backoff({ baseMs: 100, capMs: 1000, random: () => r });
    const delays = Array.from({ length: 6 }, () => b.next());
    assert.deepEqual(delays, [99, 199, 399, 799, 999, 999]);
    r = 0;
    assert.equal(b.next(), 0, 'full jitter reaches 0');
    b.reset();
    assert.equal(b.attempt, 0);
    assert.equal(b.ceiling(), 100);
  });
});

describe('TokenBucket', () => {
  it('allows the burst at once, then paces at the rate; penalise blocks refills', () => {
    let now = 0;
    const bucket = new TokenBucket({ ratePerSec: 2, burst: 3, now: () => now });
    assert.equal([1, 2, 3, 4].filter(() => bucket.tryTake()).length, 3);
    now = 499;
    assert.equal(bucket.tryTake(), false);
    now = 500;
    assert.equal(bucket.tryTake(), true, 'one token per 500 ms at 2/s');
    bucket.penalise(5000);
    now = 4000;
    assert.equal(bucket.tryTake(), false, 'no refill while penalised');
    now = 6000;
    assert.equal(bucket.tryTake(), true);
  });

  it('resolves waiters in order with real timers', async () => {
    const bucket = new TokenBucket({ ratePerSec: 50, burst: 1 });
    const order: number[] = [];
    const started = Date.now();
    await Promise.all([1, 2, 3].map((i) => bucket.take().then(() => order.push(i))));
    assert.deepEqual(order, [1, 2, 3]);
    assert.ok(Date.now() - started >= 30, 'two waits of 20 ms');
    bucket.close();
  });
});

describe('MicroBatchPublisher', () => {
  it('publishes in one batch per event-loop turn, one publish in flight, bounded buffer', async () => {
    const batches: number[][] = [];
    let release: (() => void) | undefined;
    const published: number[] = [];
    const publisher = new MicroBatchPublisher<number>(
      {
        publish: (events) => {
          batches.push([...events]);
          return new Promise<void>((resolve) => {
            release = resolve;
          });
        },
      },
      { maxBuffered: 5, onError: () => {}, onPublished: (n) => published.push(n) },
    );
    for (let i = 0; i < 5; i += 1) assert.equal(publisher.push(i), true);
    assert.equal(publisher.push(99), false, 'full: refused, not queued');
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(batches, [[0, 1, 2, 3, 4]]);
    publisher.push(5);
    publisher.pushUrgent(6);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(batches.length, 1, 'no second publish while one is in flight');
    release!();
    const flushed = publisher.flush();
    await new Promise((resolve) => setImmediate(resolve));
    release!();
    await flushed;
    assert.deepEqual(batches, [
      [0, 1, 2, 3, 4],
      [5, 6],
    ]);
    assert.deepEqual(published, [5, 2]);
  });

  it('hands a failed batch to onError with the lost events', async () => {
    const lost: number[][] = [];
    const publisher = new MicroBatchPublisher<number>(
      { publish: () => Promise.reject(new Error('broker down')) },
      { maxBuffered: 10, onError: (_e, batch) => lost.push(batch), onPublished: () => {} },
    );
    publisher.push(1);
    publisher.push(2);
    await publisher.flush();
    assert.deepEqual(lost, [[1, 2]]);
  });
});

describe('metrics', () => {
  it('snapshots counters and renders Prometheus text with one series per drop reason', () => {
    const m = new ConnectorMetrics('deribit');
    m.messagesIn = 10;
    m.drop('invalid_json');
    m.drop('book_gap', 2);
    m.recordHeartbeatAnswer(120);
    m.recordHeartbeatRtt(4);
    const stats = snapshotStats(m, {
      connections: 2,
      connectionsOpen: 2,
      channelsSubscribed: 7,
      instruments: 3,
      booksSynced: 1,
      bufferedEvents: 0,
    });
    assert.equal(stats.droppedTotal, 3);
    assert.equal(stats.heartbeat.maxAnswerUs, 120);
    const text = toPrometheus(stats);
    assert.match(text, /volstream_connector_messages_in_total\{venue="deribit"\} 10\n/);
    assert.match(text, /volstream_connector_dropped_total\{venue="deribit",reason="book_gap"\} 2\n/);
    assert.match(text, /# TYPE volstream_connector_dropped_total counter\n/);
  });
});

describe('decimal strings (values.ts, shared by OKX, Bybit, Binance)', () => {
  it('reads decimal strings, absent for null/missing, BAD for junk; "" is absent only where the venue says so', () => {
    for (const read of [decimalString, decimalOrEmpty]) {
      assert.equal(read('0.0005'), 0.0005);
      assert.equal(read('-1.0'), -1);
      assert.equal(read('1e-3'), 0.001);
      assert.equal(read(null), undefined);
      assert.equal(read(undefined), undefined);
      for (const junk of [' ', 'NaN', '1e999', '0x10', '1.', 12, true, {}])
        assert.equal(read(junk), BAD, String(junk));
    }
    assert.equal(decimalString(''), BAD, 'Binance: "" is junk');
    assert.equal(decimalOrEmpty(''), undefined, 'OKX/Bybit: "" is no value');
  });
});

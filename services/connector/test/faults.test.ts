// Bad input of every kind, injected by the simulator: counted per reason, dropped, and the
// connector keeps running (still subscribed, still publishing a sound stream).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Fault, MalformedKind } from '@volstream/exchange-sim';
import type { DropReason } from '../src/metrics.ts';
import { BookReplicas } from './helpers/book-replica.ts';
import { type Pair, startPair, waitFor } from './helpers/harness.ts';

describe('bad venue input is counted, dropped, and never stops the connector', () => {
  let pair: Pair;

  before(async () => {
    pair = await startPair({ rate: 600 }, { tooManyRequestsPenaltyMs: 500 }, 2);
    await pair.connector.whenConverged(20_000);
  });

  after(async () => {
    await pair?.stop();
  });

  async function stillAlive(): Promise<void> {
    await pair.connector.whenConverged(20_000);
    const out = pair.connector.stats().eventsOut;
    await waitFor('events still flowing', () => pair.connector.stats().eventsOut > out + 50);
    await pair.connector.flush();
    assert.deepEqual(new BookReplicas().apply(pair.sink.events).violations, []);
  }

  /**
   * Error replies hit "the next request" of a session. Re-inject until one is met: a session
   * replaced meanwhile (the venue drops a session whose heartbeat answer got an error reply) takes
   * its pending fault with it.
   */
  async function injectUntil(fault: Fault, what: string, done: () => boolean): Promise<void> {
    pair.sim.inject(fault);
    const again = setInterval(() => pair.sim.inject(fault), 1500);
    try {
      await waitFor(what, done);
    } finally {
      clearInterval(again);
    }
  }

  const malformed: [MalformedKind, DropReason][] = [
    ['invalid_json', 'invalid_json'],
    ['unknown_channel', 'unknown_channel'],
    ['nan_price', 'bad_value'],
    ['negative_amount', 'bad_value'],
    ['crossed_book', 'crossed_book'],
    ['unknown_instrument', 'unknown_instrument'],
  ];
  for (const [kind, reason] of malformed) {
    it(`malformed ${kind} -> counted as ${reason}`, async () => {
      const before = pair.connector.stats().dropped[reason];
      pair.sim.inject({ type: 'malformed', kind });
      await waitFor(`${reason} counted`, () => pair.connector.stats().dropped[reason] > before);
      await stillAlive();
    });
  }

  it('a crossed book is never published as good: marked unsynced and resynced', async () => {
    const resynced = pair.connector.stats().resyncsCompleted;
    pair.sim.inject({ type: 'malformed', kind: 'crossed_book' });
    await waitFor('resync after crossing', () => pair.connector.stats().resyncsCompleted > resynced);
    await stillAlive();
  });

  it('a stall longer than nothing but shorter than the silence limit causes no reconnect', async () => {
    const before = pair.connector.stats().reconnects;
    pair.sim.inject({ type: 'stall', ms: 800 });
    await new Promise((resolve) => setTimeout(resolve, 1200));
    assert.equal(pair.connector.stats().reconnects, before);
    await stillAlive();
  });

  it('a burst (slow-consumer pressure) is absorbed without loss of sequence', async () => {
    const before = pair.connector.stats().messagesIn;
    pair.sim.inject({ type: 'slow_consumer', messages: 20_000 });
    await waitFor('the burst to arrive', () => pair.connector.stats().messagesIn > before + 15_000);
    await stillAlive();
    assert.equal(pair.connector.stats().dropped.backpressure, 0);
  });
  it('error reply -32600 (request entity too large) is counted', async () => {
    const before = pair.connector.stats().dropped.request_too_large;
    await injectUntil({ type: 'error_reply', code: -32600 }, '-32600 counted', () => {
      return pair.connector.stats().dropped.request_too_large > before;
    });
    await stillAlive();
  });

  it('error reply 10028 (too_many_requests, then the venue closes the session) backs off and recovers', async () => {
    const before = pair.connector.stats();
    await injectUntil({ type: 'error_reply', code: 10028 }, '10028 counted', () => {
      return pair.connector.stats().dropped.too_many_requests > before.dropped.too_many_requests;
    });
    await waitFor(
      'reconnect after the venue closed',
      () => pair.connector.stats().reconnects > before.reconnects,
    );
    await stillAlive();
    await waitFor('both sockets open again', () => pair.connector.stats().connectionsOpen === 2);
  });
});

describe('subscribe request size', () => {
  it('a request over the venue limit (−32600) is split and the channels still get subscribed', async () => {
    // The simulator, like Deribit, refuses more than 250 channels per request.
    const pair = await startPair({ rate: 200 }, { maxChannelsPerRequest: 400 }, 1);
    try {
      await pair.connector.whenConverged(20_000);
      const stats = pair.connector.stats();
      assert.ok(stats.dropped.request_too_large > 0, 'the oversized request was refused');
      assert.equal(stats.instruments, pair.sim.market!.byName.size);
      assert.equal(pair.sim.stats().sessions[0]!.subscriptions, stats.channelsSubscribed);
    } finally {
      await pair.stop();
    }
  });
});

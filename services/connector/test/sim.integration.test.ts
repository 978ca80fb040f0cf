// The connector against the protocol-faithful simulator (services/exchange-sim) on loopback.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BookReplicas } from './helpers/book-replica.ts';
import { type Pair, sleep, startPair, waitFor } from './helpers/harness.ts';

describe('connector against the Deribit simulator', () => {
  let pair: Pair;

  before(async () => {
    pair = await startPair({ rate: 800 });
    await pair.connector.whenConverged(20_000);
  });

  after(async () => {
    await pair?.stop();
  });

  it('subscribes every listed option (book + ticker) and every future ticker over several sockets', () => {
    const stats = pair.connector.stats();
    const listed = pair.sim.market!.byName.size;
    assert.equal(stats.connectionsOpen, 3);
    assert.equal(stats.instruments, listed);
    const options = [...pair.sim.market!.byName.values()].filter((i) => i.kind === 'option').length;
    // 2 channels per option, 1 per future, 3 per currency (index + two state channels).
    assert.equal(stats.channelsSubscribed, options * 2 + (listed - options) + 3);
    const perSession = pair.sim.stats().sessions.map((s) => s.subscriptions);
    assert.equal(perSession.length, 3);
    assert.ok(Math.max(...perSession) < stats.channelsSubscribed, 'no single socket carries everything');
  });

  it('books rebuilt from the published snapshots and deltas equal the simulator books', async () => {
    // A book is compared when the replica has reached the simulator's change_id of a moment ago;
    // books that moved since are skipped. Repeated until most books were compared: on a loaded
    // machine the connector may lag one round behind (bounded by a deadline).
    const deadline = Date.now() + 30_000;
    let compared = 0;
    let total = 0;
    for (;;) {
      const truth = pair.sim.books();
      await sleep(300);
      await pair.connector.flush();
      const replicas = new BookReplicas().apply(pair.sink.events);
      assert.deepEqual(replicas.violations, []);
      total = Object.keys(truth).length;
      compared = 0;
      for (const [name, book] of Object.entries(truth)) {
        const mine = replicas.levels(name);
        if (mine === undefined || mine.changeId !== book.changeId) continue;
        compared += 1;
        assert.deepEqual({ bids: mine.bids, asks: mine.asks }, { bids: book.bids, asks: book.asks }, name);
      }
      if (compared > total / 2 || Date.now() > deadline) break;
    }
    assert.ok(compared > total / 2, `compared ${compared} of ${total}`);
    for (const event of pair.sink.events) {
      const h = event.header!;
      // Receive time when the frame arrived, publish time when its batch went to the sink.
      assert.ok(h.receiveTimeNs > 0n && h.publishTimeNs >= h.receiveTimeNs, h.eventId);
      assert.ok(h.exchangeTimeMs > 0n || event.payload.case === 'instrument', h.eventId);
    }
  });

  it('answers every test_request and is never dropped by the venue for a missed heartbeat', async () => {
    const before = pair.connector.stats().heartbeat.testRequests;
    // Two rounds on each of the 3 sockets (1 s heartbeats): waited for, not slept for.
    await waitFor(
      'six test_requests',
      () => pair.connector.stats().heartbeat.testRequests >= before + 3 * 2,
      30_000,
    );
    const hb = pair.connector.stats().heartbeat;
    assert.equal(hb.answered, hb.testRequests);
    assert.equal(pair.sim.stats().counters.heartbeatDrops, 0);
    assert.equal(pair.connector.stats().reconnects, 0);
  });

  it('a listing mid-session is fetched from the venue and subscribed; an expiry is unsubscribed and forgotten', async () => {
    const before = pair.connector.stats();
    const statesBefore = pair.sink.events.filter((e) => e.payload.case === 'instrumentState').length;
    pair.sim.inject({ type: 'listing', currency: 'BTC' });
    await waitFor('the new expiry to be subscribed', () => {
      const s = pair.connector.stats();
      return s.instruments > before.instruments && pair.connector.converged;
    });
    const listed = pair.sim.market!.byName.size;
    await waitFor('every listed instrument followed', () => pair.connector.stats().instruments === listed);
    const afterListing = pair.connector.stats();
    assert.ok(afterListing.channelsSubscribed > before.channelsSubscribed);
    pair.sim.inject({ type: 'expiry', currency: 'BTC' });
    await waitFor(
      'the expired instruments to be dropped',
      () => pair.connector.stats().instruments < afterListing.instruments,
    );
    await waitFor('their channels to be unsubscribed', () => {
      const s = pair.connector.stats();
      return pair.connector.converged && s.channelsSubscribed < afterListing.channelsSubscribed;
    });
    await pair.connector.flush();
    const states = pair.sink.events.filter((e) => e.payload.case === 'instrumentState').length;
    assert.ok(states > statesBefore, 'listing and expiry state changes were published');
  });

  it('an injected gap is detected, marked unsynced, resynced from a new snapshot; no bad delta is published', async () => {
    const before = pair.connector.stats();
    pair.sim.inject({ type: 'drop_deltas', count: 2 });
    await waitFor('a detected gap', () => pair.connector.stats().dropped.book_gap > before.dropped.book_gap);
    await waitFor('the resync', () => {
      const s = pair.connector.stats();
      return s.resyncsCompleted === s.resyncsRequested && s.resyncsCompleted > before.resyncsCompleted;
    });
    await pair.connector.flush();
    const replicas = new BookReplicas().apply(pair.sink.events);
    assert.deepEqual(replicas.violations, []);
    assert.ok(replicas.markers > 0, 'downstream was told the book was unsynced');
  });

  it('a dropped connection reconnects with backoff, resubscribes and resyncs its books', async () => {
    const before = pair.connector.stats();
    pair.sim.inject({ type: 'disconnect', mode: 'terminate' });
    await waitFor('reconnects', () => pair.connector.stats().reconnects >= before.reconnects + 3);
    await pair.connector.whenConverged(20_000);
    await waitFor('every book resynced', () => {
      const s = pair.connector.stats();
      return s.resyncsCompleted === s.resyncsRequested && s.booksSynced === before.booksSynced;
    });
    await pair.connector.flush();
    const replicas = new BookReplicas().apply(pair.sink.events);
    assert.deepEqual(replicas.violations, []);
    const after = pair.connector.stats();
    assert.equal(after.connectionsOpen, 3);
    assert.ok(after.resyncsCompleted - before.resyncsCompleted >= before.booksSynced);
  });

  it('a silent connection (open socket, no data) is detected by silence and replaced', async () => {
    const before = pair.connector.stats().reconnects;
    const session = pair.sim.stats().sessions[0]!.id;
    pair.sim.inject({ type: 'silent', session });
    // Silence limit = 1 s heartbeat x 3.
    await waitFor(
      'the silent socket to be replaced',
      () => pair.connector.stats().reconnects > before,
      20_000,
    );
    await pair.connector.whenConverged(20_000);
    assert.equal(pair.connector.stats().connectionsOpen, 3);
  });
});

// Connector ↔ OKX simulator over real sockets and REST: books rebuilt from the published stream
// equal the simulator's, gap → marker + resync, reset → resync, keep-alive passes silently,
// disconnect → reconnect/resubscribe/resync, text ping/pong after silence, malformed frames
// counted and dropped.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type OkxSimulator, startOkxSimulator } from '@volstream/exchange-sim';
import { createLogger } from '@volstream/logging';
import { createReceiveClock } from '../src/clock.ts';
import { CollectingSink } from '../src/sink.ts';
import { OkxFeed } from '../src/venues/okx/feed.ts';
import { okxFeedOptions } from '../src/venues/okx/index.ts';
import { settle, sleep, waitFor as until } from './helpers/harness.ts';
import { SeqReplicas } from './helpers/seq-replicas.ts';

describe('OKX connector against the OKX simulator', () => {
  let sim: OkxSimulator;
  let feed: OkxFeed;
  const sink = new CollectingSink();
  const replicas = new SeqReplicas({ seqField: 'seqId' });

  before(async () => {
    sim = await startOkxSimulator({
      seed: 'okx-test',
      currencies: ['BTC'],
      calendar: { dailies: 0, weeklies: 1, monthlies: 0, quarterlies: 0 },
      tickMs: 50,
      summaryMs: 200,
    });
    feed = new OkxFeed(
      okxFeedOptions({
        url: sim.url,
        currencies: ['BTC'],
        connections: 2,
        producerId: 'connector-okx-test',
        tuning: {
          pingAfterMs: 300,
          silenceMs: 3000,
          backoffBaseMs: 50,
          backoffCapMs: 200,
          subscribeRatePerSec: 50,
          subscribeBurst: 50,
          instrumentRefreshMs: 0,
        },
      }),
      {
        sink,
        logger: createLogger({ service: 'connector-test', level: 'silent' }),
        clock: createReceiveClock(),
      },
    );
    feed.start();
    await feed.whenConverged(30_000);
  });

  after(async () => {
    await feed.stop();
    await sim.stop();
  });

  /** Pauses the market, lets everything in flight arrive, and compares every subscribed book. */
  async function assertBooksEqual(): Promise<void> {
    sim.pause();
    // Everything in flight arrives first (a fixed sleep was too short on a loaded machine).
    await settle(() => feed.stats().messagesIn - feed.stats().controlFrames);
    await feed.flush();
    replicas.update(sink.events);
    const names = sim.instruments();
    const truth = sim.books(names);
    replicas.assertEqualTo(names, truth);
  }

  it('lists instruments from REST, subscribes everything and rebuilds equal books', async () => {
    const names = sim.instruments();
    assert.equal(feed.registry.size, names.length);
    // Listings are subscribed in a few coalesced requests (OKX allows 480 per connection and hour).
    assert.ok(feed.stats().subscribeRequests <= 6, `${feed.stats().subscribeRequests} subscribe requests`);
    await until('a book update', () => sink.events.some((e) => e.payload.case === 'bookDelta'));
    await until('tickers with IV and forward', () =>
      sink.events.some(
        (e) =>
          e.payload.case === 'ticker' &&
          e.payload.value.markIv !== undefined &&
          e.payload.value.underlyingPrice !== undefined &&
          e.payload.value.markPrice !== undefined,
      ),
    );
    assert.ok(
      sink.events.some((e) => e.payload.case === 'indexPrice' && e.payload.value.indexName === 'BTC-USD'),
    );
    assert.equal(sink.events.filter((e) => e.payload.case === 'instrument').length, names.length);
    await assertBooksEqual();
  });

  it('answers silence with a text ping and counts the pong', async () => {
    // The market is paused: nothing arrives, so each socket pings after 300 ms.
    const before = sim.stats().pings;
    await until('pings answered', () => sim.stats().pings >= before + 2);
    await until('pongs counted', () => feed.shards.every((s) => s.pongs > 0));
    assert.equal(feed.stats().reconnects, 0, 'a pinging socket is not dropped for silence');
    sim.resume();
  });

  it('a keep-alive update (prevSeqId == seqId) publishes nothing and keeps the book synced', async () => {
    const name = sim.instruments()[0]!;
    await feed.flush();
    const count = sink.events.length;
    const control = feed.stats().controlFrames;
    sim.pause();
    await sleep(100);
    sim.keepAlive(name);
    await until('keep-alive seen', () => feed.stats().controlFrames > control);
    await feed.flush();
    assert.equal(
      sink.events.slice(count).filter((e) => (e.payload.case ?? '').startsWith('book')).length,
      0,
      'no book event for a keep-alive',
    );
    assert.ok(feed.sequencer.synced(name));
    sim.resume();
  });

  it('a gap publishes the unsynced marker, drops following deltas and resyncs from a snapshot', async () => {
    const name = sim.instruments()[1]!;
    const gaps = feed.stats().dropped.book_gap;
    const done = feed.stats().resyncsCompleted;
    const markers = replicas.markers;
    sim.gap(name);
    await until('gap detected', () => feed.stats().dropped.book_gap === gaps + 1);
    await until('resync completed', () => feed.stats().resyncsCompleted === done + 1);
    await feed.flush();
    replicas.update(sink.events);
    assert.equal(replicas.markers, markers + 1);
    await assertBooksEqual();
    sim.resume();
  });

  it('a reset after maintenance (seqId < prevSeqId) resyncs the book', async () => {
    const name = sim.instruments()[2]!;
    const done = feed.stats().resyncsCompleted;
    sim.reset(name);
    await until('resync completed', () => feed.stats().resyncsCompleted === done + 1);
    await assertBooksEqual();
    sim.resume();
  });

  it('malformed frames are counted by reason and dropped; the feed keeps going', async () => {
    const before = feed.stats().dropped;
    sim.sendMalformed();
    await until('drops counted', () => feed.stats().dropped.invalid_json > before.invalid_json);
    await until('all six counted', () => {
      const d = feed.stats().dropped;
      return (
        d.invalid_json - before.invalid_json === 2 &&
        d.unknown_frame - before.unknown_frame === 4 &&
        d.unknown_channel - before.unknown_channel === 2 &&
        d.bad_value - before.bad_value === 2 &&
        d.unknown_instrument - before.unknown_instrument === 2
      );
    });
  });

  it('listings and expiries pushed on the instruments channel are followed and dropped', async () => {
    const before = feed.registry.size;
    sim.listExtraExpiry('BTC');
    const listed = sim.instruments().length;
    assert.ok(listed > before);
    await until('new listing followed', () => feed.registry.size === listed);
    await until('new books synced', () => sim.instruments().every((n) => feed.sequencer.synced(n)));
    sim.expireNearest('BTC');
    const left = sim.instruments().length;
    assert.ok(left < listed);
    await until('expired instruments dropped', () => feed.registry.size === left);
    await assertBooksEqual();
    sim.resume();
  });

  it('a disconnect reconnects, resubscribes and resyncs every book', async () => {
    const reconnects = feed.stats().reconnects;
    sim.disconnectAll();
    await until('reconnected', () => feed.stats().reconnects >= reconnects + 2);
    await feed.whenConverged(30_000);
    await until('books resynced', () => sim.instruments().every((n) => feed.sequencer.synced(n)));
    await assertBooksEqual();
    sim.resume();
  });
});

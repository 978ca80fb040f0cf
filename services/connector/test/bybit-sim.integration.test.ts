// Connector ↔ Bybit simulator over real sockets and REST: the cursor-paged instrument list is
// followed, books rebuilt from the published stream equal the simulator's, a gap and a u = 1 reset
// → marker + resync, an unrequested snapshot replaces the book, `{"op":"ping"}` every interval is
// answered, listings change through REST re-polling (Bybit has no listing topic), malformed
// frames are counted and dropped, and a disconnect → reconnect/resubscribe/resync.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type BybitSimulator, startBybitSimulator } from '@volstream/exchange-sim';
import { createLogger } from '@volstream/logging';
import { createReceiveClock } from '../src/clock.ts';
import { CollectingSink } from '../src/sink.ts';
import { BybitFeed } from '../src/venues/bybit/feed.ts';
import { bybitFeedOptions } from '../src/venues/bybit/index.ts';
import { settle, waitFor as until } from './helpers/harness.ts';
import { SeqReplicas } from './helpers/seq-replicas.ts';

describe('Bybit connector against the Bybit simulator', () => {
  let sim: BybitSimulator;
  let feed: BybitFeed;
  const sink = new CollectingSink();
  const replicas = new SeqReplicas({ seqField: 'u', consecutive: true });

  before(async () => {
    sim = await startBybitSimulator({
      seed: 'bybit-test',
      currencies: ['BTC'],
      calendar: { dailies: 0, weeklies: 1, monthlies: 0, quarterlies: 0 },
      tickMs: 50,
      tickerMs: 200,
      // Small pages, so the connector must follow nextPageCursor.
      pageLimit: 10,
      // The venue drops a connection that stops pinging: the connector's pings must keep it.
      pingTimeoutMs: 1500,
    });
    feed = new BybitFeed(
      bybitFeedOptions({
        url: sim.url,
        currencies: ['BTC'],
        connections: 2,
        producerId: 'connector-bybit-test',
        tuning: {
          pingEveryMs: 200,
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
    // Wait until nothing more arrives (frames in flight on a loaded machine), then publish.
    await settle(() => feed.stats().messagesIn - feed.stats().controlFrames);
    await feed.flush();
    replicas.update(sink.events);
    const names = sim.instruments();
    const truth = sim.books(names);
    replicas.assertEqualTo(names, truth);
  }

  it('follows the paged REST list, subscribes everything and rebuilds equal books', async () => {
    const names = sim.instruments();
    assert.ok(names.length > 20, `${names.length} instruments (more than two REST pages)`);
    assert.equal(feed.registry.size, names.length);
    assert.equal(feed.stats().channelsSubscribed, 2 * names.length, 'a book and a ticker per option');
    await until('a book delta', () => sink.events.some((e) => e.payload.case === 'bookDelta'));
    await until('tickers with IV, forward and index', () =>
      sink.events.some(
        (e) =>
          e.payload.case === 'ticker' &&
          e.payload.value.markIv !== undefined &&
          e.payload.value.underlyingPrice !== undefined &&
          e.payload.value.indexPrice !== undefined,
      ),
    );
    assert.ok(
      sink.events.some((e) => e.payload.case === 'indexPrice' && e.payload.value.indexName === 'BTC'),
    );
    assert.equal(sink.events.filter((e) => e.payload.case === 'instrument').length, names.length);
    assert.equal(feed.stats().droppedTotal, 0, JSON.stringify(feed.stats().dropped));
    await assertBooksEqual();
    sim.resume();
  });

  it('tickers: USD prices, decimal IVs, no bid/ask IV without a quote on that side', async () => {
    await feed.flush();
    const tickers = sink.events
      .filter((e) => e.payload.case === 'ticker')
      .map((e) => e.payload.value as Record<string, unknown>);
    assert.ok(tickers.length > 20);
    for (const t of tickers) {
      if (t.bestBidPrice === undefined) assert.equal(t.bidIv, undefined);
      if (t.bestAskPrice === undefined) assert.equal(t.askIv, undefined);
      const iv = t.markIv as number;
      assert.ok(iv > 0.05 && iv < 5, `mark IV ${iv} is a decimal`);
      assert.ok((t.underlyingPrice as number) > 1000, 'forward in USD');
    }
  });

  it('pings every interval and counts the pongs with their round trip', async () => {
    const before = sim.stats().pings;
    await until('pings answered', () => sim.stats().pings >= before + 4);
    await until('pongs counted', () => feed.shards.every((s) => s.pongs > 0));
    assert.ok(feed.stats().heartbeat.recentRttMs.length > 0);
    assert.equal(feed.stats().reconnects, 0);
  });

  it('a gap publishes the unsynced marker, drops following deltas and resyncs from a snapshot', async () => {
    const name = sim.instruments()[1]!;
    const gaps = feed.stats().dropped.book_gap;
    const done = feed.stats().resyncsCompleted;
    replicas.update(sink.events);
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

  it('a delta with u = 1 (service restart) resyncs the book', async () => {
    const name = sim.instruments()[2]!;
    const gaps = feed.stats().dropped.book_gap;
    const done = feed.stats().resyncsCompleted;
    sim.reset(name);
    await until('reset detected', () => feed.stats().dropped.book_gap === gaps + 1);
    await until('resync completed', () => feed.stats().resyncsCompleted === done + 1);
    await assertBooksEqual();
    sim.resume();
  });

  it('an unrequested snapshot replaces the book without a resync', async () => {
    const name = sim.instruments()[3]!;
    await feed.flush();
    replicas.update(sink.events);
    const snapshots = replicas.snapshots;
    const gaps = feed.stats().dropped.book_gap;
    sim.resnapshot(name);
    await until('snapshot published', () => {
      replicas.update(sink.events);
      return replicas.snapshots > snapshots;
    });
    await assertBooksEqual();
    assert.equal(feed.stats().dropped.book_gap, gaps);
    sim.resume();
  });

  it('malformed frames are counted by reason and dropped; the feed keeps going', async () => {
    const before = feed.stats().dropped;
    const conns = feed.shards.length;
    sim.sendMalformed();
    await until('all eight counted on each connection', () => {
      const d = feed.stats().dropped;
      return (
        d.invalid_json - before.invalid_json === conns &&
        d.unknown_frame - before.unknown_frame === 2 * conns &&
        d.unknown_channel - before.unknown_channel === conns &&
        d.unknown_instrument - before.unknown_instrument === conns &&
        d.bad_value - before.bad_value === 2 * conns &&
        d.error_reply - before.error_reply === conns
      );
    });
    await assertBooksEqual();
    sim.resume();
  });

  it('listings and expiries are found by re-polling the REST list', async () => {
    const before = feed.registry.size;
    sim.listExtraExpiry('BTC');
    const listed = sim.instruments().length;
    assert.ok(listed > before);
    await feed.refreshInstruments();
    assert.equal(feed.registry.size, listed);
    await until('new books synced', () => sim.instruments().every((n) => feed.sequencer.synced(n)));
    sim.expireNearest('BTC');
    const left = sim.instruments().length;
    assert.ok(left < listed);
    await feed.refreshInstruments();
    assert.equal(feed.registry.size, left);
    await feed.whenConverged(30_000);
    assert.equal(feed.stats().channelsSubscribed, 2 * left, 'expired topics unsubscribed');
    await assertBooksEqual();
    sim.resume();
  });

  it('a socket silent for silenceMs (no data, no pong) is dropped and reconnected', async () => {
    // A second feed that never pings within the test, on a paused venue: only silence can end it.
    const quiet = new BybitFeed(
      bybitFeedOptions({
        url: sim.url,
        currencies: ['BTC'],
        connections: 1,
        tuning: {
          pingEveryMs: 60_000,
          silenceMs: 400,
          backoffBaseMs: 20,
          backoffCapMs: 50,
          instrumentRefreshMs: 0,
        },
      }),
      {
        sink: new CollectingSink(),
        logger: createLogger({ service: 'connector-test', level: 'silent' }),
        clock: createReceiveClock(),
      },
    );
    sim.pause();
    quiet.start();
    try {
      await until('dropped for silence and reconnected', () => quiet.stats().reconnects >= 1, 20_000);
    } finally {
      await quiet.stop();
      sim.resume();
    }
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

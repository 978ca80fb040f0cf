// Connector ↔ Binance simulator over real sockets and REST: books rebuilt from the published
// stream equal the simulator's (REST snapshot + buffered U/u/pu diffs), gap → marker + REST
// resync, reset (ids restart low) → resync, disconnect → reconnect/resubscribe/resync, server ping
// frames answered, keep-alive requests after silence, listings followed by re-polling
// exchangeInfo, malformed frames counted and dropped.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type BinanceSimulator, startBinanceSimulator } from '@volstream/exchange-sim';
import { createLogger } from '@volstream/logging';
import { createReceiveClock } from '../src/clock.ts';
import { CollectingSink } from '../src/sink.ts';
import { BinanceFeed } from '../src/venues/binance/feed.ts';
import { binanceFeedOptions } from '../src/venues/binance/index.ts';
import { settle, sleep, waitFor as until } from './helpers/harness.ts';
import { SeqReplicas } from './helpers/seq-replicas.ts';

describe('Binance connector against the Binance simulator', () => {
  let sim: BinanceSimulator;
  let feed: BinanceFeed;
  const sink = new CollectingSink();
  const replicas = new SeqReplicas({ seqField: 'lastUpdateId' });
  const allSynced = () => sim.instruments().every((n) => feed.sequencer.synced(n));

  before(async () => {
    sim = await startBinanceSimulator({
      seed: 'binance-test',
      currencies: ['BTC'],
      calendar: { dailies: 0, weeklies: 1, monthlies: 0, quarterlies: 0 },
      tickMs: 50,
      markPriceMs: 200,
      pingIntervalMs: 200,
    });
    feed = new BinanceFeed(
      binanceFeedOptions({
        url: sim.url,
        currencies: ['BTC'],
        connections: 2,
        producerId: 'connector-binance-test',
        tuning: {
          keepAliveAfterMs: 300,
          silenceMs: 3000,
          backoffBaseMs: 50,
          backoffCapMs: 200,
          instrumentRefreshMs: 0,
          snapshotRatePerSec: 100,
          snapshotConcurrency: 8,
          snapshotRetryMs: 200,
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
    await until('every book synced', allSynced);
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
    await until('every book synced', allSynced);
    await feed.flush();
    replicas.update(sink.events);
    const names = sim.instruments();
    const truth = sim.books(names);
    replicas.assertEqualTo(names, truth);
    sim.resume();
  }

  it('lists instruments from exchangeInfo, subscribes within the caps and rebuilds equal books', async () => {
    const names = sim.instruments();
    assert.equal(feed.registry.size, names.length);
    // 50 streams per SUBSCRIBE: a handful of requests, never enough to trip 10 messages/s.
    assert.ok(feed.stats().subscribeRequests <= Math.ceil(names.length / 50) + 3);
    assert.equal(sim.stats().closedForRate, 0);
    assert.ok(feed.shards.every((s) => s.wanted.size <= 200));
    await until('a book diff', () => sink.events.some((e) => e.payload.case === 'bookDelta'));
    await until('tickers with mark IV, mark and index', () =>
      sink.events.some(
        (e) =>
          e.payload.case === 'ticker' &&
          e.payload.value.markIv !== undefined &&
          e.payload.value.markPrice !== undefined &&
          e.payload.value.indexPrice !== undefined,
      ),
    );
    assert.ok(
      sink.events.some((e) => e.payload.case === 'indexPrice' && e.payload.value.indexName === 'BTCUSDT'),
    );
    assert.equal(sink.events.filter((e) => e.payload.case === 'instrument').length, names.length);
    // Linear options: prices in USDT, so a BTC option's mark is hundreds or thousands, not 0.0x.
    const ticker = sink.events.find((e) => e.payload.case === 'ticker' && e.payload.value.markPrice! > 5);
    assert.ok(ticker !== undefined, 'a USDT mark price');
    await assertBooksEqual();
  });

  it('answers the server ping frames and keeps quiet sockets alive with LIST_SUBSCRIPTIONS', async () => {
    const pongs = sim.stats().pongs;
    sim.pause();
    await until('pongs to the server pings', () => sim.stats().pongs >= pongs + 3);
    await until('keep-alive requests after silence', () => feed.shards.every((s) => s.keepAlivesSent > 0));
    await sleep(400);
    assert.equal(feed.stats().reconnects, 0, 'a quiet socket is not dropped for silence');
    assert.equal(feed.stats().dropped.unexpected_reply, 0);
    sim.resume();
  });

  it('a gap (pu ≠ last u) publishes the marker and resyncs from a REST snapshot', async () => {
    const name = sim.instruments()[1]!;
    const gaps = feed.stats().dropped.book_gap;
    const done = feed.stats().resyncsCompleted;
    const snapshots = sim.stats().depthSnapshots;
    const markers = replicas.update(sink.events).markers;
    sim.gap(name);
    await until('gap detected', () => feed.stats().dropped.book_gap === gaps + 1);
    // At least this resync (a loaded machine can add an unrelated one), and every book synced again.
    await until('resync completed', () => feed.stats().resyncsCompleted > done && allSynced());
    assert.ok(sim.stats().depthSnapshots > snapshots, 'a REST depth snapshot was taken');
    await feed.flush();
    replicas.update(sink.events);
    assert.equal(replicas.markers, markers + 1);
    await assertBooksEqual();
  });

  it('a reset (update ids restart low) resyncs the book', async () => {
    const name = sim.instruments()[2]!;
    const done = feed.stats().resyncsCompleted;
    sim.reset(name);
    // At least this resync (a loaded machine can add an unrelated one), and every book synced again.
    await until('resync completed', () => feed.stats().resyncsCompleted > done && allSynced());
    await assertBooksEqual();
  });

  it('malformed frames are counted by reason and dropped; the feed keeps going', async () => {
    const before = feed.stats().dropped;
    const sessions = sim.stats().sessions;
    assert.equal(sessions, 3, 'two depth sockets and the market socket');
    sim.sendMalformed();
    await until('all counted', () => {
      const d = feed.stats().dropped;
      return (
        d.invalid_json - before.invalid_json === sessions &&
        d.unknown_frame - before.unknown_frame === 2 * sessions &&
        d.unknown_channel - before.unknown_channel === sessions &&
        d.bad_value - before.bad_value === 2 * sessions &&
        d.unknown_instrument - before.unknown_instrument === sessions
      );
    });
    await assertBooksEqual();
  });

  it('listings and expiries seen on exchangeInfo are followed and dropped', async () => {
    const before = feed.registry.size;
    sim.listExtraExpiry('BTC');
    const listed = sim.instruments().length;
    assert.ok(listed > before);
    await feed.refreshInstruments();
    assert.equal(feed.registry.size, listed);
    await until('new books synced', allSynced);
    sim.expireNearest('BTC');
    const left = sim.instruments().length;
    assert.ok(left < listed);
    const requests = feed.stats().subscribeRequests;
    await feed.refreshInstruments();
    assert.equal(feed.registry.size, left);
    await until('unsubscribed', () => feed.stats().subscribeRequests > requests);
    await sleep(300);
    // One expiry's books leave in one UNSUBSCRIBE per socket, not one each.
    assert.ok(feed.stats().subscribeRequests - requests <= feed.shards.length, 'unsubscribes coalesced');
    await assertBooksEqual();
  });

  it('a disconnect reconnects, resubscribes and resyncs every book', async () => {
    const reconnects = feed.stats().reconnects;
    sim.disconnectAll();
    await until('reconnected', () => feed.stats().reconnects >= reconnects + 3);
    await feed.whenConverged(30_000);
    await until('books resynced', allSynced);
    await assertBooksEqual();
  });
});

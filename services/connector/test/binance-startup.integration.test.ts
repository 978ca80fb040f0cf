// Binance connector start-up against the simulator with a slow exchangeInfo: the mark-price
// stream flows every 100 ms while the first listing takes 800 ms to answer. Every mark row of a
// healthy venue names a listed option, so none may be dropped as `unknown_instrument` (they were,
// when the connector subscribed the mark stream before it knew the listing); a symbol the venue
// never lists is still counted and dropped.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type BinanceSimulator, startBinanceSimulator } from '@volstream/exchange-sim';
import { createLogger } from '@volstream/logging';
import { createReceiveClock } from '../src/clock.ts';
import { CollectingSink } from '../src/sink.ts';
import { BinanceFeed } from '../src/venues/binance/feed.ts';
import { binanceFeedOptions } from '../src/venues/binance/index.ts';
import { waitFor } from './helpers/harness.ts';

const UNLISTED = 'BTC-991231-1000-C';

describe('Binance connector start-up with a slow listing', () => {
  let sim: BinanceSimulator;
  let feed: BinanceFeed;
  const sink = new CollectingSink();
  const tickerNames = () =>
    new Set(
      sink.events.flatMap((e) => (e.payload.case === 'ticker' ? [e.payload.value.instrumentName] : [])),
    );

  before(async () => {
    sim = await startBinanceSimulator({
      seed: 'binance-startup-test',
      currencies: ['BTC'],
      calendar: { dailies: 0, weeklies: 1, monthlies: 0, quarterlies: 0 },
      tickMs: 20,
      markPriceMs: 100,
      exchangeInfoDelayMs: 800,
    });
    feed = new BinanceFeed(
      binanceFeedOptions({
        url: sim.url,
        currencies: ['BTC'],
        connections: 1,
        producerId: 'connector-binance-startup-test',
        tuning: { instrumentRefreshMs: 0, snapshotRatePerSec: 100, snapshotConcurrency: 8 },
      }),
      {
        sink,
        logger: createLogger({ service: 'connector-test', level: 'silent' }),
        clock: createReceiveClock(),
      },
    );
    feed.start();
  });

  after(async () => {
    await feed.stop();
    await sim.stop();
  });

  it('drops no mark price of a listed option while the first exchangeInfo is pending', async () => {
    const names = sim.instruments();
    assert.ok(names.length > 10, `${names.length} options listed`);
    await feed.whenConverged(30_000);
    // Bounded on the condition: every listed option has had a mark published.
    await waitFor('a ticker for every listed option', () => names.every((n) => tickerNames().has(n)), 30_000);
    const stats = feed.stats();
    assert.equal(stats.instruments, names.length);
    assert.equal(stats.dropped.unknown_instrument, 0, 'no good mark row dropped at start-up');
  });

  it('still counts and drops a symbol the venue does not list', async () => {
    const before = feed.stats().dropped.unknown_instrument;
    sim.markUnlisted(UNLISTED);
    await waitFor('the unlisted row dropped', () => feed.stats().dropped.unknown_instrument > before, 30_000);
    await feed.flush();
    assert.ok(!tickerNames().has(UNLISTED), 'nothing published for the unlisted symbol');
    assert.equal(feed.registry.has(UNLISTED), false);
    // The listed options keep flowing beside it.
    const published = sink.events.length;
    await waitFor('more marks after the unlisted row', () => sink.events.length > published, 30_000);
  });
});

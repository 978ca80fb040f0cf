// OKX connector start-up with a slow REST listing: `opt-summary` (every option of a family in
// each push) is subscribed only once the first instrument list is applied, so none of its rows
// can beat the listing and be dropped as an unknown instrument; the index and the `instruments`
// channel need no listing and are subscribed at once. The REST list is held by a gate in front of
// the simulator until the test releases it.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type OkxSimulator, startOkxSimulator } from '@volstream/exchange-sim';
import { createLogger } from '@volstream/logging';
import { createReceiveClock } from '../src/clock.ts';
import { CollectingSink } from '../src/sink.ts';
import { OkxFeed } from '../src/venues/okx/feed.ts';
import { okxFeedOptions, restUrlFor } from '../src/venues/okx/index.ts';
import { waitFor } from './helpers/harness.ts';

describe('OKX connector start-up with a slow listing', () => {
  let sim: OkxSimulator;
  let gate: Server;
  let feed: OkxFeed;
  let released = false;
  let held = 0;
  const sink = new CollectingSink();

  before(async () => {
    sim = await startOkxSimulator({
      seed: 'okx-startup-test',
      currencies: ['BTC'],
      calendar: { dailies: 0, weeklies: 1, monthlies: 0, quarterlies: 0 },
      tickMs: 20,
      summaryMs: 100,
    });
    // REST requests wait until `released`, then are answered by the simulator.
    gate = createServer((req, res) => {
      held += 1;
      const answer = async () => {
        const upstream = await fetch(`${restUrlFor(sim.url)}${req.url ?? '/'}`);
        res.writeHead(upstream.status, { 'content-type': 'application/json' }).end(await upstream.text());
      };
      const poll = setInterval(() => {
        if (!released) return;
        clearInterval(poll);
        answer().catch(() => res.destroy());
      }, 20);
    });
    await new Promise<void>((resolve) => gate.listen(0, '127.0.0.1', resolve));
    feed = new OkxFeed(
      okxFeedOptions({
        url: sim.url,
        currencies: ['BTC'],
        connections: 1,
        producerId: 'connector-okx-startup-test',
        tuning: {
          restUrl: `http://127.0.0.1:${(gate.address() as AddressInfo).port}`,
          instrumentRefreshMs: 0,
          subscribeRatePerSec: 50,
          subscribeBurst: 50,
        },
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
    released = true;
    await feed.stop();
    gate.closeAllConnections();
    await new Promise((resolve) => gate.close(resolve));
    await sim.stop();
  });

  it('subscribes opt-summary only after the first REST list; no row dropped as unknown', async () => {
    const first = feed.shards[0]!;
    await waitFor('the listing request held', () => held > 0);
    await waitFor('index and instruments acknowledged', () => first.converged && first.wanted.size > 0);
    assert.equal(first.wanted.has('opt-summary:BTC-USD'), false, 'no chain-wide rows before the listing');
    assert.ok(first.wanted.has('index-tickers:BTC-USD'));
    released = true;
    await feed.whenConverged(30_000);
    assert.ok(first.wanted.has('opt-summary:BTC-USD'));
    const names = sim.instruments();
    await waitFor(
      'a summary ticker (IV) for every listed option',
      () =>
        names.every((n) =>
          sink.events.some(
            (e) =>
              e.payload.case === 'ticker' &&
              e.payload.value.instrumentName === n &&
              e.payload.value.markIv !== undefined,
          ),
        ),
      30_000,
    );
    assert.equal(feed.stats().dropped.unknown_instrument, 0);
  });
});

/**
 * `startDeribitSimulator(options)`: a protocol-faithful Deribit API v2 server on loopback, backed
 * by the simulated market (default) or by a recorded session (`replay`). See docs/SIMULATOR.md.
 */
import type { Logger } from '@volstream/logging';
import { isSharedMarket } from '../shared-market.ts';
import type { CalendarShape } from './calendar.ts';
import { type Fault, parseFaults, type ScheduledFault } from './faults.ts';
import { CURRENCIES, type Currency } from './instruments.ts';
import { Market } from './market.ts';
import { initPricing } from './pricing.ts';
import { ReplayFeed, type ReplayStats } from './replay.ts';
import { SimServer } from './server.ts';
import { type FeedStats, SimFeed } from './sim-feed.ts';
import { type TruthSnapshot, truthSnapshot } from './truth-report.ts';

export interface DeribitSimulatorOptions {
  /** 0 (default) = an ephemeral port. */
  port?: number;
  host?: string;
  seed?: string | number;
  /** Simulated clock at start (ms); default now. Fix it for byte-identical runs. */
  startTime?: number;
  /** Aggregate book+ticker notifications per second across all connections (default 2000). */
  rate?: number;
  /** Minimum simulated ms between two updates of one instrument (default 100, like `.100ms`). */
  minIntervalMs?: number;
  /** Server loop period, ms (default 10). */
  tickMs?: number;
  /** Model step, ms of simulated time (default 100). */
  stepMs?: number;
  /** Simulated ms per wall ms (default 1); > 1 makes expiries and listings arrive sooner. */
  timeScale?: number;
  currencies?: readonly Currency[];
  calendar?: CalendarShape;
  /** Faults to inject at start or periodically (CLI syntax, see faults.ts) or as objects. */
  faults?: string | ScheduledFault[];
  /** Smallest accepted `public/set_heartbeat` interval, seconds (Deribit: 10). Tests lower it. */
  minHeartbeatIntervalS?: number;
  maxChannelsPerRequest?: number;
  /** Subscribe requests: burst and refill per second (Deribit ≈ 10 and 3.3). */
  subscribeLimit?: { burst: number; perSecond: number };
  /** Other requests (Deribit ≈ 100 and 20). */
  requestLimit?: { burst: number; perSecond: number };
  /** get_instruments (Deribit: 5 and 0.1). */
  instrumentsLimit?: { burst: number; perSecond: number };
  /** A connection with more unsent bytes than this is dropped (default 64 MiB). */
  maxBufferedBytes?: number;
  /** The feed pauses while any socket holds more unsent bytes than this (default 4 MiB). */
  highWaterBytes?: number;
  /** Replay a cryptofeed capture instead of simulating (replay.ts). */
  replay?: { file: string; restFile?: string; speed?: number };
  /**
   * A market model shared with other venues' simulators (default: its own from the seed; `seed`,
   * `currencies`, `calendar` and `stepMs` are then the market's). A SharedMarket is moved only by
   * its own clock and this simulator publishes the events it hears from it; a plain Market is
   * advanced by this simulator's loop. The Deribit simulator quotes in the market's own books.
   */
  market?: Market;
  logger?: Logger;
}

export interface SimulatorStats {
  mode: 'market' | 'replay';
  counters: SimServer['counters'];
  sessions: {
    id: number;
    subscriptions: number;
    framesSent: number;
    bytesSent: number;
    deltasDropped: number;
    requests: number;
  }[];
  feed?: FeedStats;
  replay?: ReplayStats;
}

export interface BookView {
  changeId: number;
  bids: [number, number][];
  asks: [number, number][];
}

export interface DeribitSimulator {
  url: string;
  truthUrl: string;
  port: number;
  market: Market | undefined;
  stop(): Promise<void>;
  truth(): TruthSnapshot;
  /** Current books (all listed instruments, or the named ones), best levels first. */
  books(names?: string[]): Record<string, BookView>;
  stats(): SimulatorStats;
  inject(fault: Fault): string;
}

export async function startDeribitSimulator(
  options: DeribitSimulatorOptions = {},
): Promise<DeribitSimulator> {
  const startTime = options.startTime ?? options.market?.now ?? Date.now();
  const faults = typeof options.faults === 'string' ? parseFaults(options.faults) : (options.faults ?? []);
  const server = new SimServer({
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    tickMs: options.tickMs ?? 10,
    timeScale: options.timeScale ?? 1,
    startTime,
    minHeartbeatMs: (options.minHeartbeatIntervalS ?? 10) * 1000,
    maxChannelsPerRequest: options.maxChannelsPerRequest ?? 250,
    limits: {
      subscribe: options.subscribeLimit ?? { burst: 10, perSecond: 3.3 },
      requests: options.requestLimit ?? { burst: 100, perSecond: 20 },
      instruments: options.instrumentsLimit ?? { burst: 5, perSecond: 0.1 },
      maxBufferedBytes: options.maxBufferedBytes ?? 64 * 1024 * 1024,
    },
    highWaterBytes: options.highWaterBytes ?? 4 * 1024 * 1024,
    faults,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
  let market: Market | undefined;
  let feed: SimFeed | undefined;
  let replay: ReplayFeed | undefined;
  let unlisten = (): void => {};
  if (options.replay !== undefined) {
    replay = await ReplayFeed.load(server.fanout, options.replay);
    server.setBackend(replay, undefined);
  } else {
    await initPricing();
    market =
      options.market ??
      new Market({
        seed: options.seed ?? 1,
        startTime,
        currencies: options.currencies ?? CURRENCIES,
        ...(options.calendar === undefined ? {} : { calendar: options.calendar }),
        ...(options.stepMs === undefined ? {} : { stepMs: options.stepMs }),
        lazyPricing: true,
      });
    const f = new SimFeed(market, server.fanout, {
      rate: options.rate ?? 2000,
      minIntervalMs: options.minIntervalMs ?? 100,
      maxSpendMs: 0.8 * (options.tickMs ?? 10),
    });
    feed = f;
    // The feed's own `advance` is a no-op on a shared market: its clock's events come here.
    if (isSharedMarket(market)) unlisten = market.onEvents((events) => f.publishEvents(events));
    server.setBackend(feed, feed);
  }
  const truth = (): TruthSnapshot => {
    if (market === undefined) throw new Error('Expected the live-market simulator, was a replay (no truth)');
    return truthSnapshot(market);
  };
  const stats = (): SimulatorStats => ({
    mode: replay === undefined ? 'market' : 'replay',
    counters: { ...server.counters },
    sessions: [...server.sessions.values()].map((s) => ({
      id: s.id,
      subscriptions: s.subs.size,
      ...s.stats,
    })),
    ...(feed === undefined ? {} : { feed: { ...feed.stats } }),
    ...(replay === undefined ? {} : { replay: replay.statsSnapshot() }),
  });
  server.truthProvider = () => (market === undefined ? { error: 'replay has no truth' } : truth());
  server.statsProvider = stats;
  const port = await server.listen();
  const host = options.host ?? '127.0.0.1';
  return {
    url: `ws://${host}:${port}/ws/api/v2`,
    truthUrl: `http://${host}:${port}/truth`,
    port,
    market,
    stop: () => {
      unlisten();
      return server.close();
    },
    truth,
    books: (names) => {
      const out: Record<string, BookView> = {};
      if (market === undefined) return out;
      for (const name of names ?? [...market.byName.keys()]) {
        const inst = market.byName.get(name);
        if (inst === undefined) continue;
        market.ensureBook(inst);
        const snap = inst.book.snapshot();
        out[name] = {
          changeId: inst.book.changeId,
          bids: snap.bids.map((e) => [e[1], e[2]]),
          asks: snap.asks.map((e) => [e[1], e[2]]),
        };
      }
      return out;
    },
    stats,
    inject: (fault) => server.inject(fault),
  };
}

/**
 * The run report (`volstream run --report report.json`, docs/PIPELINE.md "Run report"): per-stage
 * in/out counts, drops by reason, end-to-end throughput, receipt → surface latency, lag, work
 * saved, an independent arbitrage re-check of every published surface and, on the simulator, the
 * error of the fitted surfaces against the ground truth. With several venues (`volstream run
 * --venues …`): connector figures, arbitrage and truth per venue and for the composite; the
 * top-level figures are the totals (counts) or the maxima (errors) over them.
 */
import type { Bus, Consumer } from '@volstream/bus';
import { type SurfaceEvent, TOPICS } from '@volstream/contracts';
import type { Logger } from '@volstream/logging';
import type { SviCore } from 'svi-core';
import { type ArbitrageCount, checkArbitrage } from './arbitrage-check.ts';
import { LatencySamples } from './latency.ts';
import { type ComputeStats, STAGES, type Stage } from './thread-protocol.ts';
import { type MultiVenueTruthSummary, type TruthSnapshotLike, TruthTracker } from './truth-check.ts';

/** The slice of the connector's stats the report uses (`ConnectorStats` of @volstream/connector). */
export interface ConnectorStatsLike {
  venue: string;
  messagesIn: number;
  eventsOut: number;
  dropped: Record<string, number>;
  droppedTotal: number;
  instruments: number;
  booksSynced: number;
  heartbeat: {
    testRequests: number;
    answered: number;
    maxAnswerUs: number;
    lastRttMs: number;
    maxRttMs: number;
  };
}

export interface RunReportSources {
  /** The run's one connector (single-venue callers); ignored when `connectors` is given. */
  connector(): ConnectorStatsLike | undefined;
  /** Every venue's connector (multi-venue runs): each its own stage `connector-<venue>`. */
  connectors?(): ConnectorStatsLike[];
  compute(): Promise<ComputeStats | undefined>;
  /** The simulator's ground truth now (undefined on a live venue). */
  truth?(): TruthSnapshotLike | undefined;
  /**
   * Surface venues the truth applies to (the simulated ones, and `composite` when every venue is
   * simulated); default all. A live venue's surface is never compared with a simulated truth.
   */
  truthVenues?: readonly string[];
}

export interface StageCounts {
  in: number;
  out: number;
}

/** One venue's figures in the arbitrage re-check. */
export interface VenueArbitrage {
  surfacesChecked: number;
  butterflyViolations: number;
  calendarViolations: number;
  worstG: number;
  worstCrossing: number;
}

/** One venue's connector: its stage counts, drops, books and heartbeats. */
export interface VenueConnectorReport extends StageCounts {
  dropped: Record<string, number>;
  instruments: number;
  booksSynced: number;
  heartbeat: ConnectorStatsLike['heartbeat'];
}

/** The latest composite surface of a currency: which venues fed it. */
export interface CompositeReport {
  surfaces: number;
  contributions: { venue: string; quotes: number; expiries: number; weight: number }[];
}

export interface RunReport {
  version: 1;
  source: string;
  seed?: string;
  startedAt: string;
  durationS: number;
  /** `connector` = all venues' connectors; `connector-<venue>` = each one's (also with one venue). */
  stages: Record<'connector' | Stage, StageCounts> &
    Partial<Record<`connector-${string}`, StageCounts>> & { published: { surfaces: number; smiles: number } };
  dropped: {
    total: number;
    byReason: Record<string, number>;
    byStage: Record<string, Record<string, number>>;
  };
  throughput: { msgsPerSec: number; connectorMsgsPerSec: number; note: string };
  latencyMs: { p50: number; p99: number; max: number; count: number; note: string };
  lag: { final: Record<Stage, number>; max: Record<Stage, number>; total: number; maxTotal: number };
  workSaved: { skipped: number; approximated: number; fullyInverted: number };
  arbitrage: {
    surfacesChecked: number;
    butterflyViolations: number;
    calendarViolations: number;
    worstG: number;
    worstCrossing: number;
    workerReported: { butterfly: number; calendar: number };
    /** Per surface venue (`composite` included). */
    byVenue: Record<string, VenueArbitrage>;
    note: string;
  };
  /** All venues' connectors together (instruments and books summed, heartbeats summed / max). */
  connector?: { instruments: number; booksSynced: number; heartbeat: ConnectorStatsLike['heartbeat'] };
  /** Per venue. */
  connectors?: Record<string, VenueConnectorReport>;
  /** Per currency, once a composite surface was published (more than one venue). */
  composite?: Record<string, CompositeReport>;
  truth?: MultiVenueTruthSummary;
}

export interface RunReportOptions {
  source: string;
  seed?: string;
  /** Sampling period of lag and truth (default 1 s). */
  sampleMs?: number;
  /** Exchange-time warm-up for the truth's maxOverRun (default 10 s after start). */
  warmupMs?: number;
}

const zeroStages = (): Record<Stage, number> => ({ orderbook: 0, volatility: 0, surface: 0 });

/** Collects while the pipeline runs; `report()` assembles the figures. */
export class RunReportCollector {
  readonly #latency = new LatencySamples();
  readonly #truth: TruthTracker;
  readonly #arb: ArbitrageCount = { butterfly: 0, calendar: 0, worstG: 0, worstCrossing: 0 };
  readonly #workerArb = { butterfly: 0, calendar: 0 };
  readonly #arbByVenue = new Map<string, VenueArbitrage>();
  readonly #composite = new Map<string, CompositeReport>();
  readonly #maxLag = zeroStages();
  #maxLagTotal = 0;
  #surfaces = 0;
  #smiles = 0;
  #consumer: Consumer<SurfaceEvent> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #lastCompute: ComputeStats | undefined;
  readonly #started = Date.now();
  #stopped: number | undefined;

  constructor(
    private readonly core: SviCore,
    private readonly sources: RunReportSources,
    private readonly options: RunReportOptions,
    private readonly logger: Logger,
  ) {
    this.#truth = new TruthTracker(this.#started + (options.warmupMs ?? 10_000));
  }

  /** Subscribes to the surface topic of `bus` and starts sampling. */
  async start(bus: Bus): Promise<void> {
    const consumer = bus.consumer<SurfaceEvent>({ groupId: 'run-report', maxBatchMessages: 1000 });
    await consumer.subscribe([TOPICS.surface], { fromBeginning: true });
    await consumer.run({
      eachBatch: async (batch) => {
        for (const m of batch.messages) this.observe(m.value);
      },
    });
    this.#consumer = consumer;
    this.sample();
    this.#timer = setInterval(() => this.sample(), this.options.sampleMs ?? 1000);
    this.#timer.unref();
  }

  /** One published surface-topic event (exported for tests and the distributed collector). */
  observe(event: SurfaceEvent): void {
    if (event.payload.case === 'smile') {
      this.#smiles++;
      return;
    }
    if (event.payload.case !== 'surface') return;
    const surface = event.payload.value;
    this.#surfaces++;
    const h = event.header;
    if (h !== undefined && h.receiveTimeNs > 0n && h.publishTimeNs > 0n) {
      this.#latency.add(Number(h.publishTimeNs - h.receiveTimeNs) / 1e6);
    }
    const slices = surface.smiles
      .filter((s) => s.svi !== undefined)
      .map((s) => ({ time: s.timeToExpiryYears, params: { ...(s.svi as NonNullable<typeof s.svi>) } }));
    const c = checkArbitrage(this.core, slices);
    const venue = surface.venue === '' ? 'unknown' : surface.venue;
    const v = this.#arbByVenue.get(venue) ?? {
      surfacesChecked: 0,
      butterflyViolations: 0,
      calendarViolations: 0,
      worstG: 0,
      worstCrossing: 0,
    };
    v.surfacesChecked++;
    v.butterflyViolations += c.butterfly;
    v.calendarViolations += c.calendar;
    v.worstG = Math.min(v.worstG, c.worstG);
    v.worstCrossing = Math.max(v.worstCrossing, c.worstCrossing);
    this.#arbByVenue.set(venue, v);
    if (venue === 'composite') {
      this.#composite.set(surface.currency, {
        surfaces: (this.#composite.get(surface.currency)?.surfaces ?? 0) + 1,
        contributions: surface.contributions.map((x) => ({
          venue: x.venue,
          quotes: x.quotes,
          expiries: x.expiries,
          weight: x.weight,
        })),
      });
    }
    this.#arb.butterfly += c.butterfly;
    this.#arb.calendar += c.calendar;
    this.#arb.worstG = Math.min(this.#arb.worstG, c.worstG);
    this.#arb.worstCrossing = Math.max(this.#arb.worstCrossing, c.worstCrossing);
    this.#workerArb.butterfly += surface.arbitrage?.butterflyViolations ?? 0;
    this.#workerArb.calendar += surface.arbitrage?.calendarViolations ?? 0;
    const truthVenues = this.sources.truthVenues;
    if (truthVenues === undefined || truthVenues.includes(venue)) this.#truth.compare(surface);
  }

  sample(): void {
    const truth = this.sources.truth?.();
    if (truth !== undefined) this.#truth.addSnapshot(truth);
    this.sources.compute().then(
      (s) => {
        if (s === undefined) return;
        this.#lastCompute = s;
        let total = 0;
        for (const st of STAGES) {
          this.#maxLag[st] = Math.max(this.#maxLag[st], s.lag[st]);
          total += s.lag[st];
        }
        this.#maxLagTotal = Math.max(this.#maxLagTotal, total);
      },
      (error: unknown) => this.logger.debug({ err: error }, 'run report: compute stats unavailable'),
    );
  }

  /** Stops sampling and the surface consumer (call before the bus closes). */
  async stop(finalCompute?: ComputeStats): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    if (finalCompute !== undefined) this.#lastCompute = finalCompute;
    await this.#consumer?.stop();
    this.#stopped ??= Date.now();
  }

  /** Lag and counters as last sampled (for metrics while running). */
  get lastCompute(): ComputeStats | undefined {
    return this.#lastCompute;
  }

  report(): RunReport {
    const now = this.#stopped ?? Date.now();
    const durationS = (now - this.#started) / 1000;
    const compute = this.#lastCompute;
    const venues = this.sources.connectors?.() ?? [this.sources.connector()].filter((c) => c !== undefined);
    const conn = sumConnectors(venues);
    const stage = (s: Stage): StageCounts => ({
      in: compute?.workers[s].in ?? 0,
      out: compute?.workers[s].out ?? 0,
    });
    const byStage: Record<string, Record<string, number>> = { connector: {} };
    for (const [reason, n] of Object.entries(conn?.dropped ?? {})) if (n > 0) byStage.connector![reason] = n;
    for (const s of STAGES) {
      const w = compute?.workers[s];
      const reasons: Record<string, number> = { ...(w?.dropped ?? {}) };
      for (const [code, n] of Object.entries(w?.decodeFailures ?? {})) reasons[`decode_${code}`] = n;
      byStage[s] = reasons;
    }
    const byReason: Record<string, number> = {};
    let total = 0;
    for (const reasons of Object.values(byStage)) {
      for (const [reason, n] of Object.entries(reasons)) {
        byReason[reason] = (byReason[reason] ?? 0) + n;
        total += n;
      }
    }
    const counters = compute?.workers.volatility.counters ?? {};
    const finalLag = compute?.lag ?? zeroStages();
    const report: RunReport = {
      version: 1,
      source: this.options.source,
      ...(this.options.seed === undefined ? {} : { seed: this.options.seed }),
      startedAt: new Date(this.#started).toISOString(),
      durationS,
      stages: {
        connector: { in: conn?.messagesIn ?? 0, out: conn?.eventsOut ?? 0 },
        orderbook: stage('orderbook'),
        volatility: stage('volatility'),
        surface: stage('surface'),
        published: { surfaces: this.#surfaces, smiles: this.#smiles },
      },
      dropped: { total, byReason, byStage },
      throughput: {
        msgsPerSec: (compute?.workers.orderbook.in ?? 0) / durationS,
        connectorMsgsPerSec: (conn?.messagesIn ?? 0) / durationS,
        note: 'msgsPerSec: market-data events consumed by the order-book worker per second of the run',
      },
      latencyMs: {
        ...this.#latency.summary(),
        note: 'surface publish_time_ns - receive_time_ns of its newest input (connector receipt), per published surface',
      },
      lag: {
        final: finalLag,
        max: { ...this.#maxLag },
        total: finalLag.orderbook + finalLag.volatility + finalLag.surface,
        maxTotal: this.#maxLagTotal,
      },
      workSaved: {
        skipped: counters.work_skipped ?? 0,
        approximated: counters.work_approximated ?? 0,
        fullyInverted: counters.work_inverted ?? 0,
      },
      arbitrage: {
        surfacesChecked: this.#surfaces,
        butterflyViolations: this.#arb.butterfly,
        calendarViolations: this.#arb.calendar,
        worstG: this.#arb.worstG,
        worstCrossing: this.#arb.worstCrossing,
        workerReported: { ...this.#workerArb },
        byVenue: Object.fromEntries([...this.#arbByVenue].sort((a, b) => a[0].localeCompare(b[0]))),
        note: 'violations re-checked from the published SVI parameters (svi-core sviG on k in [-3, 3], sviW across consecutive expiries on |k| <= 3 sqrt(T_later)); workerReported = the worker flags (detected before repair)',
      },
    };
    if (conn !== undefined) {
      report.connector = {
        instruments: conn.instruments,
        booksSynced: conn.booksSynced,
        heartbeat: conn.heartbeat,
      };
      report.connectors = {};
      for (const c of venues) {
        report.stages[`connector-${c.venue}`] = { in: c.messagesIn, out: c.eventsOut };
        report.connectors[c.venue] = {
          in: c.messagesIn,
          out: c.eventsOut,
          dropped: Object.fromEntries(Object.entries(c.dropped).filter(([, n]) => n > 0)),
          instruments: c.instruments,
          booksSynced: c.booksSynced,
          heartbeat: c.heartbeat,
        };
      }
    }
    if (this.#composite.size > 0) report.composite = Object.fromEntries(this.#composite);
    if (this.sources.truth !== undefined) report.truth = this.#truth.summary();
    return report;
  }
}

/** All venues' connectors as one (counts summed, heartbeat maxima); undefined without any. */
function sumConnectors(venues: readonly ConnectorStatsLike[]): ConnectorStatsLike | undefined {
  if (venues.length <= 1) return venues[0];
  const dropped: Record<string, number> = {};
  const hb = { testRequests: 0, answered: 0, maxAnswerUs: 0, lastRttMs: 0, maxRttMs: 0 };
  let messagesIn = 0;
  let eventsOut = 0;
  let droppedTotal = 0;
  let instruments = 0;
  let booksSynced = 0;
  for (const c of venues) {
    messagesIn += c.messagesIn;
    eventsOut += c.eventsOut;
    droppedTotal += c.droppedTotal;
    instruments += c.instruments;
    booksSynced += c.booksSynced;
    for (const [reason, n] of Object.entries(c.dropped)) dropped[reason] = (dropped[reason] ?? 0) + n;
    hb.testRequests += c.heartbeat.testRequests;
    hb.answered += c.heartbeat.answered;
    hb.maxAnswerUs = Math.max(hb.maxAnswerUs, c.heartbeat.maxAnswerUs);
    hb.lastRttMs = Math.max(hb.lastRttMs, c.heartbeat.lastRttMs);
    hb.maxRttMs = Math.max(hb.maxRttMs, c.heartbeat.maxRttMs);
  }
  return {
    venue: 'all',
    messagesIn,
    eventsOut,
    dropped,
    droppedTotal,
    instruments,
    booksSynced,
    heartbeat: hb,
  };
}

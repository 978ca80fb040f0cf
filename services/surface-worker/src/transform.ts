/**
 * SurfaceTransform: the surface worker as a pure, deterministic transformation of volatility-topic
 * events into surface-topic events (the worker runtime drives it; tests and the benchmark call it
 * directly). Per window: apply every quote batch to its (venue, currency, expiry) state, try a fit
 * of each touched expiry (fit cadence), then publish each touched (currency, venue) whose surface
 * changed (a fit accepted, a smile withdrawn or expired) as soon as its display tick allows (at
 * most one surface per `displayIntervalMs` of event time: a ceiling on the rate, not a clock that
 * holds a fresh fit back), and the currency's composite once more than one venue feeds it. All clocks are event time; the only wall-clock
 * values (fit time µs, publish time) come from injectable clocks, so tests get identical bytes.
 */
import { type SurfaceEvent, TOPICS, type VolatilityEvent, nowNs as wallNowNs } from '@volstream/contracts';
import type { WindowResult, WorkerDefinition, WorkerInput } from '@volstream/worker-runtime';
import type { SviCore } from 'svi-core';
import { type CompositeState, updateComposite } from './composite.ts';
import { disagreement } from './composite-report.ts';
import { Counts } from './counts.ts';
import type { FitTracker } from './fit-tracker.ts';
import type { Identity } from './messages.ts';
import { MetricsCache } from './metrics-cache.ts';
import { resolveOptions, type SurfaceOptions, type SurfaceOptionsInit } from './options.ts';
import type { VenueDisagreementInit } from './proto-types.ts';
import { type BuilderDeps, buildSurface } from './surface-builder.ts';
import { applyBatch, hasNewSmile, type VenueSurfaceState, validateBatch } from './venue-state.ts';

export interface SurfaceTransformDeps {
  core: SviCore;
  /** Microsecond clock for fit timings (default performance.now). */
  clockUs?: () => number;
  /** Wall clock for publish_time_ns (default the contracts' nowNs). */
  nowNs?: () => bigint;
}

export interface SurfaceStats {
  dropped: Record<string, number>;
  counters: Record<string, number>;
}

export class SurfaceTransform implements WorkerDefinition<VolatilityEvent, SurfaceEvent> {
  readonly name = 'surface-worker';
  readonly input = TOPICS.volatility;
  readonly output = TOPICS.surface;
  readonly options: SurfaceOptions;
  readonly #core: SviCore;
  readonly #clockUs: () => number;
  readonly #builder: BuilderDeps;
  readonly #venues = new Map<string, VenueSurfaceState>();
  readonly #composites = new Map<string, CompositeState>();
  readonly #disagreement = new Map<string, VenueDisagreementInit[]>();
  readonly #dropped = new Counts();
  readonly #counters = new Counts();

  constructor(deps: SurfaceTransformDeps, options: SurfaceOptionsInit = {}) {
    this.options = resolveOptions(options);
    this.#core = deps.core;
    this.#clockUs = deps.clockUs ?? (() => performance.now() * 1000);
    const info = deps.core.moduleInfo();
    const identity: Identity = {
      runId: this.options.runId,
      producerId: this.options.producerId,
      fitterId: info.fitterId,
      fitterVersion: `abi-${info.abiVersion}`,
    };
    this.#builder = {
      core: deps.core,
      options: this.options,
      identity,
      nowNs: deps.nowNs ?? wallNowNs,
      published: new Map(),
      metrics: new MetricsCache(),
    };
  }

  /** The runtime's entry point: one window of inputs (consecutive messages of a partition). */
  transform(inputs: readonly WorkerInput<VolatilityEvent>[]): WindowResult<SurfaceEvent> {
    return this.process(inputs.map((i) => i.value));
  }

  /** One window of events → the surface events it causes, with this window's counts. */
  process(events: readonly VolatilityEvent[]): WindowResult<SurfaceEvent> {
    const dropped = new Counts();
    const counters = new Counts();
    const dropExamples: Record<string, Record<string, unknown>> = {};
    const drops = {
      drop(reason: string, context: Record<string, unknown>) {
        dropped.add(reason);
        dropExamples[reason] ??= context;
      },
    };
    const touched = new Set<VenueSurfaceState>();
    const touchedExpiries = new Set<ReturnType<typeof applyBatch>>();
    for (const event of events) {
      const bad = validateBatch(event);
      if (bad !== undefined || event.payload.case !== 'quoteBatch' || event.header === undefined) {
        drops.drop(bad ?? 'unknown_payload', {
          venue: event.header?.venue,
          eventId: event.header?.eventId,
          ...(event.payload.case === 'quoteBatch'
            ? { currency: event.payload.value.currency, expiryMs: String(event.payload.value.expiryMs) }
            : {}),
        });
        continue;
      }
      const h = event.header;
      const batch = event.payload.value;
      const venue = h.venue === '' ? 'unknown' : h.venue;
      const key = `${batch.currency}|${venue}`;
      let vs = this.#venues.get(key);
      if (vs === undefined) {
        vs = {
          currency: batch.currency,
          venue,
          expiries: new Map(),
          clockMs: Number.NEGATIVE_INFINITY,
          lastDisplayTick: Number.NEGATIVE_INFINITY,
          version: 0,
          publishedVersion: 0,
          shown: new Set(),
          publishedAtm: new Map(),
        };
        this.#venues.set(key, vs);
      }
      counters.add('batches_in');
      touchedExpiries.add(applyBatch(vs, batch, Number(h.exchangeTimeMs), h.receiveTimeNs, counters, drops));
      touched.add(vs);
    }
    for (const s of touchedExpiries) {
      const vs = this.#venues.get(`${s.currency}|${s.venue}`);
      this.#guard(drops, { venue: s.venue, currency: s.currency, expiryMs: String(s.expiryMs) }, () =>
        this.#attemptVenueFit(s, s.lastEventMs, counters, vs),
      );
    }
    const outputs: SurfaceEvent[] = [];
    const currencies = new Set<string>();
    for (const vs of touched) {
      // Expiries deferred by the fit cadence in an earlier window get their fit now, and expired
      // ones go: both change what the surface shows.
      this.#guard(drops, { venue: vs.venue, currency: vs.currency }, () => this.#refitVenue(vs, counters));
      // Only a changed surface is published (an unchanged one would carry old inputs as news).
      if (vs.version === vs.publishedVersion) continue;
      const tick = Math.floor(vs.clockMs / this.options.displayIntervalMs);
      const trackers = [...vs.expiries.values()].map((s): [bigint, FitTracker] => [s.expiryMs, s.tracker]);
      // At most one surface per display tick, except that a smile appearing for the first time
      // (start, rebuild after a restart, a new listing) is shown at once. A change held back by
      // the ceiling goes out with the first window of a later tick.
      if (tick <= vs.lastDisplayTick && !hasNewSmile(trackers, vs.shown)) continue;
      vs.lastDisplayTick = Math.max(tick, vs.lastDisplayTick);
      const context = { venue: vs.venue, currency: vs.currency };
      outputs.push(...(this.#guard(drops, context, () => this.#publishVenue(vs, counters)) ?? []));
      currencies.add(vs.currency);
    }
    for (const currency of currencies) {
      const context = { venue: 'composite', currency };
      outputs.push(
        ...(this.#guard(drops, context, () => this.#publishComposite(currency, false, counters)) ?? []),
      );
    }
    this.#dropped.merge(dropped);
    this.#counters.merge(counters);
    return { outputs, dropped: dropped.toRecord(), counters: counters.toRecord(), dropExamples };
  }

  /** Publishes every (currency, venue) and composite now, whatever the display cadence. */
  flush(): SurfaceEvent[] {
    const counters = new Counts();
    const outputs: SurfaceEvent[] = [];
    const currencies = new Set<string>();
    for (const vs of this.#venues.values()) {
      outputs.push(...this.#publishVenue(vs, counters));
      currencies.add(vs.currency);
    }
    for (const c of currencies) outputs.push(...this.#publishComposite(c, true, counters));
    this.#counters.merge(counters);
    return outputs;
  }

  stats(): SurfaceStats {
    return { dropped: this.#dropped.toRecord(), counters: this.#counters.toRecord() };
  }

  /**
   * Venue disagreement (ATM vol by venue and spread, per expiry) of the last composite surface of a
   * currency, as published in its `venue_disagreement`.
   */
  venueDisagreement(currency: string): readonly VenueDisagreementInit[] {
    return this.#disagreement.get(currency) ?? [];
  }

  /**
   * Runs one step of the window; an exception (a quant-core error on some input, a bug) is counted
   * as `internal_error` with its context and the window goes on: rethrowing would make the runtime
   * redeliver the same window forever and stall the partition.
   */
  #guard<T>(
    drops: { drop(reason: string, context: Record<string, unknown>): void },
    context: Record<string, unknown>,
    step: () => T,
  ): T | undefined {
    try {
      return step();
    } catch (error) {
      drops.drop('internal_error', {
        ...context,
        error: error instanceof Error ? error.message : String(error),
      });
      return undefined;
    }
  }

  #attemptVenueFit(
    s: ReturnType<typeof applyBatch>,
    nowMs: number,
    counters: Counts,
    vs: VenueSurfaceState | undefined,
  ): void {
    const before = s.tracker.fit;
    s.tracker.attempt(
      this.#core,
      [
        {
          venue: s.venue,
          quotes: s.quotes.values(),
          ctx: { venue: s.venue, forward: s.forward, timeYears: s.timeYears, nowMs: s.lastEventMs },
          venueWeight: 1,
        },
      ],
      {
        timeYears: s.timeYears,
        forward: s.forward,
        forwardSource: s.forwardSource,
        nowMs,
        receiveNs: s.receiveNs,
      },
      this.options,
      this.#clockUs,
      counters,
    );
    // A new accepted fit or a withdrawn smile (a rejected fit keeps the previous one).
    if (vs !== undefined && s.tracker.fit !== before) vs.version++;
  }

  /** Drops expired expiries and gives every other one its fit attempt at the venue's clock. */
  #refitVenue(vs: VenueSurfaceState, counters: Counts): void {
    for (const [expiry, s] of vs.expiries) {
      if (Number(expiry) <= vs.clockMs) {
        vs.expiries.delete(expiry);
        this.#builder.published.delete(`${vs.currency}|${vs.venue}|${expiry}`);
        counters.add('expiries_expired');
        vs.version++;
        continue;
      }
      this.#attemptVenueFit(s, vs.clockMs, counters, vs);
    }
  }

  #publishVenue(vs: VenueSurfaceState, counters: Counts): SurfaceEvent[] {
    this.#refitVenue(vs, counters);
    vs.publishedVersion = vs.version;
    const coin = [...vs.expiries.values()].some((s) => s.coinPriced);
    const built = buildSurface(this.#builder, {
      currency: vs.currency,
      venue: vs.venue,
      displayMs: vs.clockMs,
      entries: [...vs.expiries.values()].map((s) => ({ expiryMs: s.expiryMs, tracker: s.tracker })),
      convention: coin ? 'premium-adjusted' : 'forward',
      contributions: [],
    });
    vs.shown = new Set(
      [...vs.expiries.values()].filter((s) => s.tracker.fit !== undefined).map((s) => s.expiryMs),
    );
    // What clients now hold for this venue: the composite's disagreement quotes these ATMs.
    vs.publishedAtm = built?.atmByExpiry ?? new Map();
    if (built === undefined) return [];
    this.#count(built, counters);
    return built.events;
  }

  #publishComposite(currency: string, force: boolean, counters: Counts): SurfaceEvent[] {
    if (!this.options.composite) return [];
    const venues = [...this.#venues.values()].filter((v) => v.currency === currency && v.expiries.size > 0);
    if (venues.length < 2) return [];
    let comp = this.#composites.get(currency);
    if (comp === undefined) {
      comp = {
        currency,
        trackers: new Map(),
        lastDisplayTick: Number.NEGATIVE_INFINITY,
        shown: new Set(),
        pending: false,
      };
      this.#composites.set(currency, comp);
    }
    const before = new Map([...comp.trackers].map(([e, t]) => [e, t.fit]));
    const update = updateComposite(this.#core, this.options, this.#clockUs, counters, comp, venues);
    if (before.size !== comp.trackers.size) comp.pending = true;
    for (const [e, t] of comp.trackers) if (before.get(e) !== t.fit) comp.pending = true;
    const tick = Math.floor(update.clockMs / this.options.displayIntervalMs);
    if (!force && !comp.pending) return [];
    if (!force && tick <= comp.lastDisplayTick && !hasNewSmile(comp.trackers, comp.shown)) return [];
    comp.lastDisplayTick = Math.max(tick, comp.lastDisplayTick);
    comp.pending = false;
    comp.shown = new Set(update.entries.filter((e) => e.tracker.fit !== undefined).map((e) => e.expiryMs));
    const byVenue = new Map(venues.map((v) => [v.venue, v]));
    const venueDisagreement = disagreement(update.members, (venue, expiryMs) =>
      byVenue.get(venue)?.publishedAtm.get(expiryMs),
    );
    const built = buildSurface(this.#builder, {
      currency,
      venue: 'composite',
      displayMs: update.clockMs,
      entries: update.entries,
      convention: this.options.compositeDeltaConvention,
      contributions: update.contributions,
      composite: { venueDisagreement },
    });
    if (built === undefined) return [];
    this.#count(built, counters);
    counters.add('composite_surfaces');
    this.#disagreement.set(currency, venueDisagreement);
    return built.events;
  }

  #count(built: NonNullable<ReturnType<typeof buildSurface>>, counters: Counts): void {
    counters.add('surfaces_published');
    counters.add('smiles_published', built.smilesPublished);
    if (built.calendarRepaired) counters.add('calendar_repaired');
    counters.add('calendar_unrepaired', built.calendarResidual);
  }
}

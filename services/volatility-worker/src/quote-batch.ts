// Output side of the volatility worker: the per-option work items of a window (Job) and their
// VolQuoteBatch events, one per (venue, currency, expiry), quotes sorted by strike, calls first.
// Units as in proto/volstream/v1/volatility.proto (IVs decimal, greeks USD per coin).
import { create } from '@bufbuild/protobuf';
import {
  type EventHeader,
  eventId,
  type ForwardSource,
  type Greeks,
  GreeksSchema,
  newHeader,
  OptionType,
  PriceUnit,
  ValuationClock,
  type VolatilityEvent,
  VolatilityEventSchema,
  type VolQuote,
  VolQuoteSchema,
} from '@volstream/contracts';
import { belowTick, type QuoteInput, yearsTo } from './quote-input.ts';
import type { VolPoint } from './work-reduction.ts';

export interface ForwardState {
  value: number;
  source: ForwardSource;
  asOfMs: bigint;
}

/** What the worker remembers per option between windows. */
export interface QuoteState {
  input: QuoteInput;
  time: number;
  forwardSource: ForwardSource;
  /** Last exact inversion (start of every first-order update). */
  anchor?: VolPoint | undefined;
  /** Last published vols (what the skip test compares with). */
  published?: VolPoint | undefined;
}

/** One option to (re)publish in this window. */
export interface Job {
  state: QuoteState;
  forward: number;
  forwardSource: ForwardSource;
  /** Vols to publish; undefined = to be inverted. */
  vols?: Float64Array;
  /** Error bounds of approximated vols. */
  errors?: Float64Array;
  approximated: boolean;
  cause: EventHeader;
}

export interface BatchContext {
  producerId: string;
  clock: () => bigint;
  staleQuoteMs: bigint;
  /** Newest exchange time of the window's inputs (for the stale flag). */
  newestMs: bigint;
  /** Wall time of the window's computation, ms (spread over its batches as compute_time_us). */
  elapsedMs: number;
}

const GREEK_FIELDS = ['deltaForward', 'deltaPremiumAdjusted', 'gamma', 'vega', 'theta'] as const;

export const expiryKeyOf = (venue: string, currency: string, expiryMs: bigint): string =>
  `${venue}:${currency}:${expiryMs}`;

/** Sets `target[key]` only for a finite value: absent stays absent (docs/NORMALIZATION.md). */
function setFinite(target: Record<string, unknown>, key: string, value: number | undefined): void {
  if (value !== undefined && Number.isFinite(value)) target[key] = value;
}

function countFlags(quotes: readonly VolQuote[]) {
  let computedCount = 0;
  let approximatedCount = 0;
  let skippedCount = 0;
  for (const x of quotes) {
    if (x.skipped) skippedCount++;
    else if (x.approximated) approximatedCount++;
    else computedCount++;
  }
  return { computedCount, approximatedCount, skippedCount };
}

/** One VolQuote; `greeks` are the 5 blocks of the window's greeks call, `i` this job's row. */
function volQuote(job: Job, i: number, greeks: readonly Float64Array[], ctx: BatchContext): VolQuote {
  const q = job.state.input;
  const v = job.vols!;
  const hasForward = Number.isFinite(job.forward);
  const any =
    Number.isFinite(v[0]!) || Number.isFinite(v[1]!) || Number.isFinite(v[2]!) || Number.isFinite(v[3]!);
  const skipReason = !hasForward ? 'no_forward' : any ? '' : q.synced ? 'no_price' : 'unsynced_book';
  const bid = q.prices[0]!;
  const ask = q.prices[1]!;
  // Built field by field on zero messages (no spreads, no closures, no reflective init of a nested
  // init object): this runs 10,000 times per full recompute.
  const g = create(GreeksSchema) as unknown as Record<string, unknown>;
  if (any && greeks.length === GREEK_FIELDS.length) {
    for (let k = 0; k < GREEK_FIELDS.length; k++) setFinite(g, GREEK_FIELDS[k]!, greeks[k]![i]);
  }
  const out = Object.assign(create(VolQuoteSchema), {
    instrumentName: q.name,
    strike: q.strike,
    optionType: q.isCall ? OptionType.CALL : OptionType.PUT,
    expiryMs: q.expiryMs,
    priceUnit: q.inverse ? PriceUnit.BASE_COIN : PriceUnit.QUOTE_CURRENCY,
    greeks: g as unknown as Greeks,
    forward: hasForward ? job.forward : 0,
    forwardSource: job.forwardSource,
    timeToExpiryYears: job.state.time,
    valuationClock: ValuationClock.EXCHANGE_TIME,
    valuationTimeMs: q.valuationMs,
    logMoneyness: hasForward ? Math.log(q.strike / job.forward) : 0,
    approximated: job.approximated,
    skipped: skipReason !== '',
    stale: ctx.newestMs - q.valuationMs > ctx.staleQuoteMs,
    crossed: Number.isFinite(bid) && Number.isFinite(ask) && bid >= ask,
    belowTick: hasForward && belowTick(q, job.forward),
    skipReason,
  }) as unknown as Record<string, unknown>;
  setFinite(out, 'bidIv', v[0]);
  setFinite(out, 'askIv', v[1]);
  setFinite(out, 'midIv', v[2]);
  setFinite(out, 'markIv', v[3]);
  setFinite(out, 'bidPrice', bid);
  setFinite(out, 'askPrice', ask);
  setFinite(out, 'markPrice', q.prices[3]);
  setFinite(out, 'venueMarkIv', q.venueMarkIv);
  setFinite(out, 'bidAmount', q.bidAmount);
  setFinite(out, 'askAmount', q.askAmount);
  return out as unknown as VolQuote;
}

/**
 * The window's VolQuoteBatch events. Header: the newest causing input's exchange and receive times;
 * the id hashes the sorted distinct event ids of all causing inputs.
 */
export function quoteBatches(
  jobs: readonly Job[],
  greeks: readonly Float64Array[],
  ctx: BatchContext,
): VolatilityEvent[] {
  const groups = new Map<string, { jobs: { job: Job; i: number }[]; cause: EventHeader }>();
  jobs.forEach((job, i) => {
    const q = job.state.input;
    const key = expiryKeyOf(q.venue, q.currency, q.expiryMs);
    const group = groups.get(key) ?? { jobs: [], cause: job.cause };
    group.jobs.push({ job, i });
    if (job.cause.exchangeTimeMs >= group.cause.exchangeTimeMs) group.cause = job.cause;
    groups.set(key, group);
  });
  const perBatchUs = groups.size === 0 ? 0 : (ctx.elapsedMs * 1000) / groups.size;
  const out: VolatilityEvent[] = [];
  for (const group of groups.values()) {
    group.jobs.sort(
      (a, b) =>
        a.job.state.input.strike - b.job.state.input.strike ||
        Number(b.job.state.input.isCall) - Number(a.job.state.input.isCall),
    );
    const quotes = group.jobs.map(({ job, i }) => volQuote(job, i, greeks, ctx));
    const first = group.jobs[0]!.job;
    const q0 = first.state.input;
    const cause = group.cause;
    const ids = [...new Set(group.jobs.map(({ job }) => job.cause.eventId))].sort();
    out.push(
      create(VolatilityEventSchema, {
        header: newHeader({
          venue: cause.venue,
          producerId: ctx.producerId,
          eventId: eventId('volatility', 'quote_batch', cause.venue, q0.currency, q0.expiryMs, ...ids),
          exchangeTimeMs: cause.exchangeTimeMs,
          receiveTimeNs: cause.receiveTimeNs,
          publishTimeNs: ctx.clock(),
          runId: cause.runId || 'live',
        }),
        payload: {
          case: 'quoteBatch',
          value: {
            currency: q0.currency,
            expiryMs: q0.expiryMs,
            forward: Number.isFinite(first.forward) ? first.forward : 0,
            forwardSource: first.forwardSource,
            timeToExpiryYears: yearsTo(q0.expiryMs, cause.exchangeTimeMs),
            quotes,
            ...countFlags(quotes),
            computeTimeUs: perBatchUs,
          },
        },
      }),
    );
  }
  return out;
}

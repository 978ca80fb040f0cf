// Inputs for the surface-worker tests and benchmark: VolatilityEvents built like the volatility
// worker builds them (Deribit inverse convention B = c·F, QUANT.md §1), from the exchange
// simulator's market model (its books quoted around a known eSSVI truth) or from hand-made specs.
import {
  create,
  eventId,
  ForwardSource,
  newHeader,
  OptionType,
  PriceUnit,
  type Smile,
  type Surface,
  type SurfaceEvent,
  ValuationClock,
  type VolatilityEvent,
  VolatilityEventSchema,
  type VolQuote,
  VolQuoteSchema,
} from '@volstream/contracts';
import { Market, type Slice, toRawSvi } from '@volstream/exchange-sim';
import type { SviCore, SviParams } from 'svi-core';

export const YEAR_MS = 365 * 86_400_000;
/** 2026-03-02T09:00:00Z: a Monday, so the calendar has dailies, weeklies, monthlies, quarterlies. */
export const SIM_START = Date.UTC(2026, 2, 2, 9, 0, 0);

export interface QuoteSpec {
  name: string;
  strike: number;
  isCall: boolean;
  bidIv?: number;
  askIv?: number;
  midIv?: number;
  markIv?: number;
  tickSize?: number;
  bidPrice?: number;
  askPrice?: number;
  coin?: boolean;
  valuationTimeMs?: number;
  expiryMs?: bigint;
}

export interface BatchSpec {
  venue: string;
  currency?: string;
  expiryMs: bigint;
  forward: number;
  timeYears?: number;
  eventMs: number;
  quotes: readonly QuoteSpec[];
}

export function volQuote(q: QuoteSpec, b: BatchSpec, timeYears: number): VolQuote {
  return create(VolQuoteSchema, {
    instrumentName: q.name,
    strike: q.strike,
    optionType: q.isCall ? OptionType.CALL : OptionType.PUT,
    expiryMs: q.expiryMs ?? b.expiryMs,
    ...(q.bidIv === undefined ? {} : { bidIv: q.bidIv }),
    ...(q.askIv === undefined ? {} : { askIv: q.askIv }),
    ...(q.midIv === undefined ? {} : { midIv: q.midIv }),
    ...(q.markIv === undefined ? {} : { markIv: q.markIv }),
    ...(q.tickSize === undefined ? {} : { tickSize: q.tickSize }),
    ...(q.bidPrice === undefined ? {} : { bidPrice: q.bidPrice }),
    ...(q.askPrice === undefined ? {} : { askPrice: q.askPrice }),
    priceUnit: q.coin === false ? PriceUnit.QUOTE_CURRENCY : PriceUnit.BASE_COIN,
    forward: b.forward,
    forwardSource: ForwardSource.VENUE_UNDERLYING,
    timeToExpiryYears: timeYears,
    valuationClock: ValuationClock.EXCHANGE_TIME,
    valuationTimeMs: BigInt(q.valuationTimeMs ?? b.eventMs),
    logMoneyness: Math.log(q.strike / b.forward),
  });
}

export function batchEvent(b: BatchSpec): VolatilityEvent {
  const currency = b.currency ?? 'BTC';
  const timeYears = b.timeYears ?? (Number(b.expiryMs) - b.eventMs) / YEAR_MS;
  return create(VolatilityEventSchema, {
    header: newHeader({
      venue: b.venue,
      producerId: 'volatility-worker-0',
      eventId: eventId('test', b.venue, currency, b.expiryMs, b.eventMs),
      exchangeTimeMs: b.eventMs,
      receiveTimeNs: BigInt(b.eventMs) * 1_000_000n + 3_000_000n,
      publishTimeNs: BigInt(b.eventMs) * 1_000_000n + 4_000_000n,
    }),
    payload: {
      case: 'quoteBatch',
      value: {
        currency,
        expiryMs: b.expiryMs,
        forward: b.forward,
        forwardSource: ForwardSource.VENUE_UNDERLYING,
        timeToExpiryYears: timeYears,
        quotes: b.quotes.map((q) => volQuote(q, b, timeYears)),
      },
    },
  });
}

const finite = (x: number | undefined): number | undefined =>
  x !== undefined && Number.isFinite(x) && x > 0 ? x : undefined;

export interface SimChain {
  events: VolatilityEvent[];
  /** Truth per expiry: the eSSVI slice and its raw-SVI form. */
  truth: { expiryMs: number; years: number; forward: number; slice: Slice; raw: SviParams }[];
  eventMs: number;
}

/** One snapshot of the simulator's BTC chain as volatility-topic batches (one per expiry). */
export function simChain(core: SviCore, seed: number | string, venue = 'deribit', at = SIM_START): SimChain {
  const market = new Market({ seed, startTime: at, currencies: ['BTC'] });
  const cm = market.currencies.get('BTC');
  if (cm === undefined) throw new Error('no BTC market');
  const byExpiry = new Map<number, QuoteSpec[]>();
  const opts = cm.options;
  const n = opts.length;
  const input = (price: (i: number) => number) => ({
    price: Float64Array.from({ length: n }, (_, i) => price(i)),
    forward: Float64Array.from(opts, (o) => o.forward),
    strike: Float64Array.from(opts, (o) => o.strike),
    time: Float64Array.from(opts, (o) => o.years),
    isCall: Uint8Array.from(opts, (o) => (o.isCall ? 1 : 0)),
  });
  const bid: number[] = [];
  const ask: number[] = [];
  for (const o of opts) {
    market.ensureBook(o);
    const b = o.book.bestBid();
    const a = o.book.bestAsk();
    bid.push(b === undefined ? Number.NaN : o.book.price(b));
    ask.push(a === undefined ? Number.NaN : o.book.price(a));
  }
  const bidIv = core.impliedVolsInverse(input((i) => bid[i] ?? Number.NaN));
  const askIv = core.impliedVolsInverse(input((i) => ask[i] ?? Number.NaN));
  const midIv = core.impliedVolsInverse(input((i) => ((bid[i] ?? Number.NaN) + (ask[i] ?? Number.NaN)) / 2));
  opts.forEach((o, i) => {
    const list = byExpiry.get(o.expiry) ?? [];
    const bp = finite(bid[i]);
    const ap = finite(ask[i]);
    list.push({
      name: o.name,
      strike: o.strike,
      isCall: o.isCall,
      ...(bp === undefined ? {} : { bidPrice: bp, bidIv: finite(bidIv[i]) }),
      ...(ap === undefined ? {} : { askPrice: ap, askIv: finite(askIv[i]) }),
      ...(bp === undefined || ap === undefined ? {} : { midIv: finite(midIv[i]) }),
    } as QuoteSpec);
    byExpiry.set(o.expiry, list);
  });
  const events: VolatilityEvent[] = [];
  const truth: SimChain['truth'] = [];
  for (const [expiry, quotes] of [...byExpiry.entries()].sort(([a], [b]) => a - b)) {
    const slice = cm.slices.get(expiry);
    if (slice === undefined) continue;
    events.push(
      batchEvent({
        venue,
        expiryMs: BigInt(expiry),
        forward: slice.forward,
        timeYears: slice.years,
        eventMs: market.now,
        quotes: quotes.map(stripUndefined),
      }),
    );
    truth.push({ expiryMs: expiry, years: slice.years, forward: slice.forward, slice, raw: toRawSvi(slice) });
  }
  return { events, truth, eventMs: market.now };
}

function stripUndefined(q: QuoteSpec): QuoteSpec {
  return Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined)) as unknown as QuoteSpec;
}

/** Surface events of a window, payloads split by kind. */
export function split(events: readonly SurfaceEvent[]): { smiles: Smile[]; surfaces: Surface[] } {
  const smiles = events.flatMap((e) => (e.payload.case === 'smile' ? [e.payload.value] : []));
  const surfaces = events.flatMap((e) => (e.payload.case === 'surface' ? [e.payload.value] : []));
  return { smiles, surfaces };
}

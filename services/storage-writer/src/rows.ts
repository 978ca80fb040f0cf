/**
 * Events to table rows (docs/STORAGE.md "Tables"). Pure functions: one event gives the rows of
 * every table it feeds. Market data and surfaces also keep the whole protobuf (base64 in
 * `payload`) so replay can re-read exactly what went over the bus and compare bytes.
 */
import {
  type EventHeader,
  type MarketDataEvent,
  OptionType,
  type SurfaceEvent,
  SurfaceEventSchema,
  TOPICS,
  toBinary,
  type VolatilityEvent,
} from '@volstream/contracts';
import type { DataTable } from './schema.ts';
import type { Row } from './store.ts';

export type TableRows = Partial<Record<DataTable, Row[]>>;

function header(h: EventHeader | undefined): Record<string, unknown> {
  return {
    event_id: h?.eventId ?? '',
    run_id: h?.runId || 'live',
    venue: h?.venue ?? '',
    exchange_time_ms: Number(h?.exchangeTimeMs ?? 0n),
    receive_time_ns: (h?.receiveTimeNs ?? 0n).toString(),
  };
}

const opt = (v: number | undefined): number | null => (v === undefined || !Number.isFinite(v) ? null : v);
/** Arrays cannot hold NULL on the 18.16 server: an absent vol in an array is NaN written as null-free 0/0. */
const arr = (v: number | undefined): number | string => (v === undefined || !Number.isFinite(v) ? 'nan' : v);

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Upper-case coin of an instrument name ("BTC-27MAR26-70000-C" → "BTC", "btc_usd" → "BTC"). */
export function currencyOfName(name: string): string {
  const cut = name.search(/[-_]/);
  return (cut < 0 ? name : name.slice(0, cut)).toUpperCase();
}

/** What a market-data event is about: instrument (or index) name, payload kind and coin. */
export function marketDataKeys(event: MarketDataEvent): {
  instrument: string;
  kind: string;
  currency: string;
} {
  const p = event.payload;
  switch (p.case) {
    case 'instrument':
      return { instrument: p.value.instrumentName, kind: p.case, currency: p.value.currency.toUpperCase() };
    case 'indexPrice':
      return { instrument: p.value.indexName, kind: p.case, currency: p.value.currency.toUpperCase() };
    case 'bookSnapshot':
    case 'bookDelta':
    case 'ticker':
    case 'trade':
    case 'instrumentState':
      return {
        instrument: p.value.instrumentName,
        kind: p.case,
        currency: currencyOfName(p.value.instrumentName),
      };
    default:
      return { instrument: '', kind: 'unknown', currency: '' };
  }
}

export function marketDataRows(event: MarketDataEvent): TableRows {
  const keys = marketDataKeys(event);
  return {
    marketdata: [
      {
        ...header(event.header),
        ...keys,
        source_sequence: (event.header?.sourceSequence ?? 0n).toString(),
        // The fast encoder: byte-identical to toBinary (packages/contracts fast-codec tests).
        payload: base64(TOPICS.marketdata.encode(event)),
      },
    ],
  };
}

export function volatilityRows(event: VolatilityEvent): TableRows {
  if (event.payload.case !== 'quoteBatch') return {};
  const batch = event.payload.value;
  const eh = event.header;
  // Header columns spelled out once per batch, not spread per quote (a spread per row was a third
  // of the cost of a 1,000-quote batch).
  const eventId = eh?.eventId ?? '';
  const runId = eh?.runId || 'live';
  const venue = eh?.venue ?? '';
  const exchangeTimeMs = Number(eh?.exchangeTimeMs ?? 0n);
  const receiveTimeNs = (eh?.receiveTimeNs ?? 0n).toString();
  return {
    vol_quotes: batch.quotes.map((q) => ({
      // One event carries many quotes: the row id adds the instrument so each quote keeps its row.
      event_id: `${eventId}/${q.instrumentName}`,
      run_id: runId,
      venue,
      exchange_time_ms: exchangeTimeMs,
      receive_time_ns: receiveTimeNs,
      currency: batch.currency,
      expiry_ms: Number(q.expiryMs || batch.expiryMs),
      instrument: q.instrumentName,
      strike: q.strike,
      option_type: q.optionType === OptionType.CALL ? 'C' : q.optionType === OptionType.PUT ? 'P' : '',
      forward: q.forward,
      time_to_expiry_years: q.timeToExpiryYears,
      log_moneyness: q.logMoneyness,
      bid_iv: opt(q.bidIv),
      ask_iv: opt(q.askIv),
      mid_iv: opt(q.midIv),
      mark_iv: opt(q.markIv),
      venue_mark_iv: opt(q.venueMarkIv),
      delta: opt(q.greeks?.deltaForward),
      vega: opt(q.greeks?.vega),
      skipped: q.skipped ? 1 : 0,
      skip_reason: q.skipReason,
      approximated: q.approximated ? 1 : 0,
      fitter_id: '',
    })),
  };
}

export function surfaceRows(event: SurfaceEvent): TableRows {
  const h = header(event.header);
  const p = event.payload;
  if (p.case === 'smile') {
    const s = p.value;
    const d = s.diagnostics;
    return {
      smiles: [
        {
          ...h,
          venue: s.venue || (h.venue as string),
          currency: s.currency,
          expiry_ms: Number(s.expiryMs),
          as_of_ms: Number(s.asOfMs),
          fitter_id: s.fitterId,
          fitter_version: s.fitterVersion,
          forward: s.forward,
          time_to_expiry_years: s.timeToExpiryYears,
          atm_vol: opt(s.atmVol),
          svi_a: s.svi?.a ?? 0,
          svi_b: s.svi?.b ?? 0,
          svi_rho: s.svi?.rho ?? 0,
          svi_m: s.svi?.m ?? 0,
          svi_sigma: s.svi?.sigma ?? 0,
          rmse_vol_points: d?.rmseVolPoints ?? 0,
          rmse_total_variance: d?.rmseTotalVariance ?? 0,
          min_g: d?.minG ?? 0,
          quotes_in_fit: d?.quotesInFit ?? 0,
          quotes_through_fit: d?.quotesThroughFit ?? 0,
          input_quotes: d?.inputQuotes ?? 0,
          excluded_quotes: d?.excludedQuotes ?? 0,
          iterations: d?.iterations ?? 0,
          fit_time_us: d?.fitTimeUs ?? 0,
          repaired: d?.repaired ? 1 : 0,
          butterfly_free: d?.butterflyFree ? 1 : 0,
        },
      ],
    };
  }
  if (p.case !== 'surface') return {};
  const s = p.value;
  const common = {
    ...h,
    venue: s.venue || (h.venue as string),
    currency: s.currency,
    as_of_ms: Number(s.asOfMs),
    fitter_id: s.fitterId,
  };
  return {
    surfaces: [
      {
        ...common,
        fitter_version: s.fitterVersion,
        index_price: opt(s.indexPrice),
        expiries: s.expiries.length,
        butterfly_violations: s.arbitrage?.butterflyViolations ?? 0,
        calendar_violations: s.arbitrage?.calendarViolations ?? 0,
        repaired_smiles: s.arbitrage?.repairedSmiles ?? 0,
        newest_input_age_ms: Number(s.staleness?.newestInputAgeMs ?? 0n),
        risk_tenor_days: s.riskNodes.map((n) => n.tenorDays),
        risk_label: s.riskNodes.map((n) => n.deltaLabel),
        risk_delta: s.riskNodes.map((n) => n.delta),
        risk_vol: s.riskNodes.map((n) => arr(n.vol)),
        risk_strike: s.riskNodes.map((n) => arr(n.strike)),
        payload: base64(toBinary(SurfaceEventSchema, event)),
      },
    ],
    surface_expiries: s.expiries.map((e) => ({
      ...common,
      event_id: `${h.event_id as string}/${e.expiryMs}`,
      expiry_ms: Number(e.expiryMs),
      time_to_expiry_years: e.timeToExpiryYears,
      forward: e.forward,
      atm_vol: opt(e.atmVol),
      rr25: opt(e.rr25),
      bf25: opt(e.bf25),
      rr10: opt(e.rr10),
      bf10: opt(e.bf10),
      forward_vol: opt(e.forwardVol),
    })),
    surface_tenors: s.tenors.map((t) => ({
      ...common,
      event_id: `${h.event_id as string}/${t.tenorDays}`,
      tenor_days: t.tenorDays,
      atm_vol: opt(t.atmVol),
      rr25: opt(t.rr25),
      bf25: opt(t.bf25),
      rr10: opt(t.rr10),
      bf10: opt(t.bf10),
      forward_vol: opt(t.forwardVol),
      extrapolated: t.extrapolated ? 1 : 0,
    })),
    venue_disagreement: s.venueDisagreement.flatMap((d) =>
      d.venues.map((v) => ({
        ...common,
        event_id: `${h.event_id as string}/${d.expiryMs}/${v.venue}`,
        expiry_ms: Number(d.expiryMs),
        member_venue: v.venue,
        atm_vol: v.atmVol,
        atm_vol_spread: d.atmVolSpread,
        venues: d.venues.length,
      })),
    ),
  };
}

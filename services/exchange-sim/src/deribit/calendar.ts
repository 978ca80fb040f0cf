/**
 * Deribit's listing calendar and instrument names.
 * https://www.deribit.com/kb/deribit-introduction-to-options (expiries 08:00 UTC, dailies, Friday
 * weeklies, last-Friday monthlies, Mar/Jun/Sep/Dec quarterlies) and the recorded
 * `public/get_instruments` reply in ../shared/data/deribit_ws_capture_2021-07-22 (names like
 * `BTC-24SEP21-34000-P`: day without a leading zero, upper-case month, two-digit year).
 */

export const DAY_MS = 86_400_000;
export const YEAR_MS = 365 * DAY_MS;
const EXPIRY_HOUR_UTC = 8;
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

export type SettlementPeriod = 'day' | 'week' | 'month';

export interface Expiry {
  /** Expiration instant, ms since the epoch (08:00 UTC). */
  timestamp: number;
  /** `24SEP21` */
  code: string;
  period: SettlementPeriod;
  /** Whether a dated future is listed for this expiry (else the forward index is synthetic). */
  hasFuture: boolean;
}

export function expiryCode(timestamp: number): string {
  const d = new Date(timestamp);
  const yy = String(d.getUTCFullYear() % 100).padStart(2, '0');
  return `${d.getUTCDate()}${MONTHS[d.getUTCMonth()]}${yy}`;
}

/** Parses `24SEP21` back to its 08:00 UTC instant; undefined when malformed. */
export function parseExpiryCode(code: string): number | undefined {
  const m = /^(\d{1,2})([A-Z]{3})(\d{2})$/.exec(code);
  if (m === null) return undefined;
  const month = MONTHS.indexOf(m[2] ?? '');
  if (month < 0) return undefined;
  return Date.UTC(2000 + Number(m[3]), month, Number(m[1]), EXPIRY_HOUR_UTC);
}

export function optionName(currency: string, expiry: number, strike: number, isCall: boolean): string {
  return `${currency}-${expiryCode(expiry)}-${strike}-${isCall ? 'C' : 'P'}`;
}

export function futureName(currency: string, expiry: number): string {
  return `${currency}-${expiryCode(expiry)}`;
}

function at0800(year: number, month: number, day: number): number {
  return Date.UTC(year, month, day, EXPIRY_HOUR_UTC);
}

/** Last Friday of a month, 08:00 UTC. */
export function lastFriday(year: number, month: number): number {
  const last = new Date(Date.UTC(year, month + 1, 0));
  const back = (last.getUTCDay() - 5 + 7) % 7;
  return at0800(year, month, last.getUTCDate() - back);
}

function isLastFriday(ts: number): boolean {
  const d = new Date(ts);
  return lastFriday(d.getUTCFullYear(), d.getUTCMonth()) === ts;
}

function periodOf(ts: number): SettlementPeriod {
  if (new Date(ts).getUTCDay() !== 5) return 'day';
  return isLastFriday(ts) ? 'month' : 'week';
}

export interface CalendarShape {
  dailies: number;
  weeklies: number;
  monthlies: number;
  quarterlies: number;
}

/** Roughly what Deribit lists for BTC and ETH. */
export const DEFAULT_CALENDAR: CalendarShape = { dailies: 4, weeklies: 4, monthlies: 3, quarterlies: 4 };

/**
 * Every option expiry listed at `now`: the next N daily 08:00 instants, the next N Fridays, the
 * last Fridays of the next N months and of the next N quarter months, merged. Futures are listed
 * on the Fridays only (the first two weeklies and every monthly/quarterly), like Deribit.
 */
export function listExpiries(now: number, shape: CalendarShape = DEFAULT_CALENDAR): Expiry[] {
  const set = new Set<number>();
  const start = new Date(now);
  let day = at0800(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate());
  if (day <= now) day += DAY_MS;
  for (let i = 0; i < shape.dailies; i++) set.add(day + i * DAY_MS);
  const fridays: number[] = [];
  for (let t = day; fridays.length < shape.weeklies; t += DAY_MS) {
    if (new Date(t).getUTCDay() === 5) fridays.push(t);
  }
  for (const f of fridays) set.add(f);
  const months: number[] = [];
  for (let m = 0; months.length < shape.monthlies && m < 24; m++) {
    const ts = lastFriday(start.getUTCFullYear(), start.getUTCMonth() + m);
    if (ts > now) months.push(ts);
  }
  for (const m of months) set.add(m);
  let quarters = 0;
  for (let m = 0; quarters < shape.quarterlies && m < 60; m++) {
    const month = start.getUTCMonth() + m;
    if (((month % 12) + 1) % 3 !== 0) continue;
    const ts = lastFriday(start.getUTCFullYear(), month);
    if (ts <= now || set.has(ts)) {
      if (ts > now) quarters++;
      continue;
    }
    set.add(ts);
    quarters++;
  }
  const futureFridays = new Set<number>([...fridays.slice(0, 2), ...months]);
  return [...set]
    .sort((a, b) => a - b)
    .map((ts) => {
      const period = periodOf(ts);
      return {
        timestamp: ts,
        code: expiryCode(ts),
        period,
        hasFuture: futureFridays.has(ts) || period === 'month',
      };
    });
}

/** The "nice" number (1, 2, 2.5, 5 times a power of ten) nearest to x on a log scale. */
export function niceStep(x: number): number {
  const p = 10 ** Math.floor(Math.log10(x));
  let best = p;
  for (const m of [1, 2, 2.5, 5, 10]) {
    if (Math.abs(Math.log((m * p) / x)) < Math.abs(Math.log(best / x))) best = m * p;
  }
  return best;
}

/**
 * Strike grid for one expiry, listed once from the spot and ATM vol at listing time: a base step of
 * about 0.8% of spot for dailies growing with √T (1.6% at two weeks, 3% at three months), doubled
 * beyond max(1 sd, 5%) from the spot and five times beyond max(2 sd, 10%), out to (2.2 + 3T)
 * standard deviations (at least ±12%). Checked
 * against the real chains of 2026-01-01 and 2026-03-01 (../shared/data/deribit_chain_snapshots_2026):
 * dailies 500–1000 wide over about ±12%, weeklies ±20–25%, quarterlies out to several times spot.
 */
export function strikeGrid(spot: number, years: number, atmVol: number): number[] {
  const sd = atmVol * Math.sqrt(Math.max(years, 1 / 365));
  const base = niceStep(spot * Math.min(0.06, 0.006 + 0.05 * Math.sqrt(years)));
  const reach = Math.max(0.12, sd * (2.2 + 3 * years));
  const lo = spot * Math.max(0.1, Math.exp(-reach));
  const hi = spot * Math.min(5, Math.exp(reach));
  const strikes = new Set<number>();
  const inner = Math.max(sd, 0.05) * spot;
  const middle = Math.max(2 * sd, 0.1) * spot;
  for (let k = Math.ceil(lo / base) * base; k <= hi; k += base) {
    const dist = Math.abs(k - spot);
    const step = dist <= inner ? base : dist <= middle ? 2 * base : 5 * base;
    if (Math.abs(k / step - Math.round(k / step)) < 1e-9 && k > 0) strikes.add(roundStrike(k));
  }
  return [...strikes].sort((a, b) => a - b);
}

function roundStrike(k: number): number {
  return Math.round(k * 1e6) / 1e6;
}

export function yearsTo(expiry: number, now: number): number {
  return (expiry - now) / YEAR_MS;
}

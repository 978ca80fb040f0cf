// Hand-made smiles from a known raw SVI (flat-ish BTC slice), for the behaviour tests.
import { type BatchSpec, batchEvent, type QuoteSpec, YEAR_MS } from './helpers.ts';

export const T0 = Date.UTC(2026, 2, 2, 9, 0, 0);
export const EXPIRY_30D = BigInt(T0 + 30 * 86_400_000 - 3_600_000);
export const EXPIRY_60D = BigInt(T0 + 60 * 86_400_000 - 3_600_000);

/** Vol at k of a smile with ATM vol `atm`, skew and curvature (smooth, butterfly-free for small k). */
export function smileVol(k: number, atm = 0.6): number {
  return atm - 0.08 * k + 0.25 * k * k;
}

export interface SmileBatchInit {
  venue?: string;
  expiryMs?: bigint;
  forward?: number;
  eventMs?: number;
  atm?: number;
  /** Strike step as a fraction of F. */
  step?: number;
  shift?: number;
  coin?: boolean;
  edit?: (q: QuoteSpec, i: number) => QuoteSpec | undefined;
}

/** OTM puts below F, calls above, ±30 % of F, half-spread 1 vol point. */
export function smileBatch(o: SmileBatchInit = {}): BatchSpec {
  const forward = o.forward ?? 70_000;
  const eventMs = o.eventMs ?? T0;
  const expiryMs = o.expiryMs ?? EXPIRY_30D;
  const t = (Number(expiryMs) - eventMs) / YEAR_MS;
  const quotes: QuoteSpec[] = [];
  const step = o.step ?? 0.025;
  let i = 0;
  for (let x = -0.3; x <= 0.3001; x += step) {
    const strike = Math.round(forward * (1 + x) * 100) / 100;
    const k = Math.log(strike / forward);
    const vol = smileVol(k, o.atm) + (o.shift ?? 0);
    const isCall = k >= 0;
    const q: QuoteSpec = {
      name: `BTC-X-${strike}-${isCall ? 'C' : 'P'}`,
      strike,
      isCall,
      bidIv: vol - 0.01,
      askIv: vol + 0.01,
      midIv: vol,
      bidPrice: o.coin === false ? 500 : 0.01,
      askPrice: o.coin === false ? 520 : 0.011,
      ...(o.coin === undefined ? {} : { coin: o.coin }),
    };
    const edited = o.edit === undefined ? q : o.edit(q, i);
    if (edited !== undefined) quotes.push(edited);
    i++;
  }
  return { venue: o.venue ?? 'deribit', expiryMs, forward, eventMs, timeYears: t, quotes };
}

export const smileEvent = (o: SmileBatchInit = {}) => batchEvent(smileBatch(o));

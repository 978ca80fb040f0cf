// What the order-book worker knows about each instrument: from the connector's Instrument events
// (the source of truth), else from the venue's documented naming convention for Deribit
// (https://docs.deribit.com/#naming: BTC-24SEP21-34000-P, BTC-24SEP21, BTC-PERPETUAL; expiry 08:00
// UTC; coin-settled unless the base is suffixed `_USDC`), so a worker that restarts after the
// Instrument events left its read position still knows its books (docs/PIPELINE.md).
import {
  type Instrument,
  InstrumentKind,
  OptionType,
  PriceUnit,
  type TickSizeStep,
} from '@volstream/contracts';

/** The compact internal view of an instrument. */
export interface InstrumentMeta {
  readonly name: string;
  readonly venue: string;
  /** Upper-case base coin. */
  readonly currency: string;
  readonly kind: InstrumentKind;
  readonly expiryMs?: bigint;
  readonly strike?: number;
  readonly optionType: OptionType;
  readonly priceUnit: PriceUnit;
  readonly tickSize?: number;
  readonly tickSizeSteps: readonly TickSizeStep[];
  /** True when learnt from the name only (no Instrument event seen). */
  readonly fromName: boolean;
}

const MONTHS: Record<string, number> = {
  JAN: 0,
  FEB: 1,
  MAR: 2,
  APR: 3,
  MAY: 4,
  JUN: 5,
  JUL: 6,
  AUG: 7,
  SEP: 8,
  OCT: 9,
  NOV: 10,
  DEC: 11,
};

const DERIBIT_NAME =
  /^([A-Z]+)(_[A-Z]+)?-(?:(\d{1,2})([A-Z]{3})(\d{2})|PERPETUAL)(?:-(\d+(?:d\d+)?)-([CP]))?$/;

/** A Deribit instrument from its name alone, or undefined when the name does not follow the scheme. */
export function deribitInstrumentFromName(name: string): InstrumentMeta | undefined {
  const m = DERIBIT_NAME.exec(name);
  if (m === null) return undefined;
  const [, base, quoteSuffix, day, mon, yy, strikeText, cp] = m;
  const month = mon === undefined ? undefined : MONTHS[mon];
  if (mon !== undefined && month === undefined) return undefined;
  const perpetual = day === undefined;
  const option = cp !== undefined;
  if (perpetual && option) return undefined;
  const expiryMs = perpetual ? undefined : BigInt(Date.UTC(2000 + Number(yy), month!, Number(day), 8));
  const strike = strikeText === undefined ? undefined : Number(strikeText.replace('d', '.'));
  const inverse = quoteSuffix === undefined;
  return {
    name,
    venue: 'deribit',
    currency: base!,
    kind: option ? InstrumentKind.OPTION : perpetual ? InstrumentKind.PERPETUAL : InstrumentKind.FUTURE,
    ...(expiryMs === undefined ? {} : { expiryMs }),
    ...(strike === undefined ? {} : { strike }),
    optionType: cp === 'C' ? OptionType.CALL : cp === 'P' ? OptionType.PUT : OptionType.UNSPECIFIED,
    priceUnit: option && inverse ? PriceUnit.BASE_COIN : PriceUnit.QUOTE_CURRENCY,
    tickSizeSteps: [],
    fromName: true,
  };
}

export function metaFromInstrument(i: Instrument): InstrumentMeta {
  return {
    name: i.instrumentName,
    venue: i.venue,
    currency: i.currency,
    kind: i.kind,
    ...(i.expiryMs === undefined ? {} : { expiryMs: i.expiryMs }),
    ...(i.strike === undefined ? {} : { strike: i.strike }),
    optionType: i.optionType,
    priceUnit: i.priceUnit,
    ...(i.tickSize > 0 ? { tickSize: i.tickSize } : {}),
    tickSizeSteps: i.tickSizeSteps,
    fromName: false,
  };
}

/** The tick that applies at `price`: the last step whose `above_price` is below it, else the base tick. */
export function tickAt(meta: InstrumentMeta, price: number | undefined): number | undefined {
  let tick = meta.tickSize;
  if (price === undefined) return tick;
  for (const step of meta.tickSizeSteps) if (price > step.abovePrice) tick = step.tickSize;
  return tick;
}

/** Instruments by `venue:name`. */
export class InstrumentBook {
  readonly #byKey = new Map<string, InstrumentMeta>();

  set(meta: InstrumentMeta): void {
    this.#byKey.set(`${meta.venue}:${meta.name}`, meta);
  }

  delete(venue: string, name: string): void {
    this.#byKey.delete(`${venue}:${name}`);
  }

  /** The known instrument, else (Deribit only) one read from its name and remembered; else undefined. */
  resolve(venue: string, name: string): InstrumentMeta | undefined {
    const known = this.#byKey.get(`${venue}:${name}`);
    if (known !== undefined) return known;
    if (venue !== 'deribit') return undefined;
    const fromName = deribitInstrumentFromName(name);
    if (fromName !== undefined) this.set(fromName);
    return fromName;
  }

  get size(): number {
    return this.#byKey.size;
  }
}

import type { JsonValue } from '@bufbuild/protobuf';
import {
  OptionType,
  type Smile,
  SmileSchema,
  type Surface,
  SurfaceSchema,
  toJson,
} from '@volstream/contracts';

/**
 * REST bodies are the protobuf JSON mapping of the contract messages (camelCase names, int64 as
 * decimal strings, enums by name), so REST and the JSON stream show the same shapes.
 */
export function surfaceJson(surface: Surface): JsonValue {
  return toJson(SurfaceSchema, surface);
}

export function smileJson(smile: Smile, withQuotes: boolean): JsonValue {
  return toJson(SmileSchema, withQuotes ? smile : { ...smile, quotes: [] });
}

export function surfaceSummary(surface: Surface): Record<string, JsonValue> {
  return {
    currency: surface.currency,
    venue: surface.venue,
    asOfMs: surface.asOfMs.toString(),
    expiries: surface.smiles.length,
    fitterId: surface.fitterId,
    runId: surface.runId,
  };
}

/** Per-smile fit diagnostics plus the surface's arbitrage report and staleness. */
export function diagnosticsJson(surface: Surface): Record<string, JsonValue> {
  const full = surfaceJson(surface) as Record<string, JsonValue>;
  return {
    currency: surface.currency,
    venue: surface.venue,
    asOfMs: surface.asOfMs.toString(),
    smiles: surface.smiles.map((s) => ({
      expiryMs: s.expiryMs.toString(),
      fitterId: s.fitterId,
      diagnostics: (smileJson(s, false) as Record<string, JsonValue>).diagnostics ?? null,
    })),
    arbitrage: full.arbitrage ?? null,
    staleness: full.staleness ?? null,
  };
}

export interface InstrumentView {
  instrumentName: string;
  venue: string;
  currency: string;
  expiryMs: string;
  strike: number;
  optionType: 'call' | 'put' | 'unspecified';
}

/** Instruments as the smiles carry them (what was quoted into the last fits), sorted by name. */
export function instrumentsOf(smiles: readonly Smile[]): InstrumentView[] {
  const byName = new Map<string, InstrumentView>();
  for (const smile of smiles) {
    for (const q of smile.quotes) {
      const venue = q.venue === '' ? smile.venue : q.venue;
      byName.set(`${venue}|${q.instrumentName}`, {
        instrumentName: q.instrumentName,
        venue,
        currency: smile.currency,
        expiryMs: smile.expiryMs.toString(),
        strike: q.strike,
        optionType:
          q.optionType === OptionType.CALL ? 'call' : q.optionType === OptionType.PUT ? 'put' : 'unspecified',
      });
    }
  }
  return [...byName.values()].sort((a, b) => a.instrumentName.localeCompare(b.instrumentName));
}

// Generated input for the writer tests: a short simulator session's market data and the
// pipeline transforms' volatility and surface events (run "live"), as the bus would carry them.
import type { MarketDataEvent, SurfaceEvent, VolatilityEvent } from '@volstream/contracts';
import { PipelineChain, windowsOf } from '@volstream/replay';
import { load } from 'svi-core';
import { simulatorSession } from '../../replay/test/helpers/fill.ts';

export interface TopicEvents {
  marketdata: MarketDataEvent[];
  volatility: VolatilityEvent[];
  surface: SurfaceEvent[];
}

export async function sessionEvents(seed: number, steps: number): Promise<TopicEvents> {
  const marketdata = await simulatorSession(seed, steps);
  const chain = new PipelineChain(await load(), 'live');
  const volatility: VolatilityEvent[] = [];
  const surface: SurfaceEvent[] = [];
  for (const w of windowsOf(marketdata)) {
    const out = chain.push(w);
    volatility.push(...out.volatility);
    surface.push(...out.surface);
  }
  return { marketdata, volatility, surface };
}

/** Rows each table must hold once everything is stored (FINAL counts). */
export function expectedCounts(ev: TopicEvents): Record<string, number> {
  const quotes = ev.volatility.reduce(
    (n, e) => n + (e.payload.case === 'quoteBatch' ? e.payload.value.quotes.length : 0),
    0,
  );
  const surfaces = ev.surface.filter((e) => e.payload.case === 'surface');
  return {
    marketdata: ev.marketdata.length,
    vol_quotes: quotes,
    smiles: ev.surface.filter((e) => e.payload.case === 'smile').length,
    surfaces: surfaces.length,
    surface_tenors: surfaces.reduce(
      (n, e) => n + (e.payload.case === 'surface' ? e.payload.value.tenors.length : 0),
      0,
    ),
  };
}

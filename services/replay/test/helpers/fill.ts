// Fills a store the way the live pipeline would: a deterministic simulator session (the
// order-book worker's test input: Deribit-shaped instruments, snapshots, deltas and tickers made
// by the connector's own parse functions) stored as market data, and its results under run "live".
import type { MarketDataEvent } from '@volstream/contracts';
import { marketDataRows, type Row, type Store, surfaceRows, volatilityRows } from '@volstream/storage-writer';
import { load } from 'svi-core';
import { simulatorEvents } from '../../../orderbook-worker/test/helpers/inputs.ts';
import { PipelineChain } from '../../src/pipeline-chain.ts';
import { windowsOf } from '../../src/windower.ts';

export async function simulatorSession(
  seed: number,
  steps: number,
  expiries = 2,
): Promise<MarketDataEvent[]> {
  return (await simulatorEvents(seed, steps, expiries)).events;
}

/** Stores the events as market data and the chain's results as run "live"; returns row counts. */
export async function fillLive(
  store: Store,
  events: readonly MarketDataEvent[],
): Promise<Record<string, number>> {
  const tables: Record<string, Row[]> = {};
  const add = (rows: Partial<Record<string, Row[]>>): void => {
    for (const [t, r] of Object.entries(rows)) {
      const list = tables[t] ?? [];
      list.push(...(r ?? []));
      tables[t] = list;
    }
  };
  for (const e of events) add(marketDataRows(e));
  const chain = new PipelineChain(await load(), 'live');
  for (const window of windowsOf(events)) {
    const out = chain.push(window);
    for (const v of out.volatility) add(volatilityRows(v));
    for (const s of out.surface) add(surfaceRows(s));
  }
  const counts: Record<string, number> = {};
  for (const [t, r] of Object.entries(tables)) {
    await store.insert(t, r);
    counts[t] = r.length;
  }
  return counts;
}

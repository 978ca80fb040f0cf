import type {
  MarketDataEvent,
  OrderBookEvent,
  SurfaceEvent,
  VolatilityEvent,
} from './gen/volstream/v1/events_pb.ts';
import { sampleMarketDataEvents } from './samples-marketdata.ts';
import { sampleOrderBookEvents, sampleVolatilityEvents } from './samples-pipeline.ts';
import { sampleSurfaceEvents } from './samples-surface.ts';

/** Samples grouped by registry entry (TOPICS key), so code can pair TOPICS[k] with samples[k]. */
export interface SampleEvents {
  marketdata: MarketDataEvent[];
  orderbook: OrderBookEvent[];
  volatility: VolatilityEvent[];
  surface: SurfaceEvent[];
}

/**
 * One fully-populated, realistic event of EVERY payload variant of every envelope (fresh objects on
 * each call, safe to mutate). Used by round-trip tests of the contracts and the bus, and by benches.
 */
export function sampleEvents(): SampleEvents {
  return {
    marketdata: sampleMarketDataEvents(),
    orderbook: sampleOrderBookEvents(),
    volatility: sampleVolatilityEvents(),
    surface: sampleSurfaceEvents(),
  };
}

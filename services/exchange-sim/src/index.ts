export {
  type BinanceBookView,
  type BinanceSimulator,
  type BinanceSimulatorOptions,
  type BinanceSimulatorStats,
  malformedFrames as binanceMalformedFrames,
  startBinanceSimulator,
} from './binance/simulator.ts';
export {
  type BybitBookView,
  type BybitSimulator,
  type BybitSimulatorOptions,
  type BybitSimulatorStats,
  bybitMalformed,
  startBybitSimulator,
} from './bybit/simulator.ts';
export { createSimulatorComponent, type SimulatorComponentOptions } from './component.ts';
export { type CalendarShape, expiryCode, listExpiries, strikeGrid } from './deribit/calendar.ts';
export { type Fault, type MalformedKind, parseFaults, type ScheduledFault } from './deribit/faults.ts';
export { type Currency, instrumentRow } from './deribit/instruments.ts';
export { Market, type MarketOptions } from './deribit/market.ts';
export { parseCapture, parseRest, type ReplayStats } from './deribit/replay.ts';
export {
  type BookView,
  type DeribitSimulator,
  type DeribitSimulatorOptions,
  type SimulatorStats,
  startDeribitSimulator,
} from './deribit/simulator.ts';
export { atmVol, type RawSvi, type Slice, toRawSvi, totalVariance, truthVol } from './deribit/truth.ts';
export type { TruthExpiry, TruthSnapshot } from './deribit/truth-report.ts';
export {
  type OkxBookView,
  type OkxSimulator,
  type OkxSimulatorOptions,
  startOkxSimulator,
} from './okx/simulator.ts';
export { Prng } from './prng.ts';
export {
  isSharedMarket,
  type MarketListener,
  SharedMarket,
  type SharedMarketOptions,
} from './shared-market.ts';
export { VenueBooks, type VenueBooksOptions } from './venue-books.ts';
export {
  type RunningVenueSimulator,
  simulatedVenues,
  simulatorStarters,
  starterName,
  startVenueSimulators,
  type VenueSimulatorStarter,
  type VenueSimulatorStartOptions,
  type VenueSimulators,
  type VenueSimulatorsOptions,
  venueRateOptions,
} from './venue-simulators.ts';

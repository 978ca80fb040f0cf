export {
  build,
  MARKETDATA_RECORDS,
  ORDERBOOK_WORKER,
  type OrderBookWorkerDeps,
  type OrderBookWorkerOptions,
  orderBookWorkerDefinition,
} from './app.ts';
export { chooseForward, type ParityPair, parityForward, parityFromPairs } from './forwards.ts';
export { deribitInstrumentFromName, type InstrumentMeta } from './instruments.ts';
export { L2Book } from './l2-book.ts';
export { startOrderBookWorker } from './main.ts';
export {
  ORDERBOOK_DROP_REASONS,
  type OrderBookDropReason,
  OrderBookTransform,
  type OrderBookTransformOptions,
} from './transform.ts';

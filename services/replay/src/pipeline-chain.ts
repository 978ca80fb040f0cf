/**
 * The three pipeline transforms composed in-process (the same pure classes the workers run):
 * market data → OrderBookTransform → VolatilityTransform → SurfaceTransform. Every clock is pinned
 * to event time and every timing field to 0, so the same inputs and fitter give the same bytes.
 */
import type { MarketDataEvent, OrderBookEvent, SurfaceEvent, VolatilityEvent } from '@volstream/contracts';
import { OrderBookTransform } from '@volstream/orderbook-worker';
import { SurfaceTransform } from '@volstream/surface-worker';
import { coalesceKey, VolatilityTransform } from '@volstream/volatility-worker';
import type { SviCore } from 'svi-core';

export interface ChainOutputs {
  readonly volatility: VolatilityEvent[];
  readonly surface: SurfaceEvent[];
}

export class PipelineChain {
  readonly #book: OrderBookTransform;
  readonly #vol: VolatilityTransform;
  readonly #surface: SurfaceTransform;
  /** Event time of the newest input (epoch ms): the "publish time" of replayed outputs. */
  #nowMs = 0n;
  #offset = 0;
  readonly #runId: string;

  constructor(core: SviCore, runId: string) {
    this.#runId = runId;
    const clock = (): bigint => this.#nowMs * 1_000_000n;
    this.#book = new OrderBookTransform({ producerId: 'replay-orderbook', clock });
    this.#vol = new VolatilityTransform({ core, producerId: 'replay-volatility', clock, perfNow: () => 0 });
    this.#surface = new SurfaceTransform(
      { core, clockUs: () => 0, nowNs: clock },
      { runId, producerId: 'replay-surface' },
    );
  }

  /** Runs one window of market data (already carrying the replay run id) through all three. */
  push(window: readonly MarketDataEvent[]): ChainOutputs {
    for (const e of window) {
      const t = e.header?.exchangeTimeMs ?? 0n;
      if (t > this.#nowMs) this.#nowMs = t;
    }
    return this.#downstream(this.#book.apply(window).outputs);
  }

  /**
   * The same as `push` on encoded market-data records (volstream.marketdata.v1 bytes, as stored),
   * read in place by the order-book transform (`applyRecords`, no message objects per record).
   * The records keep their original run id: it only travels into output headers, so the order-book
   * outputs get this chain's run id here, which gives the bytes `push` gives on decoded events
   * whose run id was replaced. `newestMs`: the newest exchange time of the window (the event clock).
   */
  pushRecords(records: readonly Uint8Array[], newestMs: bigint): ChainOutputs {
    if (newestMs > this.#nowMs) this.#nowMs = newestMs;
    const books = this.#book.applyRecords(records).outputs;
    for (const b of books) if (b.header !== undefined) b.header.runId = this.#runId;
    return this.#downstream(books);
  }

  #downstream(books: readonly OrderBookEvent[]): ChainOutputs {
    const vol = this.#vol.apply(coalesce(books)).outputs;
    const surface = this.#surface.transform(
      vol.map((value) => ({ value, key: '', partition: 0, offset: this.#offset++ })),
    ).outputs;
    return { volatility: [...vol], surface: [...surface] };
  }
}

/** Latest-wins per key, kept at the latest position (what the runtime does for the volatility worker). */
function coalesce(events: readonly OrderBookEvent[]): OrderBookEvent[] {
  const last = new Map<string, number>();
  events.forEach((e, i) => {
    const key = coalesceKey(e);
    if (key !== undefined) last.set(key, i);
  });
  return events.filter((e, i) => {
    const key = coalesceKey(e);
    return key === undefined || last.get(key) === i;
  });
}

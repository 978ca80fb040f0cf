// Seeded random MarketDataEvents for the fast-encoder tests: every optional field randomly present,
// extreme int64/uint64 bigints, NaN/±inf/−0 doubles, empty and non-ASCII strings, empty and long lists.
import { create } from '@bufbuild/protobuf';
import { type MarketDataEvent, MarketDataEventSchema } from '../src/gen/volstream/v1/events_pb.ts';

/** mulberry32: small, seedable, good enough to spread test cases. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const STRINGS = [
  '',
  'deribit',
  'BTC-24SEP21-34000-P',
  'é',
  'Ωμέγα-日本語',
  '🚀 moon',
  'a'.repeat(127),
  'b'.repeat(128),
];

export class RandomEvents {
  /** Set when a generated double is NaN (protobuf-es `equals` compares doubles with ===). */
  hasNaN = false;
  private readonly r: () => number;

  constructor(seed: number) {
    this.r = rng(seed);
  }

  private int(n: number): number {
    return Math.floor(this.r() * n);
  }
  private chance(p = 0.5): boolean {
    return this.r() < p;
  }
  private pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }

  private u64bits(): bigint {
    return (BigInt(this.int(2 ** 32)) << 32n) | BigInt(this.int(2 ** 32));
  }

  int64(): bigint {
    switch (this.int(8)) {
      case 0:
        return 0n;
      case 1:
        return -1n;
      case 2:
        return this.pick([
          2n ** 63n - 1n,
          -(2n ** 63n),
          2n ** 53n,
          -(2n ** 53n),
          2n ** 53n - 1n,
          1n - 2n ** 53n,
        ]);
      case 3:
        return BigInt.asIntN(64, this.u64bits());
      case 4:
        return -BigInt(this.int(2 ** 31));
      default:
        return BigInt(this.int(2 ** 31)) * BigInt(1 + this.int(1_000_000));
    }
  }

  uint64(): bigint {
    switch (this.int(6)) {
      case 0:
        return 0n;
      case 1:
        return this.pick([2n ** 64n - 1n, 2n ** 63n, 2n ** 53n + 1n, 127n, 128n, 16_383n, 16_384n]);
      case 2:
        return this.u64bits();
      default:
        return BigInt(this.int(2 ** 31)) * BigInt(1 + this.int(100_000));
    }
  }

  double(): number {
    switch (this.int(10)) {
      case 0:
        return 0;
      case 1:
        return -0;
      case 2:
        this.hasNaN = true;
        return Number.NaN;
      case 3:
        return this.pick([
          Number.POSITIVE_INFINITY,
          Number.NEGATIVE_INFINITY,
          Number.MIN_VALUE,
          Number.MAX_VALUE,
          -Number.MAX_VALUE,
        ]);
      case 4:
        return this.int(100_000);
      default:
        return (this.r() - 0.3) * 10 ** (this.int(12) - 4);
    }
  }

  string(): string {
    if (this.chance(0.1)) return `${this.pick(STRINGS)}-${'x'.repeat(this.int(20_000))}`;
    return this.pick(STRINGS);
  }

  private uint32(): number {
    return this.pick([0, 1, 127, 128, 16_384, 2 ** 31, 2 ** 32 - 1, this.int(2 ** 32)]);
  }

  /** Enum value: known values mostly, sometimes unknown or negative (open enums allow any int32). */
  enumValue(): number {
    return this.chance(0.9) ? this.int(4) : this.pick([7, 1000, -1, -(2 ** 31)]);
  }

  private opt<T>(make: () => T): T | undefined {
    return this.chance() ? make() : undefined;
  }

  /** Object with only the keys whose value is defined (absent, not undefined, like a real message). */
  private defined(o: Record<string, unknown>): Record<string, unknown> {
    return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  }

  private count(): number {
    const x = this.r();
    return x < 0.2 ? 0 : x < 0.97 ? 1 + this.int(10) : 100 + this.int(1500);
  }

  private payload(): Record<string, unknown> {
    const d = () => this.double();
    switch (this.int(7)) {
      case 0: {
        const levels = () => Array.from({ length: this.count() }, () => ({ price: d(), amount: d() }));
        const value = this.defined({
          instrumentName: this.string(),
          bids: levels(),
          asks: levels(),
          changeId: this.opt(() => this.uint64()),
          prevChangeId: this.opt(() => this.uint64()),
          seq: this.opt(() => this.uint64()),
          prevSeq: this.opt(() => this.uint64()),
          firstSeq: this.opt(() => this.uint64()),
          depth: this.opt(() => this.uint32()),
        });
        return { case: 'bookSnapshot', value };
      }
      case 1: {
        const levels = () =>
          Array.from({ length: this.count() }, () => ({ action: this.enumValue(), price: d(), amount: d() }));
        const value = this.defined({
          instrumentName: this.string(),
          bids: levels(),
          asks: levels(),
          changeId: this.opt(() => this.uint64()),
          prevChangeId: this.opt(() => this.uint64()),
          seq: this.opt(() => this.uint64()),
          prevSeq: this.opt(() => this.uint64()),
          firstSeq: this.opt(() => this.uint64()),
        });
        return { case: 'bookDelta', value };
      }
      case 2: {
        const od = () => this.opt(d);
        const value = this.defined({
          instrumentName: this.string(),
          priceUnit: this.enumValue(),
          bestBidPrice: od(),
          bestBidAmount: od(),
          bestAskPrice: od(),
          bestAskAmount: od(),
          markPrice: od(),
          lastPrice: od(),
          bidIv: od(),
          askIv: od(),
          markIv: od(),
          underlyingPrice: od(),
          underlyingIndex: this.string(),
          indexPrice: od(),
          greeks: this.opt(() =>
            this.defined({ delta: od(), gamma: od(), vega: od(), theta: od(), rho: od() }),
          ),
          openInterest: od(),
          state: this.enumValue(),
          interestRate: od(),
          settlementPrice: od(),
          estimatedDeliveryPrice: od(),
        });
        return { case: 'ticker', value };
      }
      case 3:
        return {
          case: 'indexPrice',
          value: { indexName: this.string(), currency: this.string(), price: d() },
        };
      case 4: {
        const value = this.defined({
          instrumentName: this.string(),
          tradeId: this.string(),
          side: this.enumValue(),
          price: d(),
          amount: d(),
          priceUnit: this.enumValue(),
          iv: this.opt(d),
          indexPrice: this.opt(d),
          markPrice: this.opt(d),
          tradeSeq: this.opt(() => this.uint64()),
        });
        return { case: 'trade', value };
      }
      case 5:
        return {
          case: 'instrumentState',
          value: { instrumentName: this.string(), state: this.enumValue(), venueState: this.string() },
        };
      default:
        return this.chance()
          ? { case: undefined }
          : { case: 'instrument', value: { instrumentName: this.string() } };
    }
  }

  event(): MarketDataEvent {
    this.hasNaN = false;
    const header = this.opt(() => ({
      exchangeTimeMs: this.int64(),
      receiveTimeNs: this.int64(),
      venue: this.string(),
      sourceSequence: this.uint64(),
      producerId: this.string(),
      eventId: this.string(),
      schemaVersion: this.uint32(),
      publishTimeNs: this.int64(),
      runId: this.string(),
    }));
    const init = this.defined({ header, payload: this.payload() });
    return create(MarketDataEventSchema, init as never);
  }
}

// One OKX book as the simulator publishes it on `books`: sizes in contracts (coin ÷ contract
// size), `seqId` advancing by 1..3 per message, `prevSeqId` = the previous message's seqId
// (-1 on a snapshot), empty keep-alive updates with prevSeqId == seqId, and two faults: a gap
// (prevSeqId skips ahead) and a reset after maintenance (seqId restarts lower than prevSeqId).
// Docs: https://www.okx.com/docs-v5/en/#order-book-trading-market-data-ws-order-book-channel
import type { BookDiff } from '../deribit/book.ts';
import type { Prng } from '../prng.ts';

export type OkxLevel = [string, string, string, string];

export interface OkxBookData {
  asks: OkxLevel[];
  bids: OkxLevel[];
  ts: string;
  checksum: 0;
  prevSeqId: number;
  seqId: number;
}

function fmt(x: number): string {
  return String(Math.round(x * 1e8) / 1e8);
}

export class OkxBook {
  /** price → contracts, as last published. */
  readonly bids = new Map<number, number>();
  readonly asks = new Map<number, number>();
  seqId: number;
  lastSentAt = 0;
  pendingGap = false;
  pendingReset = false;

  constructor(
    readonly contractSize: number,
    readonly prng: Prng,
  ) {
    this.seqId = 1000 + Math.floor(prng.next() * 1_000_000);
  }

  contracts(coin: number): number {
    return Math.max(1, Math.round(coin / this.contractSize));
  }

  /** Loads the full book (coin amounts) and returns the snapshot message. */
  snapshot(diff: BookDiff, now: number): OkxBookData {
    this.bids.clear();
    this.asks.clear();
    for (const [, p, a] of diff.bids) this.bids.set(p, this.contracts(a));
    for (const [, p, a] of diff.asks) this.asks.set(p, this.contracts(a));
    this.lastSentAt = now;
    return {
      asks: [...this.asks].sort((x, y) => x[0] - y[0]).map(([p, c]) => [fmt(p), String(c), '0', '1']),
      bids: [...this.bids].sort((x, y) => y[0] - x[0]).map(([p, c]) => [fmt(p), String(c), '0', '1']),
      ts: String(now),
      checksum: 0,
      prevSeqId: -1,
      seqId: this.seqId,
    };
  }

  /** An update from the market's diff (sizes in coin; delete → "0"). */
  update(diff: BookDiff, now: number): OkxBookData {
    const side = (entries: BookDiff['bids'], book: Map<number, number>): OkxLevel[] =>
      entries.map(([action, p, a]) => {
        if (action === 'delete') {
          book.delete(p);
          return [fmt(p), '0', '0', '0'];
        }
        const c = this.contracts(a);
        book.set(p, c);
        return [fmt(p), String(c), '0', '1'];
      });
    const bids = side(diff.bids, this.bids);
    const asks = side(diff.asks, this.asks);
    return this.#next(bids, asks, now);
  }

  /** Empty update with prevSeqId == seqId (sent after a quiet spell). */
  keepAlive(now: number): OkxBookData {
    this.lastSentAt = now;
    return { asks: [], bids: [], ts: String(now), checksum: 0, prevSeqId: this.seqId, seqId: this.seqId };
  }

  #next(bids: OkxLevel[], asks: OkxLevel[], now: number): OkxBookData {
    let prev = this.seqId;
    if (this.pendingReset) {
      this.pendingReset = false;
      this.seqId = 1 + Math.floor(this.prng.next() * 10);
    } else {
      if (this.pendingGap) {
        this.pendingGap = false;
        prev = this.seqId + 1 + Math.floor(this.prng.next() * 5);
        this.seqId = prev;
      }
      this.seqId += 1 + Math.floor(this.prng.next() * 3);
    }
    this.lastSentAt = now;
    return { asks, bids, ts: String(now), checksum: 0, prevSeqId: prev, seqId: this.seqId };
  }

  /** Best levels first, in coin (contracts × contract size), as a client should rebuild them. */
  view(): { seqId: number; bids: [number, number][]; asks: [number, number][] } {
    const coin = (c: number) => Math.round(c * this.contractSize * 1e10) / 1e10;
    return {
      seqId: this.seqId,
      bids: [...this.bids].sort((x, y) => y[0] - x[0]).map(([p, c]) => [Number(fmt(p)), coin(c)]),
      asks: [...this.asks].sort((x, y) => x[0] - y[0]).map(([p, c]) => [Number(fmt(p)), coin(c)]),
    };
  }
}
